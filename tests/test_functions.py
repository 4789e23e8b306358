"""The check vocabulary: each function passes and fails on the values it is meant for."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

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
]


@pytest.mark.parametrize("name, good, good_options, bad, bad_options", CASES, ids=[c[0] for c in CASES])
def test_function_passes_and_fails(name, good, good_options, bad, bad_options):
    assert check(name, good, good_options) is None
    assert check(name, bad, bad_options)


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
    declared_wrong = {**evaluation, "metrics": [{"name": "acc", "threshold": 0.8, "score": 0.95}]}
    assert check("results_meet_thresholds", declared_wrong, files={"r.json": good}) == "acc is declared as 0.95 but r.json says 0.9"
    assert "is not valid JSON" in check("results_meet_thresholds", evaluation, files={"r.json": "{oops"})
