"""The sample manifests read as credible launch reviews: verdict, exit code and the findings behind them."""

from __future__ import annotations

import hashlib
import json

import pytest

from conftest import AS_OF, REPO
from readiness.loader import Limits, load_file

SAMPLES = REPO / "sample_configs"
EXPECTED = {
    "support-assistant": ("ready", 0),
    "docs-search": ("ready_with_risks", 0),
    "churn-model": ("not_ready", 1),
    "refund-agent": ("not_ready", 1),
}


def audit(cli, name: str) -> tuple[int, dict]:
    run = cli("audit", SAMPLES / name, "--as-of", AS_OF, "--format", "json")
    return run.exit_code, json.loads(run.stdout)["manifests"][0]


def results(manifest: dict) -> dict[str, dict]:
    return {result["rule"]: result for result in manifest["results"]}


def failing(manifest: dict) -> set[str]:
    return {rule for rule, result in results(manifest).items() if result["status"] == "fail"}


@pytest.mark.parametrize(("name", "expected"), EXPECTED.items())
def test_sample_verdict_and_exit_code(cli, name, expected):
    exit_code, manifest = audit(cli, name)
    assert (manifest["verdict"], exit_code) == expected


def test_samples_span_every_kind():
    declared = [load_file(SAMPLES / name / "readiness.yaml", None, Limits()).data["service"]["kind"] for name in EXPECTED]
    kinds = {kind for value in declared for kind in ([value] if isinstance(value, str) else value)}
    assert kinds == {"ml", "llm", "rag", "agent"}


@pytest.mark.parametrize("name", EXPECTED)
def test_sample_declarations_match_their_facts(cli, name):
    """Each sample declares every kind its facts show, and says why each flag that turns rules off is true."""
    _, manifest = audit(cli, name)
    assert results(manifest)["GOV018"]["status"] == "pass", results(manifest)["GOV018"]["message"]
    assert results(manifest)["GOV019"]["status"] == "pass", results(manifest)["GOV019"]["message"]
    flags = [item for item in manifest["turned_off"] if item["declaration"] not in ("service.kind", "model.provider")]
    assert all(item["rationale"] for item in flags), flags


def test_support_assistant_is_audited_as_the_rag_system_it_is(cli):
    _, manifest = audit(cli, "support-assistant")
    assert (manifest["kind"], manifest["capabilities"]) == ("llm, rag", ["llm", "rag"])
    rag_rules = {"VER007", "DAT004", "EVL007", "REL010", "MON005"}
    assert {rule for rule in rag_rules if results(manifest)[rule]["status"] == "pass"} == rag_rules


@pytest.mark.parametrize("name", EXPECTED)
def test_every_declared_hash_matches_its_file(name):
    folder = SAMPLES / name
    data = load_file(folder / "readiness.yaml", None, Limits()).data
    cited = [*data.get("prompts", []), data["model"].get("config", {}), *data.get("evaluation", {}).get("datasets", [])]
    hashed = [item for item in cited if "sha256" in item]
    assert hashed, f"{name} declares no content hash"
    for item in hashed:
        assert hashlib.sha256((folder / item["path"]).read_bytes()).hexdigest() == item["sha256"], item["path"]


def test_support_assistant_passes_every_applicable_rule(cli):
    _, manifest = audit(cli, "support-assistant")
    assert manifest["score"] == 100
    assert not failing(manifest)
    by_rule = results(manifest)
    assert by_rule["SEC008"]["status"] == "skipped"  # agent-only: an LLM app is not judged on tool approvals
    assert by_rule["SEC014"]["status"] == "pass" and by_rule["SEC014"]["severity"] == "critical"


def test_docs_search_fails_only_medium_rules_and_carries_a_waived_load_test(cli):
    _, manifest = audit(cli, "docs-search")
    by_rule = results(manifest)
    assert failing(manifest) == {"EVL011", "MON007", "CST006"}
    assert {by_rule[rule]["severity"] for rule in failing(manifest)} == {"medium"}
    assert by_rule["REL007"]["status"] == "waived"
    assert "release.load_test.date is 2026-08-20, 98 days old (limit 90 days)" in by_rule["REL007"]["message"]
    assert "cost.prices.as_of is 2026-04-02, 238 days old (limit 180 days)" in by_rule["CST006"]["message"]


def test_churn_model_fails_on_its_alias_its_stale_drill_and_missing_quality_monitor(cli):
    _, manifest = audit(cli, "churn-model")
    by_rule = results(manifest)
    assert {"VER001", "VER009", "REL002", "MON001", "GOV001", "SEC005"} <= failing(manifest)
    assert "model.version is 'champion', a moving alias or range; pin an immutable version or digest" in by_rule["VER001"]["message"]
    assert "model.version (sample_configs/churn-model/readiness.yaml:22) is 'champion' but evals/results.json:4 records evaluated.model_version '12'" in by_rule["VER009"]["message"]
    assert "release.rollback.last_drill is 2026-04-30, 210 days old (limit 90 days)" in by_rule["REL002"]["message"]
    assert "waivers[0].expires is 2026-10-31, before the audit date 2026-11-26" in by_rule["GOV010"]["message"]
    assert by_rule["SEC001"]["status"] == "skipped"  # no prompt rules for a classic model
    assert by_rule["MON001"]["status"] == "fail"  # its waiver expired


def test_refund_agent_is_blocked_by_its_money_moving_tool(cli):
    _, manifest = audit(cli, "refund-agent")
    by_rule = results(manifest)
    # its own flaws, and the incident classes of issue 14 it has not addressed (no retirement watch, retries,
    # 429 handling, error budget, abuse signal, digest-pinned image, licence, postmortems, feedback retention; zero retention
    # claimed without the agreement; a load test that does not name the version that ships)
    gaps_since_issue_14 = {"VER030", "DAT030", "DAT034", "EVL030", "REL007", "REL030", "REL031", "MON030", "MON031", "SEC031", "GOV030", "GOV031"}
    assert {"SEC007", "SEC008", "SEC014", "EVL001", "EVL013", "CST007", "GOV005"} == failing(manifest) - gaps_since_issue_14
    assert "data.retention.provider_logs_days is 0 but data.retention.zero_retention_agreement does not cite the agreement" in by_rule["DAT030"]["message"]
    assert by_rule["SEC008"]["severity"] == "critical"
    assert "security.tools[2] has side_effects: true but requires_approval is boolean false, expected true" in by_rule["SEC008"]["message"]
    assert "unsafe_action_rate[adversarial_tickets] measured 0.019 misses its threshold 0.01" in by_rule["EVL001"]["message"]
    assert by_rule["CST004"]["status"] == "pass"  # $6,552 at average traffic fits $9,000; the peak is a quota question
    assert "peak traffic makes 125,417 tokens/minute, over cost.quota.tokens_per_minute of 100,000" in by_rule["CST007"]["message"]


@pytest.mark.parametrize("name", EXPECTED)
def test_every_cited_evidence_file_is_beside_the_manifest(name):
    folder = SAMPLES / name
    data = load_file(folder / "readiness.yaml", None, Limits()).data
    cited: list[str] = []

    def walk(node, key=""):
        if isinstance(node, dict):
            for child_key, child in node.items():
                walk(child, child_key)
        elif isinstance(node, list):
            for child in node:
                walk(child, key)
        elif isinstance(node, str) and key in {"path", "runbook", "report", "results", "guidelines", "test", "leakage_test",
                                                  "deletion_process", "model_card", "incident_plan", "third_party_review",
                                                  "tech_doc", "sbom", "reproducibility_report"}:
            cited.append(node)

    walk(data)
    assert cited
    missing = [path for path in cited if not (folder / path).is_file() or not (folder / path).resolve().is_relative_to(folder.resolve())]
    assert not missing, missing


def test_churn_model_self_assessed_ml_test_score_is_its_weakest_section(cli):
    run = cli("audit", SAMPLES / "churn-model", "--as-of", AS_OF, "--framework", "ml-test-score", "--format", "json")
    score = json.loads(run.stdout)["manifests"][0]["frameworks"]["ml_test_score"]
    assert score["final"] == 1.5  # monitor-6: its load test does not name the version that ships (REL007)
    assert {section["section"]: section["score"] for section in score["sections"]} == {"data": 3.5, "model": 2.5, "infra": 3.0, "monitor": 1.5}
    contradicted = {test["id"]: test["contradicted_by"] for section in score["sections"] for test in section["tests"] if test["contradicted_by"]}
    assert contradicted == {
        "data-7": ["DAT002", "DAT032"], "model-1": ["VER001"], "infra-4": ["VER009"], "infra-6": ["REL009"], "infra-7": ["REL002"],
        "monitor-2": ["MON010"], "monitor-4": ["MON005"], "monitor-6": ["REL007"],
    }  # claims its own audit refutes earn 0
