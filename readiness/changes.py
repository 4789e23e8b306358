"""What the configuration and the command line changed about an audit, for every output to say.

A committed ``.readiness.yaml`` can leave rules out, lower severities, relax a rule's options,
allow waivers, loosen the gate, re-weigh the score or pin the audit date. None of that is
hidden: each change becomes a :class:`~readiness.report.ConfigChange` in the report's
``configuration`` section, and each one that hides, lowers or excuses a critical or high rule
or loosens the gate (``loosens``) is also named beside the gate's verdict.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .policy import Wanted, rule_names, strictest
from .report import BLOCKING, SEVERITIES, ConfigChange
from .rules import NO_BUILTIN, Catalog, Rule
from .scoring import DEFAULT_WEIGHTS
from .waivers import DEFAULT_HORIZON_DAYS, NOT_WAIVABLE_BY_DEFAULT

if TYPE_CHECKING:
    from .config import Config

COMMAND_LINE = "the command line"
DEFAULT_FAIL_ON = "high"


def describe(loaded: Catalog, wanted: Wanted, config: Config) -> list[ConfigChange]:
    """Every change, from the settings the run ends up with (after the policy's floors)."""
    source = config.source or COMMAND_LINE
    changes: list[ConfigChange] = []
    if any(base.name == NO_BUILTIN for base in config.extends()):
        changes.append(ConfigChange("checklist", source, "extends: none leaves the built-in checklist out of the audit; only the config's own packs are checked", [], True))
    for plugin in config.get("disable_plugins") or []:
        changes.append(ConfigChange("checklist", source, f"disables the installed plugin {plugin!r}: its rules and checks are not loaded", [], True))
    chosen = {rule.id for rule in wanted.rules}
    for who, left_out in wanted.deselected:
        if left_out:
            blocking = [rule for rule in left_out if strictest(rule) in BLOCKING]
            counted = f"{len(left_out)} rule(s) of {len(loaded.rules)}"
            named = f", {len(blocking)} critical or high among them: {rule_names(blocking)}" if blocking else ", none critical or high"
            changes.append(ConfigChange("deselected", who, f"deselects {counted}{named}", [rule.id for rule in left_out], bool(blocking)))
    for rule_id, severity in wanted.severity.items():
        rule = loaded.get(rule_id)
        if rule is None or severity == rule.severity and not rule.severity_by_risk:
            continue
        was = strictest(rule)
        lowered = SEVERITIES.index(severity) > SEVERITIES.index(was)
        changes.append(ConfigChange("severity", wanted.severity_source, f"sets {rule.id} to {severity} (from {_severity_text(rule)})", [rule.id], lowered and was in BLOCKING))
    for rule_id, overrides in (config.get("options") or {}).items():
        rule = loaded.get(rule_id)
        if rule is not None and rule.id in chosen:
            changes.append(ConfigChange("options", source, f"overrides options of {rule.id} ({strictest(rule)}): {_options_text(rule, overrides)}", [rule.id], strictest(rule) in BLOCKING))
    changes += _waiver_changes(wanted, config, source)
    if wanted.fail_on != DEFAULT_FAIL_ON:
        looser = SEVERITIES.index(wanted.fail_on) < SEVERITIES.index(DEFAULT_FAIL_ON)
        changes.append(ConfigChange("gate", wanted.fail_on_source, f"fails the gate on {wanted.fail_on} and above (default: {DEFAULT_FAIL_ON} and above)", [], looser))
    weights = config.get("weights") or {}
    changed = {severity: weight for severity, weight in weights.items() if weight != DEFAULT_WEIGHTS[severity]}
    if changed:
        text = ", ".join(f"{severity} {DEFAULT_WEIGHTS[severity]:g} → {weight:g}" for severity, weight in changed.items())
        lowered = any(weight < DEFAULT_WEIGHTS[severity] for severity, weight in changed.items() if severity in BLOCKING)
        changes.append(ConfigChange("weights", source, f"re-weighs the score: {text}", [], lowered))
    if config.get("as_of"):
        changes.append(ConfigChange("as_of", source, f"judges every date as of {config.get('as_of')} instead of today", [], True))
    return changes


def _waiver_changes(wanted: Wanted, config: Config, source: str) -> list[ConfigChange]:
    changes = []
    allowed = [severity for severity in NOT_WAIVABLE_BY_DEFAULT if severity not in wanted.forbid_waivers]
    if allowed:
        changes.append(ConfigChange("waivers", source, f"allows waivers on {', '.join(allowed)} rules (allow_waivers)", [], True))
    forbidden = [severity for severity in config.get("forbid_waivers") or [] if severity in wanted.forbid_waivers]
    if forbidden:
        changes.append(ConfigChange("waivers", source, f"forbids waivers on {', '.join(forbidden)} rules (forbid_waivers)"))
    if wanted.max_waiver_days != DEFAULT_HORIZON_DAYS:
        longer = wanted.max_waiver_days > DEFAULT_HORIZON_DAYS
        changes.append(ConfigChange("waivers", wanted.max_waiver_days_source, f"sets the waiver horizon to {wanted.max_waiver_days} days (default {DEFAULT_HORIZON_DAYS})", [], longer))
    return changes


def _severity_text(rule: Rule) -> str:
    if not rule.severity_by_risk:
        return rule.severity
    escalations = ", ".join(f"{severity} at risk {risk}" for risk, severity in rule.severity_by_risk.items())
    return f"{rule.severity}; {escalations}"


def _options_text(rule: Rule, overrides: dict[str, Any]) -> str:
    """``max_days 365 (pack: 90)``: each overridden option with the value the rule's pack gives it."""
    packed = {name: value for clause in rule.then for name, value in clause.options.items()}
    return ", ".join(f"{name} {value!r}" + (f" (pack: {packed[name]!r})" if name in packed else "") for name, value in overrides.items())
