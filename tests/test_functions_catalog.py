"""The functions the built-in catalog added to the vocabulary: same_as and implies."""

from __future__ import annotations

import datetime as dt

import pytest

from readiness.evidence import MemoryEvidence
from readiness.functions import REGISTRY, Call
from readiness.rules import Catalog

ROOT = {"model": {"name": "gpt-4o", "version": "gpt-4o-2024-08-06"}}


def check(name: str, value, options: dict, root: dict | None = None) -> str | None:
    call = Call(root or {}, value, ("x",), ("x",), dt.date(2026, 11, 26), MemoryEvidence())
    return REGISTRY[name].check(value, options, call)


def test_same_as_passes_when_the_values_are_equal():
    assert check("same_as", "gpt-4o-2024-08-06", {"path": "model.version"}, ROOT) is None


def test_same_as_names_both_values_when_they_differ():
    reason = check("same_as", "gpt-4o-2024-05-13", {"path": "model.version"}, ROOT)
    assert reason == "x is string 'gpt-4o-2024-05-13' but model.version is string 'gpt-4o-2024-08-06'"


def test_same_as_fails_when_the_other_value_is_missing():
    assert check("same_as", "v1", {"path": "model.digest"}, ROOT) == "model.digest is missing, so x cannot be compared with it"


@pytest.mark.parametrize(
    "tool",
    [
        {"name": "refund", "side_effects": True, "requires_approval": True},
        {"name": "lookup", "side_effects": False},
        {"name": "lookup"},
    ],
)
def test_implies_passes_when_the_condition_is_false_or_the_consequence_holds(tool):
    assert check("implies", tool, {"if": "side_effects", "then": "requires_approval"}) is None


@pytest.mark.parametrize(
    ("tool", "shown"),
    [
        ({"name": "refund", "side_effects": True}, "missing"),
        ({"name": "refund", "side_effects": True, "requires_approval": False}, "boolean false"),
    ],
)
def test_implies_fails_when_the_condition_holds_without_the_consequence(tool, shown):
    reason = check("implies", tool, {"if": "side_effects", "then": "requires_approval"})
    assert reason == f"x has side_effects: true but requires_approval is {shown}, expected true"


def test_implies_rejects_a_non_mapping():
    assert check("implies", ["refund"], {"if": "side_effects", "then": "requires_approval"}) == "x is a list of 1, expected a mapping"


def test_new_functions_declare_their_options():
    assert REGISTRY["same_as"].options_schema["required"] == ["path"]
    assert REGISTRY["implies"].options_schema["required"] == ["if", "then"]
    assert REGISTRY["same_as"].doc and REGISTRY["implies"].doc


def test_the_catalog_uses_implies():
    used = {clause.function.name for rule in Catalog.load().rules for clause in rule.then}
    assert "implies" in used


@pytest.mark.parametrize(
    ("expires", "reason"),
    [
        ("2026-12-15", None),
        ("2026-11-26", None),
        ("2026-10-31", "x is 2026-10-31, before the audit date 2026-11-26"),
        ("2027-06-01", "x is 2027-06-01, 187 days after the audit date (limit 90 days)"),
    ],
)
def test_not_before_audit_with_max_days_is_a_time_box(expires, reason):
    assert check("not_before_audit", expires, {"max_days": 90}) == reason


def test_not_before_audit_without_max_days_accepts_any_future_date():
    assert check("not_before_audit", "2030-01-01", {}) is None
