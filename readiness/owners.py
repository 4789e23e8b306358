"""Who answers for a risk: a person or a team, never a placeholder.

A waiver's owner (readiness.waivers) and the waiver rule's ``accountable_owner`` check use the same
test, so a waiver that does not count also fails the rule that polices waivers.
"""

from __future__ import annotations

import re

# Owners that name nobody: a waiver must be answerable by a person or a team.
_PLACEHOLDER_OWNERS = frozenset({"tbd", "tba", "todo", "fixme", "n/a", "na", "none", "null", "nil", "nobody", "noone", "no one", "unknown", "unassigned", "someone", "anyone", "everyone", "owner", "team", "me", "us", "xxx"})
_LETTER = re.compile(r"[^\W\d_]")


def owner_problem(owner: str) -> str | None:
    """Why an owner names nobody, or None when it names a person or a team."""
    text = " ".join(owner.split())
    if not _LETTER.search(text):
        return f"owner {owner!r} names nobody"
    if text.lower().strip(".?!") in _PLACEHOLDER_OWNERS:
        return f"owner {owner!r} is a placeholder, not a person or a team"
    return None
