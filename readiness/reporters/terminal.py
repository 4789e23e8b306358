"""``--format terminal`` (the default): verdict, a bar per category, then what to fix.

Failures come grouped by severity, each with its message, ``file:line:column`` and the
remediation. Passes and skipped rules show with ``--verbose``. Colour only on a TTY and
without ``NO_COLOR``; otherwise plain text that reads the same.
"""

from __future__ import annotations

import io
from functools import cache
from typing import TYPE_CHECKING, Callable

from ..report import AT_RISK, ERROR, FAIL, NEW, NOT_READY, PASS, SEVERITIES, SKIPPED, VERDICT_TEXT, WAIVED, ManifestReport, Report, Result
from . import RenderOptions, terminal_frameworks
from .common import GATE_LOOSENED, change_line, configuration_heading, gate_terms, service_facts, turned_off_by, without_waivers
from .text import Text

if TYPE_CHECKING:
    from rich.console import Console

BAR_WIDTH = 20
VERDICT_STYLE = {NOT_READY: "bold white on red", AT_RISK: "bold black on yellow"}
SEVERITY_STYLE = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "cyan"}
MARK = {FAIL: "✗", ERROR: "!", WAIVED: "~", PASS: "✓", SKIPPED: "-"}


def _bar(score: float | None, color: bool) -> Text:
    if score is None:
        return Text(" " * BAR_WIDTH + "  n/a", style="dim")
    filled = round(score / 100 * BAR_WIDTH)
    full, empty = ("█", "░") if color else ("#", ".")
    style = "green" if score >= 90 else "yellow" if score >= 70 else "red"
    return Text(full * filled, style=style) + Text(empty * (BAR_WIDTH - filled), style="dim") + Text(f" {score:5.1f}")


def _result_lines(console: Console, report: Report, result: Result, detail: bool) -> None:
    rule = report.rules[result.rule]
    headline = Text.assemble("  ", (MARK[result.status], SEVERITY_STYLE.get(result.severity, "")), f" {result.rule}  ", (rule.title, "bold"))
    if result.baseline:
        headline.append(f"  [{result.baseline}]", style="bold" if result.baseline == NEW else "dim")
    console.print(headline)
    indent = " " * 10
    if result.message:
        console.print(Text(indent + result.message))
    if result.location and result.status != PASS:
        loc = result.location
        console.print(Text(f"{indent}at {loc.file}:{loc.line}:{loc.column}", style="dim"))
    if result.waiver:
        waiver = result.waiver
        declared = f" (waiver at {waiver.location.file}:{waiver.location.line})" if waiver.location else ""
        console.print(Text(f"{indent}waived until {waiver.expires} by {waiver.owner}: {waiver.reason}{declared}", style="dim"))
    if detail:
        lines = report.remediation(result).splitlines() or [""]
        console.print(Text(f"{indent}fix: {lines[0]}", style="green"))
        for line in lines[1:]:
            console.print(Text(f"{indent}     {line}", style="green"))


def _turned_off(console: Console, manifest: ManifestReport) -> None:
    """The rules the manifest's declarations turned off, one line per declaration, with its reason."""
    declared = turned_off_by(manifest)
    if not declared:
        return
    console.print()
    console.print(Text(f"  Turned off by a declaration ({len(manifest.turned_off)})", style="bold"))
    for item in declared:
        at = f"  (at {item.location.file}:{item.location.line}:{item.location.column})" if item.location else ""
        console.print(Text(f"  - {item.summary()}{at}"))
        console.print(Text(f"          {item.reason}", style="dim"))


def _manifest(console: Console, report: Report, manifest: ManifestReport, options: RenderOptions) -> None:
    facts = service_facts(manifest)
    console.print(Text.assemble((manifest.file, "bold"), f" — {manifest.service or 'unnamed service'}" + (f" ({facts})" if facts else "")))
    score = "n/a" if manifest.score is None else f"{manifest.score:g}/100"
    weakest = next((c for c in manifest.categories if c.category == manifest.weakest), None)
    headline = Text.assemble("  ", (f" {VERDICT_TEXT[manifest.verdict].upper()} ", VERDICT_STYLE.get(manifest.verdict, "bold black on green")), f"  score {score}")
    unwaived = without_waivers(manifest)
    if unwaived:
        headline.append(f"   {unwaived}", style="bold")
    if weakest and weakest.score is not None and weakest.score < 100:
        headline.append(f"   weakest: {weakest.title} ({weakest.score:g})")
    console.print(headline)
    console.print()
    title_width = max([30] + [len(category.title) + 2 for category in manifest.categories])  # custom categories can be longer
    for category in manifest.categories:
        counts = category.counts
        summary = f"  {counts[PASS]} pass · {counts[FAIL] + counts[ERROR]} fail" + (f" · {counts[WAIVED]} waived" if counts[WAIVED] else "")
        console.print(Text(f"  {category.title:<{title_width}}") + _bar(category.score, options.color) + Text(summary, style="dim"))
    failing = [r for r in manifest.results if r.status in (FAIL, ERROR)]
    for severity in SEVERITIES:
        group = [r for r in failing if r.severity == severity]
        if group:
            console.print()
            console.print(Text(f"  {severity.capitalize()} ({len(group)})", style=SEVERITY_STYLE[severity]))
            for result in group:
                _result_lines(console, report, result, detail=True)
    sections = [(WAIVED, "Waived")] + ([(PASS, "Passed"), (SKIPPED, "Not applicable")] if options.verbose else [])
    for status, title in sections:
        group = [r for r in manifest.results if r.status == status]
        if group:
            console.print()
            console.print(Text(f"  {title} ({len(group)})", style="bold"))
            for result in group:
                _result_lines(console, report, result, detail=False)
    if manifest.fixed:
        console.print()
        console.print(Text(f"  Fixed since the baseline ({len(manifest.fixed)})", style="bold green"))
        for result in manifest.fixed:
            title = report.rules[result.rule].title if result.rule in report.rules else ""
            console.print(Text(f"  ✓ {result.rule}  {title}", style="green"))
    if manifest.notes:
        console.print()
        console.print(Text("  Notes", style="bold"))
        for note in manifest.notes:
            where = f"  (at {note.location.file}:{note.location.line}:{note.location.column})" if note.location else ""
            console.print(Text(f"  ! {note.message}{where}", style="yellow"))
    _turned_off(console, manifest)
    terminal_frameworks.render(console, manifest.frameworks, options)
    counts = {status: sum(1 for r in manifest.results if r.status == status) for status in MARK}
    console.print()
    console.print(Text(f"  {counts[PASS]} passed · {counts[FAIL] + counts[ERROR]} failed · {counts[WAIVED]} waived · {counts[SKIPPED]} not applicable", style="dim"))
    if not options.verbose and counts[PASS]:
        console.print(Text("  (--verbose lists the passes and the rules that do not apply)", style="dim"))


class PlainConsole:
    """Writes exactly what the rich console writes for uncoloured, soft-wrapped Text, minus rich's
    layout machinery (a tenth of the time on a report of many manifests, and no import of
    rich.console). Text with tabs goes to the rich console, which expands them by cell width."""

    def __init__(self, buffer: io.StringIO, rich_console: Callable[[], Console]):
        self.buffer = buffer
        self.rich_console = rich_console

    def print(self, text: Text | None = None) -> None:
        if text is not None and "\t" in text.plain:
            self.rich_console().print(text)
        else:
            self.buffer.write(f"{'' if text is None else text.plain}\n")


class TerminalReporter:
    def render(self, report: Report, options: RenderOptions) -> str:
        buffer = io.StringIO()

        @cache
        def rich_console() -> Console:
            from rich.console import Console

            return Console(file=buffer, force_terminal=options.color, no_color=not options.color, width=options.width, highlight=False, emoji=False, soft_wrap=True)

        console = rich_console() if options.color else PlainConsole(buffer, rich_console)
        console.print(Text(f"readiness {report.tool_version} · as of {report.as_of}", style="dim"))
        if report.configuration.changes:
            console.print()
            console.print(Text(configuration_heading(report), style="bold"))
            for change in report.configuration.changes:
                console.print(Text(f"  {'!' if change.loosens else '·'} {change_line(change)}", style="yellow" if change.loosens else ""))
        for manifest in report.manifests:
            console.print()
            _manifest(console, report, manifest, options)
        console.print()
        gate = report.gate
        if gate.passed:
            console.print(Text(f"Gate passed ({gate_terms(gate)})", style="green"))
        else:
            console.print(Text(f"Gate failed ({gate_terms(gate)}):", style="bold red"))
            for reason in gate.reasons:
                console.print(Text(f"  {reason}"))
        if gate.loosened_by:
            console.print(Text(GATE_LOOSENED, style="bold yellow"))
            for change in gate.loosened_by:
                console.print(Text(f"  ! {change}", style="yellow"))
        return buffer.getvalue()


REPORTER = TerminalReporter()
