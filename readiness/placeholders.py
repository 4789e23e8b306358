"""Text that stands in for a fact: TBD, n/a, TODO… whatever its case and punctuation.

One list for every check that refuses a placeholder (a waiver's owner and reason, an SBOM component,
an incident reference); each adds the words that are placeholders only in its own field ("team" is
no owner, "NOASSERTION" no component).
"""

from __future__ import annotations

import re

PLACEHOLDERS = frozenset({"tbd", "tba", "tbc", "todo", "fixme", "xxx", "na", "none", "null", "nil", "unknown", "placeholder", "changeme"})
_NOT_ALNUM = re.compile(r"[\W_]+")


def bare(text: str) -> str:
    """The text's letters and digits, lower-cased: "T.B.D.", "N/A" and "n/a" are "tbd" and "na"."""
    return _NOT_ALNUM.sub("", text.lower())


def is_placeholder(text: str, also: frozenset[str] = frozenset()) -> bool:
    """Whether the text is punctuation only, or a placeholder (``PLACEHOLDERS`` or one of ``also``) once
    case and punctuation are set aside."""
    letters = bare(text)
    return not letters or letters in PLACEHOLDERS or letters in also
