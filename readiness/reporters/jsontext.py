"""JSON text as ``json.dumps(value, indent=2, ensure_ascii=False)`` writes it, fast.

With ``indent`` set, the standard library leaves its C encoder for a pure-Python generator
chain: 3 s of the 70 MB JSON report of 1,000 manifests. :func:`write_json` writes the same
bytes by appending to one list with the C string encoder for every string, handing the text to
``write`` in pieces of about :data:`CHUNK` parts as it goes; a :class:`Stream` is an array whose
items are made only when they are written, and handed to ``write`` one by one, so the JSON and
SARIF reports of a fleet are written manifest by manifest and never held whole in memory. For a
value held whole (a small report, or one item of a :class:`Stream`), orjson (a dependency) writes
the same bytes in a twentieth of that time, so that with the check of types that must come first
it takes about half the time. The Python writer remains for what orjson writes differently or
refuses: a float Python writes with a two-digit exponent (``1e-05``), an integer beyond 64 bits,
a lone surrogate, a subclass of a JSON type, the frame around a :class:`Stream`, or when orjson
is not installed. Non-finite numbers are refused (the standard library would write ``NaN``,
orjson ``null``; neither is the number).
"""

from __future__ import annotations

import json
import math
from json.encoder import encode_basestring
from typing import Any, Callable, Iterable

CHUNK = 20_000  # parts joined and written at once
_PLAIN = frozenset({str, int, bool, type(None)})


class Stream:
    """A JSON array of items made one at a time as they are written (a generator, say)."""

    __slots__ = ("items",)

    def __init__(self, items: Iterable[Any]):
        self.items = items


def json_text(value: Any) -> str:
    """``value`` (dicts with string keys, lists, tuples, :class:`Stream`, str, int, float, bool, None) as indented JSON, with a final newline."""
    fast = orjson_text(value)
    return python_text(value) if fast is None else fast


def orjson_text(value: Any) -> str | None:
    """orjson's indented JSON when it is byte for byte the standard library's; else None."""
    try:
        import orjson
    except ImportError:  # an installation without it: the same text, slower
        return None
    if not _plain_and_finite(value):
        return None
    try:
        data = orjson.dumps(value, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)
    except orjson.JSONEncodeError:  # an integer beyond 64 bits, a lone surrogate, a key that is not a string
        return None
    return None if _unlike_python(data) else data.decode("utf-8")


def _unlike_python(data: bytes) -> bool:
    """Does orjson's output hold a number that Python may write otherwise (``0.00001`` for ``1e-05``,
    ``1e-7`` for ``1e-07``)? Such text inside a string counts too: that text is only written the
    slower way. Searched with ``bytes.find``: a regular expression takes seconds on a large report."""
    if b"0.0000" in data:
        return True
    at = data.find(b"e-")
    while at != -1:
        if data[at - 1 : at].isdigit() and data[at + 2 : at + 3].isdigit():
            return True
        at = data.find(b"e-", at + 2)
    return False


def _plain_and_finite(value: Any) -> bool:
    """Only dicts, lists, tuples, str, int, bool, None and finite floats, none of them a subclass
    (orjson writes an Enum, a dataclass or a datetime that the standard library refuses)."""
    stack = [value]
    pop, extend = stack.pop, stack.extend
    while stack:
        item = pop()
        kind = item.__class__
        if kind is str:  # most of a report
            continue
        if kind is dict:
            extend(item.values())
        elif kind is list or kind is tuple:
            extend(item)
        elif kind is float:
            if not math.isfinite(item):
                return False
        elif kind not in _PLAIN:
            return False
    return True


def python_text(value: Any) -> str:
    """:func:`json_text` in Python: the standard library's bytes, without orjson (but for the items
    of a :class:`Stream`, each written by :func:`json_text`)."""
    chunks: list[str] = []  # the parts joined every so often: a long report keeps no millions of small strings
    write_json(value, chunks.append)
    return "".join(chunks)


def write_json(value: Any, write: Callable[[str], Any]) -> None:
    """:func:`json_text` of ``value`` handed to ``write`` piece by piece."""
    parts: list[str] = []
    append = parts.append

    def flush() -> None:
        write("".join(parts))
        parts.clear()

    def encode(value: Any, indent: str) -> None:
        kind = value.__class__
        if kind is str:
            append(encode_basestring(value))
        elif kind is dict:
            if not value:
                append("{}")
                return
            inner = indent + "  "
            separator = "{" + inner
            for key, item in value.items():
                if key.__class__ is not str:
                    raise TypeError(f"JSON object keys must be strings, found {key!r}")
                append(separator)
                append(encode_basestring(key))
                append(": ")
                encode(item, inner)
                separator = "," + inner
            append(indent + "}")
        elif kind is list or kind is tuple:
            if not value:
                append("[]")
                return
            inner = indent + "  "
            separator = "[" + inner
            for item in value:
                append(separator)
                encode(item, inner)
                separator = "," + inner
                if len(parts) > CHUNK:
                    flush()
            append(indent + "]")
        elif kind is Stream:  # each item held whole (a manifest's report): written as json_text writes it
            inner = indent + "  "
            separator = "[" + inner
            for item in value.items:
                append(separator)
                append(json_text(item)[:-1].replace("\n", inner))  # JSON strings hold no raw newline
                separator = "," + inner
                flush()
            append("[]" if separator[0] == "[" else indent + "]")
        elif value is None:
            append("null")
        elif value is True:
            append("true")
        elif value is False:
            append("false")
        elif kind is int:
            append(int.__repr__(value))
        elif kind is float:
            if not math.isfinite(value):
                raise ValueError(f"{value!r} is not a JSON number")
            append(float.__repr__(value))
        else:  # a subclass of a JSON type, or not JSON at all: the standard library decides
            append(json.dumps(value, indent=2, ensure_ascii=False, allow_nan=False).replace("\n", indent))

    encode(value, "\n")
    append("\n")
    flush()
