"""``--format html``: one self-contained page for a launch review (inline CSS; no scripts,
fonts or images from anywhere). The page's title and heading name what was audited and how it
came out; with several services an overview follows (one row per service, worst first, each
linking to its section), then the gate, then per manifest (a ``<section>``) the verdict, the score with a
bar per category, the blockers with how to fix them, the other failures, the waivers, the
notes, the ML Test Score when it was asked for (its 28 tests folded), every coverage view
(OWASP LLM Top 10, NIST AI RMF, EU AI Act) folded, and the passes folded away. Every value
from the report is HTML-escaped.
"""

from __future__ import annotations

from html import escape

from ..report import BLOCKING, ERROR, PASS, SKIPPED, VERDICT_TEXT, WAIVED, CategoryScore, Coverage, ManifestReport, MlTestScore, Report, Result
from . import RenderOptions
from .common import GATE_LOOSENED, MODE_TEXT, NO_ITEMS, change_line, configuration_heading, coverage_shown, coverage_summary, declared_share_line, failing, gate_terms, item_status, mts_warnings, overview_title, remediation_blocks, rule_statuses, service_facts, split_blockers, summary_line, turned_off_by, without_waivers

STYLE = """
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;max-width:960px;margin:1em auto;padding:0 .8em}
h1{font-size:1.6em;margin-bottom:.2em}h2{margin-top:2em;border-bottom:1px solid #d0d7de;padding-bottom:.2em}
.meta{color:#656d76}.gate{padding:.8em 1em;border-radius:6px;margin:1em 0}
.passed{background:#dafbe1}.failed{background:#ffebe9}
.verdict{display:inline-block;padding:.1em .6em;border-radius:4px;font-weight:600}
.ready{background:#1a7f37;color:#fff}.ready_with_risks{background:#9a6700;color:#fff}.not_ready{background:#cf222e;color:#fff}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;width:100%;margin:.5em 0}th,td{text-align:left;padding:.3em .6em;border-bottom:1px solid #d0d7de;vertical-align:top}
td,p,li,code{overflow-wrap:anywhere}
.bar{background:#eaeef2;border-radius:3px;height:.8em;width:200px;max-width:30vw;border:1px solid #8c959f}.fill{height:100%;border-radius:3px}
.good{background:#1a7f37}.fair{background:#9a6700}.poor{background:#cf222e}
.finding{border-left:4px solid #cf222e;padding:.2em 1em;margin:1em 0}.finding.medium,.finding.low{border-color:#9a6700}
pre{background:#f6f8fa;padding:.6em;border-radius:6px;overflow:auto;white-space:pre-wrap}code{font-size:90%}
details{margin:.5em 0}summary{cursor:pointer}.warn{color:#9a6700}
@media print{body{max-width:none;margin:0;padding:0;font-size:10.5pt}.scroll{overflow:visible}.finding,tr,pre{break-inside:avoid}h2,h3,h4{break-after:avoid}a{color:inherit;text-decoration:none}details::details-content{content-visibility:visible;display:block}.verdict,.fill,.gate{print-color-adjust:exact;-webkit-print-color-adjust:exact}}
""".strip()
FOLDED_GATE = 10  # a gate with more reasons than this shows them folded


def _score(score: float | None) -> str:
    return "n/a" if score is None else f"{score:g}"


def _bar(category: CategoryScore) -> str:
    score = category.score
    if score is None:
        return '<div class="bar"></div>'
    grade = "good" if score >= 90 else "fair" if score >= 70 else "poor"
    if category.failing in BLOCKING:
        grade = "poor"
    elif category.failing and grade == "good":
        grade = "fair"
    return f'<div class="bar" role="img" aria-label="{score:g} of 100"><div class="fill {grade}" style="width:{score:g}%"></div></div>'


def _gate(report: Report) -> list[str]:
    gate = report.gate
    rule = escape(gate_terms(gate))
    loosened = f'<p class="warn"><strong>{escape(GATE_LOOSENED)}</strong></p><ul>' + "".join(f'<li class="warn">{escape(change)}</li>' for change in gate.loosened_by) + "</ul>" if gate.loosened_by else ""
    if gate.passed:
        return [f'<div class="gate passed"><strong>Gate passed</strong> ({rule}){loosened}</div>']
    reasons = f"<ul>{''.join(f'<li>{escape(reason)}</li>' for reason in gate.reasons)}</ul>"
    if len(gate.reasons) > FOLDED_GATE:
        reasons = f"<details><summary>The {len(gate.reasons)} reasons</summary>{reasons}</details>"
    return [f'<div class="gate failed"><strong>Gate failed</strong> ({rule}) because:{reasons}{loosened}</div>']


def _configuration(report: Report) -> list[str]:
    changes = report.configuration.changes
    if not changes:
        return []
    items = "".join(('<li class="warn">' if change.loosens else "<li>") + f"{escape(change_line(change))}</li>" for change in changes)
    return [f"<h2>{escape(configuration_heading(report))}</h2>", f"<ul>{items}</ul>"]


def _remediation(text: str) -> str:
    return "".join(f"<pre><code>{escape(body)}</code></pre>" if kind == "code" else f"<p>{escape(body)}</p>" for kind, body in remediation_blocks(text))


def _finding(report: Report, result: Result) -> str:
    rule = report.rules[result.rule]
    status = "<p><em>The check could not run; it counts as a failure.</em></p>" if result.status == ERROR else ""
    since = f" · <em>{escape(result.baseline)}</em>" if result.baseline else ""
    location = result.location
    at = f"<p>At <code>{escape(f'{location.file}:{location.line}:{location.column}')}</code> (<code>{escape(location.pointer or '/')}</code>)</p>" if location else ""
    return (
        f'<div class="finding {escape(result.severity)}"><h4>{escape(result.rule)} · {escape(result.severity)}{since} — {escape(rule.title)}</h4>'
        f"{status}<p>{escape(summary_line(result, rule.title))}</p>{at}<p><strong>How to fix</strong></p>{_remediation(report.remediation(result))}"
        f"<p><strong>Why it matters:</strong> {escape(rule.why)}</p></div>"
    )


def _table(headers: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{h}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f'<div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'


def _ml_test_score(score: MlTestScore) -> list[str]:
    sections = _table(["Section", "Score"], [[escape(section.title), f"{section.score:g}/7"] for section in score.sections])
    rows = []
    for test in (test for section in score.sections for test in section.tests):
        warnings = mts_warnings(test)
        evidence = "<br>".join(([escape(test.evidence)] if test.evidence else []) + [f'<span class="warn">⚠ {escape(warning)}</span>' for warning in warnings])
        rows.append(['<span class="warn">⚠</span>' if warnings else "", escape(test.id), escape(test.title), escape(MODE_TEXT.get(test.mode, test.mode)), f"{test.points:g}", evidence, escape(rule_statuses(test.rules))])
    tests = f"<details><summary>The {len(rows)} tests</summary>{_table(['', 'Test', 'Title', 'Mode', 'Points', 'Evidence', 'Rules'], rows)}</details>"
    return [f"<h3>ML Test Score: {score.final:g} of 7</h3>", f"<p><em>{escape(score.band)}</em></p>", sections, tests]


def _coverage(view: Coverage) -> str:
    grouped = any(item.group for item in view.items)
    headers = ["Status", "Item"] + (["Function"] if grouped else []) + ["Name", "Rules"]
    rows = [[escape(item_status(item.status)), escape(item.id)] + ([escape(item.group or "")] if grouped else []) + [escape(item.name), escape(rule_statuses(item.rules))] for item in view.items]
    body = _table(headers, rows) if rows else f"<p>{NO_ITEMS}</p>"
    return f"<details><summary><strong>{escape(view.title)}</strong> — {escape(coverage_summary(view))}</summary>{body}</details>"


def _weakest(manifest: ManifestReport) -> str:
    weakest = next((c for c in manifest.categories if c.category == manifest.weakest), None)
    if weakest is None or weakest.score is None or weakest.score >= 100:
        return ""
    return f" · weakest: {escape(weakest.title)} ({weakest.score:g})"


def _unwaived(manifest: ManifestReport) -> str:
    text = without_waivers(manifest)
    return f" · <strong>{escape(text)}</strong>" if text else ""


def _turned_off(manifest: ManifestReport) -> list[str]:
    """A table of the declarations that turned rules off, with the reason each gives."""
    declared = turned_off_by(manifest)
    if not declared:
        return []
    rows = [
        [f"<code>{escape(item.declaration)}</code>" + (f" (line {item.location.line})" if item.location else ""), escape(item.value), escape(item.rationale) if item.rationale else f"<em>{escape(item.reason)}</em>", escape(", ".join(item.rules))]
        for item in declared
    ]
    return [f"<h3>Turned off by a declaration ({len(manifest.turned_off)})</h3>", _table(["Declaration", "Value", "Reason", "Rules turned off"], rows)]


def _overview(report: Report) -> list[str]:
    """One row per service, worst first, each linking to its section (with two services or more)."""
    if len(report.portfolio) < 2:
        return []
    sections = {manifest.file: index for index, manifest in enumerate(report.manifests, 1)}
    rows = []
    for row in report.portfolio:
        name = escape(row.service or row.file)
        link = f'<a href="#service-{sections[row.file]}">{name}</a>' if row.file in sections else name
        weakest = f"{escape(row.weakest)} ({_score(row.weakest_score)})" if row.weakest and row.weakest_score is not None and row.weakest_score < 100 else "—"
        verdict = f'<span class="verdict {escape(row.verdict)}">{escape(VERDICT_TEXT[row.verdict])}</span>'
        rows.append([link, escape(row.kind or "—"), escape(row.risk or "—"), verdict, _score(row.score), weakest, str(row.blockers), str(row.waivers)])
    return ["<h2>Overview</h2>", _table(["Service", "Kind", "Risk", "Verdict", "Score", "Weakest category", "Blockers", "Waivers"], rows)]


def _manifest(report: Report, manifest: ManifestReport, index: int) -> list[str]:
    facts = service_facts(manifest)
    parts = [
        f'<section id="service-{index}">',
        f"<h2>{escape(manifest.service or 'unnamed service')}" + (f" <small>({escape(facts)})</small>" if facts else "") + "</h2>",
        f'<p class="meta"><code>{escape(manifest.file)}</code></p>',
        f'<p><span class="verdict {escape(manifest.verdict)}">{escape(VERDICT_TEXT[manifest.verdict])}</span> score <strong>{_score(manifest.score)}</strong>/100{_weakest(manifest)}{_unwaived(manifest)}</p>',
    ]
    trust = declared_share_line(manifest)
    if trust:
        parts.append(f'<p class="meta">{escape(trust)}</p>')
    rows = [[escape(c.title), _bar(c), _score(c.score), str(c.counts.get(PASS, 0)), str(c.counts.get("fail", 0) + c.counts.get(ERROR, 0)), str(c.counts.get(WAIVED, 0))] for c in manifest.categories]
    parts.append(_table(["Category", "", "Score", "Pass", "Fail", "Waived"], rows))
    blockers, others = split_blockers(failing(manifest))
    for title, group in (("Blockers — critical and high", blockers), ("Other failures — medium and low", others)):
        if group:
            parts.append(f"<h3>{title} ({len(group)})</h3>")
            parts.extend(_finding(report, result) for result in group)
    waived = [r for r in manifest.results if r.status == WAIVED]
    if waived:
        rows = [[escape(f"{r.rule} {report.rules[r.rule].title}"), escape(r.severity), escape(r.waiver.reason if r.waiver else ""), escape(r.waiver.owner if r.waiver else ""), escape(r.waiver.expires if r.waiver else "")] for r in waived]
        parts += [f"<h3>Waived ({len(waived)})</h3>", _table(["Rule", "Severity", "Reason", "Owner", "Expires"], rows)]
    if manifest.notes:
        items = "".join(f"<li>{escape(n.message)}" + (f" (at <code>{escape(f'{n.location.file}:{n.location.line}:{n.location.column}')}</code>)" if n.location else "") + "</li>" for n in manifest.notes)
        parts += ["<h3>Notes</h3>", f"<ul>{items}</ul>"]
    if manifest.fixed:
        items = "".join(f"<li>{escape(r.rule)} · {escape(r.severity)} — {escape(report.rules[r.rule].title)}</li>" for r in manifest.fixed)
        parts += [f"<h3>Fixed since the baseline ({len(manifest.fixed)})</h3>", f"<ul>{items}</ul>"]
    parts += _turned_off(manifest)
    views = manifest.frameworks
    if views and views.ml_test_score:
        parts += _ml_test_score(views.ml_test_score)
    shown = coverage_shown(views, every=True)
    if shown:
        parts += ["<h3>Framework coverage</h3>"] + [_coverage(view) for view in shown]
    for status, title in ((PASS, "Passed"), (SKIPPED, "Not applicable")):
        group = [r for r in manifest.results if r.status == status]
        if group:
            rows = [[escape(r.rule), escape(r.severity), escape(report.rules[r.rule].title)] + ([escape(r.message)] if status == SKIPPED else []) for r in group]
            headers = ["Rule", "Severity", "Title"] + (["Reason"] if status == SKIPPED else [])
            parts.append(f"<details><summary>{title} ({len(group)})</summary>{_table(headers, rows)}</details>")
    return parts + ["</section>"]


class HtmlReporter:
    def render(self, report: Report, options: RenderOptions) -> str:
        title = escape(overview_title(report))
        parts = [
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{title}</title>",
            f"<style>{STYLE}</style></head><body><main>",
            f"<h1>{title}</h1>",
            f'<p class="meta">readiness {escape(report.tool_version)} · as of {escape(report.as_of)}</p>',
        ]
        parts += _overview(report) + _gate(report) + _configuration(report)
        for index, manifest in enumerate(report.manifests, 1):
            parts += _manifest(report, manifest, index)
        parts.append("</main></body></html>")
        return "\n".join(parts) + "\n"


REPORTER = HtmlReporter()
