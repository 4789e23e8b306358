"""``--format terminal`` (the default): verdict, a bar per category, then what to fix.

Failures come grouped by severity, each with its message, ``file:line:column`` and the
remediation. Passes and skipped rules show with ``--verbose``. Colour only on a TTY and
without ``NO_COLOR``; otherwise plain text that reads the same.
"""

from __future__ import annotations

import io
import textwrap
from functools import cache
from typing import TYPE_CHECKING, Callable

from ..report import AT_RISK, ERROR, FAIL, NEW, NOT_READY, PASS, SEVERITIES, SKIPPED, VERDICT_TEXT, WAIVED, ManifestReport, Report, Result
from . import RenderOptions, terminal_frameworks
from .common import GATE_LOOSENED, change_line, configuration_heading, declared_share_line, gate_terms, overview_title, service_facts, turned_off_by, without_waivers
from .text import Text

if TYPE_CHECKING:
    from rich.console import Console

BAR_WIDTH = 20
VERDICT_STYLE = {NOT_READY: "bold white on red", AT_RISK: "bold black on yellow"}
SEVERITY_STYLE = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "cyan"}
VERDICT_COLOR = {NOT_READY: "bold red", AT_RISK: "yellow"}
MARK = {FAIL: "✗", ERROR: "!", WAIVED: "~", PASS: "✓", SKIPPED: "-"}


def _bar(score: float | None, color: bool) -> Text:
    if score is None:
        return Text(" " * BAR_WIDTH + "  n/a", style="dim")
    filled = round(score / 100 * BAR_WIDTH)
    full, empty = ("█", "░") if color else ("#", ".")
    style = "green" if score >= 90 else "yellow" if score >= 70 else "red"
    return Text(full * filled, style=style) + Text(empty * (BAR_WIDTH - filled), style="dim") + Text(f" {score:5.1f}")


def _result_lines(console: Console, report: Report, result: Result, detail: bool, width: int) -> None:
    rule = report.rules[result.rule]
    lead = f"  {MARK[result.status]} {result.rule}  "
    title = wrapped(rule.title, lead, " " * 10, width)
    headline = Text.assemble("  ", (MARK[result.status], SEVERITY_STYLE.get(result.severity, "")), f" {result.rule}  ", (title[0][len(lead):], "bold"))
    if result.baseline:
        headline.append(f"  [{result.baseline}]", style="bold" if result.baseline == NEW else "dim")
    console.print(headline)
    for line in title[1:]:
        console.print(Text(line, style="bold"))
    indent = " " * 10
    if result.message:
        for line in wrapped(result.message, indent, indent, width):
            console.print(Text(line))
    if result.location and result.status != PASS:
        loc = result.location
        console.print(Text(f"{indent}at {loc.file}:{loc.line}:{loc.column}", style="dim"))
    if result.waiver:
        waiver = result.waiver
        declared = f" (waiver at {waiver.location.file}:{waiver.location.line})" if waiver.location else ""
        console.print(Text(f"{indent}waived until {waiver.expires} by {waiver.owner}: {waiver.reason}{declared}", style="dim"))
    if detail:
        first = True
        for line in report.remediation(result).splitlines() or [""]:
            if line[:1].isspace():  # a YAML snippet: wrapping would change what it says
                shown = [f"{indent}     {line}"]
            else:
                shown = wrapped(line, f"{indent}{'fix: ' if first else '     '}", f"{indent}     ", width)
            first = False
            for item in shown:
                console.print(Text(item, style="green"))


def wrapped(text: str, first: str, rest: str, width: int) -> list[str]:
    """Prose broken at spaces to ``width`` columns (a word longer than a line stays whole); one line when ``width`` is 0."""
    if not width:
        return [first + text]
    return textwrap.wrap(text, width, initial_indent=first, subsequent_indent=rest, break_long_words=False, break_on_hyphens=False) or [first.rstrip()]


def _turned_off(console: Console, manifest: ManifestReport, width: int) -> None:
    """The rules the manifest's declarations turned off, one line per declaration, with its reason."""
    declared = turned_off_by(manifest)
    if not declared:
        return
    console.print()
    console.print(Text(f"  Turned off by a declaration ({len(manifest.turned_off)})", style="bold"))
    for item in declared:
        at = f"  (at {item.location.file}:{item.location.line}:{item.location.column})" if item.location else ""
        for line in wrapped(f"{item.summary()}{at}", "  - ", "    ", width):
            console.print(Text(line))
        for line in wrapped(item.reason, " " * 10, " " * 10, width):
            console.print(Text(line, style="dim"))


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
    trust = declared_share_line(manifest)
    if trust:
        console.print(Text(f"  {trust}", style="dim"))
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
                _result_lines(console, report, result, detail=True, width=options.width if options.wrap else 0)
    sections = [(WAIVED, "Waived")] + ([(PASS, "Passed"), (SKIPPED, "Not applicable")] if options.verbose else [])
    for status, title in sections:
        group = [r for r in manifest.results if r.status == status]
        if group:
            console.print()
            console.print(Text(f"  {title} ({len(group)})", style="bold"))
            for result in group:
                _result_lines(console, report, result, detail=False, width=options.width if options.wrap else 0)
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
            for line in wrapped(f"{note.message}{where}", "  ! ", "    ", options.width if options.wrap else 0):
                console.print(Text(line, style="yellow"))
    _turned_off(console, manifest, options.width if options.wrap else 0)
    terminal_frameworks.render(console, manifest.frameworks, options)
    counts = {status: sum(1 for r in manifest.results if r.status == status) for status in MARK}
    console.print()
    console.print(Text(f"  {counts[PASS]} passed · {counts[FAIL] + counts[ERROR]} failed · {counts[WAIVED]} waived · {counts[SKIPPED]} not applicable", style="dim"))
    if not options.verbose and counts[PASS]:
        console.print(Text("  (--verbose lists the passes and the rules that do not apply)", style="dim"))


def _overview(console: Console, report: Report) -> None:
    """One line per service, worst first (:attr:`Report.portfolio`), when the run audited several."""
    if len(report.portfolio) < 2:
        return
    names = [row.service or row.file for row in report.portfolio]
    width = max(len("Service"), *map(len, names))
    console.print()
    console.print(Text(f"  {'Service':<{width}}  {'Verdict':<16}  {'Score':>5}  {'Blockers':>8}  {'Waivers':>7}  Weakest category", style="bold"))
    for name, row in zip(names, report.portfolio):
        score = "n/a" if row.score is None else f"{row.score:g}"
        weakest = f"{row.weakest} ({row.weakest_score:g})" if row.weakest and row.weakest_score is not None and row.weakest_score < 100 else "-"
        line = Text(f"  {name:<{width}}  ") + Text(f"{VERDICT_TEXT[row.verdict]:<16}", style=VERDICT_COLOR.get(row.verdict, "green"))
        console.print(line + Text(f"  {score:>5}  {row.blockers:>8}  {row.waivers:>7}  {weakest}"))


def _gate_reasons(console: Console, report: Report, width: int) -> None:
    """The gate's reasons; with several manifests, under the manifest each names (one heading per file, not one per line)."""
    prefixes = {f"{manifest.file}: " for manifest in report.manifests} if len(report.manifests) > 1 else set()
    current = None
    for reason in report.gate.reasons:
        prefix = _file_prefix(reason, prefixes)
        if prefix is None:
            lines = wrapped(reason, "  ", "      ", width)
        else:
            if prefix != current:
                console.print(Text(f"  {prefix[:-2]}"))
                current = prefix
            lines = wrapped(reason[len(prefix):], "    ", "      ", width)
        for line in lines:
            console.print(Text(line))


def _file_prefix(reason: str, prefixes: set[str]) -> str | None:
    """The ``FILE: `` a gate reason starts with, found at one of its few ``": "``, not by trying every
    file of the fleet on every reason (minutes for 10,000 manifests)."""
    end = reason.find(": ")
    while end != -1:
        if reason[: end + 2] in prefixes:
            return reason[: end + 2]
        end = reason.find(": ", end + 1)
    return None


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
        console.print(Text(overview_title(report), style="bold"))
        console.print(Text(f"readiness {report.tool_version} · as of {report.as_of}", style="dim"))
        _overview(console, report)
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
            _gate_reasons(console, report, options.width if options.wrap else 0)
        if gate.loosened_by:
            console.print(Text(GATE_LOOSENED, style="bold yellow"))
            for change in gate.loosened_by:
                console.print(Text(f"  ! {change}", style="yellow"))
        return buffer.getvalue()


REPORTER = TerminalReporter()
