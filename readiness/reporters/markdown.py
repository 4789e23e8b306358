"""``--format markdown``: a report to paste into a pull request, a review doc or a ticket.

The gate and its reasons first; then, per manifest, the verdict and score, a table of
category scores with a text bar (renders the same on GitHub, GitLab and any plain viewer),
the blockers (critical and high) with their remediation and ``file:line:column``, the other
failures, waivers with their expiry, notes, the framework views named with ``--framework``
(the ML Test Score with its 28 tests folded, a coverage table per framework), and the passes
folded in ``<details>``.
Everything taken from the report is escaped, so a message cannot break the layout.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..report import ERROR, PASS, SKIPPED, VERDICT_TEXT, WAIVED, Coverage, ManifestReport, MlTestScore, Report, Result
from . import RenderOptions
from .common import GATE_LOOSENED, MODE_TEXT, NO_ITEMS, change_line, configuration_heading, coverage_shown, coverage_summary, failing, gate_terms, item_status, mts_warnings, remediation_blocks, rule_statuses, service_facts, split_blockers, summary_line, declared_share_line, turned_off_by, without_waivers

BAR_WIDTH = 20
VERDICT_MARK = {"ready": "✅", "ready_with_risks": "⚠️", "not_ready": "❌"}
# Markup characters, ``_`` only at a word edge (GFM never emphasises inside a word), ``&`` only
# where it would start an entity.
_SPECIAL = re.compile(r"([\\`*\[\]<>|~]|(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])|&(?=#?\w+;))")
# Text at the start of a line that would make it a heading, list item, rule or setext underline.
_BLOCK_MARK = re.compile(r"^([#+=-])")
_ORDERED_MARK = re.compile(r"^(\d+)([.)])")


@lru_cache(maxsize=4096)  # a fleet's reports repeat the same rule titles, statuses and skip reasons
def escape(text: str) -> str:
    """Plain text safe inside a markdown line or a table cell: one line, no markup."""
    return _SPECIAL.sub(r"\\\1", " ".join(text.split()))


def escape_block(text: str) -> str:
    """Plain text safe at the start of a paragraph or a list item as well."""
    return _ORDERED_MARK.sub(r"\1\\\2", _BLOCK_MARK.sub(r"\\\1", escape(text)))


def code_span(text: str) -> str:
    """Inline code that survives backticks and table pipes inside ``text``."""
    text = " ".join(text.split()).replace("|", "\\|")
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    padding = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{padding}{text}{padding}{fence}"


def code_block(text: str, language: str = "") -> str:
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{language}\n{text}\n{fence}"


def remediation_markdown(remediation: str) -> str:
    """Prose as escaped paragraphs, indented YAML snippets as fenced ``yaml`` blocks."""
    return "\n\n".join(code_block(body, "yaml") if kind == "code" else escape_block(body) for kind, body in remediation_blocks(remediation))


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
    return [f"**Gate: failed** ❌ ({line}) because:", ""] + [f"- {escape_block(reason)}" for reason in gate.reasons] + ([""] + loosened if loosened else [])


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


def _folded(report: Report, title: str, results: list[Result], show_reason: bool) -> list[str]:
    header = "| Rule | Severity | Title | Reason |" if show_reason else "| Rule | Severity | Title |"
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


def _manifest(report: Report, manifest: ManifestReport) -> list[str]:
    facts = service_facts(manifest)
    service = escape(manifest.service or "unnamed service") + (f" ({escape(facts)})" if facts else "")
    lines = [f"## {code_span(manifest.file)} — {service}", ""]
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
    for title, group in (("Blockers — critical and high", blockers), ("Other failures — medium and low", others)):
        if group:
            lines += [f"### {title} ({len(group)})", ""]
            for result in group:
                lines += _finding(report, result)
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
    if passed:
        lines += _folded(report, "Passed", passed, show_reason=False)
    if skipped:
        lines += _folded(report, "Not applicable", skipped, show_reason=True)
    return lines


class MarkdownReporter:
    def render(self, report: Report, options: RenderOptions) -> str:
        lines = ["# Readiness report", ""] + _gate(report) + ["", f"readiness {escape(report.tool_version)} · as of {report.as_of}", ""] + _configuration(report)
        for manifest in report.manifests:
            lines += _manifest(report, manifest)
        return "\n".join(lines).rstrip("\n") + "\n"


REPORTER = MarkdownReporter()
