"""Gates: --fail-on, --min-score, category minimums, --exit-zero, and the reasons every report gives."""

from __future__ import annotations

import pytest
from gates_helpers import SEVERITY_RULE, as_json, audit_args, manifest, without_loosened

from readiness.report import SEVERITIES


@pytest.mark.parametrize("failing", SEVERITIES)
@pytest.mark.parametrize("fail_on", SEVERITIES)
def test_fail_on_fails_the_gate_at_that_severity_or_worse(cli, project, failing, fail_on):
    project("readiness.yaml", manifest(failing=(failing,)))
    run = cli(*audit_args("--fail-on", fail_on))
    blocks = SEVERITIES.index(failing) <= SEVERITIES.index(fail_on)
    assert run.exit_code == (1 if blocks else 0), run.stdout
    reason = f"readiness.yaml: {SEVERITY_RULE[failing]} ({failing}) failed"
    assert (reason in run.stdout) == blocks
    assert ("Gate failed" if blocks else "Gate passed") in run.stdout


def test_default_gate_is_the_verdict_high_and_above(cli, project):
    project("readiness.yaml", manifest(failing=("medium", "low")))
    assert cli(*audit_args()).exit_code == 0
    project("readiness.yaml", manifest(failing=("high",)))
    run = cli(*audit_args())
    assert run.exit_code == 1
    assert "Gate failed (fail on high and above):\n  readiness.yaml: GTE002 (high) failed\n" in run.stdout


def test_min_score_fails_below_and_passes_at_or_above(cli, project):
    project("readiness.yaml", manifest(failing=("medium", "low")))  # score 72.7
    run = cli(*audit_args("--min-score", "80", "--format", "json"))
    report = as_json(run)
    assert run.exit_code == 1
    assert report["manifests"][0]["score"] == 72.7
    assert without_loosened(report["gate"]) == {"fail_on": "high", "min_score": 80.0, "passed": False, "reasons": ["readiness.yaml: score 72.7 is below the minimum of 80"], "category_min": {}, "baseline": None}
    assert report["manifests"][0]["verdict"] == "not_ready"  # a missed threshold makes it not ready
    assert cli(*audit_args("--min-score", "72.7")).exit_code == 0


def test_category_minimum_from_the_command_line(cli, project):
    project("readiness.yaml", manifest(failing=("medium", "low")))  # alpha 100, beta 25
    run = cli(*audit_args("--category-min", "beta=50", "--category-min", "alpha=100"))
    assert run.exit_code == 1
    assert "beta at least 50, alpha at least 100" in run.stdout
    assert "  readiness.yaml: beta score 25 is below its minimum of 50\n" in run.stdout
    assert "alpha score" not in run.stdout.split("Gate failed")[1]
    assert cli(*audit_args("--category-min", "beta=25")).exit_code == 0


@pytest.mark.parametrize(("item", "message"), [
    ("gamma=50", "--category-min 'gamma=50': no category 'gamma'"),
    ("beta", "--category-min 'beta': expected CATEGORY=N with N from 0 to 100"),
    ("beta=101", "--category-min 'beta=101': expected CATEGORY=N with N from 0 to 100"),
])
def test_bad_category_minimum_is_a_usage_error(cli, project, item, message):
    project("readiness.yaml", manifest())
    run = cli(*audit_args("--category-min", item))
    assert run.exit_code == 2
    assert message in run.stderr and run.stdout == ""


def test_exit_zero_passes_a_failed_gate_but_still_reports_it(cli, project):
    project("readiness.yaml", manifest(failing=("critical",)))
    run = cli(*audit_args("--exit-zero", "--format", "json"))
    assert run.exit_code == 0
    assert as_json(run)["gate"]["passed"] is False
    assert as_json(run)["gate"]["reasons"] == ["readiness.yaml: GTE001 (critical) failed"]


def test_exit_zero_does_not_hide_input_errors(cli, project):
    project("readiness.yaml", "readiness: 1\nservice: {kind: robot}\n")
    run = cli(*audit_args("--exit-zero"))
    assert run.exit_code == 2 and "service.kind" in run.stderr


def test_gate_reasons_cover_findings_and_thresholds_together_in_file_order(cli, project):
    project("a.readiness.yaml", manifest(failing=("high",)))
    project("b.readiness.yaml", manifest(failing=("critical", "low")))
    run = cli(*audit_args("--min-score", "90", "--format", "json", path="."))
    assert run.exit_code == 1
    assert as_json(run)["gate"]["reasons"] == [
        "a.readiness.yaml: GTE002 (high) failed",
        "a.readiness.yaml: score 72.7 is below the minimum of 90",
        "b.readiness.yaml: GTE001 (critical) failed",
        "b.readiness.yaml: score 54.5 is below the minimum of 90",
    ]


def test_the_terminal_groups_a_fleets_gate_reasons_under_each_file_once(cli, project):
    """Reasons are grouped by the file they start with, also when one file's name starts like another's."""
    project("a.readiness.yaml", manifest(failing=("high",)))
    project("a: b.readiness.yaml", manifest(failing=("critical",)))
    run = cli(*audit_args("--min-score", "90", "--color", "never", path="."))
    assert run.exit_code == 1
    gate = run.stdout[run.stdout.index("Gate failed"):].splitlines()[1:7]
    assert gate == [
        "  a.readiness.yaml",
        "    GTE002 (high) failed",
        "    score 72.7 is below the minimum of 90",
        "  a: b.readiness.yaml",
        "    GTE001 (critical) failed",
        "    score 63.6 is below the minimum of 90",
    ]
