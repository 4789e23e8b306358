"""Framework views in the markdown and HTML reports: the ML Test Score and the coverage of
OWASP LLM Top 10, NIST AI RMF and EU AI Act, rendered from the report (golden files, escaping,
which views show when)."""

from __future__ import annotations

import re

import pytest
from markdown_it import MarkdownIt
from reporting import FRAMEWORKS, check_golden, edited, fetches, fixture_report

from readiness.frameworks import parse_frameworks
from readiness.report import Report
from readiness.reporters import RenderOptions, get

RESEARCH = "More of a research project than a productionized system."


@pytest.fixture(scope="module")
def report() -> Report:
    """tests/fixtures/frameworks audited with ``--framework all``."""
    return fixture_report(FRAMEWORKS, parse_frameworks(["all"]))


@pytest.fixture(scope="module")
def plain() -> Report:
    """The same audit without ``--framework``."""
    return fixture_report(FRAMEWORKS)


def render(report: Report, name: str) -> str:
    return get(name).render(report, RenderOptions(full=True))


def table_rows(markdown: str) -> list[list[str]]:
    """Every table body row of the rendered markdown, as the text of its cells."""
    html = MarkdownIt("commonmark").enable("table").render(markdown)
    return [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in html.split("<tr>")[1:]]


@pytest.mark.parametrize(("name", "golden"), [("markdown", "frameworks.md"), ("html", "frameworks.html")])
def test_framework_views_match_their_golden_files(report, name, golden):
    check_golden(golden, render(report, name))


def test_markdown_shows_the_ml_test_score_and_every_requested_coverage_view(report):
    text = render(report, "markdown")
    assert f"### ML Test Score: 0 of 7\n\n*{RESEARCH}*" in text
    assert "| Infrastructure | 0.5/7 |" in text
    assert "<details>\n<summary>The 28 tests</summary>" in text
    assert "### OWASP Top 10 for LLM Applications 2025 — 3 of 10 addressed · 1 failing" in text
    assert "| ❌ fail | LLM03 | Supply Chain | FWK001 (fail) |" in text
    assert "### NIST AI RMF 1.0 — 4 of 4 addressed · 1 failing" in text
    assert "| ✅ pass | MG-2.4 | MANAGE | A misbehaving system can be disengaged or deactivated | FWK002 (pass) |" in text
    assert "### EU AI Act (Regulation (EU) 2024/1689) — 2 of 2 addressed · 1 failing" in text
    assert text.index("### Waived") < text.index("### ML Test Score") < text.index("### OWASP") < text.index("<summary>Passed (2)")


def test_html_shows_the_ml_test_score_and_every_coverage_view_folded(report):
    text = render(report, "html")
    assert f"<h3>ML Test Score: 0 of 7</h3>\n<p><em>{RESEARCH}</em></p>" in text
    assert "<tr><td>Infrastructure</td><td>0.5/7</td></tr>" in text
    assert "<details><summary>The 28 tests</summary>" in text
    assert "<details><summary><strong>OWASP Top 10 for LLM Applications 2025</strong> — 3 of 10 addressed · 1 failing</summary>" in text
    assert "<tr><td>❌ fail</td><td>LLM03</td><td>Supply Chain</td><td>FWK001 (fail)</td></tr>" in text
    assert "<tr><td>✅ pass</td><td>MG-2.4</td><td>MANAGE</td><td>A misbehaving system can be disengaged or deactivated</td><td>FWK002 (pass)</td></tr>" in text


@pytest.mark.parametrize("name", ["markdown", "html"])
def test_an_item_lists_only_the_rules_that_apply_unless_none_does(report, name):
    text = render(report, name)
    llm06 = next(line for line in text.replace("<tr>", "\n").splitlines() if "LLM06" in line)
    assert "FWK002 (pass)" in llm06 and "FWK003" not in llm06  # FWK003 is for agents only
    llm01 = next(line for line in text.replace("<tr>", "\n").splitlines() if "LLM01" in line)
    assert "not covered" in llm01 and "FWK003 (skipped)" in llm01


def test_markdown_mts_rows_keep_their_columns_and_flag_problems(report):
    text = render(report, "markdown")
    assert "make train \\| diff - \\`expected.sha256\\` · ⚠ claimed automated, but FWK001 did not pass in this audit, so it earns 0" in text
    tests = {row[1]: row for row in table_rows(text) if len(row) == 7}
    assert len(tests) == 28
    assert tests["infra-1"] == ["⚠", "infra-1", "Training is reproducible", "automated", "0", "make train | diff - `expected.sha256` · ⚠ claimed automated, but FWK001 did not pass in this audit, so it earns 0", "FWK001 (fail)"]
    assert tests["monitor-6"][5].startswith("&lt;script&gt;alert(1)&lt;/script&gt; &amp; grafana: p99 | tokens")
    assert tests["model-1"][0] == "⚠" and tests["model-1"][5] == "⚠ declared manual but cites no evidence, so it earns 0"
    assert tests["infra-7"] == ["", "infra-7", "Serving models can be rolled back", "manual", "0.5", "runbooks/rollback.md, drilled 2026-10-01", "FWK002 (pass)"]
    assert tests["data-2"][3:6] == ["not done", "0", ""]


def test_markdown_escapes_every_framework_cell(report):
    odd = edited(report)
    views = odd.manifests[0].frameworks
    views.coverage[0].items[0].name = "Prompt | `injection`"
    views.ml_test_score.band = "*bold* | band"
    text = render(odd, "markdown")
    assert "| ⬜ not covered | LLM01 | Prompt \\| \\`injection\\` | FWK003 (skipped) |" in text
    assert "*\\*bold\\* \\| band*" in text


def test_html_escapes_the_framework_views_and_stays_self_contained(report):
    odd = edited(report)
    odd.manifests[0].frameworks.coverage[0].items[0].name = '<img src="x">'
    text = render(odd, "html")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; grafana: p99 | tokens" in text
    assert "&lt;img src=&quot;x&quot;&gt;" in text
    assert fetches(text) == []


def test_without_the_option_markdown_shows_no_view_and_html_folds_the_coverage(plain):
    markdown = render(plain, "markdown")
    assert "ML Test Score" not in markdown and "OWASP" not in markdown and "NIST" not in markdown
    html = render(plain, "html")
    assert "ML Test Score" not in html
    assert "<details><summary><strong>NIST AI RMF 1.0</strong> — 4 of 4 addressed · 1 failing</summary>" in html


def test_markdown_shows_only_the_coverage_views_asked_for():
    owasp = fixture_report(FRAMEWORKS, parse_frameworks(["owasp-llm"]))
    text = render(owasp, "markdown")
    assert "### OWASP Top 10" in text and "NIST" not in text and "EU AI Act" not in text and "ML Test Score" not in text


def test_a_view_no_rule_cites_says_so(report):
    odd = edited(report)
    odd.manifests[0].frameworks.coverage[2].items = []
    assert "### EU AI Act (Regulation (EU) 2024/1689) — 0 of 0 addressed\n\nNo rule in this audit cites this framework." in render(odd, "markdown")
    assert "0 of 0 addressed</summary><p>No rule in this audit cites this framework.</p></details>" in render(odd, "html")


def test_cli_audit_with_every_framework_renders_them(cli):
    run = cli("audit", FRAMEWORKS / "readiness.yaml", "--rules", FRAMEWORKS / "rules.yaml", "--as-of", "2026-11-26", "--framework", "all", "--format", "markdown")
    assert run.exit_code == 1, run.stderr
    assert "### ML Test Score: 0 of 7" in run.stdout and "### NIST AI RMF 1.0" in run.stdout


def test_the_fixture_pack_passes_and_fails_on_its_own_examples():
    from readiness.examples import check_pack

    assert check_pack(FRAMEWORKS / "rules.yaml") == (5, [])
