"""Evaluate rules against one manifest: applicability, checks, waivers → results.

A rule that does not apply (kind, risk tier, ``when``) is ``skipped`` with the reason; an
undeclared kind or risk tier gets every rule and the strictest bar, so leaving a fact out
never makes a system look readier. Declaring less does not either: applicability is decided on
the :class:`~readiness.capabilities.Profile` (kinds the facts show are added to the declared
ones, flags the facts contradict count as not declared), and every rule a declaration turned
off is listed with that declaration (:class:`~readiness.report.TurnedOff`). A function that
raises turns its rule into ``error`` and the audit goes on.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from .capabilities import DECLARED_BY, Profile, known_kinds, profile as manifest_profile, rationale, value_at
from .evidence import Evidence
from .functions import MISSING, Call
from .loader import Document, JsonPath
from .paths import display, pointer
from .report import ERROR, FAIL, PASS, RISK_LOWERED, SEVERITIES, SKIPPED, Location, Note, Result, TurnedOff
from .rules import Clause, Rule
from .waivers import WaiverPolicy, apply as apply_waivers

MAX_REASONS = 5


@dataclass
class Settings:
    """What the run adds to the rules: date, severity and option overrides, waiver policy."""

    as_of: dt.date
    severity_overrides: dict[str, str] = field(default_factory=dict)
    option_overrides: dict[str, dict[str, Any]] = field(default_factory=dict)
    waivers: WaiverPolicy = field(default_factory=WaiverPolicy)


def effective_severity(rule: Rule, risk: str | None, settings: Settings) -> str:
    if rule.id in settings.severity_overrides:
        return settings.severity_overrides[rule.id]
    if risk in rule.severity_by_risk:
        return rule.severity_by_risk[risk]
    if risk is None and rule.severity_by_risk:
        return min([rule.severity, *rule.severity_by_risk.values()], key=SEVERITIES.index)
    return rule.severity


def _location(document: Document, path: JsonPath) -> Location:
    origin = document.origin(path)  # a fact read from a source file points into that file
    if origin is not None:
        return Location(*origin)
    line, column = document.locate(path)
    return Location(document.path, pointer(path), line, column)


def _run_clause(clause: Clause, node: Any, node_path: JsonPath, root: dict, settings: Settings, evidence: Evidence, options: dict, document: Document | None = None) -> list[tuple[str, JsonPath]]:
    """Failures (reason, path) of one clause on one node."""
    if clause.target is None:
        targets = [(node_path, node)]
    else:
        targets = clause.target.select(node, node_path)
        if not targets:
            if clause.optional:
                return []
            targets = [(clause.target.first_missing(node, node_path), MISSING)]
    failures = []
    for path, value in targets:
        call = Call(root, node, node_path, path, settings.as_of, evidence, document)
        if value is MISSING and not clause.function.accepts_missing:
            reason: str | None = f"{display(path)} is missing"
        else:
            reason = clause.function.check(value, options, call)
        if reason:
            failures.append((reason, path))
    return failures


def _options(rule: Rule, clause: Clause, settings: Settings) -> dict:
    """The clause's options with the config's overrides for this rule, those its function takes."""
    override = settings.option_overrides.get(rule.id)
    if not override:
        return clause.options
    return {**clause.options, **{name: value for name, value in override.items() if name in clause.function.options}}


@dataclass(frozen=True)
class Skip:
    reason: str
    declaration: JsonPath | None = None  # the declaration that turned the rule off, if one did


def _not_applicable(rule: Rule, profile: Profile, settings: Settings, evidence: Evidence) -> Skip | None:
    kinds, risk, view = profile.kinds, profile.risk, profile.view
    if rule.kinds and kinds is not None and set(kinds).isdisjoint(rule.kinds):
        return Skip(f"applies to {', '.join(rule.kinds)} systems; this one is {', '.join(kinds)}", ("service", "kind"))
    if rule.risks and risk is not None and risk not in rule.risks:
        return Skip(f"applies at risk tier {', '.join(rule.risks)}; this one is {risk}", ("service", "risk"))
    for clause in rule.when:
        failures = _run_clause(clause, view, (), view, settings, evidence, clause.options)
        if failures:
            declaration = DECLARED_BY.get(clause.target.steps) if clause.target else None
            if declaration is not None and value_at(view, declaration) is MISSING:
                declaration = None  # no declaration turned it off: the rule is for systems that make one (REL014 for a first launch)
            return Skip(f"applies only when {clause.target.text if clause.target else '$'} passes {clause.function.name} ({failures[0][0]})", declaration)
    return None


def evaluate_rule(rule: Rule, document: Document, settings: Settings, evidence: Evidence, profile: Profile | None = None) -> Result:
    return _evaluate_rule(rule, document, settings, evidence, profile or manifest_profile(document.data))[0]


def _evaluate_rule(rule: Rule, document: Document, settings: Settings, evidence: Evidence, profile: Profile) -> tuple[Result, JsonPath | None]:
    """The rule's result, and the declaration that turned it off when one did."""
    root = document.data
    severity = effective_severity(rule, profile.risk, settings)
    try:
        skip = _not_applicable(rule, profile, settings, evidence)
        if skip:
            return _skipped(rule.id, severity, skip.reason), skip.declaration
        nodes = rule.given.select(root)
        if not nodes:
            missing = rule.given.first_missing(root)
            if rule.if_missing == "skip":
                return _skipped(rule.id, severity, f"{rule.given.text} is not declared"), None
            message = f"{rule.message}: " if rule.message else ""
            return Result(rule.id, FAIL, severity, f"{message}{display(missing) if missing else rule.given.text} is missing", _location(document, missing)), None
        failures: list[tuple[str, JsonPath]] = []
        clauses = [(clause, _options(rule, clause, settings)) for clause in rule.then]
        for node_path, node in nodes:
            for clause, options in clauses:
                failures.extend(_run_clause(clause, node, node_path, root, settings, evidence, options, document))
        checks = len(nodes) * len(clauses)
    except Exception as error:  # a broken function must not stop the audit
        return Result(rule.id, ERROR, severity, f"the check raised {type(error).__name__}: {error}", _location(document, ())), None
    if not failures:
        return Result(rule.id, PASS, severity, "", _location(document, nodes[0][0]), credit=1.0), None
    reasons = list(dict.fromkeys(reason for reason, _ in failures))  # two clauses under one missing parent say the same thing
    text = "; ".join(reasons[:MAX_REASONS]) + (f"; and {len(reasons) - MAX_REASONS} more" if len(reasons) > MAX_REASONS else "")
    credit = max(0.0, 1 - len(failures) / checks) if rule.partial_credit else 0.0
    message = f"{rule.message}: {text}" if rule.message else text
    return Result(rule.id, FAIL, severity, message, _location(document, failures[0][1]), credit=credit), None


@lru_cache(maxsize=4096)
def _skipped(rule_id: str, severity: str, reason: str) -> Result:
    """One Result per distinct skip, shared by every manifest it applies to (results are never changed
    in place): a fleet's reports hold, and its worker processes pickle, a third fewer objects."""
    return Result(rule_id, SKIPPED, severity, reason)


def _with_remediation(result: Result, rule: Rule, kinds: list[str]) -> Result:
    """A finding carries the remediation for the system's kinds (declared or shown by its facts) when
    the rule has its own for them."""
    if result.status not in (FAIL, ERROR) or not rule.remediation_by_kind:
        return result
    text = rule.remediation_for(kinds)
    return replace(result, remediation=text) if text else result


def evaluate(rules: list[Rule], document: Document, settings: Settings, evidence: Evidence) -> tuple[list[Result], list[Note], list[TurnedOff]]:
    """Every rule's result for one manifest, waivers applied, plus notes about the waivers and the
    rules a declaration turned off."""
    profile = manifest_profile(document.data)
    kinds = sorted(known_kinds(document.data))
    outcomes = [_evaluate_rule(rule, document, settings, evidence, profile) for rule in rules]
    results = [_with_remediation(result, rule, kinds) for rule, (result, _) in zip(rules, outcomes)]
    lowered = _lowered_by_risk(rules, results, profile, settings, document)
    results, notes = apply_waivers(results, document, settings.as_of, settings.waivers)
    turned_off = [_turned_off(result.rule, declaration, document) for result, declaration in outcomes if declaration is not None]
    return results, lowered + notes, turned_off


def _lowered_by_risk(rules: list[Rule], results: list[Result], profile: Profile, settings: Settings, document: Document) -> list[Note]:
    """A note naming the failing rules that the declared risk tier judges less severe than an undeclared
    tier would (``severity_by_risk``): declaring ``risk: low`` can take a finding below the gate, and the
    report must say that a declaration did it."""
    if profile.risk is None:
        return []
    lowered = []
    for rule, result in zip(rules, results):
        if result.status in (FAIL, ERROR):
            undeclared = effective_severity(rule, None, settings)
            if SEVERITIES.index(result.severity) > SEVERITIES.index(undeclared):
                lowered.append(f"{rule.id} {undeclared} → {result.severity}")
    if not lowered:
        return []
    reason = rationale(document.data, ("service", "risk"))
    text = (f"service.risk: {profile.risk} judges {len(lowered)} failing rule(s) less severe than an undeclared risk tier would: "
            f"{', '.join(lowered)}; {f'because: {reason}' if reason else 'no reason given'}")
    return [Note(text, _location(document, ("service", "risk")), RISK_LOWERED)]


def _turned_off(rule_id: str, declaration: JsonPath, document: Document) -> TurnedOff:
    value = value_at(document.data, declaration)
    return TurnedOff(rule_id, display(declaration), None if value is MISSING else value, rationale(document.data, declaration), _location(document, declaration))
