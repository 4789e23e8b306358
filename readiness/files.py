"""Reading the files readiness is given or cited: bytes within a size limit, UTF-8 text with
errors that say where, JSON from untrusted text, and numbers. One copy of each, without PyYAML,
so that reading a saved JSON report (``readiness report``) does not load the YAML machinery
(:mod:`readiness.loader`, which builds on this module).
"""

from __future__ import annotations

import json
import math
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from .errors import InputError


@dataclass(frozen=True)
class Limits:
    """Guards against hostile or runaway input. All are configurable; see docs/limits.md."""

    max_bytes: int = 10 * 1024 * 1024
    max_depth: int = 64
    max_nodes: int = 200_000
    max_alias_nodes: int = 10_000
    max_evidence_bytes: int = 10 * 1024 * 1024


def read_text(path: Path, display: str, limits: Limits) -> str:
    """Read a UTF-8 file within the size limit, with errors that say where and why."""
    try:
        mode = os.stat(path).st_mode
        if stat.S_ISDIR(mode):
            raise InputError("is a directory, expected a YAML file", display)
        if not stat.S_ISREG(mode):  # a FIFO or a device: reading could block or never end
            raise InputError("not a regular file, expected a YAML file", display)
        with path.open("rb") as stream:
            raw = read_at_most(stream, limits.max_bytes + 1)
    except FileNotFoundError:
        raise InputError("no such file", display) from None
    except PermissionError:
        raise InputError("permission denied", display) from None
    except OSError as error:
        raise InputError(f"cannot read file: {error.strerror or error}", display) from None
    if len(raw) > limits.max_bytes:
        raise InputError(f"file is larger than the limit of {limits.max_bytes:,} bytes", display)
    return decode(raw, display)


def read_at_most(stream: BinaryIO, limit: int) -> bytes:
    """``stream.read(limit)``, without first allocating ``limit`` bytes for a small file (a read with
    a 50 MiB limit costs 44 µs, one sized to the file 8 µs): the size the file has, one byte more to
    see whether it grew, then the rest up to the limit only if it did (or it is not a regular file)."""
    expected = os.fstat(stream.fileno()).st_size
    content = stream.read(min(limit, expected + 1))
    if expected < len(content) < limit:
        content += stream.read(limit - len(content))
    return content


def load_json(text: str) -> Any:
    """``json.loads`` for untrusted text: nesting deeper than Python's stack, integers longer than
    Python converts and a key written twice in one object raise :class:`json.JSONDecodeError`, like
    any other malformed JSON. (JSON readers disagree on which of two equal keys wins, so evidence
    that says ``"status": "open"`` and ``"status": "fixed"`` says nothing.)"""
    try:
        return json.loads(text, object_pairs_hook=_unique_keys)
    except json.JSONDecodeError:
        raise
    except _DuplicateKey as duplicate:
        raise json.JSONDecodeError(f"the key {excerpt(duplicate.key)} appears twice in one object, so its value is ambiguous", text, _duplicate_at(text)) from None
    except RecursionError:
        raise json.JSONDecodeError("nested too deeply", text, 0) from None
    except ValueError:  # int() refuses more than 4,300 digits
        raise json.JSONDecodeError("a number has too many digits", text, 0) from None


class _DuplicateKey(ValueError):
    def __init__(self, key: str):
        super().__init__(key)
        self.key = key
        self.position: int | None = None  # where its object starts, once known


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return found


def _duplicate_at(text: str) -> int:
    """Where the object with the repeated key starts: the C parser does not say, so the text is read
    again (only on this error) by the standard library's Python scanner, which does."""
    from json.decoder import JSONObject
    from json.scanner import py_make_scanner

    def parse_object(state: tuple[str, int], *rest: Any) -> Any:
        try:
            return JSONObject(state, *rest)
        except _DuplicateKey as duplicate:
            if duplicate.position is None:  # the innermost object is the one
                duplicate.position = state[1] - 1
            raise

    decoder = json.JSONDecoder(object_pairs_hook=_unique_keys)
    decoder.parse_object = parse_object  # type: ignore[attr-defined]
    decoder.scan_once = py_make_scanner(decoder)
    try:
        decoder.decode(text)
    except _DuplicateKey as duplicate:
        return duplicate.position or 0
    except (ValueError, RecursionError):
        pass
    return 0


def decode(raw: bytes, display: str) -> str:
    encoding = _wide_encoding(raw[:4])
    if encoding:
        raise InputError(f"file is {encoding} encoded; save it as UTF-8", display, 1, 1)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        raise InputError(f"not valid UTF-8: byte 0x{raw[error.start]:02x} cannot start or continue a character", display, line, column) from None


def _wide_encoding(start: bytes) -> str | None:
    """UTF-16 or UTF-32, told by a byte order mark or by the NUL bytes around the first ASCII character (YAML 1.2, 5.2)."""
    if start.startswith((b"\x00\x00\xfe\xff", b"\xff\xfe\x00\x00")) or (len(start) == 4 and (start[:3] == b"\x00\x00\x00" or start[1:] == b"\x00\x00\x00")):
        return "UTF-32"
    if start.startswith((b"\xff\xfe", b"\xfe\xff")) or (len(start) >= 2 and (start[0] == 0) != (start[1] == 0)):
        return "UTF-16"
    return None


def describe(value: Any) -> str:
    """How a value reads in an error message: its JSON type and, if short, the value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"number {value}"
    if isinstance(value, str):
        return f"string {excerpt(value)}"
    if isinstance(value, list):
        return f"a list of {len(value)}"
    return "a mapping"


def excerpt(text: str, limit: int = 40) -> str:
    """``text`` quoted for a one-line message, cut to about ``limit`` characters."""
    return repr(text if len(text) <= limit else text[: limit - 3] + "...")


def number(value: Any) -> float | None:
    """``value`` as a float when it is a finite number read from a file (JSON or YAML data); None for
    anything else: a boolean, a string, NaN, an infinity, an integer beyond a double's range."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not finite(value):
        return None
    return float(value)


def decimal(text: str) -> float | None:
    """A number written in text (``30`` in ``30d``), as a float; None when it is beyond a double's range."""
    value = float(text)
    return value if math.isfinite(value) else None


def finite(number: int | float) -> bool:
    """Within the range of a double: numbers flow into float arithmetic and into JSON."""
    try:
        return math.isfinite(number)
    except OverflowError:  # an int too large to convert
        return False
