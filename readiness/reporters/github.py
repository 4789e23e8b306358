"""``--format github``: GitHub Actions workflow commands, and the job summary beside them.

GitHub shows at most ten annotations of each level (error, warning, notice) per step and
drops the rest without a word, so ``render`` chooses which ones reach the page: the findings
most severe first (critical/high → error, medium → warning, low → notice; the blockers of the
worst services first, in the order of the report's overview), then warnings for waiver notes
and for configuration changes that loosen the audit, then notices (waived findings, other
configuration changes, each manifest's score without its waivers). When more would be shown
than fit, the last notice says how many annotations of each level were left out and where
they are (the job summary and the log list every finding). Paths are relative to the
repository root, as GitHub resolves them, wherever the command ran. Data is escaped as the
Actions toolkit does (``%``, CR, LF), property values also ``:`` and ``,``, so no message or
path can inject a command or a property.

The job summary is an output side effect, not part of rendering: the CLI calls
:func:`write_step_summary`, which appends the markdown report to ``$GITHUB_STEP_SUMMARY``
when that variable is set.
"""

from __future__ import annotations

import os
from typing import Mapping

from ..errors import InputError
from ..report import ERROR, FAIL, SEVERITIES, WAIVED, Location, Report
from . import RenderOptions, get
from .common import LEVEL, change_line, findings, repository_location, summary_line, where, without_waivers

COMMAND = {"error": "error", "warning": "warning", "note": "notice"}
PER_LEVEL = 10  # annotations GitHub shows per level and step
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
        annotations: list[tuple[str, str]] = []  # (command name, line)
        rank = {row.file: index for index, row in enumerate(report.portfolio)}
        failed = sorted(findings(report, (FAIL, ERROR)), key=lambda pair: (SEVERITIES.index(pair[1].severity), rank.get(pair[0].file, len(rank))))
        for manifest, result in failed:
            rule = report.rules[result.rule]
            prefix = "The check could not run: " if result.status == ERROR else ""
            message = f"{prefix}{summary_line(result, rule.title)}\n\nFix: {report.remediation(result)}"
            name = COMMAND[LEVEL[result.severity]]
            annotations.append((name, command(name, message, repository_location(report, where(manifest, result)), f"{result.rule} {rule.title}")))
        for manifest in report.manifests:
            for note in manifest.notes:
                location = repository_location(report, note.location) if note.location else None
                annotations.append(("warning", command("warning", note.message, location, "readiness waiver" if note.kind.startswith("waiver") else "readiness")))
        for change in report.configuration.changes:
            name = "warning" if change.loosens else "notice"
            annotations.append((name, command(name, change_line(change), None, "readiness configuration")))
        for manifest, result in findings(report, (WAIVED,)):
            waiver = result.waiver
            detail = f"waived until {waiver.expires} by {waiver.owner}: {waiver.reason}" if waiver else "waived"
            annotations.append(("notice", command("notice", f"{summary_line(result, report.rules[result.rule].title)}\n{detail}", repository_location(report, where(manifest, result)), f"{result.rule} waived")))
        for manifest in report.manifests:
            unwaived = without_waivers(manifest)
            if unwaived:
                score = "n/a" if manifest.score is None else f"{manifest.score:g}/100"
                annotations.append(("notice", command("notice", f"{manifest.file}: score {score} with its waivers; {unwaived}", None, "readiness waivers")))
        return "".join(line + "\n" for line in within_limits(annotations))


def within_limits(annotations: list[tuple[str, str]]) -> list[str]:
    """The first :data:`PER_LEVEL` annotations of each level, and a notice counting the rest (which
    takes the last notice's place when the notices are full)."""
    shown: list[str] = []
    count = dict.fromkeys(COMMAND.values(), 0)
    for name, line in annotations:
        count[name] += 1
        if count[name] <= PER_LEVEL:
            shown.append(line)
    left = {name: number - PER_LEVEL for name, number in count.items() if number > PER_LEVEL}
    if not left:
        return shown
    if count["notice"] >= PER_LEVEL:  # room for the notice that says so
        last = max(index for index, line in enumerate(shown) if line.startswith("::notice"))
        del shown[last]
        left["notice"] = left.get("notice", 0) + 1
    words = ", ".join(f"{number} {name}{'s' if number > 1 else ''}" for name, number in left.items())
    shown.append(command("notice", f"GitHub shows {PER_LEVEL} annotations of each level per step: {words} more are in the job summary and the report (`readiness audit` lists every finding).", None, "readiness: more findings"))
    return shown


REPORTER = GithubReporter()


def step_summary(report: Report, limit: int = SUMMARY_LIMIT, full: bool = False) -> str:
    """The markdown report, cut at a line boundary below ``limit`` bytes if it is longer."""
    text = get("markdown").render(report, RenderOptions(full=full))
    if len(text.encode("utf-8")) <= limit:
        return text
    cut = text.encode("utf-8")[:limit].decode("utf-8", "ignore").rsplit("\n", 1)[0]
    cut += "\n\n</details>" * (cut.count("<details>") - cut.count("</details>"))  # a section cut open is closed
    return cut + "\n\n*The report was cut here to fit GitHub's 1 MiB step summary limit; the full report is in the job log.*\n"


def write_step_summary(report: Report, environ: Mapping[str, str] = os.environ, full: bool = False) -> None:
    """Append the markdown report to ``$GITHUB_STEP_SUMMARY``; nothing when it is not set."""
    target = environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return
    try:
        with open(target, "a", encoding="utf-8", newline="\n") as stream:
            stream.write(step_summary(report, full=full))
    except OSError as error:
        raise InputError(f"cannot write the job summary: {error.strerror or error}", target) from None
