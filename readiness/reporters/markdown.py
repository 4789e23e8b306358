"""``--format markdown``: a report to paste into a pull request, a review doc or a ticket.

By default the report fits one GitHub comment (:data:`COMMENT_LIMIT` characters; GitHub takes
65,536): the verdict of the run and the gate, the overview (one row per service, worst first,
each linking to its section), then per service its verdict, the blockers in full, the other
failures folded in a table, waivers, notes and declarations, and the passes counted. When the
services do not all fit, the report stops at a whole block and says how many sections are
left out and where the full report is. Services come in the overview's order, worst first,
so a cut keeps those that need attention. ``--full`` renders the review document instead:
the gate and its reasons first; then, per manifest, the verdict and score, a table of
category scores with a text bar (renders the same on GitHub, GitLab and any plain viewer),
the blockers (critical and high) with their remediation and ``file:line:column``, the other
failures, waivers with their expiry, notes, the framework views named with ``--framework``
(the ML Test Score with its 28 tests folded, a coverage table per framework), and the passes
folded in ``<details>``.
Everything taken from the report is escaped, so a message cannot break the layout, mention
anyone or link an issue; every ``<details>`` closes in the block that opens it.
"""

from __future__ import annotations

from ..report import ERROR, PASS, SKIPPED, VERDICT_TEXT, WAIVED, Coverage, ManifestReport, MlTestScore, PortfolioRow, Report, Result
from . import RenderOptions
from .common import (
    GATE_LOOSENED, MODE_TEXT, NO_ITEMS, change_line, code_span, configuration_heading, coverage_shown, coverage_summary, declared_share_line, escape, escape_block, failing,
    gate_terms, heading_anchor, item_status, mts_warnings, overview_title, remediation_markdown, rule_statuses, service_facts, split_blockers, summary_line, turned_off_by, without_waivers,
)

BAR_WIDTH = 20
COMMENT_LIMIT = 60_000  # characters: GitHub's 65,536 for a comment, with room for a bot's own header
FOLDED_GATE = 10  # a gate with more reasons than this shows them folded
VERDICT_MARK = {"ready": "✅", "ready_with_risks": "⚠️", "not_ready": "❌"}


def bar(score: float | None) -> str:
    if score is None:
        return "n/a"
    filled = round(score / 100 * BAR_WIDTH)
    return "`" + "█" * filled + "░" * (BAR_WIDTH - filled) + "`"


def _score(score: float | None) -> str:
    return "n/a" if score is None else f"{score:g}"


def _gate(report: Report) -> list[str]:
    gate = report.gate
    line = escape(gate_terms(gate))
    loosened = [f"**{escape(GATE_LOOSENED)}**", ""] + [f"- ⚠️ {escape_block(change)}" for change in gate.loosened_by] if gate.loosened_by else []
    if gate.passed:
        return [f"**Gate: passed** ✅ ({line})"] + ([""] + loosened if loosened else [])
    reasons = [f"- {escape_block(reason)}" for reason in gate.reasons]
    if len(reasons) > FOLDED_GATE:
        reasons = ["<details>", f"<summary>The {len(reasons)} reasons</summary>", ""] + reasons + ["", "</details>"]
    return [f"**Gate: failed** ❌ ({line}) because:", ""] + reasons + ([""] + loosened if loosened else [])


def _configuration(report: Report) -> list[str]:
    changes = report.configuration.changes
    if not changes:
        return []
    return [f"### {escape(configuration_heading(report))}", ""] + [f"- {'⚠️ ' if change.loosens else ''}{escape_block(change_line(change))}" for change in changes] + [""]


def _category_table(manifest: ManifestReport) -> list[str]:
    lines = ["| Category | Score | | Pass | Fail | Waived |", "| --- | --- | ---: | ---: | ---: | ---: |"]
    for category in manifest.categories:
        counts = category.counts
        failed = counts.get("fail", 0) + counts.get(ERROR, 0)
        lines.append(f"| {escape(category.title)} | {bar(category.score)} | {_score(category.score)} | {counts.get(PASS, 0)} | {failed} | {counts.get(WAIVED, 0)} |")
    return lines


def _finding(report: Report, result: Result) -> list[str]:
    rule = report.rules[result.rule]
    mark = "⛔" if result.status == ERROR else "❌"
    since = f" · *{result.baseline}*" if result.baseline else ""
    lines = [f"#### {mark} {escape(result.rule)} · {result.severity}{since} — {escape(rule.title)}", ""]
    if result.status == ERROR:
        lines.append("*The check could not run; it counts as a failure.*  ")
    lines.append(escape_block(summary_line(result, rule.title)))
    if result.location:
        location = result.location
        lines += ["", f"At {code_span(f'{location.file}:{location.line}:{location.column}')} ({code_span(location.pointer or '/')})"]
    lines += ["", "**Fix:** " + remediation_markdown(report.remediation(result)), ""]
    return lines


def _waivers(report: Report, waived: list[Result]) -> list[str]:
    lines = [f"### Waived ({len(waived)})", "", "| Rule | Severity | Reason | Owner | Expires |", "| --- | --- | --- | --- | --- |"]
    for result in waived:
        waiver = result.waiver
        reason, owner, expires = (waiver.reason, waiver.owner, waiver.expires) if waiver else ("", "", "")
        lines.append(f"| {escape(result.rule)} {escape(report.rules[result.rule].title)} | {result.severity} | {escape(reason)} | {escape(owner)} | {escape(expires)} |")
    return lines + [""]


def _folded(report: Report, title: str, results: list[Result], show_reason: bool, reason: str = "Reason") -> list[str]:
    header = f"| Rule | Severity | Title | {reason} |" if show_reason else "| Rule | Severity | Title |"
    lines = ["<details>", f"<summary>{title} ({len(results)})</summary>", "", header, "| --- " * (4 if show_reason else 3) + "|"]
    for result in results:
        cells = [escape(result.rule), result.severity, escape(report.rules[result.rule].title)] + ([escape(result.message)] if show_reason else [])
        lines.append("| " + " | ".join(cells) + " |")
    return lines + ["", "</details>", ""]


def _ml_test_score(score: MlTestScore) -> list[str]:
    lines = [f"### ML Test Score: {score.final:g} of 7", "", f"*{escape(score.band)}*", "", "| Section | Score |", "| --- | ---: |"]
    lines += [f"| {escape(section.title)} | {section.score:g}/7 |" for section in score.sections]
    tests = [test for section in score.sections for test in section.tests]
    lines += ["", "<details>", f"<summary>The {len(tests)} tests</summary>", "", "| | Test | Title | Mode | Points | Evidence | Rules |", "| --- | --- | --- | --- | ---: | --- | --- |"]
    for test in tests:
        warnings = mts_warnings(test)
        evidence = " · ".join(([escape(test.evidence)] if test.evidence else []) + [f"⚠ {escape(warning)}" for warning in warnings])
        cells = ["⚠" if warnings else "", escape(test.id), escape(test.title), escape(MODE_TEXT.get(test.mode, test.mode)), f"{test.points:g}", evidence, escape(rule_statuses(test.rules))]
        lines.append("| " + " | ".join(cells) + " |")
    return lines + ["", "</details>", ""]


def _coverage(view: Coverage) -> list[str]:
    grouped = any(item.group for item in view.items)
    header = ["Status", "Item"] + (["Function"] if grouped else []) + ["Name", "Rules"]
    lines = [f"### {escape(view.title)} — {coverage_summary(view)}", ""]
    if not view.items:
        return lines + [NO_ITEMS, ""]
    lines += ["| " + " | ".join(header) + " |", "| --- " * len(header) + "|"]
    for item in view.items:
        cells = [escape(item_status(item.status)), escape(item.id)] + ([escape(item.group or "")] if grouped else []) + [escape(item.name), escape(rule_statuses(item.rules))]
        lines.append("| " + " | ".join(cells) + " |")
    return lines + [""]


def _turned_off(manifest: ManifestReport) -> list[str]:
    """A table of the declarations that turned rules off, with the reason each gives."""
    declared = turned_off_by(manifest)
    if not declared:
        return []
    lines = [f"### Turned off by a declaration ({len(manifest.turned_off)})", "", "| Declaration | Value | Reason | Rules turned off |", "| --- | --- | --- | --- |"]
    for item in declared:
        at = f" (line {item.location.line})" if item.location else ""
        reason = escape(item.rationale) if item.rationale else f"*{escape(item.reason)}*"
        lines.append(f"| {code_span(item.declaration)}{at} | {escape(item.value)} | {reason} | {escape(', '.join(item.rules))} |")
    return lines + [""]


def _heading(manifest: ManifestReport) -> str:
    facts = service_facts(manifest)
    service = escape(manifest.service or "unnamed service") + (f" ({escape(facts)})" if facts else "")
    return f"{code_span(manifest.file)} — {service}"


def _overview(report: Report) -> list[list[str]]:
    """The overview as blocks: its heading and table head, then one row each (rows cut cleanly)."""
    if len(report.portfolio) < 2:
        return []
    by_file = {manifest.file: manifest for manifest in report.manifests}
    head = ["## Overview", "", "| Service | Kind | Risk | Verdict | Score | Weakest category | Blockers | Waivers |", "| --- | --- | --- | --- | ---: | --- | ---: | ---: |"]
    return [head] + [[_overview_row(row, by_file.get(row.file))] for row in report.portfolio]


def _overview_row(row: PortfolioRow, manifest: ManifestReport | None) -> str:
    name = escape(row.service or row.file)
    link = f"[{name}](#{heading_anchor(_heading(manifest))})" if manifest else name
    weakest = f"{escape(row.weakest)} ({_score(row.weakest_score)})" if row.weakest and row.weakest_score is not None and row.weakest_score < 100 else "—"
    cells = [link, escape(row.kind or "—"), escape(row.risk or "—"), f"{VERDICT_MARK[row.verdict]} {VERDICT_TEXT[row.verdict]}", _score(row.score), weakest, str(row.blockers), str(row.waivers)]
    return "| " + " | ".join(cells) + " |"


def _manifest(report: Report, manifest: ManifestReport, full: bool = True) -> list[list[str]]:
    """A manifest's section as blocks, each whole markdown (a cut between blocks leaves nothing open)."""
    return _split(_manifest_lines(report, manifest, full))


def _split(lines: list[str]) -> list[list[str]]:
    """Lines as blocks: a new block at each ``####`` finding or ``###`` section, ``<details>`` kept whole."""
    blocks: list[list[str]] = [[]]
    depth = 0
    for line in lines:
        if depth == 0 and line.startswith(("### ", "#### ", "<details>")) and blocks[-1]:
            blocks.append([])
        blocks[-1].append(line)
        depth += line.count("<details>") - line.count("</details>")
    return blocks


def _manifest_lines(report: Report, manifest: ManifestReport, full: bool) -> list[str]:
    lines = [f"## {_heading(manifest)}", ""]
    headline = f"**{VERDICT_TEXT[manifest.verdict]}** {VERDICT_MARK[manifest.verdict]} · score **{_score(manifest.score)}**/100"
    weakest = next((c for c in manifest.categories if c.category == manifest.weakest), None)
    if weakest and weakest.score is not None and weakest.score < 100:
        headline += f" · weakest: {escape(weakest.title)} ({weakest.score:g})"
    unwaived = without_waivers(manifest)
    if unwaived:
        headline += f" · **{escape(unwaived)}**"
    trust = declared_share_line(manifest)
    lines += [headline, ""] + ([f"*{escape(trust)}*", ""] if trust else []) + _category_table(manifest) + [""]
    blockers, others = split_blockers(failing(manifest))
    if blockers:
        lines += [f"### Blockers — critical and high ({len(blockers)})", ""]
        for result in blockers:
            lines += _finding(report, result)
    if others and full:
        lines += [f"### Other failures — medium and low ({len(others)})", ""]
        for result in others:
            lines += _finding(report, result)
    elif others:
        lines += [f"### Other failures — medium and low ({len(others)})", ""] + _folded(report, "Their messages", others, show_reason=True, reason="Message")
    waived = [r for r in manifest.results if r.status == WAIVED]
    if waived:
        lines += _waivers(report, waived)
    if manifest.notes:
        lines += ["### Notes", ""]
        for note in manifest.notes:
            at = f" (at {code_span(f'{note.location.file}:{note.location.line}:{note.location.column}')})" if note.location else ""
            lines.append(f"- {escape_block(note.message)}{at}")
        lines.append("")
    if manifest.fixed:
        lines += [f"### Fixed since the baseline ({len(manifest.fixed)})", ""]
        lines += [f"- ✅ {escape(r.rule)} · {r.severity} — {escape(report.rules[r.rule].title)}" for r in manifest.fixed]
        lines.append("")
    lines += _turned_off(manifest)
    views = manifest.frameworks
    if views and views.ml_test_score:
        lines += _ml_test_score(views.ml_test_score)
    for view in coverage_shown(views, every=False):
        lines += _coverage(view)
    passed = [r for r in manifest.results if r.status == PASS]
    skipped = [r for r in manifest.results if r.status == SKIPPED]
    if not full:
        return lines + [f"*{len(passed)} passed · {len(skipped)} not applicable (listed in the full report)*", ""]
    if passed:
        lines += _folded(report, "Passed", passed, show_reason=False)
    if skipped:
        lines += _folded(report, "Not applicable", skipped, show_reason=True)
    return lines


class MarkdownReporter:
    def render(self, report: Report, options: RenderOptions) -> str:
        head = ["# " + escape(overview_title(report)), "", f"readiness {escape(report.tool_version)} · as of {report.as_of}", ""]
        overview = _overview(report)
        blocks = [head] + overview + ([[""]] if overview else []) + [_gate(report) + [""] + _configuration(report)]
        for manifest in _worst_first(report):
            blocks += _manifest(report, manifest, options.full)
        if options.full:
            return _joined(blocks)
        return _within(blocks, COMMENT_LIMIT)


def _worst_first(report: Report) -> list[ManifestReport]:
    """The manifests in the overview's order, so that a comment cut short keeps the services that need it most."""
    by_file = {manifest.file: manifest for manifest in report.manifests}
    ordered = [by_file.pop(row.file) for row in report.portfolio if row.file in by_file]
    return ordered + list(by_file.values())


def _joined(blocks: list[list[str]]) -> str:
    return "\n".join(line for block in blocks for line in block).rstrip("\n") + "\n"


def _within(blocks: list[list[str]], limit: int) -> str:
    """The blocks that fit in ``limit`` characters, then a line saying what was left out."""
    kept: list[list[str]] = []
    size = 0
    for index, block in enumerate(blocks):
        length = sum(len(line) + 1 for line in block)
        if size + length > limit - 400:  # room for the closing note
            rest = blocks[index:]
            sections = sum(1 for item in rest if item and item[0].startswith("## "))
            left = f"{len(rest)} more blocks" + (f", {sections} services among them," if sections else "")
            note = f"*This report was cut to fit a comment: {left} are in the full report (the job's report artifact, or `readiness report REPORT.json --format markdown --full`).*"
            return _joined(kept + [["", note]])
        kept.append(block)
        size += length
    return _joined(kept)


REPORTER = MarkdownReporter()
