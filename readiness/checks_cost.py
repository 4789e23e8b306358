"""Cost checks: the month projected from average traffic, and peak traffic against the limits.

A month is paid at average traffic, so it is projected from ``requests_per_day``; the peak
(``peak_multiplier`` × the average rate) is what must fit through the provider quota and the
service's own global rate limit, minute by minute. Token counts are per model call, and a
request makes ``calls_per_request`` calls (default 1). A factor that is not declared is named
in a finding: a cost that cannot be projected never counts as $0.
"""

from __future__ import annotations

from typing import Any

from .functions import Call, function
from .files import describe, number

DAYS_PER_MONTH = 30
MINUTES_PER_DAY = 24 * 60
_TOKEN_SIDES = ("input", "output")


def _number(mapping: Any, key: str) -> float | None:
    value = mapping.get(key) if isinstance(mapping, dict) else None
    return number(value)


def _section(cost: dict, name: str) -> dict:
    value = cost.get(name)
    return value if isinstance(value, dict) else {}


def cost_per_call(cost: dict) -> tuple[float | None, list[str]]:
    """USD per model call from the declared prices, or None and the facts it lacks."""
    tokens, prices = _section(cost, "tokens"), _section(cost, "prices")
    total, lacking, priced = 0.0, [], False
    for side in _TOKEN_SIDES:
        price_key = f"{side}_per_million_usd"
        price = _number(prices, price_key)
        if price is None:
            continue
        priced = True
        count = _number(tokens, f"{side}_per_request")
        if count is None:
            lacking.append(f"tokens.{side}_per_request (prices.{price_key} is declared)")
        else:
            total += count * price / 1_000_000
    per_1k = _number(prices, "per_1k_predictions_usd")
    if per_1k is not None:
        priced = True
        total += per_1k / 1000
    if not priced:
        lacking.append("prices (input_per_million_usd and output_per_million_usd, or per_1k_predictions_usd)")
    return (None, lacking) if lacking else (total, [])


def _month(cost: dict) -> tuple[tuple[float, float, float, float] | None, list[str]]:
    """(requests per day, calls per request, USD per call, infrastructure USD), or None and the facts it lacks."""
    requests = _number(_section(cost, "traffic"), "requests_per_day")
    per_call, lacking = cost_per_call(cost)
    if requests is None:
        lacking = ["traffic.requests_per_day", *lacking]
    if requests is None or per_call is None:
        return None, lacking
    calls = _number(_section(cost, "traffic"), "calls_per_request")
    return (requests, 1.0 if calls is None else calls, per_call, _number(cost, "infrastructure_monthly_usd") or 0.0), []


def projected_monthly_cost(cost: dict) -> tuple[float | None, list[str]]:
    """Monthly USD at average traffic, or None and the facts it lacks:
    requests_per_day × 30 × calls_per_request × cost per call + infrastructure_monthly_usd."""
    factors, lacking = _month(cost)
    if factors is None:
        return None, lacking
    requests, calls, per_call, infrastructure = factors
    return requests * DAYS_PER_MONTH * calls * per_call + infrastructure, []


@function("cost_within_budget")
def cost_within_budget(value: Any, options: dict, call: Call) -> str | None:
    """The value is the ``cost`` section: the monthly cost projected from average traffic fits
    ``budget.monthly_usd``. The month is requests_per_day × 30 × calls_per_request (default 1) ×
    the cost of one call, plus ``infrastructure_monthly_usd``; one call costs input tokens × input
    price + output tokens × output price (per million tokens), plus ``per_1k_predictions_usd`` / 1000
    for priced predictions. Peak traffic is not billed all month: it is checked against the rate
    limits and quota (``peak_within_limits``). A price without its token count, or no price at all,
    cannot be projected and fails."""
    if not isinstance(value, dict):
        return f"{call.where} is {describe(value)}, expected the cost section"
    budget = _number(_section(value, "budget"), "monthly_usd")
    if budget is None:
        return f"{call.where}.budget.monthly_usd is missing"
    projected, lacking = projected_monthly_cost(value)
    if projected is None:
        return f"{call.where}: cannot project the monthly cost without " + "; ".join(f"{call.where}.{item}" for item in lacking)
    if projected > budget:
        (requests, calls, per_call, infrastructure), _ = _month(value)
        arithmetic = f"{requests:,.0f} requests/day × {DAYS_PER_MONTH} × {calls:g} call(s) × ${per_call:.4g} + ${infrastructure:,.0f} infrastructure"
        return f"projected monthly cost at average traffic is ${projected:,.0f} ({arithmetic}), over the budget of ${budget:,.0f}"
    return None


def peak_rates(cost: dict) -> tuple[dict[str, float], list[str]]:
    """Peak requests, calls and tokens per minute, each when its factors are declared."""
    traffic = _section(cost, "traffic")
    requests, multiplier = _number(traffic, "requests_per_day"), _number(traffic, "peak_multiplier")
    lacking = [name for name, number in (("traffic.requests_per_day", requests), ("traffic.peak_multiplier", multiplier)) if number is None]
    if lacking:
        return {}, lacking
    calls = _number(traffic, "calls_per_request")
    rates = {"requests": requests / MINUTES_PER_DAY * multiplier}
    rates["calls"] = rates["requests"] * (1.0 if calls is None else calls)
    tokens = [_number(_section(cost, "tokens"), f"{side}_per_request") for side in _TOKEN_SIDES]
    if None not in tokens:
        rates["tokens"] = rates["calls"] * sum(tokens)
    return rates, []


# (section, limit, the peak rate it must carry, the rate's unit in messages)
_LIMITS = (
    ("quota", "requests_per_minute", "calls", "model calls"),
    ("quota", "tokens_per_minute", "tokens", "tokens"),
    ("rate_limits", "global_rpm", "requests", "requests"),
)


@function("peak_within_limits")
def peak_within_limits(value: Any, options: dict, call: Call) -> str | None:
    """The value is the ``cost`` section: peak traffic fits through the provider quota
    (``quota.requests_per_minute``, ``quota.tokens_per_minute``) and the service's own
    ``rate_limits.global_rpm``. Peak requests per minute = requests_per_day / 1440 ×
    ``peak_multiplier``; peak calls per minute = that × ``calls_per_request`` (default 1), against the
    quota's requests; peak tokens per minute = peak calls × (input + output tokens per call), against
    the quota's tokens. A quota with neither limit fails, and so does a token quota without both token counts."""
    if not isinstance(value, dict):
        return f"{call.where} is {describe(value)}, expected the cost section"
    quota = _section(value, "quota")
    if _number(quota, "requests_per_minute") is None and _number(quota, "tokens_per_minute") is None:
        state = "declares neither requests_per_minute nor tokens_per_minute" if "quota" in value else "is missing"
        return f"{call.where}.quota {state}: declare the provider quota (or the serving capacity) in requests_per_minute and/or tokens_per_minute"
    rates, lacking = peak_rates(value)
    if lacking:
        return f"{call.where}: cannot compute the peak without " + ", ".join(f"{call.where}.{item}" for item in lacking)
    problems = []
    for section, key, rate_name, unit in _LIMITS:
        limit = _number(_section(value, section), key)
        if limit is None:
            continue
        if rate_name not in rates:
            problems.append(f"{call.where}.{section}.{key} is declared but not both tokens.input_per_request and tokens.output_per_request, so the peak in tokens cannot be compared with it")
        elif rates[rate_name] > limit:
            problems.append(f"peak traffic makes {rates[rate_name]:,.0f} {unit}/minute, over {call.where}.{section}.{key} of {limit:,.0f}")
    return "; ".join(problems) or None
