"""``--format gitlab``: a GitLab Code Quality report (``artifacts:reports:codequality``).

A JSON array with one issue per failed or errored rule per manifest: description, check_name
(the rule id), a fingerprint from rule, manifest path and JSON pointer (stable when lines
move), severity, and ``location.path`` + ``location.lines.begin``. Severity: critical →
blocker, high → critical, medium → major, low → minor — critical and high both block a
launch, and GitLab orders the widget by this. A waived finding is an accepted risk: an
``info`` issue whose description starts "waived until DATE by OWNER" (same fingerprint, so
it turns back into its severity when the waiver lapses). Notes are left out (the other
formats show them). Two kinds of issue are not findings:
each change of the configuration that loosens the audit (check_name ``readiness-configuration``,
severity major, at the config file or the policy), and for a manifest with waivers its score
and verdict without them (``readiness-waivers``, severity info). ``type`` and ``categories``
keep the file valid CodeClimate too. Paths are relative to the repository root, as GitLab
resolves them, wherever readiness ran (never absolute).
"""

from __future__ import annotations

import hashlib

from ..report import ERROR, FAIL, WAIVED, Report
from . import RenderOptions
from .jsontext import json_text
from .common import change_line, findings, fingerprint, repository_path, summary_line, where, without_waivers

SEVERITY = {"critical": "blocker", "high": "critical", "medium": "major", "low": "minor"}


class GitlabReporter:
    def render(self, report: Report, options: RenderOptions) -> str:
        issues = []
        for manifest, result in findings(report, (FAIL, ERROR, WAIVED)):
            rule = report.rules[result.rule]
            prefix = "the check could not run: " if result.status == ERROR else ""
            if result.status == WAIVED:
                waiver = result.waiver
                prefix = f"waived until {waiver.expires} by {waiver.owner} ({waiver.reason}): " if waiver else "waived: "
            location = where(manifest, result)
            issues.append({
                "type": "issue",
                "check_name": result.rule,
                "description": f"{result.rule} {rule.title}: {prefix}{summary_line(result, rule.title)}",
                "categories": ["Security" if rule.category == "security" else "Bug Risk"],
                "severity": "info" if result.status == WAIVED else SEVERITY[result.severity],
                "fingerprint": fingerprint(manifest, result),
                "location": {"path": repository_path(report, location.file), "lines": {"begin": location.line}},
            })
        for change in report.configuration.changes:
            if change.loosens:
                at = change.source if change.source in (report.configuration.config, report.configuration.policy) else (report.manifests[0].file if report.manifests else ".")
                issues.append(_issue("readiness-configuration", change_line(change), "major", repository_path(report, at)))
        for manifest in report.manifests:
            unwaived = without_waivers(manifest)
            if unwaived:
                score = "n/a" if manifest.score is None else f"{manifest.score:g}/100"
                issues.append(_issue("readiness-waivers", f"{manifest.file}: score {score} with its waivers; {unwaived}", "info", repository_path(report, manifest.file)))
        return json_text(issues)


def _issue(check: str, description: str, severity: str, path: str) -> dict:
    """An issue that is not a rule's finding: its fingerprint hashes what it says."""
    return {
        "type": "issue",
        "check_name": check,
        "description": description,
        "categories": ["Bug Risk"],
        "severity": severity,
        "fingerprint": hashlib.sha256(f"{check}\0{description}".encode("utf-8")).hexdigest()[:32],
        "location": {"path": path, "lines": {"begin": 1}},
    }


REPORTER = GitlabReporter()
