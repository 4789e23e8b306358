"""The check vocabulary: what a rule's ``then`` clause can ask of a value.

Each function takes the value a clause selects, the clause's options and the :class:`Call`
(the rest of the manifest, the date and the evidence), and returns ``None`` when the value
passes or a short reason when it does not. A function's options are declared as a JSON
Schema fragment, so a rule pack with a wrong option fails when it loads, not mid-audit.
Its docstring is its documentation (``readiness explain --functions``).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import sys
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Callable

from . import evidence as ev, pinning, regex
from .dates import parse_date
from .files import describe
from .loader import Document, JsonPath
from .paths import Path as RulePath, PathSyntaxError, display
from .schema import value_validator


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


@dataclass(slots=True)
class Call:
    """Everything a function may look at besides the value itself."""

    root: dict
    node: Any
    node_path: JsonPath
    value_path: JsonPath
    as_of: dt.date
    evidence: ev.Evidence
    document: Document | None = None

    @property
    def where(self) -> str:
        return display(self.value_path)

    def place(self, path: JsonPath) -> str:
        """``file:line`` of ``path`` for a message: the manifest's line, or a fact's line in its source file."""
        if self.document is None:
            return display(path)
        origin = self.document.origin(path)
        return f"{origin[0]}:{origin[2]}" if origin else f"{self.document.path}:{self.document.locate(path)[0]}"


Check = Callable[[Any, dict, Call], "str | None"]
DOC_STRIPPED = "(documentation stripped: python -OO; run without -OO to read it)"


@dataclass(frozen=True)
class Function:
    name: str
    check: Check
    options: dict = field(default_factory=dict)
    required: tuple[str, ...] = ()
    accepts_missing: bool = False
    reads_evidence: bool = False  # opens a file the manifest cites, rather than trusting a declared value
    prepare: Callable[[dict], str | None] | None = None  # what the options schema cannot check (a regex compiles), run at pack load

    @property
    def doc(self) -> str:
        """The docstring; under ``python -OO``, which strips docstrings, a note saying so."""
        if self.check.__doc__ is None and sys.flags.optimize >= 2:
            return DOC_STRIPPED
        return (self.check.__doc__ or "").strip()

    @property
    def options_schema(self) -> dict:
        return {"type": "object", "additionalProperties": False, "properties": self.options, "required": list(self.required)}

    @cached_property
    def _options_problems(self) -> Callable[[Any], list[str]]:
        return value_validator(self.options_schema)

    def option_problem(self, options: dict) -> str | None:
        """What is wrong with a clause's ``options`` (an unknown name with a "did you mean", a value the
        schema or :attr:`prepare` refuses), or None."""
        for name in options:
            if name not in self.options:
                close = difflib.get_close_matches(name, list(self.options), n=1)
                takes = f"did you mean {close[0]!r}?" if close else f"it takes {', '.join(self.options)}" if self.options else "it takes no options"
                return f"{self.name} has no option {name!r}; {takes}"
        problems = self._options_problems(options)
        if problems:
            return f"options of {self.name}: {problems[0]}"
        problem = self.prepare(options) if self.prepare is not None else None
        return f"options of {self.name}: {problem}" if problem else None


REGISTRY: dict[str, Function] = {}  # the built-in vocabulary; a run adds its plugins' functions in its own Extensions (readiness.plugins), never here


def function(name: str, options: dict | None = None, required: tuple[str, ...] = (), accepts_missing: bool = False, reads_evidence: bool = False,
             prepare: Callable[[dict], str | None] | None = None) -> Callable[[Check], Check]:
    def register(check: Check) -> Check:
        REGISTRY[name] = Function(name, check, options or {}, required, accepts_missing, reads_evidence, prepare)
        return check

    return register


def prepare_path(options: dict) -> str | None:
    """The ``prepare`` hook of functions whose ``path`` option is a path from the manifest root: it parses."""
    try:
        RulePath.parse(options["path"])
    except PathSyntaxError as error:
        return str(error)
    return None


_NUMBER = {"type": "number"}
_SCALARS = {"type": "array", "items": {"type": ["string", "number", "boolean"]}, "minItems": 1}


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


@function("present", accepts_missing=True)
def present(value: Any, options: dict, call: Call) -> str | None:
    """The value is set: not missing, not null, not an empty string, list or mapping."""
    if value is MISSING:
        return f"{call.where} is missing"
    if _is_empty(value):
        return f"{call.where} is empty"
    return None


@function("any_present", options={"fields": {"type": "array", "items": {"type": "string"}, "minItems": 2}}, required=("fields",))
def any_present(value: Any, options: dict, call: Call) -> str | None:
    """The value is a mapping in which at least one of ``fields`` is set."""
    if isinstance(value, dict) and any(not _is_empty(value.get(name)) for name in options["fields"]):
        return None
    return f"{call.where} sets none of: {', '.join(options['fields'])}"


@function("absent", accepts_missing=True)
def absent(value: Any, options: dict, call: Call) -> str | None:
    """The value is not set (missing, null or empty)."""
    return None if value is MISSING or _is_empty(value) else f"{call.where} must not be set"


@function("truthy")
def truthy(value: Any, options: dict, call: Call) -> str | None:
    """The value is true, or a non-empty string, list or mapping, or a non-zero number."""
    return None if value else f"{call.where} is {describe(value)}, expected it to be set to true"


@function("equals", options={"value": {}}, required=("value",))
def equals(value: Any, options: dict, call: Call) -> str | None:
    """The value equals ``value``."""
    expected = options["value"]
    return None if value == expected and type(value) is type(expected) else f"{call.where} is {describe(value)}, expected {describe(expected)}"


@function("one_of", options={"values": _SCALARS}, required=("values",))
def one_of(value: Any, options: dict, call: Call) -> str | None:
    """The value is one of ``values``."""
    if value in options["values"]:
        return None
    return f"{call.where} is {describe(value)}, expected one of: {', '.join(map(str, options['values']))}"


@function("not_one_of", options={"values": _SCALARS}, required=("values",))
def not_one_of(value: Any, options: dict, call: Call) -> str | None:
    """The value is none of ``values``."""
    return f"{call.where} must not be {describe(value)}" if value in options["values"] else None


@function("same_as", options={"path": {"type": "string", "minLength": 1}}, required=("path",), prepare=prepare_path)
def same_as(value: Any, options: dict, call: Call) -> str | None:
    """The value equals the value at ``path`` (a path from the manifest root), e.g. a fact stated in two sections."""
    other = next(iter(RulePath.parse(options["path"]).select(call.root)), None)
    if other is None:
        return f"{options['path']} is missing, so {call.where} cannot be compared with it"
    if value != other[1]:
        return f"{call.where} is {describe(value)} but {options['path']} is {describe(other[1])}"
    return None


@function("implies", options={"if": {"type": "string", "minLength": 1}, "then": {"type": "string", "minLength": 1}}, required=("if", "then"))
def implies(value: Any, options: dict, call: Call) -> str | None:
    """The value is a mapping in which, whenever field ``if`` is true, field ``then`` is true too
    (e.g. every tool with side effects requires approval)."""
    if not isinstance(value, dict):
        return f"{call.where} is {describe(value)}, expected a mapping"
    if value.get(options["if"]) is True and value.get(options["then"]) is not True:
        shown = describe(value[options["then"]]) if options["then"] in value else "missing"
        return f"{call.where} has {options['if']}: true but {options['then']} is {shown}, expected true"
    return None


def _flags(options: dict) -> int:
    return re.IGNORECASE if options.get("flags") == "i" else 0


def _prepare_pattern(options: dict) -> str | None:
    if "match" not in options and "not_match" not in options:
        return "give match, not_match or both (a pattern with neither would pass every value)"
    return next((f"{key}: {problem}" for key in ("match", "not_match") if key in options and (problem := regex.invalid(options[key], _flags(options)))), None)


@function("pattern", options={"match": {"type": "string"}, "not_match": {"type": "string"}, "flags": {"enum": ["", "i"]}}, prepare=_prepare_pattern)
def pattern(value: Any, options: dict, call: Call) -> str | None:
    """The value, as text, matches the regex ``match`` and does not match ``not_match`` (``flags: i`` ignores case)."""
    text = str(value)
    flags = _flags(options)
    if "match" in options and not regex.search(options["match"], text, flags):
        return f"{call.where} is {describe(value)}, which does not match {options['match']!r}"
    if "not_match" in options and regex.search(options["not_match"], text, flags):
        return f"{call.where} is {describe(value)}, which matches the forbidden pattern {options['not_match']!r}"
    return None


def _numeric(value: Any, call: Call) -> tuple[float | None, str | None]:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None, f"{call.where} is {describe(value)}, expected a number"
    return float(value), None


@function("at_least", options={"value": _NUMBER}, required=("value",))
def at_least(value: Any, options: dict, call: Call) -> str | None:
    """The value is a number ≥ ``value``."""
    number, problem = _numeric(value, call)
    if problem:
        return problem
    return None if number >= options["value"] else f"{call.where} is {value}, below the minimum of {options['value']}"


@function("at_most", options={"value": _NUMBER}, required=("value",))
def at_most(value: Any, options: dict, call: Call) -> str | None:
    """The value is a number ≤ ``value``."""
    number, problem = _numeric(value, call)
    if problem:
        return problem
    return None if number <= options["value"] else f"{call.where} is {value}, above the maximum of {options['value']}"


@function("min_items", options={"count": {"type": "integer", "minimum": 0}}, required=("count",))
def min_items(value: Any, options: dict, call: Call) -> str | None:
    """The value is a list (or mapping) of at least ``count`` items."""
    if not isinstance(value, (list, dict)):
        return f"{call.where} is {describe(value)}, expected a list"
    count = options["count"]
    return None if len(value) >= count else f"{call.where} has {len(value)} item(s), expected at least {count}"


@function("contains", options={"values": _SCALARS}, required=("values",))
def contains(value: Any, options: dict, call: Call) -> str | None:
    """The value is a list that holds every one of ``values``."""
    if not isinstance(value, list):
        return f"{call.where} is {describe(value)}, expected a list"
    missing = [item for item in options["values"] if item not in value]
    return f"{call.where} lacks {', '.join(map(str, missing))}" if missing else None


_WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*")  # a hyphenated compound (security-minded) is one word


def _words(text: Any) -> tuple[str, ...]:
    return tuple(_WORD.findall(str(text).casefold()))


def _prepare_has_item(options: dict) -> str | None:
    """What the options schema of ``has_item`` cannot check: synonyms name one of ``values``, and every word
    to look for has a word in it."""
    values = [str(value) for value in options.get("values", ())]
    for key in options.get("synonyms", {}):
        if key not in values:
            return f"synonyms: {key!r} is not one of values"
    if options.get("match") == "words":
        phrases = [*values, *(phrase for phrases in options.get("synonyms", {}).values() for phrase in phrases)]
        empty = next((phrase for phrase in phrases if not _words(phrase)), None)
        if empty is not None:
            return f"match: words: {empty!r} holds no word, so it would never match"
    return None


def _item_matcher(options: dict) -> Callable[[Any], bool]:
    """Whether an item's field names one of ``values`` (or a synonym of one): equal by default; with
    ``match: words``, holding it as whole words, ignoring case (``Model Risk Management`` names ``risk``)."""
    synonyms = options.get("synonyms", {})
    wanted = [*options["values"], *(phrase for value in options["values"] for phrase in synonyms.get(str(value), ()))]
    if options.get("match") != "words":
        return lambda field: field in wanted
    phrases = [_words(phrase) for phrase in wanted]

    def names(field: Any) -> bool:
        if not isinstance(field, str):
            return field in wanted
        words = _words(field)
        return any(words[start:start + len(phrase)] == phrase for phrase in phrases for start in range(len(words) - len(phrase) + 1))
    return names


@function("has_item", options={"field": {"type": "string"}, "values": _SCALARS, "min": {"type": "integer", "minimum": 1},
                               "match": {"enum": ["exact", "words"]},
                               "synonyms": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1}}},
          required=("field", "values"), prepare=_prepare_has_item)
def has_item(value: Any, options: dict, call: Call) -> str | None:
    """The value is a list with at least ``min`` (default 1) mappings whose ``field`` is one of ``values``.

    ``synonyms`` maps a value to further values that count as it. ``match: words`` (default ``exact``) compares
    as whole words, ignoring case, so that a field holding a value among other words counts (``Model Risk
    Management`` names ``risk``; a hyphenated compound such as ``security-minded`` is one word and names nothing)."""
    if not isinstance(value, list):
        return f"{call.where} is {describe(value)}, expected a list"
    wanted, field_name = options["values"], options["field"]
    matches = _item_matcher(options)
    found = sum(1 for item in value if isinstance(item, dict) and field_name in item and matches(item[field_name]))
    needed = options.get("min", 1)
    if found >= needed:
        return None
    return f"{call.where} has {found} item(s) with {field_name} in ({', '.join(map(str, wanted))}), expected at least {needed}"


@function("within_days", options={"days": {"type": "integer", "minimum": 0}}, required=("days",))
def within_days(value: Any, options: dict, call: Call) -> str | None:
    """The value is a date (YYYY-MM-DD) at most ``days`` days before the audit date and not after it."""
    date = parse_date(value)
    if date is None:
        return f"{call.where} is {describe(value)}, expected a date YYYY-MM-DD"
    age = (call.as_of - date).days
    if age < 0:
        return f"{call.where} is {value}, which is after the audit date {call.as_of}"
    if age > options["days"]:
        return f"{call.where} is {value}, {age} days old (limit {options['days']} days)"
    return None


@function("not_before_audit", options={"max_days": {"type": "integer", "minimum": 0}})
def not_before_audit(value: Any, options: dict, call: Call) -> str | None:
    """The value is a date on or after the audit date (an expiry that has not passed), and at most
    ``max_days`` days after it when set (a time box, not a far-off date)."""
    date = parse_date(value)
    if date is None:
        return f"{call.where} is {describe(value)}, expected a date YYYY-MM-DD"
    if date < call.as_of:
        return f"{call.where} is {value}, before the audit date {call.as_of}"
    ahead = (date - call.as_of).days
    if "max_days" in options and ahead > options["max_days"]:
        return f"{call.where} is {value}, {ahead} days after the audit date (limit {options['max_days']} days)"
    return None


@function("file_exists", options={"min_bytes": {"type": "integer", "minimum": 0}}, reads_evidence=True)
def file_exists(value: Any, options: dict, call: Call) -> str | None:
    """The value is a path, relative to the manifest and inside the project, to a file that is not empty: at least ``min_bytes`` bytes (default 1)."""
    if not isinstance(value, str):
        return f"{call.where} is {describe(value)}, expected a file path"
    try:
        content = call.evidence.read(value)
    except ev.EvidenceProblem as problem:
        return f"{call.where}: {problem}"
    minimum = options.get("min_bytes", 1)
    if len(content) >= minimum:
        return None
    return f"{call.where}: {value!r} is empty" if not content else f"{call.where}: {value!r} has {len(content)} bytes, below the minimum of {minimum}"


@function("hash_matches", options={"path_field": {"type": "string"}, "hash_field": {"type": "string"}}, reads_evidence=True)
def hash_matches(value: Any, options: dict, call: Call) -> str | None:
    """The value is a mapping whose ``sha256`` (or ``hash_field``) is the SHA-256 of the file at its ``path`` (or ``path_field``)."""
    path_field, hash_field = options.get("path_field", "path"), options.get("hash_field", "sha256")
    if not isinstance(value, dict):
        return f"{call.where} is {describe(value)}, expected a mapping with {path_field} and {hash_field}"
    cited, declared = value.get(path_field), value.get(hash_field)
    if not isinstance(cited, str):
        return f"{call.where}.{path_field} is missing"
    if not isinstance(declared, str):
        return f"{call.where}.{hash_field} is missing: declare the file's SHA-256 so that a changed file is caught"
    try:
        content = call.evidence.read(cited)
    except ev.EvidenceProblem as problem:
        return f"{call.where}.{path_field}: {problem}"
    actual = ev.sha256(content)
    if actual != declared.lower():
        hint = ""
        if declared.lower() in (ev.sha256(content.replace(b"\r\n", b"\n")), ev.sha256(content.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))):
            hint = " — only its line endings changed (CRLF and LF): check git's core.autocrlf or .gitattributes, or hash the file as it is checked out"
        return f"{call.where}.{hash_field} does not match {cited!r}: declared {declared[:12]}…, file has {actual[:12]}…{hint}"
    return None


@function("pinned_version", options={"conventions": pinning.CONVENTIONS_OPTION, "provider_from": pinning.PROVIDER_FROM_OPTION},
          prepare=pinning.pinning_options_problem)
def pinned_version(value: Any, options: dict, call: Call) -> str | None:
    """The value names one immutable version: a provider's pinned model id by its convention
    (``gpt-4o-2024-08-06``, not the moving ``gpt-4o``; the provider is the sibling ``provider``, else the
    provider at ``provider_from`` (paths from the manifest root, the first one set: an embedding model is
    served by model.provider), else recognised from the id; docs/pinning.md), a registry version, a digest or
    a URI holding one; never an alias (latest, stable, prod, champion…), a range or a wildcard.
    ``conventions`` adds a team's own."""
    parent = pinning.holder(call.root, call.value_path)
    provider = pinning.provider_of(parent, call.root, options.get("provider_from", ()))
    name = parent.get("name", parent.get("model"))
    reason = pinning.version_problem(value, provider, name if isinstance(name, str) else None, options.get("conventions"))
    return f"{call.where} is {pinning.shown(value)}, {reason}" if reason else None


from . import checks_eval as _eval_functions  # noqa: E402,F401 - registers the checks over evaluation runs
from . import checks_context as _context_functions, checks_cost as _cost_functions  # noqa: E402,F401 - register the cost and deployment-context checks
from . import checks_operations as _operations  # noqa: E402,F401 - registers the checks of monitoring, release and retrieval freshness
from . import evidence_checks as _evidence_checks  # noqa: E402,F401 - registers the checks that read cited reports
from . import versioning_checks as _versioning_checks  # noqa: E402,F401 - registers the model pinning and trace checks
from . import capabilities as _capabilities  # noqa: E402,F401 - registers the checks of declared kinds and flags
from . import checks_incidents as _incident_checks  # noqa: E402,F401 - registers the checks of capacity, retirement, retention, licences and incident learning
