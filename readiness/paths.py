"""The small path language rules use to select values: ``monitoring.alerts[*].runbook``.

A path is dotted keys with optional ``[N]`` (an index) or ``[*]`` (every item of a list, or
every value of a mapping). ``$`` alone is the root. Paths are parsed once, when a rule pack
loads, and evaluated many times.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .loader import JsonPath

WILDCARD = "*"
_TOKEN = re.compile(r"([A-Za-z_][A-Za-z0-9_\-]*)|\[(\*|\d+)\]|(\.)")


class PathSyntaxError(ValueError):
    pass


@dataclass(frozen=True)
class Path:
    """A parsed path: a tuple of keys, indices and wildcards."""

    text: str
    steps: tuple

    @classmethod
    def parse(cls, text: str) -> "Path":
        if text in ("$", ""):
            return cls("$", ())
        steps: list = []
        position = 0
        expect_name = True
        while position < len(text):
            match = _TOKEN.match(text, position)
            if not match or (match.group(3) and expect_name):
                raise PathSyntaxError(f"invalid path {text!r} at character {position + 1}")
            name, index, dot = match.groups()
            if name is not None:
                if not expect_name:
                    raise PathSyntaxError(f"invalid path {text!r}: missing '.' before {name!r}")
                steps.append(name)
                expect_name = False
            elif index is not None:
                if expect_name and steps:
                    raise PathSyntaxError(f"invalid path {text!r}: '[' after '.'")
                steps.append(WILDCARD if index == WILDCARD else int(index))
                expect_name = False
            else:
                expect_name = True
            position = match.end()
        if expect_name:
            raise PathSyntaxError(f"invalid path {text!r}: ends with '.'")
        return cls(text, tuple(steps))

    def select(self, data: Any, base: JsonPath = ()) -> list[tuple[JsonPath, Any]]:
        """Every (absolute path, value) this path reaches under ``data``, in document order; [] if absent."""
        if WILDCARD in self.steps:
            found: list[tuple[JsonPath, Any]] = []
            _collect(data, self.steps, base, found)
            return found
        for step in self.steps:  # one value at most: follow the steps
            if isinstance(step, int):
                if not isinstance(data, list) or step >= len(data):
                    return []
            elif not isinstance(data, dict) or step not in data:
                return []
            data = data[step]
        return [(base + self.steps, data)]

    def first_missing(self, data: Any, base: JsonPath = ()) -> JsonPath:
        """The longest prefix of this path that exists, plus the first step that does not."""
        current: JsonPath = base
        for step in self.steps:
            if step == WILDCARD:
                return current
            if isinstance(step, int):
                if not isinstance(data, list) or step >= len(data):
                    return current + (step,)
            elif not isinstance(data, dict) or step not in data:
                return current + (step,)
            data = data[step]
            current = current + (step,)
        return current


def _collect(data: Any, steps: tuple, here: JsonPath, found: list[tuple[JsonPath, Any]]) -> None:
    if not steps:
        found.append((here, data))
        return
    step, rest = steps[0], steps[1:]
    if step == WILDCARD:
        if isinstance(data, list):
            for index, item in enumerate(data):
                _collect(item, rest, here + (index,), found)
        elif isinstance(data, dict):
            for key, item in data.items():
                _collect(item, rest, here + (key,), found)
    elif isinstance(step, int):
        if isinstance(data, list) and step < len(data):
            _collect(data[step], rest, here + (step,), found)
    elif isinstance(data, dict) and step in data:
        _collect(data[step], rest, here + (step,), found)


def display(path: JsonPath) -> str:
    """``('release', 'rollback', 0)`` → ``release.rollback[0]``; the root is ``$``."""
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else str(step))
    return text or "$"


def pointer(path: JsonPath) -> str:
    """RFC 6901 JSON pointer for a path: ``/release/rollback/0``."""
    return "".join("/" + str(step).replace("~", "~0").replace("/", "~1") for step in path)
