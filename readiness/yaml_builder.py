"""Turning YAML parser events into plain data with positions: what a value may be, and the limits.

:class:`Builder` is the full reading that :mod:`readiness.loader` falls back to whenever its fast
path meets anything beyond plain values: it decides what is allowed (plain scalars and the YAML
core tags, finite numbers, printable text, unique keys, merge keys and aliases within the limits)
and writes every message about it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import yaml

from .errors import InputError
from .files import Limits, excerpt, finite

if TYPE_CHECKING:
    from .loader import JsonPath

STR_TAG = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_INT = "tag:yaml.org,2002:int"
_CONSTRUCTED = {_INT, "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null"}
_DECIMAL = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")  # the common integer: skip PyYAML's slow path
_MAX_DECIMAL_DIGITS = 320  # more than any finite double has (and int() refuses over 4,300)
# Characters outside YAML's printable set (a double-quoted escape such as "\e" produces them)
# and the bidirectional overrides: in a report they could drive a terminal or disguise text.
# Spelled as the excluded ranges (the complement of YAML's printable set): the same set, but
# four times faster to search and to compile than the negated class.
NOT_PRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff\u202a-\u202e\u2066-\u2069]")
_RESOLVER = yaml.resolver.Resolver()
_PLAIN_MANIFEST = "manifests hold plain data (strings, numbers, booleans, null, lists, mappings)"
_PLAIN_SOURCE = (
    "readiness reads plain data only (strings, numbers, booleans, null, lists, mappings); a tag such as"
    " CloudFormation's !Ref is resolved by the tool that owns the file, so cite the rendered file instead"
)
_CONSTRUCTOR = yaml.constructor.SafeConstructor()


def _implicit_tag(value: str, implicit: tuple[bool, bool]) -> str:
    """PyYAML's resolution of an untagged scalar, remembered for short values (they recur: true,
    page, 0.05): a dictionary look-up instead of a scan of the resolver's patterns."""
    if len(value) > 40:
        return _RESOLVER.resolve(yaml.ScalarNode, value, implicit)
    key = (value, implicit)
    tag = IMPLICIT_TAGS.get(key)
    if tag is None:
        if len(IMPLICIT_TAGS) >= 20_000:
            IMPLICIT_TAGS.clear()
        tag = IMPLICIT_TAGS[key] = _RESOLVER.resolve(yaml.ScalarNode, value, implicit)
    return tag


IMPLICIT_TAGS: dict[tuple[str, tuple[bool, bool]], str] = {}


def _short(tag: str) -> str:
    return "!!" + tag[len("tag:yaml.org,2002:"):] if tag.startswith("tag:yaml.org,2002:") else tag


@dataclass
class _Frame:
    value: dict | list
    path: JsonPath
    anchor: str | None
    size: int = 1
    key: str | None = None
    key_is_merge: bool = False
    merges: list[tuple[dict, tuple[int, int]]] = field(default_factory=list)


class Builder:
    """Turns parser events into data, positions and limit checks."""

    def __init__(self, display: str, limits: Limits, many: bool = False):
        self.display = display
        self.limits = limits
        self.many = many
        self.finished: list[tuple[Any, dict[JsonPath, tuple[int, int]]]] = []  # (root, positions) of each document
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
            self.finished.append((self.root, self.positions))

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
        if event.tag not in (None, "!", STR_TAG) and not event.tag.startswith("tag:yaml.org,2002:"):
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
        if tag in (STR_TAG, _TIMESTAMP):
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
        unprintable = NOT_PRINTABLE.search(event.value)
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
