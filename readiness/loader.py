"""Safe YAML loading that remembers where every value came from.

PyYAML's own loaders forget source positions, silently keep the last of two duplicate keys
and expand aliases without bound. This module builds plain Python data (dict, list, str,
int, float, bool, None) straight from the parser's event stream instead, so that it can:

- record the 1-based line and column of every mapping key and sequence item;
- reject duplicate keys, several documents, unknown or Python tags, non-finite numbers;
- stop at limits on file size, nesting depth and node count (aliases counted as expanded),
  so that a "billion laughs" file fails at once instead of eating memory.

Dates stay strings (``2026-11-02``): the data is JSON-shaped, so the JSON Schema and the
JSON report see exactly what the file says.

A file of plain values (most manifests) takes a fast path that builds the same data in half the
time; anything else, and every problem, goes to the full reading in :mod:`readiness.yaml_builder`,
which alone decides what is allowed and writes the messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import InputError
from .files import Limits, describe, read_text
from .yaml_builder import IMPLICIT_TAGS, NOT_PRINTABLE, STR_TAG, Builder

try:
    from yaml import CSafeLoader as _EventLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _EventLoader  # type: ignore[assignment]

JsonPath = tuple  # a path into the data: keys (str) and indices (int)


@dataclass
class Document:
    """One loaded YAML file: its data and the source position of every value."""

    path: str
    data: Any
    positions: dict[JsonPath, tuple[int, int]] = field(default_factory=dict)

    def locate(self, path: JsonPath) -> tuple[int, int]:
        """Line and column of ``path``, or of its nearest ancestor that exists in the file."""
        while path:
            position = self.positions.get(path)
            if position is not None:
                return position
            path = path[:-1]
        return self.positions.get((), (1, 1))

    def origin(self, path: JsonPath) -> tuple[str, str, int, int] | None:
        """(file, JSON pointer, line, column) of a value read from another file; None for this file's own values."""
        return None


def display_path(path: Path) -> str:
    """The path as a report shows it: relative to the working folder when inside it, with /."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def load_file(path: Path, display: str | None = None, limits: Limits = Limits(), shallow: bool = False) -> Document:
    display = display if display is not None else str(path)
    return load_text(read_text(path, display, limits), display, limits, shallow)


def load_text(text: str, display: str = "<string>", limits: Limits = Limits(), shallow: bool = False) -> Document:
    """Parse one YAML document whose root must be a mapping.

    ``shallow``: positions of the top two levels only (a rule pack's rules), for a file whose deeper
    positions matter only to an error message: read it again without ``shallow`` to report one."""
    try:
        return _plain_document(text, Builder(display, limits), 2 if shallow else limits.max_depth)
    except (_NotPlain, InputError):
        pass  # the full reading decides, and writes any message
    return _full_reading(text, display, limits)


def _full_reading(text: str, display: str, limits: Limits) -> Document:
    builder = _parse(text, Builder(display, limits))
    if builder.root is None:
        raise InputError("empty file: expected a mapping of manifest sections", display, 1, 1)
    if not isinstance(builder.root, dict):
        raise InputError(f"expected a mapping of sections at the top level, found {describe(builder.root)}", display, 1, 1)
    return Document(display, builder.root, builder.positions)


def load_documents(text: str, display: str = "<string>", limits: Limits = Limits()) -> list[Document]:
    """Parse every document of a multi-document YAML file (``---`` between them); empty ones are left out.

    For files other tools own (Kubernetes manifests, gateway configs): roots may be of any type,
    and the limits count the whole file.
    """
    return [Document(display, root, positions) for root, positions in _parse(text, Builder(display, limits, many=True)).finished]


def _is_tab_indent(text: str, mark: Any) -> bool:
    """PyYAML says "found character '\\t' that cannot start any token" for a tab among a line's leading
    whitespace; that is what the user needs to hear."""
    if mark is None:
        return False
    lines = text.splitlines()
    if mark.line >= len(lines):
        return False
    leading = lines[mark.line][: mark.column + 1]
    return "\t" in leading and not leading.strip(" \t")


def _parse(text: str, builder: "Builder") -> "Builder":
    display = builder.display
    try:
        loader = _EventLoader(text)
    except UnicodeEncodeError as error:  # a lone surrogate: only possible in text that did not come from a file
        line, column = _line_column(text, error.start)
        raise InputError(f"invalid YAML: character U+{ord(text[error.start]):04X} is not allowed", display, line, column) from None
    try:
        feed, check_event, get_event = builder.feed, loader.check_event, loader.get_event
        while check_event():
            feed(get_event())
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = error.problem or error.context or "invalid YAML"
        context = f" ({error.context})" if error.context and error.problem else ""
        if _is_tab_indent(text, mark):
            problem, context = "a tab is used for indentation; YAML allows only spaces there", ""
        raise InputError(f"invalid YAML: {problem}{context}", display, mark.line + 1, mark.column + 1) from None
    except yaml.reader.ReaderError as error:
        line, column = _line_column(text, error.position)
        character = error.character if isinstance(error.character, int) else ord(error.character)
        raise InputError(f"invalid YAML: control character U+{character:04X} is not allowed", display, line, column) from None
    except yaml.YAMLError as error:
        raise InputError(f"invalid YAML: {error}", display) from None
    finally:
        loader.dispose()
    return builder


class _NotPlain(Exception):
    """Something :func:`_plain_document` leaves to the full reading."""


_NO_KEY = object()  # a mapping awaiting its next key


def _plain_document(text: str, builder: "Builder", position_depth: int) -> Document:
    """The document the full reading makes of a file of plain values (one document, a mapping at the
    top, untagged scalars; no anchors, aliases or merge keys), in half its time, with the positions of
    keys and items up to ``position_depth`` levels deep. It raises :class:`_NotPlain` at anything else
    and at any problem, which the full reading then reports: the rules of what is allowed and every
    message stay in :class:`Builder`."""
    try:
        loader = _EventLoader(text)
    except UnicodeEncodeError:
        raise _NotPlain from None
    try:
        get = loader.get_event
        if not (isinstance(get(), yaml.StreamStartEvent) and isinstance(get(), yaml.DocumentStartEvent)):
            raise _NotPlain
        construct, positions, max_depth, max_nodes = builder.construct, builder.positions, builder.limits.max_depth, builder.limits.max_nodes
        implicit_tags = IMPLICIT_TAGS  # filled by construct(): short values recur (true, page, 0.05)
        scalar_event, mapping_start, sequence_start = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
        mapping_end, sequence_end = yaml.MappingEndEvent, yaml.SequenceEndEvent
        # Of each open mapping or list: its parent, its key there and its own path.
        parents: list[Any] = []
        parent_keys: list[Any] = []
        parent_paths: list[JsonPath] = []
        container: Any = None
        key: Any = _NO_KEY
        path: JsonPath = ()
        root: Any = None
        nodes = 0
        while True:
            event = get()
            kind = event.__class__
            if kind is scalar_event:
                nodes += 1
                if event.tag is not None or event.anchor is not None or container is None or nodes > max_nodes:
                    raise _NotPlain  # (the last: the full reading stops at the limit and says so)
                value = event.value
                if key is _NO_KEY and container.__class__ is dict:
                    if value in container or (value == "<<" and event.implicit[0]) or NOT_PRINTABLE.search(value):
                        raise _NotPlain
                    key = value
                    if len(parents) <= position_depth:
                        mark = event.start_mark
                        positions[path + (key,)] = (mark.line + 1, mark.column + 1)
                    continue
                if implicit_tags.get((value, event.implicit)) == STR_TAG:  # most values: a plain string
                    if NOT_PRINTABLE.search(value):
                        raise _NotPlain
                else:
                    value = construct(event)
            elif kind is mapping_start or kind is sequence_start:
                nodes += 1
                if event.tag is not None or event.anchor is not None or len(parents) >= max_depth or nodes > max_nodes or key is _NO_KEY and container.__class__ is dict:
                    raise _NotPlain  # (the last: a mapping or list used as a key)
                value = {} if kind is mapping_start else []
                if container is None:
                    root = value
                    mark = event.start_mark
                    positions[()] = (mark.line + 1, mark.column + 1)
                    child_path: JsonPath = ()
                elif container.__class__ is list:
                    child_path = path + (len(container),)
                    if len(parents) <= position_depth:
                        mark = event.start_mark
                        positions[child_path] = (mark.line + 1, mark.column + 1)
                    container.append(value)
                else:
                    child_path = path + (key,)
                    container[key] = value
                parents.append(container)
                parent_keys.append(key)
                parent_paths.append(path)
                container, key, path = value, _NO_KEY, child_path
                continue
            elif kind is mapping_end or kind is sequence_end:
                container, key, path = parents.pop(), parent_keys.pop(), parent_paths.pop()
                if container is None:
                    break
                if container.__class__ is dict:
                    key = _NO_KEY
                continue
            else:  # an alias, or the end of the stream where a value was expected
                raise _NotPlain
            if container.__class__ is list:
                if len(parents) <= position_depth:
                    mark = event.start_mark
                    positions[path + (len(container),)] = (mark.line + 1, mark.column + 1)
                container.append(value)
            else:
                container[key] = value
                key = _NO_KEY
        if root.__class__ is not dict:
            raise _NotPlain
        if not (isinstance(get(), yaml.DocumentEndEvent) and isinstance(get(), yaml.StreamEndEvent)):
            raise _NotPlain
    except yaml.YAMLError:
        raise _NotPlain from None
    finally:
        loader.dispose()
    return Document(builder.display, root, positions)


def _line_column(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1
