"""Regular expressions from rule packs, with a time limit.

A custom rule pack (or a config's option override) is data from the audited repository,
and a regex such as ``(a+)+$`` backtracks for hours on a 40-character value. Python's
regex engine checks for signals while it matches, so a timer can stop it: the search
raises :class:`RegexTimeout` and the rule that asked gets status ``error``, the audit goes
on. The timer needs ``SIGALRM`` and the main thread (every audit on Linux and macOS runs
there, or in the main thread of a worker process). Where there is no such timer (Windows, or
a caller's thread), the search runs in the ``regex`` package, whose matcher takes a timeout
of its own; it is imported only then.
"""

from __future__ import annotations

import re
import signal
import threading
from typing import Any

SECONDS = 1.0


class RegexTimeout(Exception):
    """A regex ran past the time limit."""


def _too_long(pattern: str) -> RegexTimeout:
    return RegexTimeout(f"the regex {pattern!r} ran for more than {SECONDS:g} s (nested repetition backtracks without end)")


def invalid(pattern: str, flags: int = 0) -> str | None:
    """Why ``pattern`` is not a valid regex (checked when a rule pack or config loads), or None."""
    try:
        re.compile(pattern, flags)
    except re.error as error:
        return f"{pattern!r} is not a valid regex: {error}"
    return None


def search(pattern: str, text: str, flags: int = 0) -> Any:
    """``re.search`` (a match or None), stopped after :data:`SECONDS`."""
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        return _search_without_a_timer(pattern, text, flags)

    def expire(*_: Any) -> None:
        raise _too_long(pattern)

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, SECONDS)
    try:
        return re.search(pattern, text, flags)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _search_without_a_timer(pattern: str, text: str, flags: int) -> Any:
    import regex as matcher  # re's flags are regex's flags (V0, re-compatible behaviour)

    try:
        return matcher.search(pattern, text, flags, timeout=SECONDS)
    except TimeoutError:
        raise _too_long(pattern) from None
