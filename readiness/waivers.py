"""Waivers: a team's signed, dated exception to one rule, declared in the manifest.

    waivers:
      - {rule: EVL003, reason: "Spanish slice lands next sprint", owner: ana@example.com, expires: 2026-12-15}

A waiver counts (the rule's failure becomes ``waived``: out of the score and the gate, shown
in every report next to the score the manifest would have without its waivers) when all of
these hold:

- it names a rule of the audit that fails, and is the first waiver for that rule;
- it has not expired (it is good through its ``expires`` day) and expires within the waiver
  horizon: at most ``max_waiver_days`` (default 90) after the audit date;
- its rule may be waived: a rule marked ``waivable: false`` (the rules that police waivers)
  never may; a critical rule only when the config says ``allow_waivers: [critical]``; no
  severity listed in ``forbid_waivers`` (config or organisation policy) may; a config that
  overrides a rule's severity does not make it waivable (the stricter of the two decides);
- its owner is a person or a team: not blank, not one character, not a placeholder such as ``TBD``,
  ``T.B.D.`` or ``n/a``, not an address whose mailbox is one (``tbd@acme.example``).

Every waiver that does not count becomes a note with the waiver's own ``file:line``. A
waiver that does not count changes nothing else: the failure it covered is back in the
score and the gate like any other, and the gate names the waiver and why it does not count.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass, field, replace

from .dates import parse_date
from .owners import owner_problem
from .loader import Document
from .paths import pointer
from .rules import Rule
from .report import (
    ERROR,
    FAIL,
    PASS,
    SKIPPED,
    WAIVED,
    WAIVER_BEYOND_HORIZON,
    WAIVER_DUPLICATE,
    WAIVER_EXPIRED,
    WAIVER_FORBIDDEN,
    WAIVER_NO_OWNER,
    WAIVER_NOT_WAIVABLE,
    WAIVER_STALE,
    WAIVER_UNKNOWN,
    Location,
    Note,
    Result,
    Waiver,
)

DEFAULT_HORIZON_DAYS = 90
WAIVER_RULE = "GOV010"  # the built-in rule that checks waivers as written; the horizon is its time box
NOT_WAIVABLE_BY_DEFAULT = ("critical",)
CRITICAL_NOT_ALLOWED = "critical rules are not waivable unless the config allows it (allow_waivers: [critical])"


@dataclass(frozen=True)
class WaiverPolicy:
    """What the run says about waivers (config, organisation policy and defaults)."""

    forbidden: dict[str, str] = field(default_factory=lambda: {severity: CRITICAL_NOT_ALLOWED for severity in NOT_WAIVABLE_BY_DEFAULT})  # severity → why its waivers do not count
    max_days: int = DEFAULT_HORIZON_DAYS  # the horizon: a waiver must expire at most this many days after the audit date
    catalog: frozenset[str] = frozenset()  # every loaded rule: a waiver for a deselected rule is not "unknown"
    unwaivable: frozenset[str] = frozenset()  # rules marked waivable: false
    overridden: dict[str, Rule] = field(default_factory=dict)  # rules whose severity the config changes: waivable by their own severity when it is stricter


def apply(results: list[Result], document: Document, as_of: dt.date, policy: WaiverPolicy = WaiverPolicy()) -> tuple[list[Result], list[Note]]:
    """The results with valid waivers applied, and a note for every waiver that does not count.

    A waived result keeps its credit, so that the score without waivers can be computed from it."""
    by_rule = {result.rule: result for result in results}
    service = document.data.get("service") if isinstance(document.data.get("service"), dict) else {}
    honoured: dict[str, Waiver] = {}
    first_line: dict[str, int] = {}
    notes: list[Note] = []
    for index, entry in enumerate(document.data.get("waivers") or []):
        rule_id = str(entry["rule"]).upper()
        where = _location(document, index)
        waiver = Waiver(entry["reason"], entry["owner"], entry["expires"], where)
        note = _problem(rule_id, waiver, by_rule.get(rule_id), first_line.get(rule_id), as_of, policy, service.get("risk"))
        first_line.setdefault(rule_id, where.line)
        if note:
            notes.append(Note(note[1], where, note[0], rule_id))
        elif rule_id in by_rule:
            honoured[rule_id] = waiver
    waived = [replace(result, status=WAIVED, waiver=honoured[result.rule]) if result.rule in honoured else result for result in results]
    return waived, notes


def without_waivers(results: list[Result]) -> list[Result]:
    """The results as they were before waivers: a waived finding fails again (with the credit it earned)."""
    return [replace(result, status=FAIL, waiver=None) if result.status == WAIVED else result for result in results]


def _problem(rule_id: str, waiver: Waiver, result: Result | None, earlier: int | None, as_of: dt.date, policy: WaiverPolicy, risk: str | None) -> tuple[str, str] | None:
    """(note kind, message) when this waiver does not count; None when it does (or its rule is not in this run)."""
    if result is None:
        if rule_id in policy.catalog:
            return None  # deselected with --select/--ignore: nothing to say
        close = difflib.get_close_matches(rule_id, sorted(policy.catalog), n=1)
        hint = f"; did you mean {close[0]}?" if close else "; `readiness rules` lists them"
        return WAIVER_UNKNOWN, f"waiver names {rule_id}, which is not a rule{hint}"
    if earlier is not None:
        return WAIVER_DUPLICATE, f"a second waiver for {rule_id} (the first is at line {earlier}); keep one"
    expires = parse_date(waiver.expires)  # the schema admits only valid dates
    if expires is None or expires < as_of:
        consequence = f"{rule_id} fails again" if result.status in (FAIL, ERROR) else "remove it"
        return WAIVER_EXPIRED, f"waiver for {rule_id} expired on {waiver.expires} and no longer counts: {consequence}"
    if result.status == PASS:
        return WAIVER_STALE, f"waiver for {rule_id} is stale: the rule passes; remove the waiver"
    if result.status == SKIPPED:
        return WAIVER_STALE, f"waiver for {rule_id} is stale: the rule does not apply ({result.message}); remove the waiver"
    if rule_id in policy.unwaivable:
        return WAIVER_NOT_WAIVABLE, f"waiver for {rule_id} does not count: {rule_id} polices waivers and cannot itself be waived; fix it"
    if result.severity in policy.forbidden:
        return WAIVER_FORBIDDEN, f"waiver for {rule_id} does not count: {policy.forbidden[result.severity]}"
    own = _own_severity(policy.overridden.get(rule_id), risk, as_of)
    if own in policy.forbidden:
        return WAIVER_FORBIDDEN, f"waiver for {rule_id} does not count: {policy.forbidden[own]}; the config's severity override ({result.severity}) does not make a {own} rule waivable"
    horizon = as_of + dt.timedelta(days=policy.max_days)
    if expires > horizon:
        return WAIVER_BEYOND_HORIZON, f"waiver for {rule_id} does not count: it expires on {waiver.expires}, beyond the {policy.max_days}-day waiver horizon ({horizon.isoformat()}); shorten it and renew when it lapses"
    owner = owner_problem(waiver.owner)
    if owner:
        return WAIVER_NO_OWNER, f"waiver for {rule_id} does not count: its {owner}; name the person or team who answers for the risk"
    return None


def _own_severity(rule: Rule | None, risk: str | None, as_of: dt.date) -> str | None:
    """The severity a rule would have in this audit without the config's override."""
    if rule is None:
        return None
    from .engine import Settings, effective_severity  # engine applies waivers: imported when needed

    return effective_severity(rule, risk, Settings(as_of))


def _location(document: Document, index: int) -> Location:
    path = ("waivers", index)
    line, column = document.locate(path)
    return Location(document.path, pointer(path), line, column)
