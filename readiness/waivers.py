"""Waivers: a team's signed, dated exception to one rule, declared in the manifest.

    waivers:
      - {rule: EVL003, reason: "Spanish slice lands next sprint", owner: ana@example.com, expires: 2026-12-15}

A waiver counts (the rule's failure becomes ``waived``: out of the score and the gate, shown
in every report) when it names a rule of the audit that fails, has not expired (it is good
through its ``expires`` day) and its rule's severity is not one the config forbids waivers
for (``forbid_waivers: [critical]``). Every waiver that does not count becomes a note with
the waiver's own ``file:line``: expired, stale (its rule passes or does not apply), naming
an unknown rule, forbidden by config, or a second waiver for the same rule. An expired or
forbidden waiver changes nothing else: the failure it covered is back in the score and
the gate like any other, and the gate names the waiver as the reason it no longer counts.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass, replace

from .dates import parse_date
from .loader import Document
from .paths import pointer
from .report import ERROR, FAIL, PASS, SKIPPED, WAIVED, WAIVER_DUPLICATE, WAIVER_EXPIRED, WAIVER_FORBIDDEN, WAIVER_STALE, WAIVER_UNKNOWN, Location, Note, Result, Waiver


@dataclass(frozen=True)
class WaiverPolicy:
    """What the run says about waivers."""

    forbidden: tuple[str, ...] = ()  # severities whose waivers do not count (config forbid_waivers)
    source: str = "the config"  # where they are forbidden, for the note
    catalog: frozenset[str] = frozenset()  # every loaded rule: a waiver for a deselected rule is not "unknown"


def apply(results: list[Result], document: Document, as_of: dt.date, policy: WaiverPolicy = WaiverPolicy()) -> tuple[list[Result], list[Note]]:
    """The results with valid waivers applied, and a note for every waiver that does not count."""
    by_rule = {result.rule: result for result in results}
    honoured: dict[str, Waiver] = {}
    first_line: dict[str, int] = {}
    notes: list[Note] = []
    for index, entry in enumerate(document.data.get("waivers") or []):
        rule_id = str(entry["rule"]).upper()
        where = _location(document, index)
        waiver = Waiver(entry["reason"], entry["owner"], entry["expires"], where)
        note = _problem(rule_id, waiver, by_rule.get(rule_id), first_line.get(rule_id), as_of, policy)
        first_line.setdefault(rule_id, where.line)
        if note:
            notes.append(Note(note[1], where, note[0], rule_id))
        elif rule_id in by_rule:
            honoured[rule_id] = waiver
    waived = [replace(result, status=WAIVED, credit=0.0, waiver=honoured[result.rule]) if result.rule in honoured else result for result in results]
    return waived, notes


def _problem(rule_id: str, waiver: Waiver, result: Result | None, earlier: int | None, as_of: dt.date, policy: WaiverPolicy) -> tuple[str, str] | None:
    """(note kind, message) when this waiver does not count; None when it does (or its rule is not in this run)."""
    if result is None:
        if rule_id in policy.catalog:
            return None  # deselected with --select/--ignore: nothing to say
        close = difflib.get_close_matches(rule_id, sorted(policy.catalog), n=1)
        hint = f"; did you mean {close[0]}?" if close else "; `readiness rules` lists them"
        return WAIVER_UNKNOWN, f"waiver names {rule_id}, which is not a rule{hint}"
    if earlier is not None:
        return WAIVER_DUPLICATE, f"a second waiver for {rule_id} (the first is at line {earlier}); keep one"
    if parse_date(waiver.expires) < as_of:  # type: ignore[operator]  # the schema admits only valid dates
        consequence = f"{rule_id} fails again" if result.status in (FAIL, ERROR) else "remove it"
        return WAIVER_EXPIRED, f"waiver for {rule_id} expired on {waiver.expires} and no longer counts: {consequence}"
    if result.status == PASS:
        return WAIVER_STALE, f"waiver for {rule_id} is stale: the rule passes; remove the waiver"
    if result.status == SKIPPED:
        return WAIVER_STALE, f"waiver for {rule_id} is stale: the rule does not apply ({result.message}); remove the waiver"
    if result.severity in policy.forbidden:
        return WAIVER_FORBIDDEN, f"waiver for {rule_id} does not count: {policy.source} forbids waivers on {result.severity} rules (forbid_waivers)"
    return None


def _location(document: Document, index: int) -> Location:
    path = ("waivers", index)
    line, column = document.locate(path)
    return Location(document.path, pointer(path), line, column)
