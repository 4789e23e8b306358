"""Helpers for the output-format tests: the frozen fixture audit and a JUnit XSD checker.

The fixture audit uses only ``tests/fixtures/outputs/rules.yaml`` (not the built-in
checklist), a fixed date and a fixed gate, so that every format renders byte for byte the
same until a reporter changes. ``READINESS_UPDATE_GOLDEN=1 pytest`` rewrites the golden files.
"""

from __future__ import annotations

import copy
import datetime as dt
import os
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

from readiness import audit
from readiness.engine import Settings
from readiness.report import Report
from readiness.rules import load_pack
from readiness.scoring import Thresholds

TESTS = Path(__file__).resolve().parent
OUTPUTS = TESTS / "fixtures" / "outputs"
FRAMEWORKS = TESTS / "fixtures" / "frameworks"  # a manifest with ml_test_score tests and a pack citing every framework
SCHEMAS = TESTS / "fixtures" / "schemas"
GOLDEN = TESTS / "golden"
UPDATE_GOLDEN = os.environ.get("READINESS_UPDATE_GOLDEN") == "1"
AS_OF = dt.date(2026, 11, 26)
XS = "{http://www.w3.org/2001/XMLSchema}"


def fixture_report(folder: Path = OUTPUTS, frameworks: list[str] | None = None) -> Report:
    """The audit of ``folder``/readiness.yaml with its own rule pack, paths relative to it
    (tests/fixtures/outputs unless told), with the ``--framework`` views named in ``frameworks``."""
    rules = load_pack(folder / "rules.yaml")
    here = Path.cwd()
    os.chdir(folder)
    try:
        return audit.run([Path("readiness.yaml")], rules, audit.AuditOptions(Settings(AS_OF), Thresholds("high", 80.0), frameworks=frameworks or []))
    finally:
        os.chdir(here)


def edited(report: Report) -> Report:
    return copy.deepcopy(report)


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE_GOLDEN:
        path.write_text(text, encoding="utf-8", newline="\n")
    assert path.exists(), f"no golden file {path}; run with READINESS_UPDATE_GOLDEN=1 to write it"
    expected = path.read_text(encoding="utf-8")
    assert text == expected, f"{name} differs from its golden file; if the change is intended, rerun with READINESS_UPDATE_GOLDEN=1 and review the diff"


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append((tag, dict(attrs)))


def fetches(html: str) -> list[str]:
    """What an HTML page would load or run: script, link, img, iframe and object tags, src and
    href attributes, CSS imports and urls. A self-contained page has none."""
    parser = Tags()
    parser.feed(html)
    found = [tag for tag, attrs in parser.tags if tag in ("script", "link", "img", "iframe", "object") or {"src", "href"} & set(attrs)]
    return found + [css for css in ("@import", "url(") if css in html]


class XsdChecker:
    """Checks an XML tree against what an XSD declares for it: elements, attributes (allowed,
    required, pattern-restricted types), children and text. Enough of XSD for junit-10.xsd;
    the standard library has no XSD validator."""

    def __init__(self, xsd: Path):
        root = ET.parse(xsd).getroot()
        self.patterns = {t.get("name"): t.find(f"{XS}restriction/{XS}pattern").get("value") for t in root.findall(f"{XS}simpleType")}
        named = {t.get("name"): t for t in root.findall(f"{XS}complexType")}
        self.elements: dict[str, dict] = {}
        for element in root.findall(f"{XS}element"):
            kind = element.find(f"{XS}complexType")
            if kind is None and element.get("type") in named:
                kind = named[element.get("type")]
            if kind is None:  # xs:string: text only
                self.elements[element.get("name")] = {"attributes": {}, "required": set(), "children": set(), "text": True}
                continue
            attributes = {a.get("name"): a.get("type") for a in kind.iter(f"{XS}attribute")}
            self.elements[element.get("name")] = {
                "attributes": attributes,
                "required": {a.get("name") for a in kind.iter(f"{XS}attribute") if a.get("use") == "required"},
                "children": {e.get("ref") or e.get("name") for e in kind.iter(f"{XS}element")},
                "text": kind.get("mixed") == "true",
            }

    def problems(self, element: ET.Element, where: str = "") -> list[str]:
        here = f"{where}/{element.tag}"
        declared = self.elements.get(element.tag)
        if declared is None:
            return [f"{here}: element not declared"]
        found = []
        for name, value in element.attrib.items():
            if name not in declared["attributes"]:
                found.append(f"{here}: attribute {name!r} not allowed")
            elif declared["attributes"][name] in self.patterns and not re.fullmatch(self.patterns[declared["attributes"][name]], value):
                found.append(f"{here}: {name}={value!r} does not match {declared['attributes'][name]}")
        found += [f"{here}: required attribute {name!r} missing" for name in declared["required"] - set(element.attrib)]
        if (element.text or "").strip() and not declared["text"]:
            found.append(f"{here}: text not allowed")
        for child in element:
            if child.tag not in declared["children"]:
                found.append(f"{here}: child {child.tag!r} not allowed")
            if (child.tail or "").strip() and not declared["text"]:
                found.append(f"{here}: text not allowed")
            found += self.problems(child, here)
        return found
