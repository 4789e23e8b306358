"""The JSON report's schema, ``readiness report`` (re-render a saved report) and
``--output FORMAT:PATH`` for every format."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import AS_OF, REPO
from jsonschema import Draft202012Validator, FormatChecker
from reporting import OUTPUTS, fixture_report

from readiness.reporters import FORMATS, RenderOptions, get
from readiness.schema import REPORT, load_schema

RENDERED_FORMATS = sorted(set(FORMATS) - {"terminal"})


def report_errors(data: dict) -> list[str]:
    validator = Draft202012Validator(load_schema(REPORT), format_checker=FormatChecker())
    return [f"{list(error.absolute_path)}: {error.message}" for error in validator.iter_errors(data)]


def test_the_report_schema_is_a_valid_draft_2020_12_schema():
    Draft202012Validator.check_schema(load_schema(REPORT))


def test_schema_report_prints_the_report_schema(cli):
    result = cli("schema", "--report")
    assert result.exit_code == 0 and json.loads(result.stdout) == load_schema(REPORT)


def test_the_json_report_of_an_audit_validates_against_its_schema(cli):
    result = cli("audit", REPO / "sample_configs", "--as-of", AS_OF, "--format", "json", "--exit-zero", "--framework", "all")
    assert result.exit_code == 0, result.stderr
    assert report_errors(json.loads(result.stdout)) == []
    assert report_errors(fixture_report().to_dict()) == []


def test_the_report_schema_rejects_what_the_model_cannot_hold():
    data = fixture_report().to_dict()
    data["manifests"][0]["results"][0]["status"] = "maybe"
    data["gate"]["extra"] = True
    assert sorted(report_errors(data)) == [
        "['gate']: Additional properties are not allowed ('extra' was unexpected)",
        "['manifests', 0, 'results', 0, 'status']: 'maybe' is not one of ['pass', 'fail', 'waived', 'skipped', 'error']",
    ]


@pytest.fixture
def saved(project):
    """The fixture report saved as JSON in a temporary project."""
    project("report.json", get("json").render(fixture_report(), RenderOptions()))
    return project.root / "report.json"


@pytest.mark.parametrize("name", RENDERED_FORMATS)
def test_report_renders_a_saved_report_like_the_audit_did(cli, saved, name):
    result = cli("report", saved, "--format", name)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == get(name).render(fixture_report(), RenderOptions())


def test_report_writes_format_path_outputs_like_audit_into_new_folders(cli, saved):
    result = cli("report", saved, "--format", "json", "--output", f"sarif:{saved.parent / 'build' / 'new' / 'out.sarif'}", "--output", f"html:{saved.parent / 'review.html'}")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["schema_version"] == 1
    assert json.loads((saved.parent / "build" / "new" / "out.sarif").read_text("utf-8"))["version"] == "2.1.0"
    assert (saved.parent / "review.html").read_text("utf-8").startswith("<!DOCTYPE html>")


def test_report_output_without_a_format_is_refused_not_written_as_terminal_text(cli, saved):
    result = cli("report", saved, "--output", saved.parent / "review.html")
    assert result.exit_code == 2 and "expected FORMAT:PATH" in result.stderr
    assert not (saved.parent / "review.html").exists()


def test_report_with_malformed_json_names_line_and_column(cli, project):
    project("broken.json", '{\n  "schema_version": 1,\n  "rules": }\n')
    result = cli("report", "broken.json", "--format", "markdown")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == "broken.json:3:12: not valid JSON: Expecting value\n"


def test_report_of_another_schema_version_is_refused(cli, saved):
    data = json.loads(saved.read_text("utf-8"))
    data["schema_version"] = 2
    saved.write_text(json.dumps(data, indent=2), encoding="utf-8")
    result = cli("report", saved.name, "--format", "markdown")
    assert result.exit_code == 2
    line = next(number for number, text in enumerate(saved.read_text("utf-8").splitlines(), 1) if text.startswith('  "schema_version": 2'))
    assert result.stderr == f"report.json:{line}:3: report schema_version 2 is not supported: this readiness reads version 1 (write the report again with --format json)\n"


def test_report_that_breaks_the_schema_names_each_problem(cli, saved):
    text = saved.read_text("utf-8").replace('"verdict": "not_ready"', '"verdict": "unsure"')
    saved.write_text(text, encoding="utf-8")
    line = next(number for number, content in enumerate(text.splitlines(), 1) if '"verdict": "unsure"' in content)
    result = cli("report", saved.name)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"report.json:{line}:7: manifests[0].verdict: expected one of ready, ready_with_risks, not_ready")


def test_report_of_something_else_is_refused(cli, project):
    project("list.json", "[1, 2]\n")
    result = cli("report", "list.json")
    assert (result.exit_code, result.stderr) == (2, "list.json:1:1: expected a readiness JSON report (an object), found a list of 2\n")


@pytest.fixture
def fixture_project(project):
    for name in ("readiness.yaml", "rules.yaml"):
        shutil.copy(OUTPUTS / name, project.root / name)
    return project.root


def test_audit_writes_every_format_with_output(cli, fixture_project):
    outputs = [f"{name}:out/{name}.txt" for name in RENDERED_FORMATS]
    (fixture_project / "out").mkdir()
    args = ["audit", "readiness.yaml", "--rules", "rules.yaml", "--as-of", AS_OF, "--min-score", "80", "--format", "json"]
    result = cli(*args, *[item for output in outputs for item in ("--output", output)])
    assert result.exit_code == 1, result.stderr
    expected = fixture_report()
    expected.repository_prefix = ""  # this copy has no repository above it: paths are relative to its own folder
    expected.category = "readiness-readiness.yaml"  # code scanning keeps the alerts of each audited path apart
    for name in RENDERED_FORMATS:
        assert (fixture_project / "out" / f"{name}.txt").read_text("utf-8") == get(name).render(expected, RenderOptions()), name
    assert (fixture_project / "out" / "json.txt").read_text("utf-8") == result.stdout


def test_github_format_appends_the_job_summary_when_the_variable_is_set(cli, fixture_project, monkeypatch):
    summary = fixture_project / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    result = cli("audit", "readiness.yaml", "--rules", "rules.yaml", "--as-of", AS_OF, "--min-score", "80", "--format", "github")
    assert result.exit_code == 1 and result.stdout.startswith("::error file=readiness.yaml,line=9,col=3,")
    assert summary.read_text("utf-8") == get("markdown").render(fixture_report(), RenderOptions())
    monkeypatch.delenv("GITHUB_STEP_SUMMARY")
    cli("audit", "readiness.yaml", "--rules", "rules.yaml", "--as-of", AS_OF, "--format", "sarif")
    assert summary.read_text("utf-8") == get("markdown").render(fixture_report(), RenderOptions())


def test_report_whose_result_names_an_undescribed_rule_is_refused(cli, saved):
    data = json.loads(saved.read_text("utf-8"))
    del data["rules"]["TST004"]
    saved.write_text(json.dumps(data, indent=2), encoding="utf-8")
    line = next(number for number, content in enumerate(saved.read_text("utf-8").splitlines(), 1) if '"rule": "TST004"' in content)
    result = cli("report", saved.name, "--format", "sarif")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"report.json:{line}:11: a result names rule 'TST004', which is not among the report's rules\n"


def test_a_baseline_run_validates_and_every_format_shows_what_changed(cli, fixture_project):
    common = ("readiness.yaml", "--rules", "rules.yaml", "--as-of", AS_OF)
    cli("audit", *common, "--output", "json:before.json")
    manifest = fixture_project / "readiness.yaml"
    manifest.write_text(manifest.read_text("utf-8").replace("version: latest", "version: gpt-4o-2024-08-06"), encoding="utf-8")
    result = cli("audit", *common, "--baseline", "before.json", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert report_errors(json.loads(result.stdout)) == []
    (fixture_project / "after.json").write_text(result.stdout, encoding="utf-8")
    markdown = cli("report", "after.json", "--format", "markdown", "--full").stdout
    assert "only findings new since before.json" in markdown
    assert "### Fixed since the baseline (1)\n\n- ✅ TST001 · critical — The model is pinned to an immutable version" in markdown
    assert "#### ❌ TST006 · medium · *unchanged* — " in markdown
    states = {r["ruleId"]: r.get("baselineState") for r in json.loads(cli("report", "after.json", "--format", "sarif").stdout)["runs"][0]["results"]}
    assert states == {"TST004": "unchanged", "TST006": "unchanged", "TST005": None}
