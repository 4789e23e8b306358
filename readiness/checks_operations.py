"""Checks over how a deployment is run: alerts that reach someone, online evaluation that sees
enough traffic, releases that expose a minority first, fresh retrieval indexes, and the
declarations (batch serving, a first launch) that swap one rule for another.

Registered in the vocabulary when :mod:`readiness.functions` is imported.
"""

from __future__ import annotations

import re
from typing import Any

from .evidence_checks import document
from .functions import MISSING, Call, function, prepare_path, within_days
from .files import decimal, describe, number
from .paths import Path as RulePath

DRIFT_DETECTORS = ("input", "output", "embedding")
_WINDOW = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(m|min|h|d|w)\s*$")  # as the manifest schema's pattern
_DAYS_PER_UNIT = {"m": 1 / 1440, "min": 1 / 1440, "h": 1 / 24, "d": 1.0, "w": 7.0}


def _at(root: dict, path: str) -> Any:
    found = next(iter(RulePath.parse(path).select(root)), None)
    return MISSING if found is None else found[1]


def _alerts(root: dict) -> list[tuple[int, dict]]:
    """The alerts of ``monitoring.alerts`` with their index."""
    alerts = _at(root, "monitoring.alerts")
    return [(index, alert) for index, alert in enumerate(alerts) if isinstance(alert, dict)] if isinstance(alerts, list) else []


def _names_signal(alert: dict, signal: str) -> bool:
    listed = alert.get("signals")
    return alert.get("signal") == signal or (isinstance(listed, list) and signal in listed)


def _route_problem(index: int, alert: dict, call: Call) -> str | None:
    """Why an alert reaches nobody who knows what to do: no owner, or a runbook that cannot be read."""
    name = alert.get("name", f"monitoring.alerts[{index}]")
    if not isinstance(alert.get("owner"), str) or not alert["owner"].strip():
        return f"alert {name} has no owner"
    if alert.get("runbook") is None:
        return f"alert {name} has no runbook"
    at_runbook = ("monitoring", "alerts", index, "runbook")
    return document(alert["runbook"], {}, Call(call.root, alert, at_runbook[:-1], at_runbook, call.as_of, call.evidence, call.document))


def _routed(alerts: list[tuple[int, dict]], call: Call) -> str | None:
    """None when one of ``alerts`` has an owner and a readable runbook; otherwise why none has."""
    problems = [_route_problem(index, alert, call) for index, alert in alerts]
    return None if None in problems else "; ".join(str(problem) for problem in problems)


@function(
    "signals_alerted",
    options={"types": {"type": "array", "items": {"type": "string"}, "minItems": 1}, "drift_detectors": {"type": "boolean"}},
    required=("types",),
    reads_evidence=True,
)
def signals_alerted(value: Any, options: dict, call: Call) -> str | None:
    """The value, a monitoring section, has at least one signal whose type is one of ``types`` (or a
    detector under drift, when drift_detectors is true), and every such signal has a numeric
    threshold and an alert that names it (``signal: NAME`` or ``signals: [NAME, …]``; a drift
    detector is named drift.input, drift.output or drift.embedding) with an owner and a runbook
    that is a real document (see ``document``: not a stub of TODOs or bare headings)."""
    if not isinstance(value, dict):
        return f"{call.where} is {describe(value)}, expected the monitoring section"
    watched: list[tuple[str, str, Any]] = []  # (label, name an alert uses, threshold)
    signals = value.get("signals") if isinstance(value.get("signals"), list) else []
    for signal in signals:
        if isinstance(signal, dict) and signal.get("type") in options["types"]:
            watched.append((f"signal {signal.get('name')}", str(signal.get("name")), signal.get("threshold")))
    drift = value.get("drift") if isinstance(value.get("drift"), dict) else {}
    if options.get("drift_detectors"):
        for detector in DRIFT_DETECTORS:
            if isinstance(drift.get(detector), dict):
                watched.append((f"drift detector drift.{detector}", f"drift.{detector}", drift[detector].get("threshold")))
    if not watched:
        kinds = ", ".join(options["types"]) + (", or a drift detector" if options.get("drift_detectors") else "")
        return f"{call.where} has no signal of type {kinds}"
    alerts = _alerts(call.root)
    problems = []
    for label, name, threshold in watched:
        if isinstance(threshold, bool) or not isinstance(threshold, (int, float)):
            problems.append(f"{label} has no threshold, so nothing says when it is bad")
        naming = [(index, alert) for index, alert in alerts if _names_signal(alert, name)]
        if not naming:
            problems.append(f"no alert names {name} (an alert with signal: {name})")
            continue
        problem = _routed(naming, call)
        if problem:
            problems.append(f"{label} is alerted, but {problem}")
    return "; ".join(problems) or None


@function("routed_alert", reads_evidence=True)
def routed_alert(value: Any, options: dict, call: Call) -> str | None:
    """The value names an alert in monitoring.alerts that has an owner and a runbook that is a real
    document (see ``document``)."""
    if not isinstance(value, str):
        return f"{call.where} is {describe(value)}, expected the name of an alert in monitoring.alerts"
    alerts = [(index, alert) for index, alert in _alerts(call.root) if alert.get("name") == value]
    if not alerts:
        return f"{call.where} is {value!r}, but monitoring.alerts has no alert of that name"
    problem = _routed(alerts, call)
    return f"{call.where} is {value!r}, but {problem}" if problem else None


def window_days(window: Any) -> float | None:
    """A window such as ``30m``, ``6h``, ``1d`` or ``2w`` in days; None when it is not one."""
    match = _WINDOW.match(window) if isinstance(window, str) else None
    count = decimal(match.group(1)) if match else None
    return count * _DAYS_PER_UNIT[match.group(2)] if count is not None else None


@function("samples_per_window", options={"min": {"type": "integer", "minimum": 1}})
def samples_per_window(value: Any, options: dict, call: Call) -> str | None:
    """The value, an online evaluation section, scores at least ``min`` requests (default 200) in each
    window: sample_rate × cost.traffic.requests_per_day × window when traffic is declared, a count
    that must also reach a declared min_samples; without declared traffic, the declared min_samples
    as stated."""
    if not isinstance(value, dict):
        return f"{call.where} is {describe(value)}, expected the online evaluation section"
    floor = options.get("min", 200)
    days = window_days(value.get("window"))
    if days is None or days <= 0:
        shown = describe(value["window"]) if "window" in value else "missing"
        return f"{call.where}.window is {shown}, expected the period each score covers, e.g. 1d or 6h"
    declared = value.get("min_samples")
    rate, traffic = value.get("sample_rate"), _at(call.root, "cost.traffic.requests_per_day")
    if number(rate) is not None and number(traffic) is not None:
        expected = rate * traffic * days
        needed = max(floor, declared) if isinstance(declared, int) and not isinstance(declared, bool) else floor
        if expected < needed:
            return (f"{call.where}: sample_rate {rate} × {traffic:g} requests/day × {value['window']} scores about "
                    f"{expected:.0f} requests per window, below the {needed} needed")
        return None
    if isinstance(declared, int) and not isinstance(declared, bool):
        return None if declared >= floor else f"{call.where}.min_samples is {declared}, below the minimum of {floor} per window"
    return (f"{call.where}: cannot tell how many requests each window scores; declare min_samples, "
            "or sample_rate with cost.traffic.requests_per_day")


@function("canary_ramp", options={"max_initial_percent": {"type": "number", "exclusiveMinimum": 0, "maximum": 100}})
def canary_ramp(value: Any, options: dict, call: Call) -> str | None:
    """The value, a canary section, starts (initial_percent) on more than 0 and less than
    ``max_initial_percent`` percent (default 50) of traffic, a minority, and its steps rise strictly
    from there to 100."""
    if not isinstance(value, dict):
        return f"{call.where} is {describe(value)}, expected the canary section"
    limit = options.get("max_initial_percent", 50)
    initial, steps = value.get("initial_percent"), value.get("steps")
    if isinstance(initial, bool) or not isinstance(initial, (int, float)):
        return f"{call.where}.initial_percent is missing: say what share of traffic the canary starts on"
    if not 0 < initial < limit:
        return f"{call.where}.initial_percent is {initial:g}, expected more than 0 and less than {limit:g} % of traffic"
    if not isinstance(steps, list) or not steps or not all(number(step) is not None for step in steps):
        return f"{call.where}.steps is missing: list the traffic shares the canary rises through, ending at 100"
    ramp = [initial, *steps] if steps[0] != initial else list(steps)
    for before, after in zip(ramp, ramp[1:]):
        if after <= before:
            return f"{call.where}.steps go from {before:g} to {after:g} %, expected every step to rise"
    return None if ramp[-1] == 100 else f"{call.where}.steps end at {ramp[-1]:g} %, expected 100"


@function("within_declared_age", options={"date_field": {"type": "string", "minLength": 1}, "max_days_field": {"type": "string", "minLength": 1}})
def within_declared_age(value: Any, options: dict, call: Call) -> str | None:
    """The value is a mapping whose date in ``date_field`` (default last_refresh) is at most as many
    days before the audit date as ``max_days_field`` (default max_age_days) says: fresh against the
    maximum age the team declared."""
    date_field, max_field = options.get("date_field", "last_refresh"), options.get("max_days_field", "max_age_days")
    if not isinstance(value, dict):
        return f"{call.where} is {describe(value)}, expected a mapping with {date_field} and {max_field}"
    limit = value.get(max_field)
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
        return f"{call.where}.{max_field} is missing: declare how many days old it may get"
    if date_field not in value:
        return f"{call.where}.{date_field} is missing"
    inner = Call(call.root, call.node, call.node_path, call.value_path + (date_field,), call.as_of, call.evidence, call.document)
    return within_days(value[date_field], {"days": limit}, inner)


@function("at_most_path", options={"path": {"type": "string", "minLength": 1}}, required=("path",), prepare=prepare_path)
def at_most_path(value: Any, options: dict, call: Call) -> str | None:
    """The value is a number no larger than the number at ``path`` (from the manifest root), e.g. the
    measured runtime of a batch job fits its deadline."""
    bound = _at(call.root, options["path"])
    if isinstance(bound, bool) or not isinstance(bound, (int, float)):
        return f"{options['path']} is missing, so {call.where} cannot be compared with it"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return f"{call.where} is {describe(value)}, expected a number"
    return None if value <= bound else f"{call.where} is {value:g}, above {options['path']} ({bound:g})"


@function(
    "not_declared",
    options={"values": {"type": "array", "items": {"type": ["string", "number", "boolean"]}, "minItems": 1}, "instead": {"type": "string", "minLength": 1}},
    required=("instead",),
    accepts_missing=True,
)
def not_declared(value: Any, options: dict, call: Call) -> str | None:
    """The value is not declared (or is not one of the listed values): a rule with this ``when``
    clause applies. A declaration that turns the rule off fails with ``instead`` as the skip reason,
    saying what checks the system instead.

    For ``when`` clauses; an undeclared fact keeps the rule (the strict reading)."""
    if value is MISSING or value is None:
        return None
    if "values" in options and value not in options["values"]:
        return None
    shown = f"{value!r}" if isinstance(value, (str, int, float)) else "declared"
    return f"{call.where} is {shown}: {options['instead']}"


@function(
    "retries_back_off",
    options={"values": {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1}},
    required=("values",),
)
def retries_back_off(value: Any, options: dict, call: Call) -> str | None:
    """The value is a retry policy (a dependency's ``retries``) that backs off as one of ``values`` whenever it
    retries: ``max_attempts``, the attempts after the first call, above 0 or not declared; ``max_attempts: 0``
    never retries, so it needs no backoff (the right design inside a tight latency budget)."""
    if not isinstance(value, dict):
        return f"{call.where} is {describe(value)}, expected a mapping with max_attempts and backoff"
    attempts, backoff = value.get("max_attempts"), value.get("backoff")
    if attempts == 0 and not isinstance(attempts, bool):
        return None
    if backoff in options["values"]:
        return None
    wanted = ", ".join(map(str, options["values"]))
    retrying = f"max_attempts: {attempts} means {attempts} retr{'y' if attempts == 1 else 'ies'} after the first call" if number(attempts) is not None else "a policy without max_attempts is taken to retry"
    found = "missing" if backoff is None else describe(backoff)
    return f"{call.where}.backoff is {found}, expected one of: {wanted} ({retrying}; max_attempts: 0 declares no retry, which needs no backoff)"
