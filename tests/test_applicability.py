"""Sound setups that used to fail: sanitized untrusted sources, impute-and-alert, systems off the EU market."""

from __future__ import annotations

import json

import pytest

from readiness.examples import run_example
from readiness.rules import Catalog, Example

RULES = {rule.id: rule for rule in Catalog.load().rules}
EU_RULES = ("GOV014", "GOV008", "GOV009", "DAT006")


def status(rule_id: str, manifest: dict, files: dict[str, str] | None = None) -> tuple[str, str]:
    return run_example(RULES[rule_id], Example(manifest, files or {}, None))


def source(**fields) -> dict:
    return {"service": {"kind": "rag"}, "data": {"retrieval": {"sources": [{"name": "public-forum", "owner": "community-team", **fields}]}}}


def test_an_untrusted_source_sanitized_at_ingestion_passes():
    assert status("DAT004", source(trusted=False, sanitized=True)) == ("pass", "")


@pytest.mark.parametrize("fields", [{"trusted": False, "sanitized": False}, {"trusted": False}, {"trusted": True}])
def test_a_source_whose_ingestion_does_not_sanitize_fails(fields):
    result, message = status("DAT004", source(**fields))
    assert result == "fail" and "data.retrieval.sources[0].sanitized" in message


SCHEMA = {"s.json": '{"type": "object"}'}


def imputing(**input_schema) -> dict:
    return {"data": {"input_schema": {"path": "s.json", "enforced": True, "on_violation": "impute", **input_schema}},
            "monitoring": {"alerts": [{"name": "imputed-inputs", "owner": "ml-oncall"}]}}


def test_impute_with_a_declared_alert_is_legitimate():
    manifest = imputing(alert="imputed-inputs")
    assert status("DAT001", manifest, SCHEMA) == ("pass", "")
    assert status("DAT014", manifest, SCHEMA) == ("pass", "")


def test_impute_without_an_alert_or_with_an_undeclared_one_fails():
    assert status("DAT001", imputing(), SCHEMA)[0] == "pass"
    assert status("DAT014", imputing(), SCHEMA) == ("fail", "Bad inputs are silently replaced with guesses: data.input_schema.alert is missing")
    result, message = status("DAT014", imputing(alert="input-nulls"), SCHEMA)
    assert result == "fail" and "'input-nulls', which is not an alert in monitoring.alerts; declared alerts: imputed-inputs" in message


def test_rejecting_needs_no_imputation_alert():
    manifest = {"data": {"input_schema": {"path": "s.json", "enforced": True, "on_violation": "reject"}}}
    assert status("DAT014", manifest)[0] == "skipped"


HIGH_RISK_EU_SYSTEM = {"service": {"eu_ai_act": {"category": "high"}}}


def in_markets(*markets: str) -> dict:
    return {"service": {**HIGH_RISK_EU_SYSTEM["service"], "markets": list(markets)}}


@pytest.mark.parametrize("rule_id", EU_RULES)
def test_eu_rules_do_not_apply_to_a_system_off_the_eu_market_and_say_why(rule_id):
    result, message = status(rule_id, in_markets("us", "ca"))
    assert result == "skipped"
    assert message == "applies only when service.markets passes serves_market (service.markets is [us, ca], none of them in the EU market)"


@pytest.mark.parametrize("rule_id", EU_RULES)
@pytest.mark.parametrize("markets", [("us", "eu"), ("de",), ("global",), ("no",)])
def test_eu_rules_apply_when_the_eu_or_an_eu_or_eea_country_is_a_market(rule_id, markets):
    assert status(rule_id, in_markets(*markets))[0] == "fail"


@pytest.mark.parametrize("rule_id", EU_RULES)
def test_eu_rules_apply_when_no_markets_are_declared(rule_id):
    assert status(rule_id, HIGH_RISK_EU_SYSTEM)[0] == "fail"


def test_the_eu_ai_act_category_is_no_longer_part_of_the_inventory_rule():
    declared = {"service": {"kind": "llm", "risk": "low", "inventory_id": "AI-7", "lifecycle": "production", "markets": ["us"]}}
    assert status("GOV006", declared) == ("pass", "")
    assert status("GOV014", declared)[0] == "skipped"


def test_a_us_only_deployment_audits_without_eu_findings(cli, tmp_path):
    (tmp_path / "readiness.yaml").write_text(
        "readiness: 1\nservice: {name: us-scorer, kind: ml, risk: high, markets: [us], eu_ai_act: {category: high}}\n", encoding="utf-8")
    run = cli("audit", tmp_path / "readiness.yaml", "--as-of", "2026-12-01", "--format", "json", "--select", "GOV", "--select", "DAT006")
    results = {item["rule"]: item for item in json.loads(run.stdout)["manifests"][0]["results"]}
    assert {rule: results[rule]["status"] for rule in EU_RULES} == dict.fromkeys(EU_RULES, "skipped")
    assert results["GOV006"]["status"] == "fail"  # the rest of governance still applies
