"""Reports read by their real consumers across a fleet of services: the overview, a PR comment,
code scanning, annotations, shards merged back into one report, and the CI integrations' files.

The fleet is the four samples copied into a fresh repository (each with the evidence it cites),
some of them several times under other folders, audited as a platform team would.
"""

from __future__ import annotations

from dataclasses import replace

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from markdown_it import MarkdownIt

from conftest import AS_OF, REPO
from jsonschema import Draft4Validator
from reporting import SCHEMAS, edited, fixture_report
from readiness.report import FAIL, Location, Result
from readiness.reporters import RenderOptions, get
from readiness.reporters.github import PER_LEVEL

SAMPLES = REPO / "sample_configs"
GITHUB_COMMENT_LIMIT = 65_536
ZERO_WIDTH_SPACE = "\u200b"


def gfm(markdown: str) -> str:
    """HTML as a GFM renderer makes it: CommonMark with tables and strikethrough (markdown-it-py,
    which rich already installs; GitHub's extras — mentions, issue links — are checked on the text)."""
    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(markdown)


@pytest.fixture
def fleet(project) -> Path:
    """services/<sample>/readiness.yaml for each sample, and copies of churn-model and refund-agent under teams/."""
    for sample in SAMPLES.iterdir():
        shutil.copytree(sample, project.root / "services" / sample.name)
    for team in ("payments", "search", "risk"):
        shutil.copytree(SAMPLES / "churn-model", project.root / "teams" / team / "churn-model")
        shutil.copytree(SAMPLES / "refund-agent", project.root / "teams" / team / "refund-agent")
    return project.root


def audit_json(cli, *args) -> dict:
    result = cli("audit", *args, "--as-of", AS_OF, "--format", "json", "--exit-zero")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


# The overview ---------------------------------------------------------------------------------


def test_the_overview_lists_every_service_worst_first(cli, fleet):
    report = audit_json(cli, "services")
    rows = report["portfolio"]
    assert sorted(row["file"] for row in rows) == sorted(manifest["file"] for manifest in report["manifests"])
    order = {"not_ready": 0, "ready_with_risks": 1, "ready": 2}
    assert [order[row["verdict"]] for row in rows] == sorted(order[row["verdict"]] for row in rows)
    for row in rows:
        manifest = next(m for m in report["manifests"] if m["file"] == row["file"])
        failing = [r for r in manifest["results"] if r["status"] in ("fail", "error")]
        assert row["blockers"] == sum(1 for r in failing if r["severity"] in ("critical", "high"))
        assert row["waivers"] == sum(1 for r in manifest["results"] if r["status"] == "waived")
        assert row["score"] == manifest["score"] and row["service"] == manifest["service"]
    assert rows[0]["service"] == "churn-model"  # the most blockers among the not-ready ones


@pytest.mark.parametrize("name", ["terminal", "markdown", "html"])
def test_formats_people_read_open_with_the_verdict_and_the_overview(cli, fleet, name):
    text = cli("audit", "services", "--as-of", AS_OF, "--format", name, "--color", "never").stdout
    rows = audit_json(cli, "services")["portfolio"]
    first_detail = text.index("services/churn-model/readiness.yaml")
    positions = [text.index(row["service"]) for row in rows]
    assert positions == sorted(positions) and positions[-1] < first_detail  # overview rows, worst first, before any detail
    verdicts = sum(1 for row in rows if row["verdict"] == "not_ready")
    assert f"Readiness: 4 services — {verdicts} not ready" in text[:400]


def test_markdown_overview_links_to_each_service_heading_as_github_names_it(cli, fleet):
    html = gfm(cli("audit", "services", "--as-of", AS_OF, "--format", "markdown").stdout)
    links = re.findall(r'<a href="#([^"]+)">', html)
    headings = [re.sub(r"<[^>]+>", "", heading) for heading in re.findall(r"<h2>(.*?)</h2>", html)]

    def github_id(text: str) -> str:  # GitHub: lower case, punctuation dropped, spaces to hyphens
        return re.sub(r"[^\w\- ]", "", text.lower()).replace(" ", "-")

    assert len(links) == 4 and set(links) <= {github_id(heading) for heading in headings}


def test_html_overview_rows_link_to_service_sections(cli, fleet):
    text = cli("audit", "services", "--as-of", AS_OF, "--format", "html").stdout
    targets = re.findall(r'<a href="#([^"]+)">', text)
    assert len(targets) == 4 and all(f'<section id="{target}">' in text for target in targets)
    assert re.search(r"<title>Readiness: 4 services — \d not ready", text)


# Markdown sized for a PR comment ---------------------------------------------------------------


def test_markdown_fits_one_github_comment_and_says_where_the_rest_is(cli, fleet):
    result = cli("audit", ".", "--as-of", AS_OF, "--format", "markdown")
    full = cli("audit", ".", "--as-of", AS_OF, "--format", "markdown", "--full").stdout
    text = result.stdout
    assert len(full) > GITHUB_COMMENT_LIMIT  # the fleet's review document does not fit
    assert len(text) <= GITHUB_COMMENT_LIMIT
    assert "readiness report REPORT.json --format markdown --full" in text
    html = gfm(text)
    assert html.count("<details>") == html.count("</details>") == text.count("<details>")
    assert "### Blockers — critical and high" in text  # blockers in full, with their fix
    assert "**Fix:**" in text


def test_one_service_comment_keeps_every_blocker_and_folds_the_rest(cli, fleet):
    text = cli("audit", "services/churn-model", "--as-of", AS_OF, "--format", "markdown").stdout
    report = audit_json(cli, "services/churn-model")
    failing = [r for r in report["manifests"][0]["results"] if r["status"] in ("fail", "error")]
    for result in failing:
        marker = f"#### ❌ {result['rule']} · {result['severity']}"
        assert (marker in text) == (result["severity"] in ("critical", "high")), result["rule"]
        assert result["rule"] in text
    assert "passed · " in text and "<summary>Passed" not in text


def test_markdown_text_from_manifests_cannot_mention_or_link(tmp_path):
    report = edited(fixture_report())
    waived = next(r for r in report.manifests[0].results if r.waiver)
    waived.waiver.reason = "@alice approved in #123 and acme/infra#7; cc @acme/sre"
    for full in (False, True):
        html = gfm(get("markdown").render(report, RenderOptions(full=full)))
        text = re.sub(r"<[^>]+>", "", html)
        assert "approved in" in text
        for handle in ("@alice", "#123", "infra#7", "@acme/sre"):
            assert handle not in text
        assert f"@{ZERO_WIDTH_SPACE}alice" in text and f"#{ZERO_WIDTH_SPACE}123" in text
    assert "ana@example.com" in get("markdown").render(report, RenderOptions())  # an e-mail address is not a mention


# Outputs --------------------------------------------------------------------------------------


def test_output_into_a_folder_that_does_not_exist_yet_is_created(cli, fleet):
    result = cli("audit", "services", "--as-of", AS_OF, "--output", "sarif:build/reports/readiness.sarif", "--output", "junit:build/junit.xml")
    assert result.exit_code == 1 and result.stdout  # the gate fails (samples that are not ready), the run is printed
    assert json.loads((fleet / "build" / "reports" / "readiness.sarif").read_text("utf-8"))["version"] == "2.1.0"
    assert (fleet / "build" / "junit.xml").exists()


# Shards ---------------------------------------------------------------------------------------


def test_shards_cover_the_fleet_once_and_merge_back_into_the_same_report(cli, fleet):
    whole = audit_json(cli, ".")
    shards = []
    for index in (1, 2, 3):
        shard = audit_json(cli, ".", "--shard", f"{index}/3")
        (fleet / f"shard{index}.json").write_text(json.dumps(shard), encoding="utf-8")
        shards.append(shard)
    files = [m["file"] for shard in shards for m in shard["manifests"]]
    assert sorted(files) == sorted(m["file"] for m in whole["manifests"]) and len(files) == len(set(files))
    assert audit_json(cli, ".", "--shard", "2/3")["portfolio"] == shards[1]["portfolio"]  # the same split every time
    merged = cli("report", "shard1.json", "shard2.json", "shard3.json", "--format", "json", "--gate")
    assert merged.exit_code == 1  # the merged gate fails like the whole fleet's
    report = json.loads(merged.stdout)
    assert report["portfolio"] == whole["portfolio"]
    assert report["gate"]["passed"] is False and sorted(report["gate"]["reasons"]) == sorted(whole["gate"]["reasons"])


def test_merging_reports_judged_differently_is_refused(cli, fleet):
    (fleet / "a.json").write_text(json.dumps(audit_json(cli, "services/churn-model")), encoding="utf-8")
    (fleet / "b.json").write_text(json.dumps(audit_json(cli, "services/refund-agent", "--fail-on", "critical")), encoding="utf-8")
    (fleet / "c.json").write_text(json.dumps(audit_json(cli, "services/churn-model")), encoding="utf-8")
    result = cli("report", "a.json", "b.json")
    assert result.exit_code == 2 and result.stderr.startswith("b.json: cannot merge: its gate")
    result = cli("report", "a.json", "c.json")
    assert result.exit_code == 2 and "also in a.json" in result.stderr


@pytest.mark.parametrize("shard", ["0/3", "4/3", "2", "a/b"])
def test_a_shard_must_be_k_of_n(cli, fleet, shard):
    result = cli("audit", ".", "--shard", shard)
    assert result.exit_code == 2 and "--shard: expected K/N" in result.stderr


# GitHub code scanning -------------------------------------------------------------------------


def sarif_run(cli, *args) -> dict:
    result = cli("audit", *args, "--as-of", AS_OF, "--format", "sarif")
    assert result.exit_code in (0, 1), result.stderr
    return json.loads(result.stdout)["runs"][0]


def test_fleet_sarif_is_valid_and_every_rule_links_its_help(cli, fleet):
    result = cli("audit", ".", "--as-of", AS_OF, "--format", "sarif")
    log = json.loads(result.stdout)
    schema = json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text("utf-8"))
    assert [error.message for error in Draft4Validator(schema).iter_errors(log)] == []
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert all(rule["helpUri"].startswith("https://readiness.dev/docs/catalog.md#") for rule in rules)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]}
    assert uris and all(not uri.startswith(("/", "file:")) and ":" not in uri for uri in uris)


def test_jobs_auditing_different_folders_get_different_categories(cli, fleet):
    services = sarif_run(cli, "services")["automationDetails"]["id"]
    teams = sarif_run(cli, "teams")["automationDetails"]["id"]
    assert services == "readiness-services/" and teams == "readiness-teams/"
    assert sarif_run(cli, ".")["automationDetails"]["id"] == "readiness/"
    assert sarif_run(cli, "services", "--category", "readiness-nightly")["automationDetails"]["id"] == "readiness-nightly/"


def test_paths_are_relative_to_the_repository_root_wherever_the_command_runs(cli, fleet, monkeypatch):
    monkeypatch.chdir(fleet / "services")
    run = sarif_run(cli, "churn-model")
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]}
    assert uris == {"services/churn-model/readiness.yaml"}
    assert run["automationDetails"]["id"] == "readiness-services-churn-model/"
    gitlab = json.loads(cli("audit", "churn-model", "--as-of", AS_OF, "--format", "gitlab").stdout)
    assert {issue["location"]["path"] for issue in gitlab} == {"services/churn-model/readiness.yaml"}
    github = cli("audit", "churn-model", "--as-of", AS_OF, "--format", "github").stdout
    assert set(re.findall(r"file=([^,]+),", github)) == {"services/churn-model/readiness.yaml"}


def test_security_severity_follows_the_effective_severity():
    report = edited(fixture_report())
    results = report.manifests[0].results
    index, security = next((n, r) for n, r in enumerate(results) if report.rules[r.rule].category == "security")
    assert report.rules[security.rule].severity == "medium"
    results[index] = replace(security, severity="critical")  # escalated for a high-risk system (results are frozen)
    rule = next(rule for rule in json.loads(get("sarif").render(report, RenderOptions()))["runs"][0]["tool"]["driver"]["rules"] if rule["id"] == security.rule)
    assert rule["properties"]["security-severity"] == "9.5"
    assert rule["helpUri"].startswith("https://") and rule["helpUri"].endswith("#security--safety")


def test_waived_findings_are_suppressed_not_open_alerts(cli, fleet):
    run = sarif_run(cli, "services/docs-search")
    waived = [r for r in run["results"] if "suppressions" in r]
    assert waived and all(s["status"] == "accepted" and s["justification"] for r in waived for s in r["suppressions"])


# GitHub annotations ---------------------------------------------------------------------------


def test_annotations_stay_within_githubs_limits_most_severe_first():
    report = edited(fixture_report())
    manifest = report.manifests[0]
    for index, severity in enumerate(["low"] * 15 + ["medium"] * 15 + ["critical"] * 8 + ["high"] * 8):
        manifest.results.append(Result("TST001", FAIL, severity, f"finding {index}", Location(manifest.file, f"/x/{index}", 1, 1)))
    lines = get("github").render(report, RenderOptions()).splitlines()
    names = [line[2:].split(" ", 1)[0].split("::", 1)[0] for line in lines]
    assert {name: names.count(name) for name in set(names)} == {"error": PER_LEVEL, "warning": PER_LEVEL, "notice": PER_LEVEL}
    errors = [line for line in lines if line.startswith("::error")]
    shown = "".join(errors)
    assert all(f"finding {index}:" in shown or f"finding {index}%0A" in shown for index in range(30, 38))  # every critical one
    assert "finding 45%0A" not in shown  # the last high one is left for the report
    assert "more are in the job summary" in lines[-1] and lines[-1].startswith("::notice")
    assert re.search(r"\d+ errors, \d+ warnings, \d+ notices more", lines[-1])


# CI integrations ------------------------------------------------------------------------------


def test_the_pre_commit_audit_hook_runs_on_every_commit_without_file_names():
    hooks = {hook["id"]: hook for hook in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text("utf-8"))}
    audit = hooks["readiness-audit"]
    assert audit["always_run"] is True and audit["pass_filenames"] is False  # an edited prompt whose hash is pinned is caught
    assert "files" not in audit


def test_the_action_pins_its_actions_and_reports_outputs():
    action = yaml.safe_load((REPO / "action.yml").read_text("utf-8"))
    uses = [step["uses"] for step in action["runs"]["steps"] if "uses" in step]
    assert uses and all(re.fullmatch(r"[\w-]+/[\w/-]+@[0-9a-f]{40}", item) for item in uses)
    assert not any("setup-python" in item for item in uses)  # the caller's Python is left alone
    assert any(item.startswith("github/codeql-action/upload-sarif@") for item in uses)
    assert {"verdict", "score", "gate", "sarif-file"} <= set(action["outputs"])
    assert "category" in action["inputs"]


# HTML and the terminal ------------------------------------------------------------------------


def contrast(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio of two #rrggbb colours."""

    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def css_rules(html: str) -> dict[str, str]:
    style = re.search(r"<style>(.*?)</style>", html, re.S).group(1)
    return {selector.strip(): body for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", style)}


def test_html_badges_and_text_pass_wcag_aa_contrast(cli, fleet):
    rules = css_rules(cli("audit", "services", "--as-of", AS_OF, "--format", "html").stdout)
    for verdict in ("ready", "ready_with_risks", "not_ready"):
        body = rules[f".{verdict}"]
        background, colour = re.search(r"background:(#\w{6})", body).group(1), re.search(r"(?<![-\w])color:(#\w{3,6})", body).group(1)
        colour = "#ffffff" if colour == "#fff" else colour
        assert contrast(colour, background) >= 4.5, verdict
    for grade in ("good", "fair", "poor"):  # a bar is a graphical object: 3:1 against its track
        assert contrast(re.search(r"background:(#\w{6})", rules[f".{grade}"]).group(1), "#eaeef2") >= 3, grade
    assert contrast(re.search(r"color:(#\w{6})", rules[".warn"]).group(1), "#ffffff") >= 4.5


def test_html_fits_a_phone_and_prints(cli, fleet):
    html = cli("audit", "services", "--as-of", AS_OF, "--format", "html").stdout
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    style = re.search(r"<style>(.*?)</style>", html, re.S).group(1)
    fixed = [int(width) for width in re.findall(r"(?<![-\w])(?:min-)?width:(\d+)px", style)]
    bars = re.search(r"\.bar\{[^}]*\}", style).group(0)
    assert all(width <= 200 for width in fixed) and "max-width:30vw" in bars  # nothing forces the page past 390 px
    assert html.count("<table>") == html.count('<div class="scroll"><table>')  # wide tables scroll in their own box
    assert "overflow-wrap:anywhere" in style and "@media print" in style


def test_html_headings_sit_in_their_service_section_and_bars_show_blockers(cli, fleet):
    html = cli("audit", "services/churn-model", "--as-of", AS_OF, "--format", "html").stdout
    assert "<title>Readiness: churn-model — Not ready</title>" in html
    section = html[html.index('<section id="service-1">') : html.index("</section>")]
    assert section.count("<h2>") == 1 and "<h3>Blockers" in section and "<h2>" not in html[html.index("</section>") :]
    report = audit_json(cli, "services/churn-model")
    for category in report["manifests"][0]["categories"]:
        row = next(row for row in section.split("<tr>") if f"<td>{category['title'].replace('&', '&amp;')}</td>" in row)
        if category["failing"] in ("critical", "high"):
            assert 'class="fill poor"' in row, category["title"]
        elif category["failing"]:
            assert 'class="fill good"' not in row, category["title"]


def test_terminal_wraps_to_its_width_and_pipes_stay_plain(cli, fleet):
    report_text = cli("audit", "services/churn-model", "--as-of", AS_OF, "--format", "json", "--exit-zero").stdout
    from readiness.report import Report

    report = Report.from_dict(json.loads(report_text))
    wrapped = get("terminal").render(report, RenderOptions(width=80, wrap=True))
    prose = [line for line in wrapped.splitlines() if not line.startswith(" " * 15)]  # indented YAML snippets are left whole
    assert [line for line in prose if len(line) > 80 and " " in line.strip()] == []
    piped = cli("audit", "services/churn-model", "--as-of", AS_OF).stdout
    assert "\x1b[" not in piped
    longest = max(report.manifests[0].results, key=lambda result: len(result.message))
    assert longest.message in piped  # one line per message: grep finds it


def test_ci_recipes_pin_every_action_by_commit():
    text = (REPO / "docs" / "ci.md").read_text("utf-8")
    uses = [item for item in re.findall(r"uses: (\S+)", text) if not item.startswith("OWNER/")]  # OWNER/readiness: this action, at your tag
    assert uses and all(re.fullmatch(r"[\w-]+/[\w/-]+@[0-9a-f]{40}", item) for item in uses), uses
