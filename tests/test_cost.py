"""The cost forecast: the month from average traffic, the peak against the quota and the global limit."""

from __future__ import annotations

import datetime as dt

import pytest

from readiness.checks_cost import projected_monthly_cost
from readiness.evidence import MemoryEvidence
from readiness.examples import run_example
from readiness.functions import REGISTRY, Call
from readiness.rules import Catalog, Example

RULES = {rule.id: rule for rule in Catalog.load().rules}

SUPPORT = {
    "budget": {"monthly_usd": 12000},
    "traffic": {"requests_per_day": 40000, "peak_multiplier": 3},
    "tokens": {"input_per_request": 1800, "output_per_request": 350},
    "prices": {"input_per_million_usd": 2.5, "output_per_million_usd": 10},
}


def check(name: str, cost: dict) -> str | None:
    call = Call({"cost": cost}, cost, ("cost",), ("cost",), dt.date(2026, 12, 1), MemoryEvidence())
    return REGISTRY[name].check(cost, {}, call)


def with_(base: dict, **sections: dict) -> dict:
    return {**base, **{name: {**base.get(name, {}), **value} for name, value in sections.items()}}


def test_the_month_is_projected_from_average_traffic_so_a_realistic_budget_fits():
    # 40,000 requests/day × 30 × (1,800 × $2.5 + 350 × $10) / 1M = $9,600; the 3× peak is not billed all month
    assert projected_monthly_cost(SUPPORT) == (pytest.approx(9600), [])
    assert check("cost_within_budget", SUPPORT) is None
    tight = with_(SUPPORT, budget={"monthly_usd": 9000})
    assert check("cost_within_budget", tight) == (
        "projected monthly cost at average traffic is $9,600 (40,000 requests/day × 30 × 1 call(s) × $0.008 + $0 infrastructure), over the budget of $9,000"
    )


def test_calls_per_request_default_to_one_and_multiply_when_declared():
    assert projected_monthly_cost(with_(SUPPORT, traffic={"calls_per_request": 7}))[0] == pytest.approx(9600 * 7)


def test_infrastructure_is_added_to_the_month():
    assert projected_monthly_cost({**SUPPORT, "infrastructure_monthly_usd": 1500})[0] == pytest.approx(11100)


def test_classic_model_pricing_per_thousand_predictions_is_read():
    churn = {"budget": {"monthly_usd": 3000}, "traffic": {"requests_per_day": 250000}, "prices": {"per_1k_predictions_usd": 0.004}, "infrastructure_monthly_usd": 900}
    assert projected_monthly_cost(churn) == (pytest.approx(930), [])
    assert check("cost_within_budget", churn) is None


def test_an_llm_priced_per_token_without_token_counts_cannot_be_projected_never_zero():
    no_tokens = {key: value for key, value in SUPPORT.items() if key != "tokens"}
    assert projected_monthly_cost(no_tokens)[0] is None
    assert check("cost_within_budget", no_tokens) == (
        "cost: cannot project the monthly cost without cost.tokens.input_per_request (prices.input_per_million_usd is declared); "
        "cost.tokens.output_per_request (prices.output_per_million_usd is declared)"
    )
    half = with_(no_tokens, tokens={"input_per_request": 1800})
    assert "cost.tokens.output_per_request" in check("cost_within_budget", half)


def test_no_prices_or_no_traffic_cannot_be_projected():
    assert "cost.prices (input_per_million_usd" in check("cost_within_budget", {"budget": {"monthly_usd": 10}, "traffic": {"requests_per_day": 5}})
    assert "cost.traffic.requests_per_day" in check("cost_within_budget", {"budget": {"monthly_usd": 10}, "prices": {"per_1k_predictions_usd": 1}})


def test_the_peak_is_checked_against_the_provider_quota_in_calls_and_tokens():
    # peak: 40,000 / 1,440 × 3 ≈ 83 requests (and calls) a minute, × 2,150 tokens ≈ 179,167 tokens a minute
    sized = with_(SUPPORT, quota={"requests_per_minute": 500, "tokens_per_minute": 800000})
    assert check("peak_within_limits", sized) is None
    assert check("peak_within_limits", with_(sized, quota={"tokens_per_minute": 150000})) == (
        "peak traffic makes 179,167 tokens/minute, over cost.quota.tokens_per_minute of 150,000"
    )
    agent = with_(sized, traffic={"calls_per_request": 7})  # 583 calls a minute
    assert "peak traffic makes 583 model calls/minute, over cost.quota.requests_per_minute of 500" in check("peak_within_limits", agent)


def test_a_global_rate_limit_below_the_peak_would_refuse_legitimate_traffic():
    sized = with_(SUPPORT, quota={"requests_per_minute": 500}, rate_limits={"global_rpm": 60})
    assert check("peak_within_limits", sized) == "peak traffic makes 83 requests/minute, over cost.rate_limits.global_rpm of 60"


def test_the_peak_needs_a_quota_a_peak_multiplier_and_tokens_for_a_token_quota():
    assert "cost.quota is missing" in check("peak_within_limits", SUPPORT)
    assert "cost.quota declares neither requests_per_minute nor tokens_per_minute" in check("peak_within_limits", {**SUPPORT, "quota": {"source": "console"}})
    no_peak = with_(SUPPORT, traffic={"peak_multiplier": None}, quota={"requests_per_minute": 500})
    assert check("peak_within_limits", no_peak) == "cost: cannot compute the peak without cost.traffic.peak_multiplier"
    untokened = {"traffic": SUPPORT["traffic"], "quota": {"tokens_per_minute": 800000}}
    assert "is declared but not both tokens.input_per_request and tokens.output_per_request" in check("peak_within_limits", untokened)
    half = {**untokened, "tokens": {"input_per_request": 1800}}
    assert "is declared but not both" in check("peak_within_limits", half)


def test_the_budget_rule_passes_its_own_remediation_forecast_and_the_peak_rule_its_quota():
    assert run_example(RULES["CST004"], Example({"cost": SUPPORT}, {}, None))[0] == "pass"
    quota = with_(SUPPORT, quota={"requests_per_minute": 500, "tokens_per_minute": 800000})
    assert run_example(RULES["CST007"], Example({"cost": quota}, {}, None))[0] == "pass"


INTERNAL = {"service": {"user_facing": False, "multi_tenant": False}, "cost": {"rate_limits": {"authenticated": True, "global_rpm": 600}}}


def test_an_internal_single_tenant_service_passes_with_one_global_limit_and_says_why():
    status, message = run_example(RULES["CST002"], Example(INTERNAL, {}, None))
    assert status == "skipped"
    assert message == (
        "applies only when service passes audience (the manifest declares service.user_facing: false and service.multi_tenant: false: "
        "an internal single-tenant service, for which one global rate limit is enough)"
    )
    assert run_example(RULES["CST008"], Example(INTERNAL, {}, None))[0] == "pass"


@pytest.mark.parametrize("service", [{"user_facing": False}, {"user_facing": False, "multi_tenant": True}, {"user_facing": True, "multi_tenant": False}, {}])
def test_a_service_that_may_be_shared_still_needs_per_caller_limits(service):
    manifest = {**INTERNAL, "service": service}
    status, message = run_example(RULES["CST002"], Example(manifest, {}, None))
    assert status == "fail" and "per_user_rpm, per_tenant_tpm" in message
    assert run_example(RULES["CST008"], Example(manifest, {}, None))[0] == "skipped"


def test_an_internal_service_without_a_global_limit_fails():
    manifest = {**INTERNAL, "cost": {"rate_limits": {"authenticated": True}}}
    assert run_example(RULES["CST008"], Example(manifest, {}, None)) == ("fail", "Nothing stops a runaway internal caller: cost.rate_limits.global_rpm is missing")
