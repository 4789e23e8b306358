"""``--format gitlab``: a GitLab Code Quality report (``artifacts:reports:codequality``).

A JSON array with one issue per failed or errored rule per manifest: description, check_name
(the rule id), a fingerprint from rule, manifest path and JSON pointer (stable when lines
move), severity, and ``location.path`` + ``location.lines.begin``. Severity: critical →
blocker, high → critical, medium → major, low → minor — critical and high both block a
launch, and GitLab orders the widget by this. Waived findings are accepted risks and are
left out (the other formats show them); so are notes. ``type`` and ``categories`` keep the
file valid CodeClimate too.
"""

from __future__ import annotations


from ..report import ERROR, FAIL, Report
from . import RenderOptions
from .jsontext import json_text
from .common import findings, fingerprint, summary_line, where

SEVERITY = {"critical": "blocker", "high": "critical", "medium": "major", "low": "minor"}


class GitlabReporter:
    def render(self, report: Report, options: RenderOptions) -> str:
        issues = []
        for manifest, result in findings(report, (FAIL, ERROR)):
            rule = report.rules[result.rule]
            prefix = "the check could not run: " if result.status == ERROR else ""
            location = where(manifest, result)
            issues.append({
                "type": "issue",
                "check_name": result.rule,
                "description": f"{result.rule} {rule.title}: {prefix}{summary_line(result, rule.title)}",
                "categories": ["Security" if rule.category == "security" else "Bug Risk"],
                "severity": SEVERITY[result.severity],
                "fingerprint": fingerprint(manifest, result),
                "location": {"path": location.file, "lines": {"begin": location.line}},
            })
        return json_text(issues)


REPORTER = GitlabReporter()
