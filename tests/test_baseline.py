"""Baselines: only new findings fail the gate; the report shows new, unchanged and fixed."""

from __future__ import annotations

import json

import pytest
from gates_helpers import as_json, audit_args, manifest, results, without_loosened

from readiness.baseline import Baseline, compare, key
from readiness.report import Location, ManifestReport, Report, Result


@pytest.fixture
def baseline(cli, project):
    """A baseline report in which GTE002 (high) and GTE003 (medium) fail."""
    project("readiness.yaml", manifest(failing=("high", "medium")))
    run = cli(*audit_args("--output", "json:baseline.json"))
    assert run.exit_code == 1
    return "baseline.json"


def test_unchanged_findings_do_not_fail_the_gate_but_still_count_in_score_and_verdict(cli, project, baseline):
    run = cli(*audit_args("--baseline", baseline, "--format", "json"))
    report = as_json(run)
    assert run.exit_code == 0
    assert {r: x["baseline"] for r, x in results(report).items() if x["status"] == "fail"} == {"GTE002": "unchanged", "GTE003": "unchanged"}
    manifest_report = report["manifests"][0]
    assert (manifest_report["verdict"], manifest_report["score"]) == ("not_ready", 54.5)
    assert without_loosened(report["gate"]) == {"fail_on": "high", "min_score": None, "passed": True, "reasons": [], "category_min": {}, "baseline": "baseline.json"}


def test_new_fixed_and_unchanged(cli, project, baseline):
    project("readiness.yaml", manifest(failing=("critical", "high")))
    run = cli(*audit_args("--baseline", baseline, "--format", "json"))
    report = as_json(run)
    assert run.exit_code == 1
    marks = {rule: result["baseline"] for rule, result in results(report).items()}
    assert marks == {"GTE001": "new", "GTE002": "unchanged", "GTE003": None, "GTE004": None, "GTE005": None}
    fixed = report["manifests"][0]["fixed"]
    assert [(f["rule"], f["status"], f["baseline"], f["location"]["pointer"]) for f in fixed] == [("GTE003", "fail", "fixed", "/x-gates/medium")]
    assert report["gate"]["reasons"] == ["readiness.yaml: GTE001 (critical) failed, new since the baseline"]


def test_terminal_marks_new_and_unchanged_and_lists_fixed(cli, project, baseline):
    project("readiness.yaml", manifest(failing=("critical", "high")))
    run = cli(*audit_args("--baseline", baseline))
    assert "  ✗ GTE001  The critical fact holds  [new]\n" in run.stdout
    assert "  ✗ GTE002  The high fact holds  [unchanged]\n" in run.stdout
    assert "  Fixed since the baseline (1)\n  ✓ GTE003  The medium fact holds\n" in run.stdout
    assert "Gate failed (fail on high and above, only findings new since baseline.json):" in run.stdout


def test_moved_lines_leave_a_finding_unchanged(cli, project, baseline):
    moved = manifest(failing=("high", "medium"), top="# A comment\n# and another, so every line moves down\n\n")
    project("readiness.yaml", moved)
    run = cli(*audit_args("--baseline", baseline, "--format", "json"))
    report = as_json(run)
    old = json.loads((project.root / baseline).read_text())
    old_line = {r["rule"]: r["location"]["line"] for r in old["manifests"][0]["results"]}
    assert results(report)["GTE002"]["location"]["line"] == old_line["GTE002"] + 3
    assert run.exit_code == 0
    assert results(report)["GTE002"]["baseline"] == "unchanged"
    assert report["manifests"][0]["fixed"] == []


def test_a_finding_whose_waiver_lapsed_is_new_again(cli, project):
    waived = "waivers:\n  - {rule: GTE002, reason: r, owner: ana, expires: 2026-12-01}\n"  # a one-character owner names nobody
    project("readiness.yaml", manifest(failing=("high",), waivers=waived))
    assert cli(*audit_args("--output", "json:baseline.json")).exit_code == 0
    run = cli(*audit_args("--baseline", "baseline.json", "--as-of", "2026-12-02", "--format", "json"))
    assert run.exit_code == 1
    assert results(as_json(run))["GTE002"]["baseline"] == "new"


def test_baseline_fields_round_trip_through_the_json_report(cli, project, baseline):
    project("readiness.yaml", manifest(failing=("critical", "high")))
    data = as_json(cli(*audit_args("--baseline", baseline, "--format", "json")))
    assert Report.from_dict(data).to_dict() == data


@pytest.mark.parametrize(("content", "message"), [
    ('{"schema_version": 1,\n  "manifests": [\n', "old.json:3:1: --baseline: not valid JSON: Expecting value"),
    ('{"schema_version": 1, "manifests": [{"file": "readiness.yaml"}]}', "old.json:1:1: --baseline: $ is missing the required key 'as_of'"),
    ("[]", "old.json:1:1: --baseline: expected a readiness JSON report (an object), found a list of 0"),
    ('{"schema_version": 99, "manifests": []}', "old.json:1:2: --baseline: report schema_version 99 is not supported: this readiness reads version 1"),
])
def test_a_malformed_baseline_is_an_input_error(cli, project, content, message):
    project("readiness.yaml", manifest())
    project("old.json", content)
    run = cli(*audit_args("--baseline", "old.json", "--output", "json:out.json"))
    assert run.exit_code == 2
    assert run.stderr.startswith(message) and run.stdout == ""
    assert not (project.root / "out.json").exists()


def test_a_missing_baseline_is_an_input_error(cli, project):
    project("readiness.yaml", manifest())
    run = cli(*audit_args("--baseline", "nope.json"))
    assert (run.exit_code, run.stderr) == (2, "nope.json: --baseline: no such file\n")


def test_a_saved_finding_without_a_location_is_the_same_as_one_about_the_whole_manifest():
    """A report may hold a finding with ``location: null``; it matches the rule's finding at the manifest's root."""
    saved = Result("GTE001", "error", "critical", "the check raised RuntimeError: boom", None)
    now = Result("GTE001", "error", "critical", "the check raised RuntimeError: boom", Location("readiness.yaml", "", 1, 1))
    manifest_report = ManifestReport("readiness.yaml", "gates", "ml", "low", "not_ready", 0.0, None, [], [now])
    compare(manifest_report, Baseline("old.json", {"readiness.yaml": {key(saved): saved}}))
    assert [(r.rule, r.baseline) for r in manifest_report.results] == [("GTE001", "unchanged")]
    assert manifest_report.fixed == []
