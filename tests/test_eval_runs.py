"""The eval run is tied to what ships: results record what they evaluated, every metric is gated,
the fallback has its own run, subjective dimensions are judged, and a bad results file is a finding."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest

from conftest import AS_OF, REPO
from readiness.checks_eval import direction_problem
from readiness.evidence import MemoryEvidence
from readiness.functions import REGISTRY, Call

PROMPT = "You answer billing questions from the articles below. Cite the article you used.\n"
CONFIG = "model: gpt-4o-2024-08-06\ntemperature: 0.2\nmax_output_tokens: 700\n"


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def manifest(model: str = "version: gpt-4o-2024-08-06", temperature: float = 0.2, prompt_hash: str | None = None, metrics: str | None = None,
             extra_evaluation: str = "", fallback: str = "") -> str:
    metrics = metrics or """
    - {name: format_adherence, method: automated, dimension: format, threshold: 0.99}
    - {name: answer_correctness, method: llm_judge, dimension: correctness, threshold: 0.85}"""
    return f"""readiness: 1
service: {{name: billing-assistant, kind: llm, risk: high}}
model:
  provider: openai
  name: gpt-4o
  {model}
  parameters: {{temperature: {temperature}}}
  config: {{path: config/generation.yaml, sha256: {sha(CONFIG)}}}
{fallback}
prompts:
  - {{id: answer, path: prompts/answer.md, sha256: {prompt_hash or sha(PROMPT)}}}
evaluation:
  metrics:{metrics}
  last_run: {{date: 2026-11-20, results: evals/results.json}}
{extra_evaluation}"""


def evaluated(**changes) -> dict:
    record = {"model_version": "gpt-4o-2024-08-06", "prompts": {"answer": sha(PROMPT)}, "config_sha256": sha(CONFIG),
              "parameters": {"temperature": 0.2}, "date": "2026-11-20"}
    record.update(changes)
    return {key: value for key, value in record.items() if value is not None}


def results(identity: dict | None = None, metrics: dict | None = None) -> str:
    document = {"evaluated": identity if identity is not None else evaluated(), "metrics": metrics or {"format_adherence": 0.996, "answer_correctness": 0.88}}
    return json.dumps(document, indent=2)


@pytest.fixture
def audit(cli, project):
    """Write a project (manifest, prompt, config, results) and audit it; returns rule id → result."""

    def run(text: str, results_text: str | None = None, files: dict[str, str] | None = None, select: str = "VER009,evaluation", raw: bytes | None = None) -> dict[str, dict]:
        project("prompts/answer.md", PROMPT)
        project("config/generation.yaml", CONFIG)
        project("evals/results.json", results() if results_text is None else results_text)
        for name, content in (files or {}).items():
            project(name, content)
        if raw is not None:
            (project.root / "evals/results.json").write_bytes(raw)
        project("readiness.yaml", text)
        selected = [argument for name in select.split(",") for argument in ("--select", name)]
        done = cli("audit", "readiness.yaml", "--as-of", AS_OF, *selected, "--format", "json")
        assert done.stderr == "" and done.exit_code in (0, 1)
        return {result["rule"]: result for result in json.loads(done.stdout)["manifests"][0]["results"]}

    return run


def test_a_run_that_recorded_what_ships_passes(audit):
    found = audit(manifest())
    assert {rule: found[rule]["status"] for rule in ("VER009", "EVL001", "EVL012", "EVL014")} == dict.fromkeys(("VER009", "EVL001", "EVL012", "EVL014"), "pass")


def test_a_prompt_changed_after_the_run_fails_naming_both_hashes_and_places(audit, project):
    edited = PROMPT + "Never promise a refund.\n"
    found = audit(manifest(prompt_hash=sha(edited)), files={"prompts/answer.md": edited})
    message = found["EVL012"]["message"]
    assert found["EVL012"]["status"] == "fail"
    assert message.endswith(
        f"prompts[0].sha256 and the SHA-256 of prompts/answer.md (readiness.yaml:11) are {sha(edited)[:12]}… "
        f"but evals/results.json:5 records evaluated.prompts.answer {sha(PROMPT)[:12]}…"
    )


def test_a_prompt_edited_without_updating_its_declared_hash_is_caught_by_the_file_itself(audit):
    edited = PROMPT + "Never promise a refund.\n"
    found = audit(manifest(), files={"prompts/answer.md": edited})
    assert found["EVL012"]["message"].endswith(
        f"the SHA-256 of prompts/answer.md (readiness.yaml:11) is {sha(edited)[:12]}… but evals/results.json:5 records evaluated.prompts.answer {sha(PROMPT)[:12]}…"
    )


def test_a_config_file_edited_without_updating_the_manifest_is_caught_by_its_own_hash(audit):
    found = audit(manifest(), files={"config/generation.yaml": CONFIG.replace("0.2", "0.7")})
    assert found["EVL012"]["status"] == "fail"
    assert "the SHA-256 of config/generation.yaml (readiness.yaml:8) is" in found["EVL012"]["message"]
    assert "model.config.sha256" not in found["EVL012"]["message"]  # the declared hash still matches the run


def test_a_new_temperature_with_the_old_results_fails(audit):
    found = audit(manifest(temperature=0.7))
    assert found["EVL012"]["status"] == "fail"
    assert "model.parameters.temperature (readiness.yaml:7) is 0.7 but evals/results.json:9 records evaluated.parameters.temperature 0.2" in found["EVL012"]["message"]


def test_results_of_another_model_version_fail_the_version_rule(audit):
    found = audit(manifest(), results(evaluated(model_version="gpt-4o-2024-05-13")))
    assert found["VER009"]["status"] == "fail"
    assert "model.version (readiness.yaml:6) is 'gpt-4o-2024-08-06' but evals/results.json:3 records evaluated.model_version 'gpt-4o-2024-05-13'" in found["VER009"]["message"]


def test_a_model_pinned_by_digest_only_matches_a_run_that_recorded_that_digest(audit):
    digest = "sha256:" + "4b" * 32
    by_digest = manifest(model=f"digest: '{digest}'")
    assert audit(by_digest, results(evaluated(model_version=None, model_digest=digest)))["VER009"]["status"] == "pass"
    found = audit(by_digest, results(evaluated()))
    assert found["VER009"]["status"] == "fail"
    assert f'does not record evaluated.model_digest: add to its "evaluated" object {{"model_digest": "{digest}"}}' in found["VER009"]["message"]
    other = audit(by_digest, results(evaluated(model_version=None, model_digest="sha256:" + "00" * 32)))["VER009"]["message"]
    assert "model.digest (readiness.yaml:6) is 4b4b4b4b4b4b… but evals/results.json:11 records evaluated.model_digest 000000000000…" in other


def test_a_results_file_without_identity_fails_and_shows_the_shape_to_add(audit):
    found = audit(manifest(), json.dumps({"metrics": {"format_adherence": 0.996, "answer_correctness": 0.88}}))
    assert found["EVL001"]["status"] == "pass"
    assert found["EVL012"]["status"] == "fail"
    shape = {"prompts": {"answer": sha(PROMPT)}, "config_sha256": sha(CONFIG), "parameters": {"temperature": 0.2}, "date": "2026-11-20"}
    assert f'evals/results.json records nothing about what it evaluated: add to its "evaluated" object {json.dumps(shape)}' in found["EVL012"]["message"]
    assert "evals/results.json records nothing about what it evaluated" in found["VER009"]["message"]


def test_the_run_date_in_the_manifest_must_be_the_one_the_run_recorded(audit):
    found = audit(manifest(), results(evaluated(date="2026-09-02")))
    assert "evaluation.last_run.date (readiness.yaml:16) is '2026-11-20' but evals/results.json:11 records evaluated.date '2026-09-02'" in found["EVL012"]["message"]


@pytest.mark.parametrize("stamp", ["2026-11-20T17:43:12Z", "2026-11-20T17:43:12.123456+00:00", "2026-11-20T23:10:00-08:00", "2026-11-20 09:15:00", "2026-11-20T09:15"])
def test_a_run_that_records_a_timestamp_of_the_manifest_day_matches(audit, stamp):
    found = audit(manifest(), results(evaluated(date=stamp)))
    assert found["EVL012"]["status"] == "pass"


@pytest.mark.parametrize("stamp", ["2026-11-21T00:00:01Z", "2026-11-19T23:59:59+02:00", "2026-11-20T25:00:00Z", "2026-11-20Tnoon", "2026-11-20T17:43:12Zjunk"])
def test_a_timestamp_of_another_day_or_not_a_timestamp_is_still_a_finding(audit, stamp):
    found = audit(manifest(), results(evaluated(date=stamp)))
    assert f"evaluation.last_run.date (readiness.yaml:16) is '2026-11-20' but evals/results.json:11 records evaluated.date '{stamp}'" in found["EVL012"]["message"]


def test_manifest_dates_stay_strictly_yyyy_mm_dd():
    from readiness.dates import parse_date, recorded_day

    assert parse_date("2026-11-20T17:43:12Z") is None  # the manifest's dates and --as-of: one form
    assert recorded_day("2026-11-20T17:43:12Z") == recorded_day("2026-11-20") == dt.date(2026, 11, 20)
    assert recorded_day("2026-02-30T10:00:00Z") is None and recorded_day(20261120) is None

def test_a_declared_model_version_that_disagrees_with_the_file_is_a_finding(audit):
    text = manifest().replace("last_run: {date: 2026-11-20,", "last_run: {model_version: gpt-4o-2024-11-20, date: 2026-11-20,")
    found = audit(text)
    assert "evaluation.last_run.model_version (readiness.yaml:16) is 'gpt-4o-2024-11-20' but evals/results.json:3 records 'gpt-4o-2024-08-06'" in found["VER009"]["message"]


def test_the_jsonl_header_record_says_what_the_run_evaluated(audit):
    lines = [json.dumps({"evaluated": evaluated(model_version="gpt-4o-2024-05-13")}), '{"metric": "format_adherence", "value": 0.996}', '{"metric": "answer_correctness", "value": 0.88}']
    text = manifest().replace("evals/results.json", "evals/results.jsonl")
    found = audit(text, files={"evals/results.jsonl": "\n".join(lines) + "\n"})
    assert found["EVL001"]["status"] == "pass" and found["EVL012"]["status"] == "pass"
    assert "evals/results.jsonl:1 records evaluated.model_version 'gpt-4o-2024-05-13'" in found["VER009"]["message"]


def test_the_retrieval_index_and_embedding_model_are_part_of_what_ships(audit):
    text = manifest() + "data:\n  retrieval: {index: help-centre, version: '2026-11-16.2', embedding_model: {name: bge, version: rev-2}}\n"
    found = audit(text, results(evaluated(index_version="2026-11-01.1")))
    message = found["EVL012"]["message"]
    assert "data.retrieval.version (readiness.yaml:18) is '2026-11-16.2' but evals/results.json:12 records evaluated.index_version '2026-11-01.1'" in message
    assert 'does not record evaluated.embedding_version: add to its "evaluated" object {"embedding_version": "rev-2"}' in message


def test_a_metric_without_a_threshold_fails_instead_of_passing_vacuously(audit):
    metrics = "\n    - {name: helpfulness, method: llm_judge, dimension: helpfulness}"
    found = audit(manifest(metrics=metrics), results(metrics={"helpfulness": 0.41}))
    assert found["EVL001"]["status"] == "fail"
    assert "helpfulness has no threshold, so its result (evals/results.json says 0.41) can never fail: declare one" in found["EVL001"]["message"]


def test_a_measured_metric_that_no_threshold_gates_is_not_ignored(audit):
    found = audit(manifest(), results(metrics={"format_adherence": 0.996, "answer_correctness": 0.88, "refusal_quality": 0.41}))
    assert found["EVL001"]["status"] == "fail"
    assert "evals/results.json measures refusal_quality (0.41), which no metric in evaluation.metrics gates: declare it with a threshold, or record a number about the run itself (the judge's cost, its duration) outside metrics" in found["EVL001"]["message"]


def test_no_metrics_at_all_is_a_finding(audit):
    found = audit(manifest(metrics=" []"))
    assert found["EVL001"]["status"] == "fail"
    assert "evaluation.metrics declares no metric, so no result can fail" in found["EVL001"]["message"]


def test_a_judge_metric_relabelled_automated_is_caught_even_though_calibration_no_longer_applies(audit):
    metrics = """
    - {name: format_adherence, method: automated, dimension: format, threshold: 0.99}
    - {name: answer_correctness, method: automated, dimension: correctness, threshold: 0.85}"""
    found = audit(manifest(metrics=metrics))
    assert found["EVL004"]["status"] == "skipped"
    assert found["EVL014"]["status"] == "fail"
    assert "answer_correctness (correctness) is a judgement, but its method is automated" in found["EVL014"]["message"]


def test_objective_measures_of_a_subjective_dimension_stay_automated(audit):
    metrics = """
    - {name: format_adherence, method: automated, dimension: format, threshold: 0.99}
    - {name: answer_correctness, method: llm_judge, dimension: correctness, threshold: 0.85}
    - {name: refund_amount_exact, method: automated, dimension: correctness, threshold: 0.99}
    - {name: context_recall_at_5, method: automated, dimension: relevance, threshold: 0.85}
    - {name: unsafe_action_rate, method: automated, dimension: safety, threshold: 0.01, direction: lower_is_better}"""
    found = audit(manifest(metrics=metrics))
    assert found["EVL014"]["status"] == "pass"
    assert found["EVL002"]["status"] == "pass"


def test_a_judged_latency_metric_fails_the_objective_rule(audit):
    metrics = """
    - {name: format_adherence, method: llm_judge, dimension: format, threshold: 0.99}
    - {name: answer_correctness, method: llm_judge, dimension: correctness, threshold: 0.85}"""
    found = audit(manifest(metrics=metrics))
    assert "evaluation.metrics has no metric with method: automated; format_adherence measures format, which a program measures" in found["EVL002"]["message"]


FALLBACK = "  fallback: {name: gpt-4o-mini, version: gpt-4o-mini-2024-07-18}"
FALLBACK_RUN = "  fallback_run: {date: 2026-11-20, results: evals/results-fallback.json}\n"


def test_the_fallback_needs_its_own_run_meeting_the_same_thresholds(audit):
    text = manifest(fallback=FALLBACK)
    assert audit(text)["EVL013"]["status"] == "fail"
    good = results(evaluated(model_version="gpt-4o-mini-2024-07-18"), {"format_adherence": 0.993, "answer_correctness": 0.86})
    assert audit(manifest(fallback=FALLBACK, extra_evaluation=FALLBACK_RUN), files={"evals/results-fallback.json": good})["EVL013"]["status"] == "pass"
    weak = results(evaluated(model_version="gpt-4o-mini-2024-07-18"), {"format_adherence": 0.993, "answer_correctness": 0.71})
    found = audit(manifest(fallback=FALLBACK, extra_evaluation=FALLBACK_RUN), files={"evals/results-fallback.json": weak})
    assert found["EVL013"]["status"] == "fail" and found["EVL013"]["severity"] == "critical"
    assert "answer_correctness measured 0.71 misses its threshold 0.85" in found["EVL013"]["message"]


def test_a_fallback_run_of_the_primary_model_does_not_count(audit):
    found = audit(manifest(fallback=FALLBACK, extra_evaluation=FALLBACK_RUN), files={"evals/results-fallback.json": results()})
    assert "model.fallback.version (readiness.yaml:9) is 'gpt-4o-mini-2024-07-18' but evals/results-fallback.json:3 records evaluated.model_version 'gpt-4o-2024-08-06'" in found["EVL013"]["message"]


def test_a_non_model_fallback_needs_no_run(audit):
    found = audit(manifest(fallback="  fallback: {kind: static, description: a help-centre search and a ticket}"))
    assert found["EVL013"]["status"] == "skipped"


BAD_RESULTS = {
    "malformed JSON": (b'{\n  "metrics": {\n    "format_adherence": ,\n  }\n}', "evals/results.json:3: not valid JSON: Expecting value"),
    "wrong shape": (b'{"scores": {"format_adherence": 0.996}}', "evals/results.json:1: expected an object with a 'metrics' object of name \u2192 value"),
    "NaN": (b'{\n  "metrics": {\n    "format_adherence": NaN}}', "evals/results.json:3: metrics.format_adherence: expected a finite number, found number nan"),
    "a 400-digit number": (b'{"metrics": {"format_adherence": ' + b"9" * 400 + b"}}", "evals/results.json:1: metrics.format_adherence: expected a finite number, found a number of 400 digits"),
    "a string value": (b'{"metrics": {"format_adherence": 0.996},\n "slices": {"fr": {"answer_correctness": "0.9"}}}', "evals/results.json:2: slices.fr.answer_correctness: expected a finite number, found string '0.9'"),
    "empty": (b"\n  \n", "evals/results.json:1: the file is empty; expected a JSON object with 'metrics', or JSONL records"),
    "not UTF-8": (b'{"metrics": {}}\n\xff', "evals/results.json:2: not UTF-8 text"),
    "evaluated not an object": (b'{"evaluated": "gpt-4o",\n "metrics": {}}', "evals/results.json:1: 'evaluated' must be an object, found string 'gpt-4o'"),
    "a list of prompts": (b'{"metrics": {},\n "evaluated": {"prompts": ["answer"]}}', "evals/results.json:2: evaluated.prompts must be an object of name \u2192 value, found a list of 1"),
    # which of two equal keys a JSON reader keeps is up to the reader: the worse value must not hide behind the better
    "a metric written twice": (b'{"evaluated": {"date": "2026-11-20"},\n "metrics": {"format_adherence": 0.93,\n   "format_adherence": 0.996}}',
                               "evals/results.json:2: not valid JSON: the key 'format_adherence' appears twice in one object, so its value is ambiguous"),
}


@pytest.mark.parametrize("case", sorted(BAD_RESULTS))
def test_a_bad_results_file_is_a_finding_with_file_and_line(audit, case):
    content, expected = BAD_RESULTS[case]
    found = audit(manifest(), raw=content, select="EVL001")
    assert found["EVL001"]["status"] == "fail"
    assert f"evaluation.last_run.results: {expected}" in found["EVL001"]["message"]


BAD_LINES = {
    "malformed line": ('{"evaluated": {"date": "2026-11-20"}}\n{"metric": "acc", "value": 0.9\n', "evals/results.jsonl:2: not valid JSON: Expecting ',' delimiter"),
    "a line without metric": ('{"metric": "acc", "value": 0.9}\n\n{"value": 0.8}\n', "evals/results.jsonl:3: expected an object with 'metric' and 'value', or the {\"evaluated\": {...}} record"),
    "two identity records": ('{"evaluated": {"date": "2026-11-20"}}\n{"evaluated": {"date": "2026-11-21"}}\n', "evals/results.jsonl:2: a second 'evaluated' record (the first is on line 1)"),
    "infinity": ('{"metric": "acc", "value": Infinity}\n', "evals/results.jsonl:1: expected a finite number, found number inf"),
}


@pytest.mark.parametrize("case", sorted(BAD_LINES))
def test_a_bad_jsonl_results_file_is_a_finding_with_its_line(audit, case):
    text, expected = BAD_LINES[case]
    found = audit(manifest().replace("evals/results.json", "evals/results.jsonl"), files={"evals/results.jsonl": text}, select="EVL001")
    assert found["EVL001"]["status"] == "fail"
    assert f"evaluation.last_run.results: {expected}" in found["EVL001"]["message"]


def test_a_run_with_nothing_to_compare_still_has_to_say_when_it_ran(audit):
    text = "readiness: 1\nservice: {name: churn, kind: ml, risk: low}\nmodel: {name: churn-xgb, version: '12'}\nevaluation:\n  metrics: [{name: auc, method: automated, threshold: 0.78}]\n  last_run: {results: evals/results.json}\n"
    found = audit(text, json.dumps({"model_version": "12", "metrics": {"auc": 0.81}}))
    assert found["VER009"]["status"] == "pass"  # the layout before "evaluated": a top-level model_version is read
    assert found["EVL012"]["status"] == "fail"
    assert 'evals/results.json does not record evaluated.date: add to its "evaluated" object {"date": "YYYY-MM-DD"}' in found["EVL012"]["message"]


@pytest.mark.parametrize("name", ["support-assistant", "docs-search"])
def test_the_sound_samples_ship_what_their_runs_evaluated(cli, name):
    run = cli("audit", REPO / "sample_configs" / name, "--as-of", AS_OF, "--format", "json")
    statuses = {result["rule"]: result["status"] for result in json.loads(run.stdout)["manifests"][0]["results"]}
    assert {rule: statuses[rule] for rule in ("VER009", "EVL001", "EVL012", "EVL013", "EVL014")} == dict.fromkeys(("VER009", "EVL001", "EVL012", "EVL013", "EVL014"), "pass")


@pytest.mark.parametrize(
    ("metric", "judged"),
    [
        ({"name": "faithfulness", "method": "automated"}, False),
        ({"name": "tone_score", "method": "automated"}, False),
        ({"name": "answer_quality"}, False),
        ({"name": "jailbreak_resistance", "method": "automated", "dimension": "safety"}, False),
        ({"name": "faithfulness", "method": "human"}, True),
        ({"name": "exact_match", "method": "automated", "dimension": "correctness"}, True),
        ({"name": "tool_call_accuracy", "method": "automated", "dimension": "tool_use"}, True),
        ({"name": "json_valid_rate", "method": "automated"}, True),
    ],
)
def test_which_metrics_need_a_judge(metric, judged):
    call = Call({}, [metric], ("evaluation", "metrics"), ("evaluation", "metrics"), dt.date(2026, 11, 26), MemoryEvidence())
    assert (REGISTRY["subjective_metrics_judged"].check([metric], {}, call) is None) is judged


def test_a_fallback_run_with_no_threshold_to_meet_does_not_pass(audit):
    metrics = "\n    - {name: answer_correctness, method: llm_judge, dimension: correctness}"
    fallback_results = results(evaluated(model_version="gpt-4o-mini-2024-07-18"), {"answer_correctness": 0.41})
    found = audit(manifest(metrics=metrics, fallback=FALLBACK, extra_evaluation=FALLBACK_RUN), files={"evals/results-fallback.json": fallback_results})
    assert found["EVL013"]["status"] == "fail"
    assert "no metric in evaluation.metrics has a threshold, so the run meets nothing" in found["EVL013"]["message"]


def test_a_results_file_is_parsed_once_per_manifest_however_many_rules_judge_it(cli, monkeypatch):
    from readiness import evidence

    parsed: list[str] = []
    real = evidence.parse_results

    def counting(content: bytes, cited: str):
        parsed.append(cited)
        return real(content, cited)

    monkeypatch.setattr(evidence, "parse_results", counting)
    run = cli("audit", REPO / "sample_configs" / "support-assistant", "--as-of", AS_OF, "--format", "json")
    assert run.exit_code == 0
    assert sorted(parsed) == ["evals/results-fallback.json", "evals/results.json"]  # VER009, EVL001, EVL012, EVL013 share them


def test_a_metric_whose_name_reads_lower_is_better_must_say_its_direction(audit):
    # Leaving direction out made 0.09 unsafe actions "meet" a threshold of 0.005 (compared as higher is better).
    gated = """
    - {name: format_adherence, method: automated, dimension: format, threshold: 0.99}
    - {name: answer_correctness, method: llm_judge, dimension: correctness, threshold: 0.85}
    - {name: unsafe_action_rate, method: automated, dimension: safety, threshold: 0.005%s}"""
    measured = results(metrics={"format_adherence": 0.996, "answer_correctness": 0.88, "unsafe_action_rate": 0.09})
    found = audit(manifest(metrics=gated % ""), measured, select="EVL001")["EVL001"]
    assert found["status"] == "fail"
    assert ("unsafe_action_rate (0.09 against 0.005) declares no direction, so it is compared as higher is better, but its name reads as "
            "lower is better (unsafe): declare direction: lower_is_better or higher_is_better") in found["message"]
    declared = audit(manifest(metrics=gated % ", direction: lower_is_better"), measured, select="EVL001")["EVL001"]
    assert declared["status"] == "fail" and "unsafe_action_rate measured 0.09 misses its threshold 0.005" in declared["message"]
    safe = results(metrics={"format_adherence": 0.996, "answer_correctness": 0.88, "unsafe_action_rate": 0.002})
    assert audit(manifest(metrics=gated % ", direction: lower_is_better"), safe, select="EVL001")["EVL001"]["status"] == "pass"


@pytest.mark.parametrize(
    ("name", "reads_lower"),
    [("unsafe_action_rate", True), ("p95_latency_ms", True), ("hallucination_rate", True), ("cost_per_request_usd", True), ("rmse", True),
     ("false_positive_rate", True), ("answer_correctness", False), ("task_success", False), ("error_free_rate", False),
     ("jailbreak_block_rate", False), ("injection_detection_recall", False), ("escalation_rate", False), ("auc", False)],
)
def test_which_metric_names_read_as_lower_is_better(name, reads_lower):
    assert (direction_problem(name, None) is not None) is reads_lower
    assert direction_problem(name, "higher_is_better") is None  # a declared direction is taken as declared


@pytest.mark.parametrize(
    ("recorded", "expected"),
    [
        ({"dataset": "golden-v3", "samples": 3}, "evals/results.json says it evaluated 3 samples, but golden holds 1200: the thresholds were met on part of it"),
        ({"dataset": "smoke-3", "samples": 3}, "evals/results.json says it ran on dataset 'smoke-3', which evaluation.datasets does not declare (golden)"),
        ({"evaluated": {**evaluated(), "dataset": "smoke-3"}}, "says it ran on dataset 'smoke-3'"),
        ({"dataset": "golden-v3", "samples": 1190}, None),  # ten examples lost to errors: the run still covers the dataset
        ({"dataset": "golden@3"}, None),
        ({"samples": 1200}, None),
    ],
)
def test_a_run_on_other_data_than_the_declared_dataset_does_not_meet_the_thresholds(audit, recorded, expected):
    datasets = "\n  datasets:\n    - {name: golden, version: 3, size: 1200, slices: [billing, refunds]}"
    document = {"evaluated": evaluated(), "metrics": {"format_adherence": 0.996, "answer_correctness": 0.88}, **recorded}
    found = audit(manifest(extra_evaluation="").replace("\nevaluation:", "\nevaluation:" + datasets, 1), json.dumps(document), select="EVL001")["EVL001"]
    if expected is None:
        assert found["status"] == "pass", found["message"]
    else:
        assert found["status"] == "fail" and expected in found["message"]
