"""Checks over the deployment's context: who shares the service, where it is sold, and whether a
name it relies on is declared elsewhere in the manifest.

These mostly serve ``when`` clauses, which decide whether a rule applies. Whatever is not
declared counts as the stricter case (shared by many callers, on the EU market), so leaving a
fact out never skips a rule; a rule skipped because of a declaration says which one.
"""

from __future__ import annotations

from typing import Any

from .files import describe
from .functions import MISSING, Call, function
from .owners import owner_problem, reason_problem

# ISO 3166-1 alpha-2 codes of the EU member states, and of the EEA states that apply EU product law
EU_COUNTRIES = frozenset("at be bg hr cy cz dk ee fi fr de gr el ie it lv lt lu mt nl pl pt ro sk si es se".split())
EEA_COUNTRIES = frozenset("is li no".split())
MARKETS = {"eu": frozenset({"eu", "eea", "global"}) | EU_COUNTRIES | EEA_COUNTRIES}
_SCOPE_FACTS = ("user_facing", "multi_tenant")


@function("audience", options={"is": {"enum": ["shared", "internal"]}}, required=("is",), accepts_missing=True)
def audience(value: Any, options: dict, call: Call) -> str | None:
    """The value is the ``service`` section. ``is: shared``: the service is user-facing or multi-tenant,
    or does not declare both ``user_facing: false`` and ``multi_tenant: false`` (what is not declared
    counts as shared). ``is: internal``: it declares both false, an internal single-tenant service."""
    service = value if isinstance(value, dict) else {}
    internal = all(service.get(name) is False for name in _SCOPE_FACTS)
    if options["is"] == "shared":
        if not internal:
            return None
        declared = " and ".join(f"{call.place(call.value_path + (name,))}: false" for name in _SCOPE_FACTS)
        return f"the manifest declares {declared}: an internal single-tenant service, for which one global rate limit is enough"
    if internal:
        return None
    if value is MISSING:
        return f"{call.where} is missing, so the service counts as user-facing and multi-tenant"
    shared = [f"{call.where}.{name} is {describe(service[name]) if name in service else 'not declared'}" for name in _SCOPE_FACTS if service.get(name) is not False]
    return f"{', '.join(shared)}: the service counts as shared by many callers"


@function("serves_market", options={"market": {"enum": sorted(MARKETS)}}, required=("market",), accepts_missing=True)
def serves_market(value: Any, options: dict, call: Call) -> str | None:
    """The value is ``service.markets``, the markets the system is offered in, and it includes
    ``market``: for ``eu``, any of ``eu``, ``eea``, ``global`` or an EU or EEA country code. Markets
    that are not declared (missing or empty) count as every market, so the rule applies."""
    if value is MISSING or value in (None, []):
        return None
    if not isinstance(value, list):
        return f"{call.where} is {describe(value)}, expected a list of markets"
    market = options["market"]
    if any(isinstance(item, str) and item.lower() in MARKETS[market] for item in value):
        return None
    return f"{call.where} is [{', '.join(map(str, value))}], none of them in the {market.upper()} market"


@function("declared_alert")
def declared_alert(value: Any, options: dict, call: Call) -> str | None:
    """The value names an alert declared in ``monitoring.alerts`` (by its ``name``), so the alert it relies on exists."""
    monitoring = call.root.get("monitoring")
    alerts = monitoring.get("alerts") if isinstance(monitoring, dict) else None
    names = [alert.get("name") for alert in alerts if isinstance(alert, dict)] if isinstance(alerts, list) else []
    if value in names:
        return None
    known = f"; declared alerts: {', '.join(map(str, names))}" if names else "; monitoring.alerts declares none"
    return f"{call.where} is {describe(value)}, which is not an alert in monitoring.alerts{known}"


@function("accountable_owner")
def accountable_owner(value: Any, options: dict, call: Call) -> str | None:
    """The value names a person or a team that answers for it: not blank, not a placeholder such as
    TBD, n/a, unknown or team (the test a waiver's owner must pass to count)."""
    if not isinstance(value, str):
        return f"{call.where} is {describe(value)}, expected the person or team who answers for it"
    problem = owner_problem(value)
    return f"{call.where}: {problem}" if problem else None


@function("explained_reason")
def explained_reason(value: Any, options: dict, call: Call) -> str | None:
    """The value is a waiver's reason that says why the risk is carried: at least three words of text,
    not a placeholder such as TBD, n/a, later or a lone punctuation mark."""
    if not isinstance(value, str):
        return f"{call.where} is {describe(value)}, expected why the risk is carried, in a few words"
    problem = reason_problem(value)
    return f"{call.where}: {problem}" if problem else None
