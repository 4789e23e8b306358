"""``--format junit``: JUnit XML for GitLab test reports, Jenkins and GitHub test-report actions.

One ``<testsuite>`` per manifest and one ``<testcase>`` per rule (name = "RULEID title"): a pass is an empty testcase, a failure a ``<failure>`` (type = the
severity), a rule whose check raised an ``<error>``, and a rule that does not apply or is
waived a ``<skipped>`` with the reason. Notes and what the configuration changed go to the
suite's ``<system-out>``; the score and verdict without waivers are suite properties. Valid
against Jenkins' ``junit-10.xsd`` (no ``file``/``line`` on testcases, which it forbids).

The classname is ``SERVICE.CATEGORY`` (``support-assistant.Monitoring & observability``):
Jenkins splits a classname at its last dot into package and class, so it lists the service as
the package and the rule's category as the class, and GitLab shows the same words as they
are. Dots inside the service name or the category become ``_`` so the split falls where it
should; a manifest without a service name uses its path. The suite name and ``file`` keep the
manifest path.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from ..report import ERROR, FAIL, SKIPPED, WAIVED, ManifestReport, Report, Result
from . import RenderOptions
from .common import change_line, summary_line, turned_off_by

# Characters XML 1.0 cannot carry at all, even escaped.
_ILLEGAL = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean(text: str) -> str:
    return _ILLEGAL.sub("\ufffd", text)


def _element(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {key: clean(value) for key, value in attributes.items()})
    if text is not None:
        element.text = clean(text)
    return element


def _counts(results: list[Result]) -> dict[str, str]:
    count = {status: sum(1 for r in results if r.status == status) for status in (FAIL, ERROR, SKIPPED, WAIVED)}
    return {"tests": str(len(results)), "failures": str(count[FAIL]), "errors": str(count[ERROR]), "skipped": str(count[SKIPPED] + count[WAIVED])}


def classname(manifest: ManifestReport, category: str) -> str:
    """``service.Category``: Jenkins' package and class (see the module's docstring)."""
    return f"{(manifest.service or manifest.file).replace('.', '_')}.{category.replace('.', '_')}"


def _turned_off(manifest: ManifestReport) -> dict[str, str]:
    """For each rule a declaration turned off, the words that say which and why."""
    return {rule: f"turned off by {item.declaration}: {item.value} ({item.reason})" for item in turned_off_by(manifest) for rule in item.rules}


def _testcase(suite: ET.Element, report: Report, manifest: ManifestReport, result: Result, turned_off: dict[str, str]) -> None:
    rule = report.rules[result.rule]
    case = _element(suite, "testcase", classname=classname(manifest, rule.category_title), name=f"{result.rule} {rule.title}", time="0")
    text = summary_line(result, rule.title)
    if result.status in (FAIL, ERROR):
        where = f"{result.location.file}:{result.location.line}:{result.location.column} ({result.location.pointer or '/'})\n" if result.location else ""
        body = f"{where}{text}\n\nFix: {report.remediation(result)}\n"
        _element(case, "failure" if result.status == FAIL else "error", body, type=result.severity, message=text)
    elif result.status == WAIVED:
        waiver = result.waiver
        reason = f"waived until {waiver.expires} by {waiver.owner}: {waiver.reason}" if waiver else "waived"
        _element(case, "skipped", message=reason)
    elif result.status == SKIPPED:
        declared = f"; {turned_off[result.rule]}" if result.rule in turned_off else ""
        _element(case, "skipped", message=f"not applicable: {text}{declared}")


def _suite(root: ET.Element, report: Report, manifest: ManifestReport) -> None:
    suite = _element(root, "testsuite", name=manifest.file, **_counts(manifest.results), time="0", file=manifest.file)
    properties = _element(suite, "properties")
    facts = {
        "readiness.version": report.tool_version,
        "readiness.as_of": report.as_of,
        "readiness.service": manifest.service or "",
        "readiness.verdict": manifest.verdict,
        "readiness.score": "n/a" if manifest.score is None else f"{manifest.score:g}",
        "readiness.gate": "passed" if report.gate.passed else "failed",
        "readiness.score_without_waivers": "n/a" if manifest.score_without_waivers is None else f"{manifest.score_without_waivers:g}",
        "readiness.verdict_without_waivers": manifest.verdict_without_waivers or "",
    }
    for name, value in facts.items():
        _element(properties, "property", name=name, value=value)
    turned_off = _turned_off(manifest)
    for result in manifest.results:
        _testcase(suite, report, manifest, result, turned_off)
    lines = [f"configuration: {change_line(change)}" for change in report.configuration.changes]
    lines += [note.message + (f" (at {note.location.file}:{note.location.line}:{note.location.column})" if note.location else "") for note in manifest.notes]
    if lines:
        _element(suite, "system-out", "\n".join(lines) + "\n")


class JunitReporter:
    def render(self, report: Report, options: RenderOptions) -> str:
        every = [result for manifest in report.manifests for result in manifest.results]
        totals = _counts(every)
        root = ET.Element("testsuites", {"name": "readiness", "tests": totals["tests"], "failures": totals["failures"], "errors": totals["errors"], "time": "0"})
        for manifest in report.manifests:
            _suite(root, report, manifest)
        ET.indent(root)
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


REPORTER = JunitReporter()
