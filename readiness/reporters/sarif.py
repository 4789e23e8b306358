"""``--format sarif``: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

One run per invocation, every rule of the audit in ``tool.driver.rules``, and one result per finding:

- ``fail`` → a result, level by its effective severity (critical/high → error, medium →
  warning, low → note: the severity after risk escalation and config overrides);
- ``waived`` → the same result with an external ``suppression`` (status ``accepted``) whose
  justification is the waiver's reason (owner and expiry in its properties): code scanning
  records such a result as a closed alert, not an open one, so a waiver never shows as an open
  alert, and the alert reopens on the first run after the waiver lapses;
- ``error`` (the check raised) → a result like a failure, since the gate counts it as one,
  with ``properties.status`` "error", and a ``toolExecutionNotification`` saying the rule
  could not be evaluated;
- ``pass`` and ``skipped`` → no result (the rules are still listed, so code scanning closes
  the alert of a rule that passes now);
- notes (expired, stale or unknown waivers) and what the configuration changed →
  ``toolConfigurationNotifications`` (a change that loosens the audit is a warning);
- the score and verdict without waivers → each manifest's entry in the run's ``properties``,
  beside the score with them; the configuration's changes → ``properties.configuration``.

``automationDetails.id`` is ``CATEGORY/`` (:attr:`Report.category`: ``--category``, by default
``readiness`` or ``readiness-`` and the audited paths), so two jobs that audit different
folders keep separate alerts instead of closing each other's. A security rule's
``security-severity`` follows the most severe effective severity it has in this run (GitHub
reads it from the rule only). Each rule has a ``helpUri`` to its section of the catalog.

With ``--baseline``, each finding carries ``baselineState`` "new" or "unchanged"; fixed
findings are not results (SARIF's "absent" would reopen them as alerts in some viewers).

Locations are relative to the repository root (``%SRCROOT%``) wherever readiness ran:
the folder it ran in, relative to the root, is :attr:`Report.repository_prefix`. A path is never
absolute and never has a drive letter; it is percent-encoded, with the line and column of the
YAML node; the report has no end position, so a region covers the node's first character.
``partialFingerprints`` hashes rule, manifest path and JSON pointer (not line numbers);
GitHub's ``primaryLocationLineHash`` is left to ``upload-sarif``, which computes it.
"""

from __future__ import annotations

import re
from typing import Any, Callable
from urllib.parse import quote

from ..report import ERROR, FAIL, SEVERITIES, WAIVED, Location, ManifestReport, Report, Result, RuleInfo
from . import RenderOptions
from .jsontext import Stream, write_json
from .common import FINGERPRINT_KEY, LEVEL, change_line, escape, findings, fingerprint, heading_anchor, one_line, remediation_markdown, repository_path, summary_line, turned_off_by, where

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://readiness.dev"  # the project home, as in the schemas' $id
CATALOG_URI = f"{INFORMATION_URI}/docs/catalog.md"  # docs/catalog.md: a section per category, a row per rule
SOURCE_ROOT = "%SRCROOT%"
# GitHub reads security-severity as a CVSS-like score: > 9 critical, 7–8.9 high, 4–6.9 medium, < 4 low.
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0"}
SECURITY_CATEGORIES = {"security"}
MAX_DESCRIPTION = 1024


def message(text: str) -> dict[str, str]:
    """A SARIF message: braces doubled (§3.11.5), on one line."""
    return {"text": one_line(text).replace("{", "{{").replace("}", "}}")}


def artifact_location(path: str) -> dict[str, str]:
    return {"uri": quote(path, safe="/"), "uriBaseId": SOURCE_ROOT}


def physical_location(report: Report, location: Location) -> dict[str, Any]:
    region = {"startLine": location.line, "startColumn": location.column, "endLine": location.line, "endColumn": location.column + 1}
    return {"physicalLocation": {"artifactLocation": artifact_location(repository_path(report, location.file)), "region": region}}


def _clip(text: str) -> str:
    return text if len(text) <= MAX_DESCRIPTION else text[: MAX_DESCRIPTION - 1] + "…"


def rule_descriptor(rule: RuleInfo, severity: str) -> dict[str, Any]:
    """The rule as code scanning lists it; ``severity`` is its most severe effective severity in this run."""
    references = ", ".join(rule.references)
    help_text = f"{rule.remediation}\n\nWhy: {rule.why}" + (f"\n\nReferences: {references}" if references else "")
    help_markdown = f"**Fix:** {remediation_markdown(rule.remediation)}\n\n**Why:** {escape(rule.why)}" + (f"\n\n**References:** {escape(references)}" if references else "")
    # The checks are deterministic reads of declared facts, hence "very-high" precision.
    properties: dict[str, Any] = {"tags": [rule.category], "precision": "very-high"}
    if rule.category in SECURITY_CATEGORIES:
        properties["security-severity"] = SECURITY_SEVERITY[severity]
    return {
        "id": rule.id,
        "name": "".join(word.capitalize() for word in re.findall(r"[0-9A-Za-z]+", rule.title)),  # a readable identifier
        "shortDescription": {"text": _clip(one_line(rule.title))},
        "fullDescription": {"text": _clip(one_line(f"{rule.title.rstrip('.')}. {rule.why}"))},
        "helpUri": f"{CATALOG_URI}#{heading_anchor(rule.category_title)}",
        "help": {"text": help_text, "markdown": help_markdown},
        "defaultConfiguration": {"level": LEVEL[rule.severity]},
        "properties": properties,
    }


def sarif_result(report: Report, manifest: ManifestReport, result: Result, rule_index: int) -> dict[str, Any]:
    title = report.rules[result.rule].title
    text = summary_line(result, title)
    properties: dict[str, Any] = {"severity": result.severity, "pointer": where(manifest, result).pointer}
    if result.status == ERROR:
        text = f"The check could not run: {text}"
        properties["status"] = ERROR
    item: dict[str, Any] = {
        "ruleId": result.rule,
        "ruleIndex": rule_index,
        "level": LEVEL[result.severity],
        "message": message(text),
        "locations": [physical_location(report, where(manifest, result))],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint(manifest, result)},
    }
    if result.baseline:
        item["baselineState"] = result.baseline
    if result.status == WAIVED and result.waiver:
        waiver = result.waiver
        item["suppressions"] = [{"kind": "external", "status": "accepted", "justification": waiver.reason, "properties": {"owner": waiver.owner, "expires": waiver.expires}}]
    item["properties"] = properties
    return item


def _invocation(report: Report, rule_index: dict[str, int]) -> dict[str, Any]:
    invocation: dict[str, Any] = {"executionSuccessful": True}
    errors = [
        {"level": "error", "message": message(f"{result.rule} could not be evaluated: {result.message}"), "locations": [physical_location(report, where(manifest, result))], "associatedRule": {"id": result.rule, "index": rule_index[result.rule]}}
        for manifest, result in findings(report, (ERROR,))
    ]
    notes = [
        {"level": "warning", "message": message(note.message)} | ({"locations": [physical_location(report, note.location)]} if note.location else {})
        for manifest in report.manifests
        for note in manifest.notes
    ]
    notes += [{"level": "warning" if change.loosens else "note", "message": message(change_line(change)), "descriptor": {"id": f"readiness/config/{change.kind}"}} for change in report.configuration.changes]
    if errors:
        invocation["toolExecutionNotifications"] = errors
    if notes:
        invocation["toolConfigurationNotifications"] = notes
    return invocation


def _turned_off(report: Report, manifest: ManifestReport) -> list[dict[str, Any]]:
    """The declarations that turned rules off (run properties: SARIF has no place for rules that did not apply)."""
    return [
        {"declaration": item.declaration, "value": item.value, "rationale": item.rationale, "rules": list(item.rules)}
        | ({"location": physical_location(report, item.location)} if item.location else {})
        for item in turned_off_by(manifest)
    ]


class SarifReporter:
    def render(self, report: Report, options: RenderOptions) -> str:
        chunks: list[str] = []
        self.write(report, options, chunks.append)
        return "".join(chunks)

    def write(self, report: Report, options: RenderOptions, write: Callable[[str], Any]) -> None:
        """The log, its results made one at a time as they are written."""
        rules = list(report.rules.values())
        rule_index = {rule.id: index for index, rule in enumerate(rules)}
        severity: dict[str, str] = {}  # each rule's most severe effective severity among its findings
        for _, result in findings(report, (FAIL, ERROR, WAIVED)):
            known = severity.get(result.rule)
            if known is None or SEVERITIES.index(result.severity) < SEVERITIES.index(known):
                severity[result.rule] = result.severity
        run = {
            "tool": {"driver": {
                "name": "readiness",
                "version": report.tool_version,
                "semanticVersion": report.tool_version,
                "informationUri": INFORMATION_URI,
                "rules": [rule_descriptor(rule, severity.get(rule.id, rule.severity)) for rule in rules],
            }},
            "automationDetails": {"id": f"{report.category}/"},
            "originalUriBaseIds": {SOURCE_ROOT: {"description": {"text": "The repository root; every path is relative to it."}}},
            "columnKind": "unicodeCodePoints",
            "invocations": [_invocation(report, rule_index)],
            "results": Stream(sarif_result(report, manifest, result, rule_index[result.rule]) for manifest, result in findings(report, (FAIL, ERROR, WAIVED))),
            "properties": {
                "asOf": report.as_of,
                "gate": {"passed": report.gate.passed, "failOn": report.gate.fail_on, "minScore": report.gate.min_score, "reasons": report.gate.reasons, "loosenedBy": report.gate.loosened_by},
                "manifests": [
                    {"file": m.file, "verdict": m.verdict, "score": m.score, "verdictWithoutWaivers": m.verdict_without_waivers, "scoreWithoutWaivers": m.score_without_waivers, "turnedOff": _turned_off(report, m)}
                    for m in report.manifests
                ],
                "configuration": {"config": report.configuration.config, "policy": report.configuration.policy, "changes": [change_line(change) for change in report.configuration.changes]},
            },
        }
        write_json({"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}, write)


REPORTER = SarifReporter()
