#!/usr/bin/env python3
"""Write, or check, the framework mapping tables of docs/catalog.md from the built-in checklist.

Usage::

    python scripts/catalog_mapping.py           # rewrite the tables between the markers
    python scripts/catalog_mapping.py --check   # exit 1 when docs/catalog.md is out of date

Each ML Test Score test and OWASP LLM Top 10 item is mapped to the rules whose references name it
(``mts:data-7``, ``owasp:LLM03``), each with what it verifies: ``evidence`` (it reads the files the
manifest cites), ``partly`` or ``declaration`` (it takes the manifest's word). An item whose rules all
take the manifest's word is marked *only declared*, one with a rule that reads a cited file *reads
evidence*, and an item no rule names *not checked*.
tests/test_catalog.py fails when the tables and the checklist disagree.
"""

from __future__ import annotations

import sys
from pathlib import Path

from readiness.frameworks import MTS_TESTS, OWASP_LLM_ITEMS
from readiness.rules import DECLARATION, Catalog, Rule

CATALOG_DOC = Path(__file__).resolve().parent.parent / "docs" / "catalog.md"
START, END = "<!-- framework-mapping:start (scripts/catalog_mapping.py) -->", "<!-- framework-mapping:end -->"


def _table(title: str, items: dict[str, str], prefix: str, rules: list[Rule]) -> list[str]:
    lines = [f"| {title} | | checked by | trust |", "|---|---|---|---|"]
    for item, name in items.items():
        citing = [rule for rule in rules if f"{prefix}:{item}" in rule.references]
        listed = ", ".join(f"{rule.id} ({rule.verifies})" for rule in citing) or "—"
        trust = "not checked" if not citing else "**only declared**" if all(rule.verifies == DECLARATION for rule in citing) else "reads evidence"
        lines.append(f"| {item} | {name} | {listed} | {trust} |")
    return lines


def mapping(rules: list[Rule]) -> str:
    """The markdown between the markers: one table for the ML Test Score, one for the OWASP LLM Top 10."""
    ordered = sorted(rules, key=lambda rule: rule.id)
    lines = _table("ML Test Score test", MTS_TESTS, "mts", ordered) + [""] + _table("OWASP LLM Top 10 (2025)", OWASP_LLM_ITEMS, "owasp", ordered)
    return "\n".join([START, "", *lines, "", END])


def updated(text: str, rules: list[Rule]) -> str:
    start, end = text.index(START), text.index(END) + len(END)
    return text[:start] + mapping(rules) + text[end:]


def main(argv: list[str]) -> int:
    text = CATALOG_DOC.read_text(encoding="utf-8")
    fresh = updated(text, Catalog.load().rules)
    if "--check" in argv:
        if fresh != text:
            print(f"{CATALOG_DOC}: the framework mapping is out of date; run python scripts/catalog_mapping.py", file=sys.stderr)
            return 1
        return 0
    CATALOG_DOC.write_text(fresh, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
