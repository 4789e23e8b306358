"""Organisation policy: floors that a repository's configuration and command line cannot lower.

A platform team keeps one policy file outside the repositories it audits and pins it in CI,
with ``--policy FILE`` or the ``READINESS_POLICY`` environment variable (``--policy`` wins)::

    require_rules: [VER001, GOV010, rollback]   # ids, id prefixes or categories no one may deselect
    keep_severity: [critical, high]             # rules of these severities may not be lowered
    forbid_waivers: [critical]                  # no waiver counts on rules of these severities
    max_waiver_days: 30                         # the longest waiver horizon a repository may set
    min_score: 80                               # the lowest --min-score a repository may set
    fail_on: high                               # the loosest --fail-on a repository may set

When the configuration or the command line goes below a floor, the floor wins and every
output says so (a ``policy_floor`` change naming what was overruled); the audit goes on. A
policy that names no rule of the checklist, or is not valid against ``schemas/policy.schema.json``,
is an input error (exit 2).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import schema
from .config import only_comments
from .errors import InputError, InputErrors
from .loader import Document, Limits, display_path, load_text, read_text
from .paths import display
from .report import SEVERITIES, ConfigChange
from .rules import Catalog, Rule

POLICY_SCHEMA = "policy"
POLICY_ENV = "READINESS_POLICY"
POLICY_FLOOR = "policy_floor"


@dataclass
class Policy:
    """The validated policy; empty (``source`` None) when the run has none."""

    values: dict[str, Any] = field(default_factory=dict)
    source: str | None = None
    document: Document | None = None

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def error(self, key_path: tuple, message: str) -> InputError:
        line, column = self.document.locate(key_path) if self.document else (None, None)
        return InputError(f"{display(key_path)}: {message}", self.source, line, column)


@dataclass
class Wanted:
    """What the configuration and the command line ask for, before the policy's floors."""

    rules: list[Rule]
    deselected: list[tuple[str, list[Rule]]]  # (who, the rules its select or ignore leaves out)
    severity: dict[str, str]
    severity_source: str
    forbid_waivers: dict[str, str]  # severity → why its waivers do not count
    max_waiver_days: int
    max_waiver_days_source: str
    fail_on: str
    fail_on_source: str
    min_score: float | None
    min_score_source: str


def load(explicit: Path | None) -> Policy:
    """The policy named by ``--policy``, else by ``$READINESS_POLICY``; none when neither is set."""
    path = explicit if explicit is not None else (Path(os.environ[POLICY_ENV]) if os.environ.get(POLICY_ENV) else None)
    if path is None:
        return Policy()
    shown = display_path(path)
    if not path.is_file():
        origin = "" if explicit is not None else f" (from ${POLICY_ENV})"
        raise InputError(("not a file, expected a policy file" if path.exists() else "no such policy file") + origin, shown)
    text = read_text(path, shown, Limits())
    if only_comments(text):  # a policy that sets nothing is a mistake in CI, not "no floors"
        raise InputError("empty policy file: expected floors such as require_rules or fail_on (readiness schema --policy)", shown)
    document = load_text(text, shown)
    problems = schema.validate(document, POLICY_SCHEMA)
    if problems:
        raise InputErrors(problems)
    return Policy(document.data, shown, document)


def check(policy: Policy, loaded: Catalog) -> None:
    """Every rule token of the policy names a rule of the checklist."""
    problems = [policy.error(("require_rules", index), f"{token!r} matches no rule id, prefix or category of the checklist") for index, token in enumerate(policy.get("require_rules", [])) if not any(rule.matches(token) for rule in loaded.rules)]
    if problems:
        raise InputErrors(problems)


def strictest(rule: Rule) -> str:
    """The most severe severity a rule can have (its default or a risk-tier escalation)."""
    return min([rule.severity, *rule.severity_by_risk.values()], key=SEVERITIES.index)


def enforce(policy: Policy, loaded: Catalog, wanted: Wanted) -> list[ConfigChange]:
    """Raise ``wanted`` to the policy's floors, in place; a change for every floor that overruled something."""
    if policy.source is None:
        return []
    source = policy.source
    changes = []

    def floor(message: str, rules: tuple[str, ...] = ()) -> None:
        changes.append(ConfigChange(POLICY_FLOOR, source, message, list(rules)))

    chosen = {rule.id for rule in wanted.rules}
    restored = [rule for rule in loaded.rules if rule.id not in chosen and any(rule.matches(token) for token in policy.get("require_rules", []))]
    if restored:
        back = {rule.id for rule in restored}
        wanted.rules = [rule for rule in loaded.rules if rule.id in chosen | back]
        who = " and ".join(dict.fromkeys(source for source, rules in wanted.deselected if any(rule.id in back for rule in rules)))
        wanted.deselected = [(source, [rule for rule in rules if rule.id not in back]) for source, rules in wanted.deselected]
        floor(f"requires {rule_names(restored)}: kept in the audit although {who} deselects them", tuple(rule.id for rule in restored))
    kept = policy.get("keep_severity", [])
    for rule_id, severity in list(wanted.severity.items()):
        rule = loaded.get(rule_id)
        if rule is not None and strictest(rule) in kept and SEVERITIES.index(severity) > SEVERITIES.index(strictest(rule)):
            del wanted.severity[rule_id]
            floor(f"keeps {rule.id} at {strictest(rule)}: {wanted.severity_source} lowers it to {severity}, which the policy does not allow", (rule.id,))
    for severity in policy.get("forbid_waivers", []):
        if severity not in wanted.forbid_waivers:
            floor(f"forbids waivers on {severity} rules, which the configuration allows")
        wanted.forbid_waivers[severity] = f"the policy {source} forbids waivers on {severity} rules"
    horizon = policy.get("max_waiver_days")
    if horizon is not None and wanted.max_waiver_days > horizon:
        floor(f"limits the waiver horizon to {horizon} days; {wanted.max_waiver_days_source} asks for {wanted.max_waiver_days}")
        wanted.max_waiver_days = horizon
    fail_on = policy.get("fail_on")
    if fail_on is not None and SEVERITIES.index(wanted.fail_on) < SEVERITIES.index(fail_on):  # fails on fewer severities
        floor(f"fails the gate on {fail_on} and above; {wanted.fail_on_source} asks for {wanted.fail_on} and above")
        wanted.fail_on = fail_on
    minimum = policy.get("min_score")
    if minimum is not None and (wanted.min_score is None or wanted.min_score < minimum):
        if wanted.min_score is not None:
            floor(f"sets the minimum score to {minimum:g}; {wanted.min_score_source} asks for {wanted.min_score:g}")
        wanted.min_score = minimum
    return changes


def rule_names(rules: list[Rule], most: int = 12) -> str:
    """``VER001 (critical), REL002 (critical) and 3 more``: rules by id with their strictest severity."""
    named = [f"{rule.id} ({strictest(rule)})" for rule in rules[:most]]
    return ", ".join(named) + (f" and {len(rules) - most} more" if len(rules) > most else "")
