"""Output formats: golden files for every format, and what each consumer relies on
(SARIF schema and GitHub code scanning, JUnit XSD, workflow-command and markdown escaping,
HTML escaping, GitLab Code Quality fields)."""

from __future__ import annotations

import json
from dataclasses import replace
import xml.etree.ElementTree as ET

import pytest
from conftest import AS_OF, REPO
from jsonschema import Draft4Validator
from reporting import SCHEMAS, XsdChecker, check_golden, edited, fetches, fixture_report

from readiness.report import ERROR, FAIL, PASS, WAIVED, Report
from readiness.reporters import FORMATS, RenderOptions, get
from readiness.reporters.github import escape_data, escape_property, step_summary, write_step_summary

GOLDEN_NAMES = {
    "json": "report.json",
    "markdown": "report.md",
    "sarif": "report.sarif",
    "junit": "report.junit.xml",
    "github": "report.github.txt",
    "gitlab": "report.gitlab.json",
    "html": "report.html",
}


@pytest.fixture(scope="module")
def report() -> Report:
    return fixture_report()


def render(report: Report, name: str) -> str:
    return get(name).render(report, RenderOptions(full=True))


def results_of(report: Report) -> dict:
    return {result.rule: result for result in report.manifests[0].results}


def change_result(report: Report, rule: str, **changes: object) -> None:
    """Change the rule's result in the first manifest (results are frozen: replaced, not edited)."""
    results = report.manifests[0].results
    index = next(position for position, result in enumerate(results) if result.rule == rule)
    results[index] = replace(results[index], **changes)


def test_the_fixture_covers_every_kind_of_result(report):
    statuses = {rule: result.status for rule, result in results_of(report).items()}
    assert statuses == {"TST001": FAIL, "TST002": PASS, "TST005": WAIVED, "TST006": FAIL, "TST004": FAIL, "TST003": "skipped"}
    assert len(report.manifests[0].notes) == 2  # a stale and an expired waiver
    assert not report.gate.passed


@pytest.mark.parametrize("name", sorted(GOLDEN_NAMES))
def test_every_format_matches_its_golden_file(report, name):
    check_golden(GOLDEN_NAMES[name], render(report, name))


def test_every_registered_format_except_terminal_has_a_golden_file():
    assert set(FORMATS) - {"terminal"} == set(GOLDEN_NAMES)


# SARIF ------------------------------------------------------------------------------------


def sarif(report: Report) -> dict:
    return json.loads(render(report, "sarif"))


def assert_valid_sarif(log: dict) -> None:
    schema = json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text("utf-8"))
    errors = [f"{list(error.absolute_path)}: {error.message}" for error in Draft4Validator(schema).iter_errors(log)]
    assert errors == []


def test_sarif_validates_and_meets_github_code_scanning_requirements(report):
    log = sarif(report)
    assert_valid_sarif(log)
    assert log["$schema"] and log["version"] == "2.1.0" and len(log["runs"]) == 1
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "readiness" and driver["version"] and driver["informationUri"].startswith("https://")
    assert run["automationDetails"] == {"id": "readiness/"}
    assert run["columnKind"] == "unicodeCodePoints"
    for rule in driver["rules"]:
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"] and rule["help"]["text"] and rule["help"]["markdown"]
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
        assert rule["properties"]["tags"] and rule["properties"]["precision"]
    for result in run["results"]:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        region = result["locations"][0]["physicalLocation"]["region"]
        assert {"startLine", "startColumn", "endLine", "endColumn"} <= set(region)
        assert result["partialFingerprints"]["readinessFinding/v1"]


def test_sarif_levels_follow_severity_and_passes_are_not_results(report):
    results = {r["ruleId"]: r for r in sarif(report)["runs"][0]["results"]}
    assert set(results) == {"TST001", "TST005", "TST006", "TST004"}  # no pass (TST002), no skipped (TST003)
    assert (results["TST001"]["level"], results["TST006"]["level"], results["TST004"]["level"]) == ("error", "warning", "note")
    assert results["TST001"]["locations"][0]["physicalLocation"]["region"] == {"startLine": 9, "startColumn": 3, "endLine": 9, "endColumn": 4}
    # the fixture was audited in tests/fixtures/outputs: code scanning resolves paths from the repository root
    assert results["TST001"]["locations"][0]["physicalLocation"]["artifactLocation"] == {"uri": "tests/fixtures/outputs/readiness.yaml", "uriBaseId": "%SRCROOT%"}


def test_sarif_security_severity_only_on_security_rules_as_a_number(report):
    rules = {rule["id"]: rule for rule in sarif(report)["runs"][0]["tool"]["driver"]["rules"]}
    assert float(rules["TST006"]["properties"]["security-severity"]) == 5.5
    assert [rule for rule in rules if "security-severity" in rules[rule]["properties"]] == ["TST006"]


def test_sarif_waived_result_is_suppressed_with_the_reason(report):
    waived = next(r for r in sarif(report)["runs"][0]["results"] if r["ruleId"] == "TST005")
    assert waived["suppressions"] == [{"kind": "external", "status": "accepted", "justification": "Budget alerts land next sprint", "properties": {"owner": "ana@example.com", "expires": "2026-12-15"}}]


def test_sarif_message_braces_are_doubled(report):
    message = next(r for r in sarif(report)["runs"][0]["results"] if r["ruleId"] == "TST006")["message"]["text"]
    assert "{{placeholders}}" in message


def test_sarif_fingerprints_ignore_line_numbers(report):
    moved = edited(report)
    for result in moved.manifests[0].results:
        if result.location:
            result.location.line += 5
    before = {r["ruleId"]: r["partialFingerprints"] for r in sarif(report)["runs"][0]["results"]}
    after = {r["ruleId"]: r["partialFingerprints"] for r in sarif(moved)["runs"][0]["results"]}
    assert before == after
    assert len({json.dumps(v) for v in before.values()}) == len(before)


def test_sarif_uri_is_percent_encoded_and_errors_are_notified(report):
    odd = edited(report)
    change_result(odd, "TST004", status=ERROR, message="the check raised KeyError: 'x'")
    odd.repository_prefix = ""
    for item in odd.manifests[0].results:
        if item.location:
            item.location.file = "deploy/my app/ré.yaml"
    log = sarif(odd)
    assert_valid_sarif(log)
    run = log["runs"][0]
    errored = next(r for r in run["results"] if r["ruleId"] == "TST004")
    assert errored["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "deploy/my%20app/r%C3%A9.yaml"
    assert errored["properties"]["status"] == "error" and errored["message"]["text"].startswith("The check could not run")
    assert run["invocations"][0]["toolExecutionNotifications"][0]["associatedRule"]["id"] == "TST004"


def test_sarif_clean_run_has_an_empty_results_array(report):
    clean = edited(report)
    clean.manifests[0].results = [r for r in clean.manifests[0].results if r.status == PASS]
    clean.manifests[0].notes = []
    run = sarif(clean)["runs"][0]
    assert run["results"] == [] and run["invocations"] == [{"executionSuccessful": True}]


@pytest.mark.parametrize("sample", sorted(path.name for path in (REPO / "sample_configs").iterdir() if path.is_dir()))
def test_every_sample_gives_valid_sarif_and_junit(cli, sample):
    audit = ("audit", REPO / "sample_configs" / sample, "--as-of", AS_OF, "--exit-zero", "--format")
    assert_valid_sarif(json.loads(cli(*audit, "sarif").stdout))
    assert XsdChecker(SCHEMAS / "junit-10.xsd").problems(ET.fromstring(cli(*audit, "junit").stdout)) == []


# JUnit ------------------------------------------------------------------------------------


def junit(report: Report) -> ET.Element:
    return ET.fromstring(render(report, "junit"))


def test_junit_satisfies_the_xsd(report):
    checker = XsdChecker(SCHEMAS / "junit-10.xsd")
    assert checker.problems(junit(report)) == []


def test_the_xsd_checker_catches_what_junit_10_forbids():
    checker = XsdChecker(SCHEMAS / "junit-10.xsd")
    bad = ET.fromstring('<testsuites skipped="1" time="0.0423"><testsuite name="x" tests="1" failures="0"><testcase name="a" file="f"/></testsuite></testsuites>')
    assert sorted(checker.problems(bad)) == [
        "/testsuites/testsuite/testcase: attribute 'file' not allowed",
        "/testsuites/testsuite: required attribute 'errors' missing",
        "/testsuites: attribute 'skipped' not allowed",
        "/testsuites: time='0.0423' does not match SUREFIRE_TIME",
    ]


def test_junit_has_one_testcase_per_rule_with_the_right_outcome(report):
    suite = junit(report).find("testsuite")
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors"), suite.get("skipped")) == ("6", "3", "0", "2")
    cases = {case.get("name").split()[0]: case for case in suite.iter("testcase")}
    assert cases["TST001"].get("classname") == "support-bot.Versioning & reproducibility"
    assert cases["TST004"].get("classname") == "support-bot.Monitoring & observability"

    assert cases["TST001"].get("name") == "TST001 The model is pinned to an immutable version"
    assert cases["TST001"].find("failure").get("type") == "critical"
    assert "readiness.yaml:9:3" in cases["TST001"].find("failure").text
    assert len(cases["TST002"]) == 0
    assert cases["TST005"].find("skipped").get("message") == "waived until 2026-12-15 by ana@example.com: Budget alerts land next sprint"
    assert cases["TST003"].find("skipped").get("message") == "not applicable: applies to ml systems; this one is llm; turned off by service.kind: llm (no fact shows another kind)"

def test_junit_class_names_split_where_jenkins_splits_them(report):
    odd = edited(report)
    odd.manifests[0].service = "payments.v2"
    names = {case.get("classname") for case in junit(odd).iter("testcase")}
    # Jenkins: package = before the last dot, class = after it
    assert {name.rpartition(".")[0] for name in names} == {"payments_v2"}
    assert {name.rpartition(".")[2] for name in names} == {"Versioning & reproducibility", "Monitoring & observability", "Cost", "Security & safety"}
    odd.manifests[0].service = None
    assert {case.get("classname").rpartition(".")[0] for case in junit(odd).iter("testcase")} == {"readiness_yaml"}


def test_junit_errors_and_illegal_characters(report):
    odd = edited(report)
    change_result(odd, "TST004", status=ERROR, message="the check raised ValueError: bad \x00 byte")
    root = junit(odd)
    assert XsdChecker(SCHEMAS / "junit-10.xsd").problems(root) == []
    error = next(case for case in root.iter("testcase") if case.get("name").startswith("TST004")).find("error")
    assert error.get("message") == "the check raised ValueError: bad \ufffd byte"
    assert root.get("errors") == "1" and root.find("testsuite").get("errors") == "1"


# GitHub -----------------------------------------------------------------------------------


def parse_command(line: str) -> tuple[str, dict[str, str], str]:
    """Read a workflow command the way the Actions runner does (ActionCommand.TryParseV2)."""
    assert line.startswith("::")
    end = line.index("::", 2)
    info, data = line[2:end], line[end + 2:]
    name, _, raw = info.partition(" ")
    properties = dict(pair.split("=", 1) for pair in raw.split(",") if pair)
    return name, {key: unescape(value, property=True) for key, value in properties.items()}, unescape(data, property=False)


def unescape(text: str, property: bool) -> str:
    """The runner's UnescapeProperty / UnescapeData: ``%25`` last."""
    pairs = [("%0D", "\r"), ("%0A", "\n")] + ([("%3A", ":"), ("%2C", ",")] if property else []) + [("%25", "%")]
    for escaped, plain in pairs:
        text = text.replace(escaped, plain)
    return text


def test_github_escaping_matches_the_toolkit():
    assert escape_data("100% done\r\nnext: a, b") == "100%25 done%0D%0Anext: a, b"
    assert escape_property("a,line=1:%") == "a%2Cline=1%3A%25"


def test_github_annotations_round_trip_through_the_runner_parser(report):
    odd = edited(report)
    tricky = "deploy/a,line=99,title=PASS:x%.yaml"
    odd.repository_prefix = ""
    for result in odd.manifests[0].results:
        if result.location:
            result.location.file = tricky
    lines = render(odd, "github").splitlines()
    commands = [parse_command(line) for line in lines]
    assert [name for name, _, _ in commands] == ["error", "warning", "notice", "warning", "warning", "notice", "notice"]
    name, properties, message = commands[0]
    assert properties == {"file": tricky, "line": "9", "col": "3", "title": "TST001 The model is pinned to an immutable version"}
    assert message.startswith("The served model can change under you (`model.version` | alias)")
    assert "\n\nFix: Pin one exact version" in message


def test_github_job_summary_is_the_markdown_report_appended_when_set(report, tmp_path):
    summary = tmp_path / "summary.md"
    write_step_summary(report, {})
    assert not summary.exists()
    summary.write_text("earlier step\n", encoding="utf-8")
    write_step_summary(report, {"GITHUB_STEP_SUMMARY": str(summary)})
    assert summary.read_text(encoding="utf-8") == "earlier step\n" + get("markdown").render(report, RenderOptions())  # sized for GitHub


def test_github_job_summary_is_cut_below_the_limit(report):
    text = step_summary(report, limit=400)
    assert len(text.encode("utf-8")) < 600 and text.endswith("the full report is in the job log.*\n")
    full = get("markdown").render(report, RenderOptions(full=True))
    inside = full.index("<summary>Passed") + 20  # cut inside a folded section
    text = step_summary(report, limit=len(full[:inside].encode("utf-8")), full=True)
    assert text.count("<details>") == text.count("</details>") >= 1


# Markdown, HTML, GitLab --------------------------------------------------------------------


def test_markdown_escapes_pipes_and_backticks(report):
    odd = edited(report)
    results_of(odd)["TST005"].waiver.reason = "cells | split `here`"
    text = render(odd, "markdown")
    assert "The served model can change under you (\\`model.version\\` \\| alias)" in text
    assert "| cells \\| split \\`here\\` | ana@example.com | 2026-12-15 |" in text
    assert "\\<script\\>alert(1)\\</script\\>" in text


def test_markdown_message_cannot_start_a_heading_or_list(report):
    from markdown_it import MarkdownIt

    odd = edited(report)
    change_result(odd, "TST004", message="# monitoring is missing")
    change_result(odd, "TST006", message="1. security is missing")
    html = MarkdownIt("commonmark").render(render(odd, "markdown"))
    assert "<p># monitoring is missing</p>" in html and "<p>1. security is missing</p>" in html


def test_markdown_puts_the_gate_first_and_blockers_before_other_failures(report):
    text = render(report, "markdown")
    assert text.index("**Gate: failed**") < text.index("### Blockers") < text.index("### Other failures") < text.index("### Waived")
    assert text.index("#### ❌ TST006") < text.index("#### ❌ TST004")
    assert "<details>\n<summary>Passed (1)</summary>" in text


def test_markdown_tables_keep_their_columns_when_rendered(report):
    from markdown_it import MarkdownIt

    odd = edited(report)
    results_of(odd)["TST005"].waiver.reason = "cells | split `here`"
    html = MarkdownIt("commonmark").enable("table").render(render(odd, "markdown"))
    waived_row = next(row for row in html.split("<tr>") if "TST005" in row)
    assert waived_row.count("<td>") == 5 and "<td>cells | split `here`</td>" in waived_row


def test_html_escapes_everything_and_fetches_nothing(report):
    text = render(report, "html")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert fetches(text) == []


def test_gitlab_code_quality_fields(report):
    issues = json.loads(render(report, "gitlab"))
    rooted = "tests/fixtures/outputs/readiness.yaml"  # relative to the repository root, where GitLab resolves it
    assert [(i["check_name"], i["severity"], i["location"]) for i in issues] == [
        ("TST001", "blocker", {"path": rooted, "lines": {"begin": 9}}),
        ("TST004", "minor", {"path": rooted, "lines": {"begin": 1}}),
        ("TST005", "info", {"path": rooted, "lines": {"begin": 12}}),  # waived: an accepted risk, shown
        ("TST006", "major", {"path": rooted, "lines": {"begin": 1}}),
        ("readiness-waivers", "info", {"path": rooted, "lines": {"begin": 1}}),  # its score and verdict without waivers
    ]
    assert all(i["description"] and len(i["fingerprint"]) == 32 for i in issues)
    waived = next(i for i in issues if i["check_name"] == "TST005")
    assert waived["description"] == "TST005 The budget alerts before it is spent: waived until 2026-12-15 by ana@example.com (Budget alerts land next sprint): No budget alert: cost.budget.alert_at_percent is missing"
    assert len({i["fingerprint"] for i in issues}) == len(issues)


def test_sarif_paths_are_never_absolute_nor_carry_a_drive_letter(report):
    odd = edited(report)
    odd.repository_prefix = "services/"
    files = ["/srv/my app/readiness.yaml", "C:\\ci\\svc\\readiness.yaml", "../outside/readiness.yaml", "a/readiness.yaml"]
    for item, file in zip((r for r in odd.manifests[0].results if r.location), files * 3):
        item.location.file = file
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in sarif(odd)["runs"][0]["results"]}
    assert uris <= {"srv/my%20app/readiness.yaml", "ci/svc/readiness.yaml", "outside/readiness.yaml", "services/a/readiness.yaml"} and uris
