"""Who answers for a risk: a person or a team, never a placeholder.

A waiver's owner (readiness.waivers) and the waiver rule's ``accountable_owner`` check use the same
test, so a waiver that does not count also fails the rule that polices waivers. The waiver rule's
``waiver_reason`` check holds a waiver's reason to :func:`reason_problem`.
"""

from __future__ import annotations

import re

from .placeholders import PLACEHOLDERS, bare

# Owners that name nobody: a waiver must be answerable by a person or a team. Compared with the owner's
# letters and digits only, lower-cased, so "T.B.D.", "n/a" and "No-one" are caught as "tbd", "na", "noone".
_PLACEHOLDER_OWNERS = PLACEHOLDERS | {"nobody", "noone", "unassigned", "someone", "anyone", "everyone", "owner", "team", "me", "us"}
# The local part of an address that names nobody: tbd@acme.example, noreply@…, owner@… (a real team's
# mailbox such as ml-platform@ or ana@example.com is not one).
_PLACEHOLDER_MAILBOXES = (_PLACEHOLDER_OWNERS - {"team", "me", "us"}) | {"noreply", "donotreply", "dontreply", "nouser", "user", "username", "name", "yourname", "firstlast", "firstnamelastname", "email", "someoneelse"}
_LETTER = re.compile(r"[^\W\d_]")
_EMAIL = re.compile(r"^([^@\s]+)@[^@\s]+\.[^@\s]+$")
# Reasons that explain nothing, compared like owners; and the fewest words of text a reason must have.
_PLACEHOLDER_REASONS = PLACEHOLDERS | {"wip", "later", "reason", "noreason", "seeabove", "temp", "temporary", "test"}
_PLACEHOLDER_WORDS = frozenset({"tbd", "tba", "tbc", "todo", "fixme", "xxx", "wip", "placeholder", "changeme", "lorem", "ipsum"})
_WORD = re.compile(r"[^\W_]{2,}")  # a word of text: two letters or digits or more ("in", "Q3"; not the "n", "a" of "n/a")
MIN_REASON_WORDS = 3


def owner_problem(owner: str) -> str | None:
    """Why an owner names nobody, or None when it names a person or a team: blank or punctuation
    only, one character, a placeholder whatever its case and punctuation (``TBD``, ``T.B.D.``, ``n/a``),
    or an address whose mailbox is one (``tbd@acme.example``, ``noreply@…``)."""
    text = " ".join(owner.split())
    if not _LETTER.search(text):
        return f"owner {owner!r} names nobody"
    letters = bare(text)
    if letters in _PLACEHOLDER_OWNERS:
        return f"owner {owner!r} is a placeholder, not a person or a team"
    if len(letters) < 2:
        return f"owner {owner!r} is a single character, not a person or a team"
    email = _EMAIL.match(text)
    if email and bare(email.group(1)) in _PLACEHOLDER_MAILBOXES:
        return f"owner {owner!r} is a placeholder address ({email.group(1)!r} names nobody), not a person or a team"
    return None


def reason_problem(reason: str) -> str | None:
    """Why a waiver's reason explains nothing, or None: blank or punctuation only, a placeholder
    (``TBD``, ``n/a``, ``later``, ``TODO: …``) whatever its case and punctuation, or fewer than ``MIN_REASON_WORDS``
    words of text once placeholder words are set aside."""
    text = " ".join(reason.split())
    if not _LETTER.search(text):
        return f"reason {reason!r} explains nothing"
    if bare(text) in _PLACEHOLDER_REASONS:
        return f"reason {reason!r} is a placeholder, not a reason"
    if _WORD.findall(text)[:1] and _WORD.findall(text)[0].lower() in _PLACEHOLDER_WORDS:
        return f"reason {reason!r} is a placeholder, not a reason"
    words = [word for word in _WORD.findall(text) if _LETTER.search(word) and word.lower() not in _PLACEHOLDER_WORDS]
    if len(words) < MIN_REASON_WORDS:
        return f"reason {reason!r} has {len(words)} word(s) of text, below the minimum of {MIN_REASON_WORDS}: say why the risk is carried and what ends it"
    return None
