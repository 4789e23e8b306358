"""The verdict tells the truth on a system written for this test, not one of the samples.

``tests/fixtures/truth/fraud-scores`` is a sound classic-ML batch scorer with all its evidence: it must
come out READY 100 (a false alarm on a well-run system is a defect like a missed blocker). Each test
below plants one defect from the "evidence, not claims" review, or pulls one lever a team under
deadline pressure would try, and asserts the rule that must catch it, with the reason it gives.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any, Callable

import pytest
import yaml

from conftest import AS_OF, REPO

SOUND = REPO / "tests" / "fixtures" / "truth" / "fraud-scores"


@pytest.fixture
def system(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A fresh copy of the sound system in a git work tree, with helpers to edit and audit it."""
    root = tmp_path / "repo"
    shutil.copytree(SOUND, root)
    (root / ".git").mkdir()
    monkeypatch.chdir(root)
    return root


def edit(root: Path, change: Callable[[dict], Any]) -> None:
    manifest = root / "readiness.yaml"
    data = yaml.safe_load(manifest.read_text())
    change(data)
    manifest.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


def audit(cli, *extra: str) -> tuple[int, dict, dict[str, dict]]:
    run = cli("audit", "readiness.yaml", "--as-of", AS_OF, "--format", "json", *extra)
    assert run.exit_code in (0, 1), run.stderr
    report = json.loads(run.stdout)
    manifest = report["manifests"][0]
    return run.exit_code, report, {result["rule"]: result for result in manifest["results"]}


def failing(by_rule: dict[str, dict]) -> dict[str, str]:
    return {rule: result["message"] for rule, result in by_rule.items() if result["status"] in ("fail", "error")}


def test_the_sound_system_is_ready_with_every_applicable_rule_passing(cli, system):
    code, report, by_rule = audit(cli)
    manifest = report["manifests"][0]
    assert (code, manifest["verdict"], manifest["score"]) == (0, "ready", 100.0), failing(by_rule)
    # a batch ML scorer is judged on its job deadline, not on request latency, and on ML trace words
    assert by_rule["MON004"]["status"] == "skipped" and by_rule["MON012"]["status"] == "pass"
    assert by_rule["VER004"]["status"] == "pass" and by_rule["CST004"]["status"] == "pass"
    # every rule a declaration turned off is listed with the declaration and its reason
    declarations = {item["declaration"] for item in manifest["turned_off"]}
    assert {"service.kind", "service.user_facing", "service.eu_ai_act.category"} <= declarations


def set_path(path: str, value: Any) -> Callable[[dict], None]:
    def change(data: dict) -> None:
        *parents, last = path.split(".")
        node = data
        for key in parents:
            node = node[int(key)] if isinstance(node, list) else node.setdefault(key, {})
        node[last] = value

    return change


PLANTED = [
    ("an artifact under a /latest/ folder", set_path("model.artifact", "s3://ml-models/fraud/latest/model.onnx"), "VER001", "latest"),
    ("an unversioned object path", set_path("model.artifact", "s3://ml-models/fraud/model.onnx"), "VER001", "s3://ml-models/fraud/model.onnx"),
    ("a registry stage instead of a version", set_path("model.version", "champion"), "VER001", "champion"),
    ("a metric nobody gated, scoring 0.41", lambda d: d["evaluation"]["metrics"].append({"name": "recall_at_review", "method": "automated", "dimension": "correctness"}), "EVL001", "recall_at_review"),
    ("an online evaluation of 0.1 % with no alert", lambda d: d["evaluation"].update(online={"sample_rate": 0.001, "metrics": [], "window": "7d"}), "MON011", "online"),
    ("a quality signal with no threshold and no alert", lambda d: d["monitoring"].update(signals=[{"name": "auc_on_matured_labels", "type": "quality"}], alerts=[]), "MON001", "auc_on_matured_labels"),
    ("a canary that starts at 100 %", lambda d: d["release"].update(strategy="canary", canary={"initial_percent": 100, "steps": [100], "promotion": ["x"], "abort": ["y"]}), "REL011", "100"),
    ("blue/green with no switch-over or abort criteria", lambda d: d["release"].update(strategy="blue_green", blue_green={}), "REL012", "blue_green"),
    ("a launch approved by nobody in particular", lambda d: d["governance"]["approvals"][0].update(by="TBD"), "GOV004", "governance.approvals[0].by: owner 'TBD' is a placeholder"),
]


@pytest.mark.parametrize(("defect", "change", "rule", "named"), PLANTED, ids=[item[0] for item in PLANTED])
def test_a_planted_defect_in_the_manifest_fails_its_rule(cli, system, defect, change, rule, named):
    if rule == "EVL001":
        results = json.loads((system / "evals" / "results.json").read_text())
        results["metrics"]["recall_at_review"] = 0.41
        (system / "evals" / "results.json").write_text(json.dumps(results))
    edit(system, change)
    code, _, by_rule = audit(cli)
    assert by_rule[rule]["status"] == "fail", (defect, failing(by_rule))
    assert named in by_rule[rule]["message"]


def test_a_config_changed_after_the_eval_run_fails_even_with_its_new_hash_declared(cli, system):
    import hashlib

    config = system / "config" / "scoring.yaml"
    config.write_text(config.read_text().replace("threshold_review: 0.82", "threshold_review: 0.70"))
    edit(system, set_path("model.config.sha256", hashlib.sha256(config.read_bytes()).hexdigest()))
    code, _, by_rule = audit(cli)
    assert code == 1 and by_rule["EVL012"]["status"] == "fail"
    assert "config_sha256" in by_rule["EVL012"]["message"] and "evals/results.json" in by_rule["EVL012"]["message"]


def test_results_produced_for_another_model_version_fail(cli, system):
    results_file = system / "evals" / "results.json"
    results_file.write_text(results_file.read_text().replace('"model_version": "31"', '"model_version": "30"'))
    code, _, by_rule = audit(cli)
    assert code == 1 and by_rule["VER009"]["status"] == "fail"
    assert "'31'" in by_rule["VER009"]["message"] and "'30'" in by_rule["VER009"]["message"]


def test_a_results_file_that_records_no_identity_does_not_pass(cli, system):
    results_file = system / "evals" / "results.json"
    results = json.loads(results_file.read_text())
    del results["evaluated"]
    results_file.write_text(json.dumps(results))
    code, _, by_rule = audit(cli)
    assert code == 1
    assert {"VER009", "EVL012"} <= set(failing(by_rule))


def test_a_training_snapshot_that_changed_under_its_hash_fails(cli, system):
    data = system / "data" / "train-2026-10-31.csv"
    data.write_text(data.read_text() + "p99999,12.0,3,1,DE,true,0\n")
    code, _, by_rule = audit(cli)
    assert code == 1 and by_rule["DAT007"]["status"] == "fail"
    assert "sha256" in by_rule["DAT007"]["message"]


def test_an_eval_set_that_shrank_fails_on_its_size_and_its_hash(cli, system):
    holdout = system / "evals" / "holdout-2026-11.jsonl"
    holdout.write_text("".join(holdout.read_text().splitlines(keepends=True)[:60]))
    code, _, by_rule = audit(cli)
    assert code == 1
    assert "300" in by_rule["EVL018"]["message"] and "60" in by_rule["EVL018"]["message"]
    assert by_rule["EVL011"]["status"] == "fail"


@pytest.mark.parametrize(("document", "rule"), [("docs/model-card.md", "GOV002"), ("runbooks/incident.md", "GOV003"), ("runbooks/rollback.md", "REL002")])
def test_filler_documents_do_not_pass_as_evidence(cli, system, document, rule):
    (system / document).write_text("# TODO\n\nTODO: write this before launch.\nTBD\n" + "TODO\n" * 40)
    code, _, by_rule = audit(cli)
    assert code == 1 and by_rule[rule]["status"] == "fail", failing(by_rule)
    assert "TODO" in by_rule[rule]["message"]


def test_an_empty_sbom_does_not_pass(cli, system):
    (system / "sbom.cdx.json").write_text("{}")
    code, _, by_rule = audit(cli)
    assert code == 1 and by_rule["SEC004"]["status"] == "fail"


# The levers of issue 13: declaring less, waiving, configuring the rules away.

def test_a_waived_critical_rule_still_blocks_and_the_score_without_waivers_is_shown(cli, system):
    edit(system, lambda d: (d["model"].update(version="champion"), d.setdefault("waivers", []).append({"rule": "VER001", "reason": "registry migration next sprint", "owner": "jonas.berg@market.example", "expires": "2026-12-10"})))
    code, report, by_rule = audit(cli)
    manifest = report["manifests"][0]
    assert code == 1 and by_rule["VER001"]["status"] == "fail"
    assert any(note["rule"] == "VER001" for note in manifest["notes"])


def test_a_waiver_cannot_waive_the_rule_that_polices_waivers(cli, system):
    edit(system, lambda d: d.setdefault("waivers", []).extend([
        {"rule": "MON001", "reason": "later", "owner": "TBD", "expires": "2027-06-30"},
        {"rule": "GOV010", "reason": "the waiver above is fine", "owner": "jonas.berg@market.example", "expires": "2026-12-10"},
    ]))
    code, report, by_rule = audit(cli)
    assert code == 1 and by_rule["GOV010"]["status"] == "fail"
    kinds = {note["kind"] for note in report["manifests"][0]["notes"]}
    assert "waiver_not_waivable" in kinds


def test_declaring_a_narrower_kind_does_not_skip_the_rules_of_what_the_system_is(cli, system):
    edit(system, set_path("service.kind", "llm"))
    code, _, by_rule = audit(cli)
    assert code == 1 and by_rule["GOV018"]["status"] == "fail"
    assert "data.training" in by_rule["GOV018"]["message"]
    assert by_rule["DAT007"]["status"] == "pass"  # the ML rules still ran


def test_a_flag_the_facts_contradict_turns_nothing_off(cli, system):
    edit(system, lambda d: d["service"].update(handles_pii=False))
    code, report, by_rule = audit(cli)
    assert code == 1 and by_rule["GOV019"]["status"] == "fail"
    assert "pii_redaction" in by_rule["GOV019"]["message"] or "records" in by_rule["GOV019"]["message"]
    assert by_rule["SEC002"]["status"] == "pass"  # still applied, and still satisfied


def test_a_lower_risk_tier_needs_a_reason(cli, system):
    edit(system, set_path("service.risk", "low"))
    code, report, by_rule = audit(cli)
    assert by_rule["GOV019"]["status"] == "fail" and "risk" in by_rule["GOV019"]["message"]


def test_a_repository_config_that_ignores_a_critical_rule_is_named_by_the_report_and_the_gate(cli, system):
    edit(system, set_path("model.version", "champion"))
    (system / ".readiness.yaml").write_text("ignore: [VER001]\nseverity: {VER009: low}\n")
    code, report, by_rule = audit(cli)
    changes = " ".join(change["message"] for change in report["configuration"]["changes"])
    assert "VER001" in changes and "VER009" in changes
    assert report["gate"]["loosened_by"], report["gate"]
    markdown = cli("audit", "readiness.yaml", "--as-of", AS_OF, "--format", "markdown").stdout
    assert "VER001" in markdown and "What the configuration changed" in markdown


AGENT = REPO / "tests" / "fixtures" / "truth" / "it-helpdesk"


@pytest.fixture
def agent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The second sound system: an internal agentic RAG helpdesk on its first launch, self-hosted and
    pinned by digest, offered in the US only, indexing sanitised untrusted vendor pages."""
    root = tmp_path / "agent"
    shutil.copytree(AGENT, root)
    (root / ".git").mkdir()
    monkeypatch.chdir(root)
    return root


def test_the_sound_agent_on_its_first_launch_is_ready(cli, agent):
    code, report, by_rule = audit(cli)
    manifest = report["manifests"][0]
    assert (code, manifest["verdict"], manifest["score"]) == (0, "ready", 100.0), failing(by_rule)
    # the false alarms of the verdict review stay gone on this system
    assert by_rule["REL002"]["status"] == "skipped" and by_rule["REL014"]["status"] == "pass"  # a first launch, with its way back
    assert by_rule["VER009"]["status"] == "pass"  # pinned by digest only, and the run recorded that digest
    assert by_rule["DAT004"]["status"] == "pass"  # an untrusted source, sanitised before indexing
    assert by_rule["GOV007"]["status"] == "skipped"  # self-hosted: no provider holds its data
    assert by_rule["GOV014"]["status"] == "skipped"  # offered in the US only
    assert by_rule["EVL014"]["status"] == "pass"  # a safety metric a cited program computes


def test_a_judged_metric_relabelled_automated_fails_even_with_a_script_cited(cli, agent):
    edit(agent, lambda d: d["evaluation"]["metrics"][0].update(method="automated", scorer="ci/score_tickets.py"))
    code, _, by_rule = audit(cli)
    assert code == 1 and by_rule["EVL014"]["status"] == "fail"
    assert "answer_correctness" in by_rule["EVL014"]["message"]


def test_a_declared_first_launch_without_a_tested_kill_switch_blocks(cli, agent):
    edit(agent, lambda d: d["release"]["kill_switch"].pop("last_tested"))
    code, _, by_rule = audit(cli)
    assert code == 1 and by_rule["REL014"]["status"] == "fail"


def test_a_query_model_other_than_the_index_model_blocks(cli, agent):
    edit(agent, set_path("data.retrieval.query_embedding_model.version", "bge-large-en-v1.5@0000000000000000000000000000000000000000"))
    code, _, by_rule = audit(cli)
    assert code == 1 and by_rule["DAT012"]["status"] == "fail"


def test_an_unsanitised_untrusted_source_blocks(cli, agent):
    edit(agent, lambda d: d["data"]["retrieval"]["sources"][1].update(sanitized=False))
    code, _, by_rule = audit(cli)
    assert by_rule["DAT004"]["status"] == "fail" and "data.retrieval.sources[1].sanitized" in by_rule["DAT004"]["message"]
