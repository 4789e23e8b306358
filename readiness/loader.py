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
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import InputError
from .files import Limits, describe, excerpt, finite, read_text

try:
    from yaml import CSafeLoader as _EventLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _EventLoader  # type: ignore[assignment]

JsonPath = tuple  # a path into the data: keys (str) and indices (int)

_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_MERGE = "tag:yaml.org,2002:merge"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_INT = "tag:yaml.org,2002:int"
_CONSTRUCTED = {_INT, "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null"}
_DECIMAL = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")  # the common integer: skip PyYAML's slow path
_MAX_DECIMAL_DIGITS = 320  # more than any finite double has (and int() refuses over 4,300)
# Characters outside YAML's printable set (a double-quoted escape such as "\e" produces them)
# and the bidirectional overrides: in a report they could drive a terminal or disguise text.
# Spelled as the excluded ranges (the complement of YAML's printable set): the same set, but
# four times faster to search and to compile than the negated class.
_NOT_PRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff\u202a-\u202e\u2066-\u2069]")
_RESOLVER = yaml.resolver.Resolver()
_PLAIN_MANIFEST = "manifests hold plain data (strings, numbers, booleans, null, lists, mappings)"
_PLAIN_SOURCE = (
    "readiness reads plain data only (strings, numbers, booleans, null, lists, mappings); a tag such as"
    " CloudFormation's !Ref is resolved by the tool that owns the file, so cite the rendered file instead"
)
_CONSTRUCTOR = yaml.constructor.SafeConstructor()


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
        return _plain_document(text, _Builder(display, limits), 2 if shallow else limits.max_depth)
    except (_NotPlain, InputError):
        pass  # the full reading decides, and writes any message
    return _full_reading(text, display, limits)


def _full_reading(text: str, display: str, limits: Limits) -> Document:
    builder = _parse(text, _Builder(display, limits))
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
    return _parse(text, _Builder(display, limits, many=True)).finished


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


def _parse(text: str, builder: "_Builder") -> "_Builder":
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


def _plain_document(text: str, builder: "_Builder", position_depth: int) -> Document:
    """The document the full reading makes of a file of plain values (one document, a mapping at the
    top, untagged scalars; no anchors, aliases or merge keys), in half its time, with the positions of
    keys and items up to ``position_depth`` levels deep. It raises :class:`_NotPlain` at anything else
    and at any problem, which the full reading then reports: the rules of what is allowed and every
    message stay in :class:`_Builder`."""
    try:
        loader = _EventLoader(text)
    except UnicodeEncodeError:
        raise _NotPlain from None
    try:
        get = loader.get_event
        if not (isinstance(get(), yaml.StreamStartEvent) and isinstance(get(), yaml.DocumentStartEvent)):
            raise _NotPlain
        construct, positions, max_depth, max_nodes = builder.construct, builder.positions, builder.limits.max_depth, builder.limits.max_nodes
        implicit_tags = _IMPLICIT_TAGS  # filled by construct(): short values recur (true, page, 0.05)
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
                    if value in container or (value == "<<" and event.implicit[0]) or _NOT_PRINTABLE.search(value):
                        raise _NotPlain
                    key = value
                    if len(parents) <= position_depth:
                        mark = event.start_mark
                        positions[path + (key,)] = (mark.line + 1, mark.column + 1)
                    continue
                if implicit_tags.get((value, event.implicit)) == _STR:  # most values: a plain string
                    if _NOT_PRINTABLE.search(value):
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


def _implicit_tag(value: str, implicit: tuple[bool, bool]) -> str:
    """PyYAML's resolution of an untagged scalar, remembered for short values (they recur: true,
    page, 0.05): a dictionary look-up instead of a scan of the resolver's patterns."""
    if len(value) > 40:
        return _RESOLVER.resolve(yaml.ScalarNode, value, implicit)
    key = (value, implicit)
    tag = _IMPLICIT_TAGS.get(key)
    if tag is None:
        if len(_IMPLICIT_TAGS) >= 20_000:
            _IMPLICIT_TAGS.clear()
        tag = _IMPLICIT_TAGS[key] = _RESOLVER.resolve(yaml.ScalarNode, value, implicit)
    return tag


_IMPLICIT_TAGS: dict[tuple[str, tuple[bool, bool]], str] = {}


def _short(tag: str) -> str:
    return "!!" + tag[len("tag:yaml.org,2002:"):] if tag.startswith("tag:yaml.org,2002:") else tag


def _line_column(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


@dataclass
class _Frame:
    value: dict | list
    path: JsonPath
    anchor: str | None
    size: int = 1
    key: str | None = None
    key_is_merge: bool = False
    merges: list[tuple[dict, tuple[int, int]]] = field(default_factory=list)


class _Builder:
    """Turns parser events into data, positions and limit checks."""

    def __init__(self, display: str, limits: Limits, many: bool = False):
        self.display = display
        self.limits = limits
        self.many = many
        self.finished: list[Document] = []
        self.plain_data = _PLAIN_SOURCE if many else _PLAIN_MANIFEST
        self.stack: list[_Frame] = []
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.positions: dict[JsonPath, tuple[int, int]] = {}
        self.root: Any = None
        self.documents = 0
        self.nodes = 0
        self.alias_nodes = 0

    def fail(self, message: str, mark: Any) -> None:
        raise InputError(message, self.display, mark.line + 1, mark.column + 1)

    def feed(self, event: yaml.Event) -> None:
        if isinstance(event, yaml.ScalarEvent):
            self.scalar(event)
        elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            self.start(event)
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            self.end()
        elif isinstance(event, yaml.AliasEvent):
            self.alias(event)
        elif isinstance(event, yaml.DocumentStartEvent):
            self.documents += 1
            if self.many:
                self.root, self.positions, self.anchors = None, {}, {}
            elif self.documents > 1:
                self.fail("a second YAML document starts here; a manifest holds exactly one document", event.start_mark)
        elif isinstance(event, yaml.DocumentEndEvent) and self.many and self.root is not None:
            self.finished.append(Document(self.display, self.root, self.positions))

    def child_path(self, mark: Any) -> JsonPath:
        """Path of the value about to be attached; records its position."""
        if not self.stack:
            self.positions[()] = (mark.line + 1, mark.column + 1)
            return ()
        top = self.stack[-1]
        if isinstance(top.value, list):
            path = top.path + (len(top.value),)
            self.positions[path] = (mark.line + 1, mark.column + 1)
            return path
        return top.path + (top.key,)

    def awaiting_key(self) -> bool:
        return bool(self.stack) and isinstance(self.stack[-1].value, dict) and self.stack[-1].key is None

    def count(self, size: int, mark: Any) -> None:
        self.nodes += size
        if self.nodes > self.limits.max_nodes:
            self.fail(f"more than {self.limits.max_nodes:,} values in one file (aliases counted as expanded)", mark)

    def scalar(self, event: yaml.ScalarEvent) -> None:
        self.count(1, event.start_mark)
        top = self.stack[-1] if self.stack else None
        if top is not None and top.key is None and isinstance(top.value, dict):  # awaiting_key(), inlined
            self.key(event)
            return
        value = self.construct(event)
        if top is None or isinstance(top.value, list):  # a mapping value's position was recorded with its key
            self.child_path(event.start_mark)
        if event.anchor:
            self.anchors[event.anchor] = (value, 1)
        self.attach(value, 1, event.start_mark)

    def key(self, event: yaml.ScalarEvent) -> None:
        top = self.stack[-1]
        if event.tag not in (None, "!", _STR) and not event.tag.startswith("tag:yaml.org,2002:"):
            self.fail(f"unsupported tag {_short(event.tag)} on a key", event.start_mark)
        self.check_printable(event)
        is_merge = event.implicit[0] and event.value == "<<"
        if not is_merge and event.value in top.value:
            line, column = self.positions[top.path + (event.value,)]
            self.fail(f"duplicate key {excerpt(event.value)} (first defined at line {line}, column {column})", event.start_mark)
        top.key = event.value
        top.key_is_merge = is_merge
        if not is_merge:
            self.positions[top.path + (event.value,)] = (event.start_mark.line + 1, event.start_mark.column + 1)

    def construct(self, event: yaml.ScalarEvent) -> Any:
        tag = event.tag
        if tag is None or tag == "!":
            tag = _implicit_tag(event.value, event.implicit)
        if tag in (_STR, _TIMESTAMP):
            self.check_printable(event)
            return event.value
        if tag == _INT and _DECIMAL.fullmatch(event.value):
            if len(event.value) > _MAX_DECIMAL_DIGITS:
                self.fail(f"expected a finite number, found {excerpt(event.value)}", event.start_mark)
            value = int(event.value)
        elif tag not in _CONSTRUCTED:
            self.fail(f"unsupported tag {_short(tag)}: {self.plain_data}", event.start_mark)
        else:
            value = self.construct_tagged(tag, event)
        if isinstance(value, (int, float)) and not finite(value):
            self.fail(f"expected a finite number, found {excerpt(event.value)}", event.start_mark)
        return value

    def construct_tagged(self, tag: str, event: yaml.ScalarEvent) -> Any:
        node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark)
        try:
            return _CONSTRUCTOR.construct_object(node)
        except (ValueError, LookupError, yaml.constructor.ConstructorError):  # "!!bool maybe", "!!int _"
            self.fail(f"{excerpt(event.value)} is not a valid value for tag {_short(tag)}", event.start_mark)

    def check_printable(self, event: yaml.ScalarEvent) -> None:
        unprintable = _NOT_PRINTABLE.search(event.value)
        if unprintable:
            self.fail(f"control character U+{ord(unprintable.group()):04X} is not allowed in a value", event.start_mark)

    def start(self, event: yaml.MappingStartEvent | yaml.SequenceStartEvent) -> None:
        mapping = isinstance(event, yaml.MappingStartEvent)
        if self.awaiting_key():
            self.fail("a mapping or list used as a key; keys must be plain strings", event.start_mark)
        if event.tag not in (None, "!", _MAP if mapping else _SEQ):
            self.fail(f"unsupported tag {_short(event.tag)}: {self.plain_data if self.many else 'manifests hold plain data'}", event.start_mark)
        if len(self.stack) >= self.limits.max_depth:
            self.fail(f"nesting deeper than the limit of {self.limits.max_depth} levels", event.start_mark)
        self.count(1, event.start_mark)
        path = self.child_path(event.start_mark)
        self.stack.append(_Frame({} if mapping else [], path, event.anchor))

    def end(self) -> None:
        frame = self.stack.pop()
        if isinstance(frame.value, dict):
            for source, position in frame.merges:
                for key, value in source.items():
                    if key not in frame.value:
                        frame.value[key] = value
                        self.positions.setdefault(frame.path + (key,), position)
        if frame.anchor:
            self.anchors[frame.anchor] = (frame.value, frame.size)
        self.attach(frame.value, frame.size, None)

    def alias(self, event: yaml.AliasEvent) -> None:
        if self.awaiting_key():
            self.fail("an alias used as a key; keys must be plain strings", event.start_mark)
        if event.anchor not in self.anchors:
            self.fail(f"alias *{event.anchor} refers to an anchor that is not defined before it", event.start_mark)
        value, size = self.anchors[event.anchor]
        self.alias_nodes += size
        if self.alias_nodes > self.limits.max_alias_nodes:
            self.fail(f"aliases expand to more than {self.limits.max_alias_nodes:,} values (limit)", event.start_mark)
        self.count(size, event.start_mark)
        self.child_path(event.start_mark)
        self.attach(value, size, event.start_mark)

    def attach(self, value: Any, size: int, mark: Any) -> None:
        if not self.stack:
            self.root = value
            return
        top = self.stack[-1]
        top.size += size
        if isinstance(top.value, list):
            top.value.append(value)
            return
        if top.key_is_merge:
            sources = value if isinstance(value, list) else [value]
            if not all(isinstance(source, dict) for source in sources):
                line, column = (mark.line + 1, mark.column + 1) if mark is not None else self.positions.get(top.path, (1, 1))
                raise InputError("a merge key '<<' takes a mapping or a list of mappings", self.display, line, column)
            position = self.positions.get(top.path, (1, 1)) if mark is None else (mark.line + 1, mark.column + 1)
            top.merges.extend((source, position) for source in sources)
        else:
            top.value[top.key] = value
        top.key = None
        top.key_is_merge = False
