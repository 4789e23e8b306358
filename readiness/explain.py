"""Discoverability: ``readiness rules`` (the catalog as a table or JSON) and ``readiness explain``.

Everything shown comes from the rules themselves (YAML packs) and from the docstrings of the
function vocabulary and the scoring module, so the documentation cannot drift from the code.
"""

from __future__ import annotations

import difflib
import json
import re
import textwrap
from collections.abc import Iterable, Mapping

from .errors import InputError
from .frameworks import MTS_BANDS, MTS_EXPLANATION, reference_title
from .functions import REGISTRY, Function
from .report import SEVERITIES, category_title
from .reporters.jsontext import json_text
from .rules import DECLARATION, EVIDENCE, KINDS, RISKS, Clause, Rule
from .scoring import DEFAULT_WEIGHTS, EXPLANATION

REFERENCE_SOURCES = {"mts": "ML Test Score", "owasp": "OWASP LLM Top 10", "nist": "NIST AI RMF", "eu": "EU AI Act", "sre": "Google SRE"}
_OPTION = re.compile(r"``(\w+)``( [a-z]+)?( \(default [^)]*\))?")  # ``days`` days (default 1)


def _check_choices(values: list[str], allowed: Iterable[str], option: str) -> None:
    allowed = list(allowed)
    for value in values:
        if value not in allowed:
            close = difflib.get_close_matches(value, allowed, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise InputError(f"{option}: unknown value {value!r}; {hint}expected one of {', '.join(allowed)}")


def filter_rules(rules: list[Rule], categories: list[str], severities: list[str], kinds: list[str]) -> list[Rule]:
    """The rules in any of ``categories``, of any of ``severities``, applying to any of ``kinds`` (empty: no filter)."""
    _check_choices(categories, dict.fromkeys(rule.category for rule in rules), "--category")
    _check_choices(severities, SEVERITIES, "--severity")
    _check_choices(kinds, KINDS, "--kind")
    return [
        rule
        for rule in rules
        if (not categories or rule.category in categories)
        and (not severities or rule.severity in severities)
        and (not kinds or any(kind in applies_to_kinds(rule) for kind in kinds))
    ]


def applies_to_kinds(rule: Rule) -> list[str]:
    return list(rule.kinds or KINDS)


def rule_record(rule: Rule) -> dict:
    """One rule as ``readiness rules --format json`` lists it."""
    return {
        "id": rule.id,
        "title": rule.title,
        "category": rule.category,
        "severity": rule.severity,
        "severity_by_risk": dict(rule.severity_by_risk),
        "kinds": applies_to_kinds(rule),
        "risk": list(rule.risks or RISKS),
        "references": list(rule.references),
        "verifies": rule.verifies,
        "remediation": rule.remediation,
        "remediation_by_kind": dict(rule.remediation_by_kind),
        "why": rule.why,
    }


def rules_json(rules: list[Rule]) -> str:
    return json_text([rule_record(rule) for rule in rules])


def rules_table(rules: list[Rule], color: bool, width: int | None) -> str:
    """The catalog as a table; without a terminal, wide enough never to wrap a title."""
    import io

    from rich import box
    from rich.console import Console
    from rich.table import Table

    plain = box.Box("    \n    \n -- \n    \n    \n    \n    \n    \n", ascii=True)
    table = Table(box=box.SIMPLE_HEAD if color else plain, show_edge=False, pad_edge=False, header_style="bold" if color else "")
    for name in ("ID", "Category", "Severity", "Applies to", "Verifies", "Title"):
        table.add_column(name, no_wrap=name != "Title")
    for rule in rules:
        kinds = ",".join(rule.kinds) or "all"
        risks = f" (risk {','.join(rule.risks)})" if rule.risks else ""
        severity = rule.severity + "".join(f", {risk} risk: {level}" for risk, level in rule.severity_by_risk.items())
        table.add_row(rule.id, rule.category, severity, kinds + risks, rule.verifies, rule.title)
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=color, no_color=not color, width=width or 240, highlight=False, emoji=False)
    console.print(table)
    categories = len({rule.category for rule in rules})
    console.print(f"{len(rules)} rule(s) in {categories} categor{'y' if categories == 1 else 'ies'}; `readiness explain ID` shows one in full")
    console.print(f"Verifies: {TRUST_LEGEND}")
    return "\n".join(line.rstrip() for line in buffer.getvalue().splitlines()) + "\n"


TRUST_LEGEND = "evidence = reads the files the manifest cites; declaration = takes the manifest's word; partly = some of each"
TRUST_TEXT = {
    EVIDENCE: "evidence: every check reads a file the manifest cites",
    DECLARATION: "a declaration: the rule takes the manifest's word; no cited file is read",
}


def trust_text(rule: Rule) -> str:
    if rule.verifies in TRUST_TEXT:
        return TRUST_TEXT[rule.verifies]
    declared = sum(1 for clause in rule.then if not clause.function.reads_evidence)
    return f"partly evidence: {declared} of {len(rule.then)} checks take the manifest's word (marked [declared] below)"


def unknown_rule(rule_id: str, rules: list[Rule]) -> InputError:
    close = difflib.get_close_matches(rule_id.upper(), [rule.id for rule in rules], n=3, cutoff=0.5)
    hint = f"; did you mean {' or '.join(close)}?" if close else "; `readiness rules` lists them"
    return InputError(f"no rule {rule_id!r}{hint}")


def reference_line(reference: str) -> str:
    """``owasp:LLM06 — Excessive Agency (OWASP LLM Top 10)``; a reference without a known title as is."""
    title = reference_title(reference)
    source = REFERENCE_SOURCES.get(reference.partition(":")[0].lower())
    if title:
        return f"{reference} — {title}" + (f" ({source})" if source else "")
    return f"{reference}" + (f" ({source})" if source else "")


def _describe_value(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return repr(value) if isinstance(value, str) else json.dumps(value)


def clause_in_words(clause: Clause, base: str) -> str:
    """A clause as a sentence: the function's docstring about the clause's path, its options filled in."""
    path = clause.target.text if clause.target else ""
    subject = ".".join(part for part in (base, path) if part and part != "$") or "the manifest"
    words, count = re.subn(r"^The value\b", subject, " ".join(clause.function.doc.split("\n\n")[0].split()))
    if not count:
        words = f"{subject}: {words}"
    unused = dict(clause.options)

    def fill(match: re.Match) -> str:
        name, unit, default = match.group(1), match.group(2) or "", match.group(3) or ""
        if name in clause.options:
            unused.pop(name)
            return _describe_value(clause.options[name]) + _unit(clause.options[name], unit)
        default = default[len(" (default ") : -1]
        return default + _unit(default, unit) if default else f"`{name}`{unit}"

    words = _OPTION.sub(fill, words).replace("``", "`")
    extra = f" [{', '.join(f'{key}: {_describe_value(value)}' for key, value in unused.items())}]" if unused else ""
    return words + extra + (" (only when set)" if clause.optional else "")


def _unit(value: object, unit: str) -> str:
    """`` bytes`` after most numbers, `` byte`` after 1."""
    return unit[:-1] if unit.endswith("s") and str(value) == "1" else unit


def _relative(source: str) -> str:
    """``checks/release.yaml:29`` rather than an absolute path when the pack is under the working folder."""
    from pathlib import Path

    try:
        return Path(source).relative_to(Path.cwd()).as_posix()
    except ValueError:
        return source


def _section(title: str, body: str) -> str:
    return f"{title}\n{textwrap.indent(body.rstrip(), '  ')}\n"


def _examples(rule: Rule, key: str) -> str:
    import yaml

    raw = rule.raw.get("examples", {}).get(key, [])
    return "\n".join("---\n" + yaml.safe_dump(item, sort_keys=False, allow_unicode=True, width=96, default_flow_style=False).rstrip() for item in raw)


def explain_rule(rule: Rule) -> str:
    """Everything about one rule, in reading order."""
    severity = rule.severity + "".join(f"; {level} at risk tier {risk}" for risk, level in rule.severity_by_risk.items())
    applies = f"kinds: {', '.join(rule.kinds) if rule.kinds else 'all (ml, llm, rag, agent)'} · risk tiers: {', '.join(rule.risks) if rule.risks else 'all'}"
    facts = "\n".join(
        f"{name:<11} {value}"
        for name, value in (
            ("category", f"{category_title(rule.category)} ({rule.category})"),
            ("severity", severity),
            ("applies to", applies),
            ("verifies", trust_text(rule)),
            ("defined in", _relative(rule.source)),
        )
    )
    given = rule.given.text
    missing = "fails" if rule.if_missing == "fail" else "does not apply"
    checks = f"On {given if given != '$' else 'the whole manifest'} (when it is missing, the rule {missing}):\n"
    checks += "\n".join(f"  • {clause_in_words(clause, given)} {'[reads evidence]' if clause.function.reads_evidence else '[declared]'}" for clause in rule.then)
    if rule.when:
        checks += "\nApplies only when:\n" + "\n".join(f"  • {clause_in_words(clause, '')}" for clause in rule.when)
    if rule.partial_credit:
        checks += "\nPartial credit: the share of checks that pass."
    parts = [
        f"{rule.id}  {rule.title}\n",
        facts + "\n",
        _section("What it checks", checks),
        _section("Message when it fails", rule.message or "(the failing check's own reason)"),
        _section("Why it matters", textwrap.fill(rule.why, 96)),
        _section("How to fix it", rule.remediation),
        *(_section(f"How to fix it in {kind} systems", text) for kind, text in rule.remediation_by_kind.items()),
    ]
    if rule.references:
        parts.append(_section("References", "\n".join(reference_line(reference) for reference in rule.references)))
    parts.append(_section("Examples that pass", _examples(rule, "pass")))
    parts.append(_section("Examples that fail", _examples(rule, "fail")))
    return "\n".join(parts)


def explain_scoring(weights: dict[str, float] | None = None) -> str:
    weights = weights or DEFAULT_WEIGHTS
    text = textwrap.dedent(EXPLANATION).strip()
    listed = " · ".join(f"{severity} {weights[severity]:g}" for severity in SEVERITIES)
    bands = "\n".join(f"  {label:<7} {text}" for _, label, text in MTS_BANDS)
    return (
        f"Readiness score\n\n{text}\n\nWeights in effect: {listed}\n\n"
        f"ML Test Score (readiness audit --framework ml-test-score)\n\n{MTS_EXPLANATION}\n\nInterpretation (Table V of the paper):\n{bands}\n"
    )


def _type_text(schema: dict) -> str:
    if "enum" in schema:
        return " | ".join(map(repr, schema["enum"]))
    kind = schema.get("type", "any")
    return "/".join(kind) if isinstance(kind, list) else kind


def _option_text(function: Function) -> str:
    if not function.options:
        return "no options"
    parts = []
    for name, schema in function.options.items():
        kind = _type_text(schema)
        if kind == "array" and isinstance(schema.get("items"), dict):
            kind = f"list of {_type_text(schema['items'])}"
        parts.append(f"{name} ({kind}{', required' if name in function.required else ''})")
    return "options: " + "; ".join(parts)


def explain_functions(functions: Mapping[str, Function] = REGISTRY) -> str:
    """The vocabulary a rule's ``then`` and ``when`` clauses use (the run's ``functions``: the built-ins
    and its plugins'), with each function's docstring."""
    blocks = []
    for name in sorted(functions):
        function = functions[name]
        doc = textwrap.fill(" ".join(function.doc.split()), 92, initial_indent="    ", subsequent_indent="    ")
        reads = "; reads the cited file" if function.reads_evidence else ""
        blocks.append(f"{name}  —  {_option_text(function)}{reads}\n{doc}")
    return "\n\n".join(blocks) + "\n"
