"""JSON Schema validation with messages a person can act on.

The schemas ship in ``readiness/schemas/``. Validators are built once per process. A valid
value is recognised by a compiled predicate (:mod:`readiness.fastcheck`) without jsonschema;
anything else goes to jsonschema, which writes the messages. Every
error names the file, line and column, the path, what was expected and what was found;
an unknown key gets a "did you mean" hint, so that ``rollbak:`` is a typo caught here and
not a missing section silently reported by the rules.
"""

from __future__ import annotations

import difflib
import json
import re
from functools import cache
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable

from .errors import InputError
from .fastcheck import Check, Unsupported, compile_schema
from .files import describe, excerpt
from .paths import display

if TYPE_CHECKING:
    from .loader import Document

MANIFEST = "manifest"
RULE_PACK = "rule-pack"
REPORT = "report"
MAX_ERRORS = 50
SCHEMAS = Path(__file__).parent / "schemas"  # what importlib.resources finds, without its 3.5 ms import


@cache
def load_schema(name: str) -> dict:
    return json.loads(SCHEMAS.joinpath(f"{name}.schema.json").read_text("utf-8"))


ASSERTED_FORMATS = frozenset({"date"})


@cache
def validator(name: str) -> Any:
    from jsonschema import Draft202012Validator, FormatChecker

    return Draft202012Validator(load_schema(name), format_checker=FormatChecker(sorted(ASSERTED_FORMATS)))


@cache
def quick_check(name: str) -> Check | None:
    return compile_schema(load_schema(name), ASSERTED_FORMATS)


def surely_valid(check: Check | None, value: Any) -> bool:
    """True only when the compiled predicate says ``value`` is valid; False means ask jsonschema."""
    try:
        return check is not None and check(value)
    except Unsupported:
        return False


def validate(document: Document, name: str = MANIFEST) -> list[InputError]:
    """The schema errors in ``document`` (at most ``MAX_ERRORS``), in file order; empty when it is valid.

    Errors are produced lazily and the search stops at the cap, so a hostile file with a
    hundred thousand bad values costs no more than one with a handful.
    """
    if surely_valid(quick_check(name), document.data):
        return []
    explained = (error for raw in validator(name).iter_errors(document.data) for error in _explain(raw, document))
    errors = sorted(islice(explained, MAX_ERRORS + 1), key=lambda e: (e.line or 0, e.column or 0, e.message))
    if len(errors) > MAX_ERRORS:
        errors = errors[:MAX_ERRORS] + [InputError(f"more than {MAX_ERRORS} schema errors; fix these and run again", document.path)]
    return errors


def value_validator(schema: dict) -> Callable[[Any], list[str]]:
    """The messages of a value against a small inline schema (a function's options), from a predicate
    compiled once: a rule pack checks the options of hundreds of clauses against a few dozen schemas."""
    check = compile_schema(schema)

    def problems(value: Any) -> list[str]:
        if surely_valid(check, value):
            return []
        from jsonschema import Draft202012Validator

        return [f"{display(tuple(error.absolute_path)) + ': ' if error.absolute_path else ''}{error.message}" for error in Draft202012Validator(schema).iter_errors(value)]

    return problems


def _explain(error: Any, document: Document) -> Iterable[InputError]:
    path = tuple(error.absolute_path)
    where = display(path)
    line, column = document.locate(path)
    validator_name = error.validator
    if validator_name == "additionalProperties":
        allowed = list(error.schema.get("properties", {}))
        for key in error.instance:
            if key in allowed or any(re.search(p, key) for p in error.schema.get("patternProperties", {})):
                continue
            key_line, key_column = document.locate(path + (key,))
            place = f" in {where}" if path else " at the top level"
            yield InputError(f"unknown key {excerpt(key)}{place}; {_suggest(key, allowed)}", document.path, key_line, key_column)
        return
    if validator_name == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        if not path and missing == "readiness":
            message = "missing the format version: add 'readiness: 1' at the top of the file"
        else:
            message = f"{where} is missing the required key {missing!r}"
        yield InputError(message, document.path, line, column)
        return
    yield InputError(f"{where}: {_expected(error)}, found {describe(error.instance)}", document.path, line, column)


def _suggest(key: str, allowed: list[str]) -> str:
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    if close:
        return f"did you mean {close[0]!r}?"
    return "expected one of: " + ", ".join(allowed) if allowed else "no keys are allowed here"


_TYPE_NAMES = {"object": "a mapping", "array": "a list", "string": "a string", "integer": "an integer", "number": "a number", "boolean": "true or false", "null": "null"}


def _one_of(values: list, instance: Any) -> str:
    """``one of a, b, c`` with a "did you mean" for a near miss."""
    hint = ""
    if isinstance(instance, str):
        close = difflib.get_close_matches(instance, [str(v) for v in values], n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
    return "one of " + ", ".join(map(str, values)) + hint


def _alternatives(options: list, instance: Any) -> str:
    """The branches of an ``anyOf`` in words: ``one of a, b, or a list of them (each once)``."""
    words: list[str] = []
    for option in options:
        items = option.get("items", {})
        if "enum" in option:
            words.append(_one_of(option["enum"], instance))
        elif "enum" in items:
            named = "them" if any("enum" in other for other in options) else ", ".join(map(str, items["enum"]))
            words.append(f"a list of {named} (each once)")
        else:
            words.append(_TYPE_NAMES.get(option.get("type", ""), "a value"))
    return ", or ".join(words)


def _expected(error: Any) -> str:
    schema, kind = error.schema, error.validator
    if kind == "type":
        types = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        return "expected " + " or ".join(_TYPE_NAMES.get(t, t) for t in types)
    if kind == "enum":
        return "expected " + _one_of(error.validator_value, error.instance)
    if kind == "const":
        return f"expected {error.validator_value!r}"
    if kind == "format":
        return "expected a date YYYY-MM-DD" if error.validator_value == "date" else f"expected format {error.validator_value}"
    if kind == "pattern":
        hint = ""
        if isinstance(error.instance, str) and schema.get("examples"):  # an open vocabulary: suggest a known name
            close = difflib.get_close_matches(error.instance.lower().replace("-", "_").replace(" ", "_"), [str(v) for v in schema["examples"]], n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
        return "expected " + (schema.get("description") or f"text matching {error.validator_value!r}") + hint
    if kind in ("minimum", "exclusiveMinimum"):
        return f"expected a number {'≥' if kind == 'minimum' else '>'} {error.validator_value}"
    if kind in ("maximum", "exclusiveMaximum"):
        return f"expected a number {'≤' if kind == 'maximum' else '<'} {error.validator_value}"
    if kind == "minLength":
        return "expected a non-empty string"
    if kind == "minItems":
        return f"expected at least {error.validator_value} item(s)"
    if kind == "uniqueItems":
        return "expected no repeated items"
    if kind == "anyOf":
        return "expected " + _alternatives(error.validator_value, error.instance)
    if kind == "oneOf":
        return "expected a clause {function, field, options} or a list of them"
    return error.message
