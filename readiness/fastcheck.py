"""A fast yes to "is this value valid against that schema?", for the usual case of a valid file.

jsonschema is general and pays for it on every call (validator objects for every keyword and
node: about 2.5 ms for a 200-line manifest, and 40 ms to import). This module compiles a schema
once into plain predicates for the keywords readiness's schemas use, with jsonschema's own
Draft 2020-12 semantics (bool is not a number, 1.0 is an integer, ``pattern`` is ``re.search``,
``uniqueItems`` and ``enum`` use JSON equality, ``format`` asserted only where the validator
asserts it). A schema with any other keyword is not compiled (``None``); a value that is not JSON data makes
the predicate raise :class:`Unsupported`.

:mod:`readiness.schema` asks the predicate first: valid means done, without importing
jsonschema; invalid means jsonschema validates again and writes every message, so the messages
come from one place and cannot differ.
"""

from __future__ import annotations

import numbers
import re
from typing import Any, Callable

from .dates import parse_date

Check = Callable[[Any], bool]

ANNOTATIONS = {"$schema", "$id", "$comment", "$defs", "title", "description", "default", "examples", "deprecated", "readOnly", "writeOnly"}
OBJECT_KEYWORDS = {"properties", "patternProperties", "additionalProperties", "required"}


class Unsupported(Exception):
    """The schema uses a keyword or form this module does not compile."""


def compile_schema(schema: Any, formats: frozenset[str] = frozenset()) -> Check | None:
    """A predicate equal to jsonschema's ``is_valid`` for ``schema``, or None if it cannot make one.
    ``formats`` are the formats the validator asserts (its format checker's)."""
    try:
        return _compile(schema, formats)
    except Unsupported:
        return None


def _always(value: Any) -> bool:
    return True


def _never(value: Any) -> bool:
    return False


def _compile(schema: Any, formats: frozenset[str]) -> Check:
    if schema is True:
        return _always
    if schema is False:
        return _never
    if not isinstance(schema, dict):
        raise Unsupported(f"a schema must be a mapping or a boolean, found {schema!r}")
    unknown = set(schema) - ANNOTATIONS - OBJECT_KEYWORDS - set(_KEYWORDS)
    if unknown:
        raise Unsupported(f"keywords not compiled: {', '.join(sorted(unknown))}")
    checks = [_KEYWORDS[keyword](schema[keyword], formats) for keyword in schema if keyword in _KEYWORDS]
    if OBJECT_KEYWORDS & set(schema):
        checks.append(_object(schema, formats))
    return _all([check for check in checks if check is not _always])


def _all(checks: list[Check]) -> Check:
    if not checks:
        return _always
    if len(checks) == 1:
        return checks[0]

    def every(value: Any) -> bool:
        for check in checks:
            if not check(value):
                return False
        return True

    return every


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Number) and not isinstance(value, bool)


TYPES: dict[str, Check] = {
    "object": lambda value: isinstance(value, dict),
    "array": lambda value: isinstance(value, list),
    "string": lambda value: isinstance(value, str),
    "boolean": lambda value: isinstance(value, bool),
    "null": lambda value: value is None,
    "number": _is_number,
    "integer": lambda value: (isinstance(value, int) and not isinstance(value, bool)) or (isinstance(value, float) and value.is_integer()),
}


def _type(expected: Any, formats: frozenset[str]) -> Check:
    names = expected if isinstance(expected, list) else [expected]
    if any(name not in TYPES for name in names):
        raise Unsupported(f"type {expected!r}")
    if len(names) == 1:
        return TYPES[names[0]]
    tests = [TYPES[name] for name in names]
    return lambda value: any(test(value) for test in tests)


def _object(schema: dict, formats: frozenset[str]) -> Check:
    """properties, patternProperties, additionalProperties and required, which apply to mappings only."""
    properties = {key: _compile(sub, formats) for key, sub in schema.get("properties", {}).items()}
    patterns = [(re.compile(pattern), _compile(sub, formats)) for pattern, sub in schema.get("patternProperties", {}).items()]
    any_pattern = "|".join(schema.get("patternProperties", {}))  # as jsonschema finds additional properties
    additional = schema.get("additionalProperties", True)
    additional_check = None if additional is True else _compile(additional, formats)
    required = tuple(schema.get("required", ()))

    def check(value: Any) -> bool:
        if not isinstance(value, dict):
            return True
        for key in required:
            if key not in value:
                return False
        for key, item in value.items():
            known = properties.get(key)
            if known is not None:
                if not known(item):
                    return False
            elif additional_check is not None and not (any_pattern and re.search(any_pattern, key)) and not additional_check(item):
                return False
            for pattern, sub in patterns:
                if pattern.search(key) and not sub(item):
                    return False
        return True

    return check


def _items(items: Any, formats: frozenset[str]) -> Check:
    sub = _compile(items, formats)
    return lambda value: not isinstance(value, list) or all(sub(item) for item in value)


def json_key(value: Any) -> Any:
    """A hashable stand-in equal for equal JSON values: 1 == 1.0, but True != 1 (jsonschema's ``equal``)."""
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, numbers.Number):
        return ("number", value)
    if isinstance(value, str):
        return ("string", value)
    if value is None:
        return ("null",)
    if isinstance(value, list):
        return ("array", tuple(json_key(item) for item in value))
    if isinstance(value, dict):
        return ("object", frozenset((key, json_key(item)) for key, item in value.items()))
    raise TypeError(f"not a JSON value: {type(value).__name__}")


def _json_key_or_unsure(value: Any) -> Any:
    try:
        return json_key(value)
    except TypeError as error:  # not JSON data (a date from TOML, say): leave the verdict to jsonschema
        raise Unsupported(str(error)) from None


def _enum(allowed: Any, formats: frozenset[str]) -> Check:
    try:
        keys = {json_key(item) for item in allowed}
    except TypeError as error:
        raise Unsupported(str(error)) from None

    return lambda value: _json_key_or_unsure(value) in keys


def _unique(unique: Any, formats: frozenset[str]) -> Check:
    if not unique:
        return _always

    def check(value: Any) -> bool:
        if not isinstance(value, list):
            return True
        return len({_json_key_or_unsure(item) for item in value}) == len(value)

    return check


def _format(name: Any, formats: frozenset[str]) -> Check:
    if name not in formats:
        return _always  # an annotation only, as for jsonschema without a checker for it
    if name != "date":
        raise Unsupported(f"format {name!r}")

    def check(value: Any) -> bool:
        if not isinstance(value, str):
            return True
        return parse_date(value) is not None

    return check


def _pattern(pattern: Any, formats: frozenset[str]) -> Check:
    compiled = re.compile(pattern)
    return lambda value: not isinstance(value, str) or compiled.search(value) is not None


def _bound(test: Callable[[Any, Any], bool]) -> Callable[[Any, frozenset[str]], Check]:
    def build(limit: Any, formats: frozenset[str]) -> Check:
        return lambda value: not _is_number(value) or test(value, limit)

    return build


def _length(test: Callable[[int, Any], bool], kind: type) -> Callable[[Any, frozenset[str]], Check]:
    def build(limit: Any, formats: frozenset[str]) -> Check:
        return lambda value: not isinstance(value, kind) or test(len(value), limit)

    return build


def _combinator(count_ok: Callable[[int, int], bool]) -> Callable[[Any, frozenset[str]], Check]:
    def build(subschemas: Any, formats: frozenset[str]) -> Check:
        checks = [_compile(sub, formats) for sub in subschemas]
        return lambda value: count_ok(sum(1 for check in checks if check(value)), len(checks))

    return build


def _not(subschema: Any, formats: frozenset[str]) -> Check:
    sub = _compile(subschema, formats)
    return lambda value: not sub(value)


_KEYWORDS: dict[str, Callable[[Any, frozenset[str]], Check]] = {
    "type": _type,
    "enum": _enum,
    "const": lambda constant, formats: _enum([constant], formats),
    "items": _items,
    "uniqueItems": _unique,
    "format": _format,
    "pattern": _pattern,
    "minimum": _bound(lambda value, limit: value >= limit),
    "maximum": _bound(lambda value, limit: value <= limit),
    "exclusiveMinimum": _bound(lambda value, limit: value > limit),
    "exclusiveMaximum": _bound(lambda value, limit: value < limit),
    "minLength": _length(lambda length, limit: length >= limit, str),
    "maxLength": _length(lambda length, limit: length <= limit, str),
    "minItems": _length(lambda length, limit: length >= limit, list),
    "maxItems": _length(lambda length, limit: length <= limit, list),
    "oneOf": _combinator(lambda passed, total: passed == 1),
    "anyOf": _combinator(lambda passed, total: passed >= 1),
    "allOf": _combinator(lambda passed, total: passed == total),
    "not": _not,
}
