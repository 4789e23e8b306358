"""The check vocabulary pinned where mutation testing found it unpinned (docs/testing.md): what each
function's options accept (a rule pack with a wrong option fails when it loads), and the messages and
boundaries a user relies on."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from conftest import NEEDS_DOCSTRINGS
from readiness.errors import InputError
from readiness.evidence import MemoryEvidence
from readiness.functions import MISSING, REGISTRY, Call, Function
from readiness.rules import load_pack
from readiness.schema import value_validator

AS_OF = dt.date(2026, 11, 26)

# function → (options a pack may give, options it may not: each wrong in one way)
OPTIONS = {
    "present": ({}, [{"value": 1}]),
    "any_present": ({"fields": ["a", "b"]}, [{}, {"fields": "a"}, {"fields": ["a"]}, {"fields": ["a", 2]}]),
    "equals": ({"value": None}, [{}]),
    "one_of": ({"values": ["a", 1, True]}, [{}, {"values": "a"}, {"values": []}, {"values": [None]}, {"values": [["a"]]}]),
    "not_one_of": ({"values": ["none"]}, [{"values": []}, {"values": [{"a": 1}]}]),
    "contains": ({"values": ["a"]}, [{"values": []}, {"values": "a"}]),
    "same_as": ({"path": "a.b"}, [{}, {"path": ""}, {"path": 1}]),
    "implies": ({"if": "a", "then": "b"}, [{"if": "a"}, {"then": "b"}, {"if": "", "then": "b"}, {"if": "a", "then": ""}, {"if": 1, "then": "b"}, {"if": "a", "then": 1}]),
    "pattern": ({"match": "a", "not_match": "b", "flags": "i"}, [{"match": 1}, {"not_match": 1}, {"flags": "x"}, {"flags": "I"}]),
    "at_least": ({"value": 0.5}, [{}, {"value": "1"}]),
    "at_most": ({"value": 5}, [{}, {"value": "5"}]),
    "min_items": ({"count": 0}, [{}, {"count": -1}, {"count": 1.5}]),
    "has_item": ({"field": "t", "values": ["x"], "min": 1}, [{"values": ["x"]}, {"field": "t"}, {"field": 1, "values": ["x"]}, {"field": "t", "values": ["x"], "min": 0},
                             {"field": "t", "values": ["x"], "min": "1"}, {"field": "t", "values": []}]),
    "within_days": ({"days": 0}, [{}, {"days": -1}, {"days": "30"}]),
    "not_before_audit": ({"max_days": 0}, [{"max_days": -1}, {"max_days": 1.5}]),
    "file_exists": ({"min_bytes": 0}, [{"min_bytes": -1}, {"min_bytes": "1"}]),
    "hash_matches": ({"path_field": "file", "hash_field": "digest"}, [{"path_field": 1}, {"hash_field": 1}]),
    "pinned_version": ({"conventions": []}, [{"conventions": {}}]),
}


@pytest.mark.parametrize("name", sorted(OPTIONS))
def test_a_function_accepts_its_options_and_refuses_wrong_ones(name: str):
    problems = value_validator(REGISTRY[name].options_schema)
    good, bad = OPTIONS[name]
    assert problems(good) == []
    for options in [*bad, {**good, "unknown_option": 1}, ["not", "a", "mapping"]]:
        assert problems(options), f"{name} accepted {options!r}"


@pytest.mark.parametrize(("name", "options"), [("same_as", {"path": "a"}), ("pattern", {"match": "a", "flags": ""}), ("pattern", {"not_match": "a"})])
def test_the_smallest_options_a_function_takes_are_accepted(name: str, options: dict):
    assert value_validator(REGISTRY[name].options_schema)(options) == []
    assert REGISTRY[name].option_problem(options) is None


def test_under_python_oo_a_function_without_a_docstring_says_it_was_stripped(monkeypatch: pytest.MonkeyPatch):
    from types import SimpleNamespace

    from readiness import functions

    made = Function("plugin_check", lambda value, options, call: None)
    for optimize, doc in ((0, ""), (1, ""), (2, "(documentation stripped: python -OO; run without -OO to read it)")):
        monkeypatch.setattr(functions, "sys", SimpleNamespace(flags=SimpleNamespace(optimize=optimize)))
        assert made.doc == doc


def test_a_rule_pack_with_a_wrong_option_fails_when_it_loads(tmp_path: Path):
    pack = tmp_path / "pack.yaml"
    pack.write_text(
        "rules:\n- id: ACME001\n  title: Owner named\n  category: governance\n  severity: high\n  given: x-acme\n"
        "  then: [{field: owner, function: present, options: {min: 1}}]\n"
        "  remediation: 'x-acme: {owner: ml-platform}'\n  why: someone answers\n  references: [acme:owners]\n"
        "  examples: {pass: [{x-acme: {owner: a}}], fail: [{x-acme: {}}]}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as error:
        load_pack(pack)
    assert "present has no option 'min'; it takes no options" in str(error.value)


@NEEDS_DOCSTRINGS
def test_a_function_a_plugin_builds_by_hand_documents_nothing_needs_a_value_and_opens_no_file_unless_it_says():
    made = Function("plugin_check", lambda value, options, call: None)
    assert (made.doc, made.options, made.required, made.accepts_missing, made.reads_evidence) == ("", {}, (), False, False)
    with pytest.raises(AttributeError):
        made.name = "renamed"  # type: ignore[misc]
    from readiness import functions

    assert functions.present is REGISTRY["present"].check  # the decorator returns the check it registers
    assert repr(MISSING) == "MISSING"  # how a missing value shows in a plugin author's traceback or debugger


def check(name: str, value, options=None, files=None, root=None, as_of: dt.date = AS_OF):
    call = Call(root or {}, value, ("x",), ("x",), as_of, MemoryEvidence(files))
    return REGISTRY[name].check(value, options or {}, call)


@pytest.mark.parametrize(
    ("name", "value", "options", "message"),
    [
        ("absent", "set", {}, "x must not be set"),
        ("absent", MISSING, {}, None),
        ("absent", [], {}, None),
        ("not_one_of", "none", {"values": ["none", "off"]}, "x must not be string 'none'"),
        ("not_one_of", "canary", {"values": ["none", "off"]}, None),
        ("one_of", "canary", {"values": ["canary"]}, None),
        ("contains", ["a"], {"values": ["a", "b", "c"]}, "x lacks b, c"),
        ("pattern", "sk-123", {"not_match": "^sk-"}, "x is string 'sk-123', which matches the forbidden pattern '^sk-'"),
        ("pattern", "gpt-4o", {"match": r"\d{4}"}, "x is string 'gpt-4o', which does not match '\\\\d{4}'"),
        ("pattern", "GPT-4O-2024-08-06", {"match": "^gpt-", "flags": "i"}, None),
        ("pattern", "GPT-4O-2024-08-06", {"match": "^gpt-"}, "x is string 'GPT-4O-2024-08-06', which does not match '^gpt-'"),
        ("pattern", "SK-123", {"not_match": "^sk-", "flags": ""}, None),
        ("has_item", [{"t": "a"}, {"t": "b"}, "c"], {"field": "t", "values": ["a", "b"], "min": 3},
         "x has 2 item(s) with t in (a, b), expected at least 3"),
        ("has_item", [{"t": "a"}, {"t": "b"}], {"field": "t", "values": ["a", "b"], "min": 2}, None),
        ("has_item", [{"t": "a"}], {"field": "t", "values": ["a"]}, None),
        ("has_item", [], {"field": "t", "values": ["a"]}, "x has 0 item(s) with t in (a), expected at least 1"),
        ("min_items", {"a": 1, "b": 2}, {"count": 2}, None),
        ("min_items", [], {"count": 0}, None),
        ("contains", ["a", "b"], {"values": ["a", "b"]}, None),
        ("same_as", "eu", {"path": "data.region"}, "data.region is missing, so x cannot be compared with it"),
        ("implies", ["tool"], {"if": "side_effects", "then": "approval"}, "x is a list of 1, expected a mapping"),
        ("implies", {"side_effects": True}, {"if": "side_effects", "then": "approval"}, "x has side_effects: true but approval is missing, expected true"),
        ("implies", {"side_effects": True, "approval": "yes"}, {"if": "side_effects", "then": "approval"},
         "x has side_effects: true but approval is string 'yes', expected true"),
        ("implies", {"side_effects": "true", "approval": False}, {"if": "side_effects", "then": "approval"}, None),
        ("implies", {"side_effects": True, "approval": True}, {"if": "side_effects", "then": "approval"}, None),
        ("at_most", "5", {"value": 5}, "x is string '5', expected a number"),
        ("at_least", True, {"value": 0}, "x is boolean true, expected a number"),
    ],
)
def test_what_a_user_reads_when_a_value_fails_and_that_it_passes_otherwise(name, value, options, message):
    assert check(name, value, options) == message


def test_same_as_compares_with_the_value_at_its_path():
    root = {"data": {"region": "eu-west-1"}}
    assert check("same_as", "eu-west-1", {"path": "data.region"}, root=root) is None
    assert check("same_as", "us-east-1", {"path": "data.region"}, root=root) == "x is string 'us-east-1' but data.region is string 'eu-west-1'"
    assert check("same_as", None, {"path": "data.none"}, root={"data": {"none": None}}) is None  # present but null on both sides


@pytest.mark.parametrize(
    ("name", "value", "options", "message"),
    [
        ("not_before_audit", "2026-11-26", {}, None),  # the audit day itself has not passed
        ("not_before_audit", "2026-11-25", {}, "x is 2026-11-25, before the audit date 2026-11-26"),
        ("not_before_audit", "2026-12-26", {"max_days": 30}, None),  # exactly the time box
        ("not_before_audit", "2026-12-27", {"max_days": 30}, "x is 2026-12-27, 31 days after the audit date (limit 30 days)"),
        ("not_before_audit", "2030-01-01", {}, None),
        ("not_before_audit", "soon", {}, "x is string 'soon', expected a date YYYY-MM-DD"),
        ("within_days", "2026-10-27", {"days": 30}, None),  # exactly the limit
        ("within_days", "2026-10-26", {"days": 30}, "x is 2026-10-26, 31 days old (limit 30 days)"),
        ("within_days", "2026-11-27", {"days": 30}, "x is 2026-11-27, which is after the audit date 2026-11-26"),
    ],
)
def test_dates_are_judged_against_the_audit_day_with_inclusive_limits(name, value, options, message):
    assert check(name, value, options) == message


@pytest.mark.parametrize(
    ("content", "options", "message"),
    [
        ("", {}, "x: 'card.md' is empty"),
        ("#", {}, None),  # one byte is enough by default
        ("", {"min_bytes": 0}, None),
        ("# Card", {"min_bytes": 7}, "x: 'card.md' has 6 bytes, below the minimum of 7"),
        ("# Card", {"min_bytes": 6}, None),
    ],
)
def test_file_exists_counts_bytes_from_one_by_default(content, options, message):
    assert check("file_exists", "card.md", options, files={"card.md": content}) == message


def test_file_exists_names_the_citation_that_cannot_be_read():
    assert check("file_exists", "docs/none.md", {}, files={}) == "x: 'docs/none.md' does not exist"
    assert check("file_exists", "../../etc/passwd", {}, files={}) == "x: '../../etc/passwd' does not exist"
    assert check("file_exists", "https://x.io/card.md", {}) == "x: 'https://x.io/card.md' is a URL; readiness never fetches: cite a file in the repository"


def test_hash_matches_reads_the_fields_it_is_told_and_shows_both_digests():
    content = "weights v3\n"
    digest = __import__("hashlib").sha256(content.encode()).hexdigest()
    files = {"model.bin": content}
    assert check("hash_matches", {"path": "model.bin", "sha256": digest.upper()}, {}, files=files) is None  # case does not matter
    assert check("hash_matches", {"file": "model.bin", "digest": digest}, {"path_field": "file", "hash_field": "digest"}, files=files) is None
    assert check("hash_matches", {"file": "model.bin"}, {"path_field": "file", "hash_field": "digest"}, files=files) == (
        "x.digest is missing: declare the file's SHA-256 so that a changed file is caught")
    assert check("hash_matches", {"path": 3, "sha256": digest}, {}, files=files) == "x.path is missing"
    assert check("hash_matches", {"path": "gone.bin", "sha256": digest}, {}, files=files) == "x.path: 'gone.bin' does not exist"
    wrong = "0" * 64
    assert check("hash_matches", {"path": "model.bin", "sha256": wrong}, {}, files=files) == (
        f"x.sha256 does not match 'model.bin': declared 000000000000…, file has {digest[:12]}…")


def test_the_functions_that_open_cited_files_say_so_and_only_they():
    """``readiness explain`` shows a rule built on them as verified from evidence, not taken as declared."""
    core = ("present", "any_present", "absent", "truthy", "equals", "one_of", "not_one_of", "same_as", "implies", "pattern",
            "at_least", "at_most", "min_items", "contains", "has_item", "within_days", "not_before_audit", "file_exists",
            "hash_matches", "pinned_version")
    assert {name for name in core if REGISTRY[name].reads_evidence} == {"file_exists", "hash_matches"}
    assert {name for name in core if REGISTRY[name].accepts_missing} == {"present", "absent"}
    assert REGISTRY["any_present"].required == ("fields",) and REGISTRY["has_item"].required == ("field", "values")


@pytest.mark.parametrize(("hashed", "on_disk"), [
    ("a\nb\n", "a\r\nb\r\n"), ("a\r\nb\r\n", "a\nb\n"),
    ("a\nb\n", "a\r\nb\n"), ("a\r\nb\r\n", "a\r\nb\n"),  # a file with both line endings, hashed with one of them
])
def test_a_hash_that_differs_only_by_line_endings_says_so_either_way(hashed: str, on_disk: str):
    declared = __import__("hashlib").sha256(hashed.encode()).hexdigest()
    message = check("hash_matches", {"path": "p.md", "sha256": declared}, {}, files={"p.md": on_disk})
    assert message.endswith("… — only its line endings changed (CRLF and LF): check git's core.autocrlf or .gitattributes, or hash the file as it is checked out")


def test_pinned_version_reads_the_provider_and_model_name_beside_the_version():
    version = ("model", "version")

    def pinned(model: dict) -> str | None:
        call = Call({"model": model}, model["version"], ("model",), version, AS_OF, MemoryEvidence({}))
        return REGISTRY["pinned_version"].check(model["version"], {}, call)

    assert pinned({"provider": "openai", "version": "my-deploy"}) == (
        "model.version is 'my-deploy', which is not a model id OpenAI uses; pin a dated snapshot such as gpt-4o-2024-08-06")
    assert pinned({"provider": "openai", "name": "gpt-4o", "version": "2024-08-06"}) is None
    assert pinned({"provider": "openai", "model": "gpt-4o", "version": "2024-08-06"}) is None  # the name may be under model
    assert pinned({"provider": 7, "version": "my-deploy"}) is None  # a provider that is not a name is not applied
