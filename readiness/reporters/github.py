"""``--format github``: GitHub Actions workflow commands, and the job summary beside them.

``render`` prints one annotation per finding — ``::error file=…,line=…,col=…,title=…::message``
with the level by severity (critical/high → error, medium → warning, low → notice), the
most severe first, because GitHub keeps only the first ten annotations of each level per
step (the rest still show in the log). Notes about waivers are warnings; waived findings
are notices, and a manifest with waivers gets a notice with its score and verdict without
them. What the configuration changed comes first: a warning for a change that loosens the
audit, a notice for any other. Data is escaped as the Actions toolkit does (``%``, CR, LF), property values
also ``:`` and ``,``, so no message or path can inject a command or a property.

The job summary is an output side effect, not part of rendering: the CLI calls
:func:`write_step_summary`, which appends the markdown report to ``$GITHUB_STEP_SUMMARY``
when that variable is set.
"""

from __future__ import annotations

import os
from typing import Mapping

from ..errors import InputError
from ..report import ERROR, FAIL, SEVERITIES, WAIVED, Location, Report
from . import RenderOptions
from .common import LEVEL, change_line, findings, summary_line, where, without_waivers

COMMAND = {"error": "error", "warning": "warning", "note": "notice"}
SUMMARY_LIMIT = 900 * 1024  # GitHub rejects a step summary over 1 MiB


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, location: Location | None, title: str) -> str:
    properties = {"title": title}
    if location is not None:
        properties = {"file": location.file, "line": str(location.line), "col": str(location.column), "title": title}
    return f"::{name} " + ",".join(f"{key}={escape_property(value)}" for key, value in properties.items()) + f"::{escape_data(message)}"


class GithubReporter:
    def render(self, report: Report, options: RenderOptions) -> str:
        lines = [command("warning" if change.loosens else "notice", change_line(change), None, "readiness configuration") for change in report.configuration.changes]
        failed = sorted(findings(report, (FAIL, ERROR)), key=lambda pair: SEVERITIES.index(pair[1].severity))
        for manifest, result in failed:
            rule = report.rules[result.rule]
            prefix = "The check could not run: " if result.status == ERROR else ""
            message = f"{prefix}{summary_line(result, rule.title)}\n\nFix: {report.remediation(result)}"
            lines.append(command(COMMAND[LEVEL[result.severity]], message, where(manifest, result), f"{result.rule} {rule.title}"))
        for manifest in report.manifests:
            for note in manifest.notes:
                lines.append(command("warning", note.message, note.location, "readiness waiver" if note.kind.startswith("waiver") else "readiness"))
        for manifest, result in findings(report, (WAIVED,)):
            waiver = result.waiver
            detail = f"waived until {waiver.expires} by {waiver.owner}: {waiver.reason}" if waiver else "waived"
            lines.append(command("notice", f"{summary_line(result, report.rules[result.rule].title)}\n{detail}", where(manifest, result), f"{result.rule} waived"))
        for manifest in report.manifests:
            unwaived = without_waivers(manifest)
            if unwaived:
                score = "n/a" if manifest.score is None else f"{manifest.score:g}/100"
                lines.append(command("notice", f"{manifest.file}: score {score} with its waivers; {unwaived}", None, "readiness waivers"))
        return "".join(line + "\n" for line in lines)


REPORTER = GithubReporter()


def step_summary(report: Report, limit: int = SUMMARY_LIMIT) -> str:
    """The markdown report, cut at a line boundary below ``limit`` bytes if it is longer."""
    from .markdown import REPORTER as MARKDOWN

    text = MARKDOWN.render(report, RenderOptions())
    if len(text.encode("utf-8")) <= limit:
        return text
    cut = text.encode("utf-8")[:limit].decode("utf-8", "ignore").rsplit("\n", 1)[0]
    return cut + "\n\n*The report was cut here to fit GitHub's 1 MiB step summary limit; the full report is in the job log.*\n"


def write_step_summary(report: Report, environ: Mapping[str, str] = os.environ) -> None:
    """Append the markdown report to ``$GITHUB_STEP_SUMMARY``; nothing when it is not set."""
    target = environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return
    try:
        with open(target, "a", encoding="utf-8", newline="\n") as stream:
            stream.write(step_summary(report))
    except OSError as error:
        raise InputError(f"cannot write the job summary: {error.strerror or error}", target) from None
