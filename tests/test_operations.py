"""Monitoring and release that mean it: routed alerts, online evaluation sample counts, canary ramps,
release criteria, retrieval freshness, and the declarations (batch serving, a first launch) that swap
one rule for another, on realistic sound and flawed manifests."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from readiness.checks_operations import window_days
from readiness.evidence import MemoryEvidence
from readiness.functions import MISSING, REGISTRY, Call

AS_OF = "2026-11-26"

QUALITY_RUNBOOK = """# Quality drop

1. Open the sampled traces of the last hour and read ten low-scored answers.
2. A release in the last 24 hours: roll it back (runbooks/rollback.md).
3. Otherwise check the retrieval index age and the provider status page.
"""

RUN_REPORT = """# Full-volume run

Scored one full day of 2.4 million rows with this version on the production stack. The job
finished in 74 minutes, inside its 120 minute deadline, with a row error rate of 0.02 percent.
"""

ROLLBACK_RUNBOOK = """# Turning the assistant off

1. Run `flagctl set assistant.enabled false` and watch the widget switch to help-centre search.
2. Confirm tickets reach the human queue within five minutes.
3. Post the time and the reason in the incident channel and page the owner on call.
"""

BATCH_SCORER = """readiness: 1
service: {name: churn-scores, kind: ml, risk: medium, serving: batch}
monitoring:
  signals:
    - {name: auc_on_matured_labels, type: quality, threshold: 0.78}
  alerts:
    - {name: auc_drop, signal: auc_on_matured_labels, owner: growth-ds, runbook: runbooks/quality-drop.md}
  slo: {job_deadline_minutes: 120, max_input_age_hours: 26, error_rate: 0.001}
release:
  load_test: {report: reports/full-volume-run.md, date: 2026-11-10, rows: 2400000, runtime_minutes: 74}
"""

FIRST_LAUNCH = """readiness: 1
service: {name: support-assistant, kind: llm, risk: high}
release:
  first_launch: {rationale: "new feature: nothing answered these questions before"}
  kill_switch: {mechanism: "feature flag assistant.enabled", fallback: "help-centre search and a human agent", last_tested: 2026-11-02}
  rollback: {runbook: runbooks/rollback.md}
"""


def audit(cli, project, manifest: str, select: str, files: dict[str, str] | None = None) -> tuple[int, dict[str, dict]]:
    project("readiness.yaml", manifest)
    for name, text in (files or {}).items():
        project(name, text)
    selection = [argument for rule in select.split(",") for argument in ("--select", rule)]
    run = cli("audit", "readiness.yaml", "--as-of", AS_OF, "--format", "json", *selection)
    assert run.exit_code in (0, 1), run.stderr
    results = json.loads(run.stdout)["manifests"][0]["results"]
    return run.exit_code, {result["rule"]: result for result in results}


# Batch serving ---------------------------------------------------------------------------------------

def test_a_sound_batch_scorer_is_judged_on_its_deadline_not_on_request_latency(cli, project):
    files = {"runbooks/quality-drop.md": QUALITY_RUNBOOK, "reports/full-volume-run.md": RUN_REPORT}
    code, by_rule = audit(cli, project, BATCH_SCORER, "MON001,MON004,MON012,REL007,REL015", files)
    assert code == 0
    assert {rule: by_rule[rule]["status"] for rule in by_rule} == {
        "MON001": "pass", "MON004": "skipped", "MON012": "pass", "REL007": "skipped", "REL015": "pass"}
    assert "service.serving is 'batch': a batch job answers no requests to time; MON012 checks its job deadline" in by_rule["MON004"]["message"]
    assert "REL015 checks a full-volume run against its deadline instead" in by_rule["REL007"]["message"]


def test_undeclared_serving_is_online_so_a_batch_style_manifest_fails_the_latency_rules(cli, project):
    manifest = BATCH_SCORER.replace(", serving: batch", "")
    code, by_rule = audit(cli, project, manifest, "MON004,MON012,REL007,REL015", {"reports/full-volume-run.md": RUN_REPORT})
    assert code == 1
    assert by_rule["MON004"]["status"] == "fail"
    assert "latency_p95_ms" in by_rule["MON004"]["message"]
    assert by_rule["REL007"]["status"] == "fail" and "release.load_test.peak_rps is missing" in by_rule["REL007"]["message"]
    assert by_rule["MON012"]["status"] == by_rule["REL015"]["status"] == "skipped"


def test_streaming_keeps_the_latency_objective(cli, project):
    manifest = BATCH_SCORER.replace("serving: batch", "serving: streaming")
    _, by_rule = audit(cli, project, manifest, "MON004")
    assert by_rule["MON004"]["status"] == "fail"


def test_a_batch_run_slower_than_its_deadline_fails(cli, project):
    manifest = BATCH_SCORER.replace("runtime_minutes: 74", "runtime_minutes: 150")
    code, by_rule = audit(cli, project, manifest, "REL015", {"reports/full-volume-run.md": RUN_REPORT})
    assert code == 1
    assert "release.load_test.runtime_minutes is 150, above monitoring.slo.job_deadline_minutes (120)" in by_rule["REL015"]["message"]


def test_a_batch_scorer_without_a_deadline_or_input_freshness_fails(cli, project):
    manifest = BATCH_SCORER.replace("slo: {job_deadline_minutes: 120, max_input_age_hours: 26, error_rate: 0.001}", "slo: {error_rate: 0.001}")
    _, by_rule = audit(cli, project, manifest, "MON012,REL015", {"reports/full-volume-run.md": RUN_REPORT})
    assert "monitoring.slo.job_deadline_minutes is missing; monitoring.slo.max_input_age_hours is missing" in by_rule["MON012"]["message"]
    assert "monitoring.slo.job_deadline_minutes is missing, so release.load_test.runtime_minutes cannot be compared" in by_rule["REL015"]["message"]


# First launch ----------------------------------------------------------------------------------------

def test_a_sound_first_launch_passes_through_its_kill_switch(cli, project):
    code, by_rule = audit(cli, project, FIRST_LAUNCH, "REL002,REL014", {"runbooks/rollback.md": ROLLBACK_RUNBOOK})
    assert code == 0
    assert by_rule["REL014"]["status"] == "pass" and by_rule["REL014"]["severity"] == "critical"
    assert by_rule["REL002"]["status"] == "skipped"
    assert "release.first_launch is declared: a declared first launch has no previous version to go back to; REL014 checks" in by_rule["REL002"]["message"]


def test_a_first_launch_that_declares_nothing_still_fails_the_rollback_rule(cli, project):
    manifest = FIRST_LAUNCH.replace('  first_launch: {rationale: "new feature: nothing answered these questions before"}\n', "")
    code, by_rule = audit(cli, project, manifest, "REL002,REL014", {"runbooks/rollback.md": ROLLBACK_RUNBOOK})
    assert code == 1
    assert by_rule["REL002"]["status"] == "fail" and "release.rollback.previous_version is missing" in by_rule["REL002"]["message"]
    assert by_rule["REL014"]["status"] == "skipped"


@pytest.mark.parametrize("change, reason", [
    ("last_tested: 2026-11-02", "last_tested: 2026-05-02"),
    ("rollback: {runbook: runbooks/rollback.md}", "rollback: {previous_version: assistant@3, runbook: runbooks/rollback.md}"),
    ('fallback: "help-centre search and a human agent", ', ""),
])
def test_a_declared_first_launch_without_a_rehearsed_way_back_is_blocked(cli, project, change, reason):
    manifest = FIRST_LAUNCH.replace(change, reason)
    code, by_rule = audit(cli, project, manifest, "REL002,REL014", {"runbooks/rollback.md": ROLLBACK_RUNBOOK})
    assert code == 1
    assert by_rule["REL014"]["status"] == "fail"
    assert by_rule["REL002"]["status"] == "skipped"


# Alerts and online evaluation ------------------------------------------------------------------------

def test_a_quality_signal_with_no_threshold_and_no_alert_fails_the_critical_monitoring_rule(cli, project):
    manifest = "readiness: 1\nmonitoring:\n  signals:\n    - {name: answer_correctness_sampled, type: quality, method: llm_judge}\n"
    code, by_rule = audit(cli, project, manifest, "MON001")
    assert code == 1
    message = by_rule["MON001"]["message"]
    assert "signal answer_correctness_sampled has no threshold" in message
    assert "no alert names answer_correctness_sampled" in message


def test_an_alert_whose_runbook_is_missing_or_unowned_does_not_count(cli, project):
    manifest = """readiness: 1
monitoring:
  signals:
    - {name: thumbs_down_rate, type: feedback, threshold: 0.08}
    - {name: guardrail_blocks, type: safety, threshold: 0.02}
  drift:
    input: {method: psi, threshold: 0.2, window: 1d}
  alerts:
    - {name: feedback_spike, signal: thumbs_down_rate, owner: ml-oncall, runbook: runbooks/feedback.md}
    - {name: safety_or_drift, signals: [guardrail_blocks, drift.input], runbook: runbooks/safety.md}
"""
    _, by_rule = audit(cli, project, manifest, "MON001,MON010", {"runbooks/safety.md": QUALITY_RUNBOOK})
    assert "monitoring.alerts[0].runbook: 'runbooks/feedback.md' does not exist" in by_rule["MON001"]["message"]
    assert "signal guardrail_blocks is alerted, but alert safety_or_drift has no owner" in by_rule["MON010"]["message"]
    assert "drift detector drift.input is alerted, but alert safety_or_drift has no owner" in by_rule["MON010"]["message"]


def test_a_token_online_evaluation_fails_with_the_computed_sample_count(cli, project):
    manifest = """readiness: 1
evaluation:
  online: {sample_rate: 0.001, window: 1d, metrics: [answer_correctness], alert: quality_drop}
cost:
  traffic: {requests_per_day: 40000}
monitoring:
  alerts:
    - {name: quality_drop, signal: answer_correctness_sampled, owner: ml-oncall, runbook: runbooks/quality-drop.md}
"""
    _, by_rule = audit(cli, project, manifest, "MON011", {"runbooks/quality-drop.md": QUALITY_RUNBOOK})
    assert by_rule["MON011"]["status"] == "fail"
    assert "sample_rate 0.001 × 40000 requests/day × 1d scores about 40 requests per window, below the 200 needed" in by_rule["MON011"]["message"]
    _, by_rule = audit(cli, project, manifest.replace("0.001", "0.05"), "MON011", {"runbooks/quality-drop.md": QUALITY_RUNBOOK})
    assert by_rule["MON011"]["status"] == "pass"


def test_an_online_evaluation_with_a_rate_but_no_metric_or_alert_fails(cli, project):
    _, by_rule = audit(cli, project, "readiness: 1\nevaluation:\n  online: {sample_rate: 0.001}\n", "MON011")
    message = by_rule["MON011"]["message"]
    assert "evaluation.online.metrics is missing" in message and "evaluation.online.alert is missing" in message


# Releases --------------------------------------------------------------------------------------------

def test_a_canary_at_100_percent_blocks_a_high_risk_launch(cli, project):
    manifest = "readiness: 1\nservice: {name: s, kind: llm, risk: high}\nrelease:\n  strategy: canary\n  canary: {initial_percent: 100, steps: [100], promotion: [a], abort: [b]}\n"
    code, by_rule = audit(cli, project, manifest, "REL011")
    assert code == 1
    assert by_rule["REL011"]["severity"] == "critical"
    assert "release.canary.initial_percent is 100, expected more than 0 and less than 50 % of traffic" in by_rule["REL011"]["message"]
    code, by_rule = audit(cli, project, manifest.replace("initial_percent: 100, steps: [100]", "initial_percent: 5, steps: [5, 25, 50, 100]"), "REL011")
    assert code == 0 and by_rule["REL011"]["status"] == "pass"


def test_blue_green_without_switch_over_or_abort_criteria_fails(cli, project):
    manifest = "readiness: 1\nrelease:\n  strategy: blue_green\n  blue_green: {keep_previous_hours: 48}\n"
    code, by_rule = audit(cli, project, manifest, "REL012,REL013")
    assert code == 1
    assert "release.blue_green.switch_over is missing; release.blue_green.abort is missing" in by_rule["REL012"]["message"]
    assert by_rule["REL013"]["status"] == "skipped"


# Retrieval freshness ---------------------------------------------------------------------------------

RAG = """readiness: 1
service: {name: docs-search, kind: rag, risk: medium}
data:
  retrieval:
    index: docs-prod
    embedding_model: {name: bge-large-en-v1.5, version: rev-d4aa690}
    query_embedding_model: {name: bge-large-en-v1.5, version: rev-d4aa690}
    refresh: {schedule: nightly, max_age_days: 3, last_refresh: 2026-11-25}
"""


def test_a_fresh_index_queried_with_its_own_model_passes(cli, project):
    code, by_rule = audit(cli, project, RAG, "DAT011,DAT012")
    assert code == 0 and {result["status"] for result in by_rule.values()} == {"pass"}


def test_an_index_refreshed_six_months_ago_fails_against_its_declared_maximum_age(cli, project):
    code, by_rule = audit(cli, project, RAG.replace("last_refresh: 2026-11-25", "last_refresh: 2026-05-20"), "DAT011")
    assert code == 1
    assert "data.retrieval.refresh.last_refresh is 2026-05-20, 190 days old (limit 3 days)" in by_rule["DAT011"]["message"]


def test_queries_embedded_with_another_model_version_fail(cli, project):
    manifest = RAG.replace("query_embedding_model: {name: bge-large-en-v1.5, version: rev-d4aa690}", "query_embedding_model: {name: bge-large-en-v1.5, version: rev-0a1b2c3}")
    _, by_rule = audit(cli, project, manifest, "DAT012")
    assert "query_embedding_model.version is string 'rev-0a1b2c3' but data.retrieval.embedding_model.version is string 'rev-d4aa690'" in by_rule["DAT012"]["message"]


# The functions on their own --------------------------------------------------------------------------

def check(name: str, value, options=None, root=None, files=None):
    call = Call(root or {}, value, ("x",), ("x",), dt.date(2026, 11, 26), MemoryEvidence(files))
    return REGISTRY[name].check(value, options or {}, call)


@pytest.mark.parametrize("text, days", [("30m", 1 / 48), ("6h", 0.25), ("1d", 1.0), ("2w", 14.0), (" 1.5d ", 1.5), ("1D", None), ("daily", None), (7, None)])
def test_window_days(text, days):
    assert window_days(text) == (days if days is None else pytest.approx(days))


@pytest.mark.parametrize("canary, problem", [
    ({"initial_percent": 5, "steps": [5, 25, 50, 100]}, None),
    ({"initial_percent": 2, "steps": [10, 100]}, None),
    ({"initial_percent": 0, "steps": [10, 100]}, "initial_percent is 0"),
    ({"initial_percent": 50, "steps": [50, 100]}, "initial_percent is 50"),
    ({"initial_percent": 10, "steps": [5, 100]}, "go from 10 to 5"),
    ({"initial_percent": 10, "steps": [10, 10, 100]}, "go from 10 to 10"),
    ({"initial_percent": 10, "steps": [10, 50]}, "end at 50"),
    ({"steps": [10, 100]}, "initial_percent is missing"),
])
def test_canary_ramp(canary, problem):
    reason = check("canary_ramp", canary)
    assert reason is None if problem is None else problem in reason


def test_samples_per_window_holds_traffic_to_the_declared_minimum():
    root = {"cost": {"traffic": {"requests_per_day": 1000}}}
    assert "below the 500 needed" in check("samples_per_window", {"sample_rate": 0.3, "window": "1d", "min_samples": 500}, root=root)
    assert check("samples_per_window", {"sample_rate": 0.3, "window": "2d", "min_samples": 500}, root=root) is None
    assert check("samples_per_window", {"window": "1d", "min_samples": 250}) is None
    assert "min_samples is 50, below the minimum of 200" in check("samples_per_window", {"window": "1d", "min_samples": 50})


def test_not_declared_keeps_undeclared_facts_strict():
    assert check("not_declared", MISSING, {"instead": "x"}) is None
    assert check("not_declared", "online", {"values": ["batch"], "instead": "x"}) is None
    assert check("not_declared", "batch", {"values": ["batch"], "instead": "MON012 instead"}) == "x is 'batch': MON012 instead"


def test_routed_alert_needs_an_alert_of_that_name_with_a_readable_runbook():
    root = {"monitoring": {"alerts": [{"name": "stale", "owner": "ml", "runbook": "rb.md"}]}}
    assert check("routed_alert", "stale", root=root, files={"rb.md": QUALITY_RUNBOOK}) is None
    assert "has no alert of that name" in check("routed_alert", "index_stale", root=root, files={"rb.md": "# Stale"})
    assert "monitoring.alerts[0].runbook: 'rb.md' is empty" in check("routed_alert", "stale", root=root, files={"rb.md": ""})
    assert "monitoring.alerts[0].runbook: " in check("routed_alert", "stale", root=root, files={"rb.md": "# Stale index\n\nTODO\n"})


@pytest.mark.parametrize("retries, problem", [
    ({"max_attempts": 2, "backoff": "exponential_jitter"}, None),
    ({"max_attempts": 1, "backoff": "exponential"}, None),
    ({"max_attempts": 0, "backoff": "none"}, None),  # never retried: inside a 60 ms budget, the right design
    ({"max_attempts": 0}, None),
    ({"max_attempts": 1, "backoff": "none"}, "x.backoff is string 'none', expected one of: exponential, exponential_jitter (max_attempts: 1 means 1 retry after the first call; max_attempts: 0 declares no retry, which needs no backoff)"),
    ({"max_attempts": 5, "backoff": "fixed"}, "x.backoff is string 'fixed', expected one of: exponential, exponential_jitter (max_attempts: 5 means 5 retries"),
    ({"max_attempts": 3}, "x.backoff is missing, expected one of"),
    ({"backoff": "none"}, "a policy without max_attempts is taken to retry"),
    ({"max_attempts": False, "backoff": "none"}, "x.backoff is string 'none'"),
    ("none", "x is string 'none', expected a mapping"),
])
def test_retries_back_off_unless_they_never_retry(retries, problem):
    reason = check("retries_back_off", retries, {"values": ["exponential", "exponential_jitter"]})
    assert reason is None if problem is None else problem in reason


def test_a_dependency_never_retried_inside_a_tight_budget_passes_rel030(cli, project):
    dependency = "{name: feature-store, timeout_seconds: 0.02, retries: {max_attempts: 0, backoff: none}, circuit_breaker: {failure_threshold: 0.2, open_seconds: 10}}"
    _, by_rule = audit(cli, project, f"readiness: 1\nservice: {{name: fraud, kind: ml}}\nrelease:\n  dependencies: [{dependency}]\n", "REL030")
    assert by_rule["REL030"]["status"] == "pass", by_rule["REL030"]["message"]
    _, by_rule = audit(cli, project, f"readiness: 1\nservice: {{name: fraud, kind: ml}}\nrelease:\n  dependencies: [{dependency.replace('max_attempts: 0', 'max_attempts: 1')}]\n", "REL030")
    assert "release.dependencies[0].retries.backoff is string 'none', expected one of: exponential, exponential_jitter (max_attempts: 1 means 1 retry" in by_rule["REL030"]["message"]
