"""The check vocabulary: each function passes and fails on the values it is meant for."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from conftest import NEEDS_DOCSTRINGS

from readiness.evidence import MemoryEvidence
from readiness.functions import MISSING, REGISTRY, Call

AS_OF = dt.date(2026, 11, 26)


def check(name: str, value, options=None, files=None, root=None):
    call = Call(root or {}, value, ("x",), ("x",), AS_OF, MemoryEvidence(files))
    function = REGISTRY[name]
    if value is MISSING and not function.accepts_missing:
        return "missing"
    return function.check(value, options or {}, call)


CASES = [
    ("present", "v", {}, MISSING, {}),
    ("present", [1], {}, "", {}),
    ("any_present", {"b": 1}, {"fields": ["a", "b"]}, {"c": 1}, {"fields": ["a", "b"]}),
    ("absent", None, {}, "set", {}),
    ("truthy", True, {}, False, {}),
    ("equals", True, {"value": True}, 1, {"value": True}),
    ("one_of", "canary", {"values": ["canary", "shadow"]}, "all_at_once", {"values": ["canary", "shadow"]}),
    ("not_one_of", "x", {"values": ["none"]}, "none", {"values": ["none"]}),
    ("pattern", "gpt-4o-2024-08-06", {"match": r"\d{4}-\d\d-\d\d"}, "gpt-4o", {"match": r"\d{4}-\d\d-\d\d"}),
    ("pattern", "env:KEY", {"not_match": "^sk-"}, "sk-123", {"not_match": "^sk-"}),
    ("at_least", 0.9, {"value": 0.8}, 0.7, {"value": 0.8}),
    ("at_least", 5, {"value": 1}, "5", {"value": 1}),
    ("at_most", 3, {"value": 5}, 6, {"value": 5}),
    ("min_items", [1, 2], {"count": 2}, [1], {"count": 2}),
    ("contains", ["a", "b", "c"], {"values": ["a", "b"]}, ["a"], {"values": ["a", "b"]}),
    ("has_item", [{"t": "quality"}], {"field": "t", "values": ["quality"]}, [{"t": "latency"}], {"field": "t", "values": ["quality"]}),
    ("within_days", "2026-11-01", {"days": 30}, "2026-09-01", {"days": 30}),
    ("within_days", "2026-11-26", {"days": 0}, "2026-12-01", {"days": 30}),
    ("not_before_audit", "2026-12-01", {}, "2026-11-25", {}),
    ("pinned_version", "gpt-4o-2024-08-06", {}, "latest", {}),
    ("pinned_version", 14, {}, "registry/model:prod", {}),
    ("pinned_version", "sha256:abc", {}, "^1.2", {}),
    ("pinned_version", "claude-3-5-sonnet-20241022", {}, "claude-3-5-sonnet", {}),
    ("versioned_model", {"name": "churn", "version": 3}, {}, {"name": "churn"}, {}),
    ("versioned_model", {"name": "gpt-4o-mini-2024-07-18"}, {}, {"name": "gpt-4o-mini"}, {}),
    ("pinned_artifact", "s3://models/churn/3/model.onnx", {}, "s3://models/churn/model.onnx", {}),
    ("route_pinned", {"model_name": "m", "model": "openai/gpt-4o-2024-08-06", "provider": "openai"}, {}, {"model_name": "m", "model": "openai/gpt-4o", "provider": "openai"}, {}),
    ("replayable_records", ["input", "output"], {}, ["features", "prediction"], {}),
]


@pytest.mark.parametrize("name, good, good_options, bad, bad_options", CASES, ids=[c[0] for c in CASES])
def test_function_passes_and_fails(name, good, good_options, bad, bad_options):
    assert check(name, good, good_options) is None
    assert check(name, bad, bad_options)


@NEEDS_DOCSTRINGS
@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_every_function_documents_itself(name):
    assert REGISTRY[name].doc, f"{name} has no docstring: its docstring is its documentation"


def test_within_days_messages():
    assert check("within_days", "2026-06-01", {"days": 90}) == "x is 2026-06-01, 178 days old (limit 90 days)"
    assert check("within_days", "2026-12-01", {"days": 90}) == "x is 2026-12-01, which is after the audit date 2026-11-26"
    assert check("within_days", "soon", {"days": 90}) == "x is string 'soon', expected a date YYYY-MM-DD"


def test_file_exists_refuses_escapes_urls_and_empty_files():
    files = {"ok.md": "# text", "empty.md": ""}
    assert check("file_exists", "ok.md", files=files) is None
    assert check("file_exists", "nope.md", files=files) == "x: 'nope.md' does not exist"
    assert check("file_exists", "empty.md", files=files) == "x: 'empty.md' is empty"
    assert "is a URL; readiness never fetches" in check("file_exists", "https://wiki/runbook", files=files)
    assert "is an absolute path" in check("file_exists", "/etc/passwd", files=files)


def test_hash_matches_compares_the_file_content():
    digest = hashlib.sha256(b"hello").hexdigest()
    files = {"p.md": "hello"}
    assert check("hash_matches", {"path": "p.md", "sha256": digest}, files=files) is None
    assert "does not match 'p.md'" in check("hash_matches", {"path": "p.md", "sha256": "0" * 64}, files=files)
    assert "sha256 is missing" in check("hash_matches", {"path": "p.md"}, files=files)


def test_results_meet_thresholds_reads_json_and_jsonl():
    evaluation = {
        "metrics": [{"name": "acc", "threshold": 0.8, "score": 0.9}, {"name": "acc", "slice": "fr", "threshold": 0.8}, {"name": "p95", "threshold": 3000, "direction": "lower_is_better"}],
        "last_run": {"results": "r.json"},
    }
    good = '{"metrics": {"acc": 0.9, "p95": 2500}, "slices": {"fr": {"acc": 0.82}}}'
    assert check("results_meet_thresholds", evaluation, files={"r.json": good}) is None
    lines = '{"metric": "acc", "value": 0.9}\n{"metric": "acc", "slice": "fr", "value": 0.7}\n{"metric": "p95", "value": 3500}\n'
    jsonl = {**evaluation, "last_run": {"results": "r.jsonl"}}
    assert check("results_meet_thresholds", jsonl, files={"r.jsonl": lines}) == (
        "acc[fr] measured 0.7 misses its threshold 0.8; p95 measured 3500.0 misses its threshold 3000"
    )
    declared_wrong = {**evaluation, "metrics": [{"name": "acc", "threshold": 0.8, "score": 0.95}, evaluation["metrics"][2]]}
    assert check("results_meet_thresholds", declared_wrong, files={"r.json": good}) == "acc is declared as 0.95 but r.json says 0.9"
    assert check("results_meet_thresholds", evaluation, files={"r.json": "{oops"}) == (
        "x.last_run.results: r.json:1: not valid JSON: Expecting property name enclosed in double quotes"
    )


def test_a_hash_that_differs_only_by_line_endings_says_so():
    import datetime
    import hashlib

    from readiness.evidence import MemoryEvidence
    from readiness.functions import REGISTRY, Call

    declared = hashlib.sha256(b"line one\nline two\n").hexdigest()

    def reason(text: str) -> str:
        call = Call({}, {}, ("prompts", 0), ("prompts", 0), datetime.date(2026, 11, 26), MemoryEvidence({"p.md": text}))
        return REGISTRY["hash_matches"].check({"path": "p.md", "sha256": declared}, {}, call)

    assert reason("line one\r\nline two\r\n").endswith(
        "— only its line endings changed (CRLF and LF): check git's core.autocrlf or .gitattributes, or hash the file as it is checked out"
    )
    assert "line endings" not in reason("other text\n")


@pytest.mark.parametrize(
    ("name", "value", "options", "message"),
    [
        ("present", MISSING, {}, "x is missing"),
        ("present", "", {}, "x is empty"),
        ("present", [], {}, "x is empty"),
        ("present", {}, {}, "x is empty"),
        ("present", None, {}, "x is empty"),
        ("any_present", {"a": "", "b": []}, {"fields": ["a", "b"]}, "x sets none of: a, b"),
        ("any_present", "text", {"fields": ["a", "b"]}, "x sets none of: a, b"),
        ("truthy", False, {}, "x is boolean false, expected it to be set to true"),
        ("truthy", 0, {}, "x is number 0, expected it to be set to true"),
        ("truthy", "", {}, "x is string '', expected it to be set to true"),
        ("at_least", 0.7, {"value": 0.8}, "x is 0.7, below the minimum of 0.8"),
        ("at_least", True, {"value": 0}, "x is boolean true, expected a number"),
        ("at_least", "0.9", {"value": 0.8}, "x is string '0.9', expected a number"),
        ("at_most", 6, {"value": 5}, "x is 6, above the maximum of 5"),
        ("min_items", "a", {"count": 1}, "x is string 'a', expected a list"),
        ("min_items", [], {"count": 1}, "x has 0 item(s), expected at least 1"),
        ("contains", "abc", {"values": ["a"]}, "x is string 'abc', expected a list"),
        ("has_item", {"t": 1}, {"field": "t", "values": [1]}, "x is a mapping, expected a list"),
        ("one_of", 3, {"values": ["a", "b"]}, "x is number 3, expected one of: a, b"),
        ("equals", 1, {"value": True}, "x is number 1, expected boolean true"),
        ("file_exists", 7, {}, "x is number 7, expected a file path"),
        ("file_exists", ["a.md"], {}, "x is a list of 1, expected a file path"),
        ("hash_matches", "p.md", {}, "x is string 'p.md', expected a mapping with path and sha256"),
        ("hash_matches", {"sha256": "ab"}, {}, "x.path is missing"),
        ("hash_matches", {"path": "p.md"}, {}, "x.sha256 is missing: declare the file's SHA-256 so that a changed file is caught"),
        ("within_days", 20261120, {"days": 1}, "x is number 20261120, expected a date YYYY-MM-DD"),
    ],
)
def test_the_messages_users_read(name, value, options, message):
    assert check(name, value, options, files={"p.md": "text"}) == message


@pytest.mark.parametrize(("value", "passes"), [(0.8, True), (0.79999, False), (0.80001, True)])
def test_at_least_includes_its_boundary(value, passes):
    assert (check("at_least", value, {"value": 0.8}) is None) is passes


@pytest.mark.parametrize(("value", "passes"), [(5, True), (5.0001, False), (4.9, True)])
def test_at_most_includes_its_boundary(value, passes):
    assert (check("at_most", value, {"value": 5}) is None) is passes


ROLES = {"field": "role", "values": ["security", "risk"], "match": "words", "synonyms": {"security": ["infosec", "information security"]}}


@pytest.mark.parametrize("role, counts", [
    ("security", True), ("Security", True), ("Model Risk Management", True), ("risk", True), ("InfoSec", True),
    ("Head of Information Security", True), ("security engineering / AppSec", True), ("risk_and_controls", True),
    ("security-minded PM", False), ("engineering manager", False), ("riskless", False), ("information", False), ("", False),
])
def test_has_item_matches_whole_words_ignoring_case_with_synonyms(role, counts):
    assert (check("has_item", [{"role": "product owner"}, {"role": role}], ROLES) is None) is counts


def test_has_item_keeps_exact_matching_by_default():
    exact = {"field": "role", "values": ["security", "risk"]}
    for role in ("Security", "model risk", "InfoSec"):
        assert check("has_item", [{"role": role}], exact) == "x has 0 item(s) with role in (security, risk), expected at least 1"
    assert check("has_item", [{"role": "infosec"}], {**exact, "synonyms": {"security": ["infosec"]}}) is None  # a synonym, exactly
    assert check("has_item", [{"role": "Model Risk"}], {**ROLES, "match": "exact"})


def test_has_item_refuses_synonyms_of_no_value_and_words_with_no_word():
    function = REGISTRY["has_item"]
    assert function.option_problem(ROLES) is None
    assert function.option_problem({**ROLES, "synonyms": {"legal": ["counsel"]}}) == "options of has_item: synonyms: 'legal' is not one of values"
    assert "holds no word" in function.option_problem({**ROLES, "synonyms": {"risk": ["--"]}})


def _gov005(approvals: list) -> tuple[str, str]:
    from readiness.engine import Settings, evaluate_rule
    from readiness.loader import Document
    from readiness.rules import Catalog

    rule = next(rule for rule in Catalog.load().rules if rule.id == "GOV005")
    data = {"readiness": 1, "service": {"risk": "high"}, "governance": {"approvals": approvals}}
    result = evaluate_rule(rule, Document("m.yaml", data, {(): (1, 1)}), Settings(AS_OF), MemoryEvidence({}))
    return result.status, result.message


@pytest.mark.parametrize("role", [
    "model risk management", "Risk", "model risk", "Model Risk Management", "MRM", "information security", "InfoSec",
    "CISO", "AppSec", "security engineering", "data protection officer", "DPO", "privacy", "General Counsel", "legal",
    "Compliance Officer", "regulatory affairs",
])
def test_gov005_counts_an_independent_reviewer_however_the_role_is_written(role):
    assert _gov005([{"by": "a@x.example", "role": "product owner"}, {"by": "claire.dubois@bank.example", "role": role}]) == ("pass", "")


@pytest.mark.parametrize("role", ["engineering manager", "product", "ML lead", "security-minded PM", "support operations", "CRO"])
def test_gov005_does_not_count_the_building_team_or_an_ambiguous_title(role):
    status, message = _gov005([{"by": "a@x.example", "role": "product owner"}, {"by": "b@x.example", "role": role}])
    assert status == "fail" and "governance.approvals has 0 item(s) with role in (security, risk, legal, compliance), expected at least 1" in message
