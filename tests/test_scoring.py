"""Scoring through the library: what a category reports as failing, and the text `explain --scoring` prints.

(The score, verdict and gate arithmetic is also pinned in tests/test_engine.py and, through the
command line, in tests/test_gates.py.)"""

from __future__ import annotations

from readiness.explain import explain_scoring
from readiness.report import Result
from readiness.scoring import DEFAULT_WEIGHTS, categories


def result(rule_id: str, status: str, severity: str) -> Result:
    return Result(rule_id, status, severity, "", None, float(status == "pass"))


def test_a_category_names_the_most_severe_of_its_failures_not_of_its_passes():
    results = [result("A1", "pass", "critical"), result("A2", "fail", "low"), result("A3", "error", "medium"), result("B1", "pass", "high")]
    scores = categories(results, {"A1": "cost", "A2": "cost", "A3": "cost", "B1": "data"}, DEFAULT_WEIGHTS)
    assert [(c.category, c.failing, c.counts["pass"], c.counts["fail"], c.counts["error"]) for c in scores] == [("cost", "medium", 1, 1, 1), ("data", None, 1, 0, 0)]


def test_explain_scoring_opens_with_the_explanation_as_written():
    text = explain_scoring()
    assert text.startswith("Readiness score\n\nScore, verdict and gate: computed once per manifest, before anything is rendered.\n\nEvery rule yields")
    assert "an organisation policy's floors cannot be lowered.\n\nWeights in effect: critical 10 · high 7.5 · medium 5 · low 2.5\n" in text
