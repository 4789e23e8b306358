"""The outputs of the tools teams run, read as sources and as cited evidence (issue 16).

Fixtures in tests/fixtures/sources use each tool's documented field names with our own values:
promptfoo-results.json and promptfoo-redteam-results.json (promptfoo eval -o), lm-eval-results.json
(lm-evaluation-harness), garak.report.jsonl, prometheus-rules.yaml, argo-rollout.yaml, flagger-canary.yaml.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from readiness.errors import InputError
from readiness.evidence import EvidenceProblem
from readiness.evidence_formats import red_team_findings

from conftest import AS_OF
from sources_helpers import audit, facts_from

FIXTURES = Path(__file__).parent / "fixtures" / "sources"
PROMPT = "You answer billing questions for Acme.\nQuestion: {{question}}\n"  # the raw prompt promptfoo-results.json records


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")




@pytest.mark.parametrize("name, expected", [
    ("promptfoo-results.json", "promptfoo_results"), ("promptfoo-redteam-results.json", "promptfoo_results"),
    ("lm-eval-results.json", "lm_eval"), ("inspect-log.json", "inspect_log"), ("garak.report.jsonl", "garak"), ("prometheus-rules.yaml", "prometheus"),
    ("argo-rollout.yaml", "argo_rollouts"), ("flagger-canary.yaml", "flagger"),
])
def test_each_tool_output_is_detected_by_its_content(name, expected):
    assert facts_from(name, fixture(name)).data["sources"] == [{"path": name, "format": expected}]


def test_promptfoo_results_say_what_they_evaluated_when_and_how_it_scored():
    (run,) = facts_from("results.json", fixture("promptfoo-results.json")).data["eval_runs"]
    assert run["model_version"] == "gpt-4o-2024-08-06" and run["date"] == "2026-11-20"
    assert run["prompts"] == {"answer": hashlib.sha256(PROMPT.encode()).hexdigest()}
    assert run["metrics"] == {"pass_rate": pytest.approx(2 / 3, abs=1e-5), "score": pytest.approx(0.7733, abs=1e-4), "politeness": pytest.approx(0.8)}
    assert (run["tests"], run["failed"]) == (3, 1)


def test_lm_eval_results_name_the_revision_and_every_task_metric():
    (run,) = facts_from("results.json", fixture("lm-eval-results.json")).data["eval_runs"]
    assert (run["model"], run["model_version"], run["date"]) == ("acme/support-llm-7b", "4f1c2e9a", "2026-11-20")
    assert run["metrics"] == {"arc_easy/acc": 0.7912, "arc_easy/acc_norm": 0.7601, "gsm8k/exact_match,strict-match": 0.6421,
                              "gsm8k/exact_match,flexible-extract": 0.6603}


def test_inspect_logs_name_the_model_the_date_and_each_scorer_metric(project, cli):
    (run,) = facts_from("log.json", fixture("inspect-log.json")).data["eval_runs"]
    assert (run["model_version"], run["date"], run["metrics"]) == ("claude-sonnet-4-5-20250929", "2026-11-21", {"model_graded_fact/accuracy": 0.8875})
    manifest = """\
readiness: 1
model: {provider: anthropic, name: claude-sonnet-4-5, version: claude-sonnet-4-5-20250929}
evaluation:
  metrics: [{name: model_graded_fact/accuracy, method: llm_judge, threshold: 0.85}]
  last_run: {date: 2026-11-21, results: logs/refunds.json}
"""
    results = audit(project, cli, manifest, {"logs/refunds.json": fixture("inspect-log.json")}, "VER009", "EVL001")
    assert results["VER009"]["status"] == "pass" and results["EVL001"]["status"] == "pass", results
    unfinished = fixture("inspect-log.json").replace('"status": "success"', '"status": "error"')
    with pytest.raises(InputError, match="the run did not finish"):
        facts_from("log.json", unfinished)


def test_red_team_outputs_are_counted_into_open_findings_by_severity():
    (promptfoo,) = facts_from("rt.json", fixture("promptfoo-redteam-results.json")).data["red_team"]
    assert (promptfoo["attempts"], promptfoo["open"]) == (4, {"critical": 0, "high": 1, "medium": 1, "low": 0, "info": 0})
    (garak,) = facts_from("garak.report.jsonl", fixture("garak.report.jsonl")).data["red_team"]
    assert (garak["model"], garak["attempts"], garak["open"]["high"]) == ("gpt-4o-2024-08-06", 165, 1)
    counted = red_team_findings(fixture("garak.report.jsonl").encode(), "garak.report.jsonl")  # the same count as cited evidence
    assert (counted.attempts, counted.open_by_severity["high"]) == (165, 1)


EVAL_MANIFEST = """\
readiness: 1
model: {{provider: openai, name: gpt-4o, version: {version}}}
prompts:
  - {{id: answer, path: prompts/answer.txt}}
evaluation:
  metrics:
    - {{name: pass_rate, method: automated, threshold: 0.6}}
    - {{name: score, method: automated, threshold: 0.7}}
    - {{name: politeness, method: llm_judge, threshold: 0.75}}
  last_run: {{date: 2026-11-20, results: evals/results.json}}
"""


@pytest.mark.parametrize("version, status", [("gpt-4o-2024-08-06", "pass"), ("gpt-4o-2024-11-20", "fail")])
def test_promptfoo_output_is_the_eval_evidence_tied_to_what_ships(project, cli, version, status):
    files = {"evals/results.json": fixture("promptfoo-results.json"), "prompts/answer.txt": PROMPT}
    results = audit(project, cli, EVAL_MANIFEST.format(version=version), files, "VER009", "EVL012", "EVL001")
    assert results["VER009"]["status"] == status, results["VER009"]["message"]
    assert results["EVL012"]["status"] == "pass", results["EVL012"]["message"]  # the prompt's hash and the date are the tool's own record
    assert results["EVL001"]["status"] == "pass", results["EVL001"]["message"]
    if status == "fail":
        assert "evals/results.json" in results["VER009"]["message"] and "gpt-4o-2024-08-06" in results["VER009"]["message"]


def test_a_changed_prompt_no_longer_matches_the_promptfoo_run(project, cli):
    files = {"evals/results.json": fixture("promptfoo-results.json"), "prompts/answer.txt": PROMPT + "Be brief.\n"}
    results = audit(project, cli, EVAL_MANIFEST.format(version="gpt-4o-2024-08-06"), files, "EVL012")
    assert results["EVL012"]["status"] == "fail" and "prompts/answer.txt" in results["EVL012"]["message"]


def test_lm_eval_output_is_the_eval_evidence_of_the_revision_that_ships(project, cli):
    manifest = """\
readiness: 1
model: {name: acme/support-llm-7b, version: 4f1c2e9a}
evaluation:
  metrics:
    - {name: arc_easy/acc, method: automated, threshold: 0.8}
  last_run: {date: 2026-11-20, results: evals/lm-eval.json}
"""
    results = audit(project, cli, manifest, {"evals/lm-eval.json": fixture("lm-eval-results.json")}, "VER009", "EVL001")
    assert results["VER009"]["status"] == "pass", results["VER009"]["message"]
    assert results["EVL001"]["status"] == "fail"
    assert "arc_easy/acc measured 0.7912 misses its threshold 0.8" in results["EVL001"]["message"]


def test_garak_report_cited_as_red_team_findings_is_counted(project, cli):
    manifest = """\
readiness: 1
security:
  red_team: {date: 2026-11-19, findings: security/garak.report.jsonl, open_high: 0, open_critical: 0}
sources:
  - path: security/garak.report.jsonl
"""
    results = audit(project, cli, manifest, {"security/garak.report.jsonl": fixture("garak.report.jsonl")}, "SEC014", "SRC037")
    assert "the manifest says open_high: 0 but security/garak.report.jsonl lists 1 open high finding(s)" in results["SEC014"]["message"]
    assert results["SRC037"]["status"] == "fail" and "1 open high finding(s) of 165 attempts" in results["SRC037"]["message"]


RULES_MANIFEST = """\
readiness: 1
monitoring:
  signals:
    - {name: job:answer_correctness:avg1h, type: quality}
    - {name: output_drift_psi, type: drift}
  alerts:
    - {name: AnswerQualityLow, owner: ml-oncall}
    - {name: LatencyHigh, owner: ml-oncall}
sources:
  - path: monitoring/rules.yaml
"""


def test_prometheus_rules_are_cross_checked_with_the_manifest_alerts_runbooks_and_signals(project, cli):
    files = {"monitoring/rules.yaml": fixture("prometheus-rules.yaml"), "runbooks/quality.md": "# Answer quality low\n"}
    results = audit(project, cli, RULES_MANIFEST, files, "SRC031", "SRC032", "SRC033")
    assert results["SRC031"]["status"] == "fail" and "'LatencyHigh'" in results["SRC031"]["message"]
    assert "AnswerQualityLow" not in results["SRC031"]["message"].split("they define")[0]
    assert results["SRC032"]["status"] == "pass"  # the one named alert that exists has ../runbooks/quality.md; the others are not the manifest's
    assert results["SRC033"]["status"] == "fail"
    assert "output_drift_psi" in results["SRC033"]["message"] and "answer_correctness" not in results["SRC033"]["message"]


def test_without_named_alerts_every_alerting_rule_needs_a_runbook_in_the_project(project, cli):
    files = {"monitoring/rules.yaml": fixture("prometheus-rules.yaml"), "runbooks/quality.md": "# Answer quality low\n"}
    result = audit(project, cli, "readiness: 1\nsources: [{path: monitoring/rules.yaml}]\n", files, "SRC032")["SRC032"]
    runbooks = result["message"]
    assert result["status"] == "fail"
    assert "'https://wiki.example.com/ml/drift', which readiness cannot check" in runbooks and "'GatewayErrors' has no runbook_url" in runbooks
    assert "AnswerQualityLow" not in runbooks  # ../runbooks/quality.md exists beside the rules' folder


def test_a_runbook_linked_in_the_repository_is_checked_as_a_file(project, cli):
    rules = "groups:\n  - name: q\n    rules:\n      - alert: Q\n        expr: q < 0.8\n        annotations:\n          runbook_url: https://github.com/acme/support/blob/main/runbooks/q.md\n"
    manifest = "readiness: 1\nsources: [{path: rules.yaml}]\n"
    assert audit(project, cli, manifest, {"rules.yaml": rules}, "SRC032")["SRC032"]["status"] == "fail"
    assert audit(project, cli, manifest, {"rules.yaml": rules, "runbooks/q.md": "# Q\n"}, "SRC032")["SRC032"]["status"] == "pass"


def test_argo_rollout_steps_analysis_and_initial_weight_are_cross_checked(project, cli):
    manifest = "readiness: 1\nrelease:\n  strategy: canary\n  canary: {initial_percent: 10, steps: [10, 50, 100]}\nsources: [{path: deploy/rollout.yaml}]\n"
    results = audit(project, cli, manifest, {"deploy/rollout.yaml": fixture("argo-rollout.yaml")}, "SRC006", "SRC034", "SRC035")
    assert {rule: result["status"] for rule, result in results.items()} == {"SRC006": "pass", "SRC034": "pass", "SRC035": "pass"}
    rollout_only = fixture("argo-rollout.yaml").split("---")[0]
    changed = manifest.replace("initial_percent: 10, steps: [10, 50, 100]", "initial_percent: 20, steps: [20, 100]")
    results = audit(project, cli, changed, {"deploy/rollout.yaml": rollout_only}, "SRC006", "SRC034", "SRC035")
    assert results["SRC006"]["status"] == "fail" and "deploy/rollout.yaml:" in results["SRC006"]["message"]
    assert results["SRC034"]["status"] == "fail" and "cite the AnalysisTemplate" in results["SRC034"]["message"]
    assert results["SRC035"]["status"] == "fail"


def test_flagger_canary_weights_come_from_step_weight_up_to_max_weight(project, cli):
    (rollout,) = facts_from("canary.yaml", fixture("flagger-canary.yaml")).data["rollouts"]
    assert rollout["steps"] == [10, 20, 30, 40] and rollout["failed_checks_before_rollback"] == 3
    unguarded = "\n".join(line for line in fixture("flagger-canary.yaml").splitlines() if "thresholdRange" not in line)
    results = audit(project, cli, "readiness: 1\nsources: [{path: canary.yaml}]\n", {"canary.yaml": unguarded}, "SRC034")
    assert results["SRC034"]["status"] == "fail" and "without a thresholdRange" in results["SRC034"]["message"]


def test_an_eval_output_of_another_model_is_a_finding_in_the_output(project, cli):
    manifest = "readiness: 1\nmodel: {provider: openai, name: gpt-4o, version: gpt-4o-2024-11-20}\nsources: [{path: evals/results.json}]\n"
    result = audit(project, cli, manifest, {"evals/results.json": fixture("promptfoo-results.json")}, "SRC036")["SRC036"]
    assert result["status"] == "fail" and result["location"]["file"] == "evals/results.json"
    assert "records that promptfoo evaluated 'gpt-4o-2024-08-06'" in result["message"]


@pytest.mark.parametrize("name, text, declared, words", [
    ("report.jsonl", '{"entry_type": "start_run setup"}\n{"entry_type": "eval", "probe": "x"\n', None, "report.jsonl:2: not valid JSON"),
    ("report.jsonl", '{"entry_type": "start_run setup", "plugins.target_name": "m"}\n', None, "no evaluated attempts"),
    ("results.json", '{"metrics": {"acc": 0.9}}', "lm_eval", "does not look like a lm_eval file"),
    ("rules.yaml", "groups:\n  - name: q\n    rules: [{alert: Q}]\n", "prometheus", "does not look like a prometheus file"),
])
def test_what_is_not_the_declared_tool_format_is_rejected_with_a_clear_message(name, text, declared, words):
    with pytest.raises(InputError) as raised:
        facts_from(name, text, declared)
    assert words in str(raised.value)


@pytest.mark.parametrize("text, words", [
    ('{"evalId": "e", "results": {"results": [], "timestamp": 99999999999999999}, "config": {"redteam": {}}}', "no red-team tests"),
    ('{"results": {"t": {"acc,none": 0.5}}, "config": {}, "date": 1e308}', None),
])
def test_red_team_and_results_readers_never_crash_on_odd_tool_output(text, words):
    from readiness.evidence import parse_results

    for read in (parse_results, red_team_findings):
        try:
            read(text.encode(), "out.json")
        except EvidenceProblem as problem:
            assert words is None or read is parse_results or words in str(problem)


def test_a_results_file_in_no_known_layout_names_the_layouts_it_accepts():
    from readiness.evidence import parse_results

    with pytest.raises(EvidenceProblem, match="or a promptfoo, lm-evaluation-harness or Inspect AI results file"):
        parse_results(b'{"scores": {"acc": 0.9}}', "evals/results.json")


def test_a_flagger_ab_canary_runs_iterations_instead_of_steps(project, cli):
    ab = fixture("flagger-canary.yaml").replace("    maxWeight: 40\n    stepWeight: 10\n", "    iterations: 10\n")
    (rollout,) = facts_from("canary.yaml", ab).data["rollouts"]
    assert (rollout["steps"], rollout["iterations"]) == ([], 10)
    assert audit(project, cli, "readiness: 1\nsources: [{path: canary.yaml}]\n", {"canary.yaml": ab}, "SRC034")["SRC034"]["status"] == "pass"


def test_a_promptfoo_run_over_several_models_is_evidence_of_none(project, cli):
    results = json.loads(fixture("promptfoo-results.json"))
    results["results"]["results"][0]["provider"]["id"] = "openai:chat:gpt-4o-mini-2024-07-18"
    manifest = "readiness: 1\nmodel: {provider: openai, name: gpt-4o, version: gpt-4o-2024-08-06}\nsources: [{path: results.json}]\n"
    result = audit(project, cli, manifest, {"results.json": json.dumps(results)}, "SRC036")["SRC036"]
    assert result["status"] == "fail" and "mixes the results of openai:chat:gpt-4o-2024-08-06, openai:chat:gpt-4o-mini-2024-07-18" in result["message"]
