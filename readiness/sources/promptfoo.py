"""promptfoo config (``promptfooconfig.yaml``): eval tests, their asserts and thresholds, red teaming.

An assert *gates* when it can fail: a threshold of 0 (or below) never fails, a zero ``weight``
does not count, and the scored types that have no pass/fail of their own (``cost``,
``latency``, ``perplexity``…) need a threshold. Deterministic asserts (``contains``,
``equals``, ``is-json``…) and graded ones with a verdict (``llm-rubric``…) gate as they are.
"""

from __future__ import annotations

from typing import Any

from . import Facts, Source, listing, mapping
from .secrets import walk_secrets

EXPECTED = "a promptfoo config: prompts, providers or targets, with tests, scenarios or redteam"
NEEDS_THRESHOLD = {"cost", "latency", "perplexity", "perplexity-score"}
_TARGETS = ("prompts", "providers", "targets")
_EVALS = ("tests", "scenarios", "redteam", "defaultTest")


def _is_config(data: Any, name: str) -> bool:
    data = mapping(data)
    if name.startswith("promptfooconfig"):
        return bool(data)
    return any(key in data for key in _TARGETS) and any(key in data for key in _EVALS)


def detect(source: Source) -> bool:
    return any(_is_config(document.data, source.name) for document in source.mappings)


def extract(source: Source, facts: Facts) -> None:
    for document in source.mappings:
        if _is_config(document.data, source.name):
            _suite(source, facts, document)


def _suite(source: Source, facts: Facts, document: Any) -> None:
    data = document.data
    default = mapping(data.get("defaultTest"))
    default_asserts = listing(default.get("assert"))
    tests = data.get("tests")
    record: dict[str, Any] = {"name": str(data.get("description", source.name)), "redteam": "redteam" in data}
    if isinstance(tests, list):
        record["tests"] = len(tests)
        record["tests_without_asserts"] = sum(1 for test in tests if not listing(mapping(test).get("assert"))) if not default_asserts else 0
    else:
        record["tests"] = 0 if tests is None else "external"
    record["providers"] = [_provider(item) for key in ("providers", "targets") for item in listing(data.get(key))]
    facts.add("eval_suites", record, source.at(document, ("tests",) if "tests" in data else ()))
    for index, item in enumerate(default_asserts):
        _assert(source, facts, document, mapping(item), ("defaultTest", "assert", index), "defaultTest", default.get("threshold"))
    for test_index, test in enumerate(listing(tests)):
        test = mapping(test)
        label = str(test.get("description", f"tests[{test_index}]"))
        for index, item in enumerate(listing(test.get("assert"))):
            _assert(source, facts, document, mapping(item), ("tests", test_index, "assert", index), label, test.get("threshold"))
    walk_secrets(source, facts, document, {key: data[key] for key in ("providers", "targets", "env") if key in data}, ())


def _provider(item: Any) -> str:
    return item if isinstance(item, str) else str(mapping(item).get("label") or mapping(item).get("id", "?"))


def _assert(source: Source, facts: Facts, document: Any, item: dict, at: tuple, test: str, test_threshold: Any) -> None:
    kind = str(item.get("type", "?"))
    record: dict[str, Any] = {"test": test, "type": kind}
    fields = {"type": source.at(document, at + ("type",))}
    threshold = item.get("threshold")
    if isinstance(threshold, (int, float)) and not isinstance(threshold, bool):
        record["threshold"] = threshold
        fields["threshold"] = source.at(document, at + ("threshold",))
    if "metric" in item:
        record["metric"] = str(item["metric"])
    why = _why_not_gating(kind, threshold, item.get("weight"), test_threshold)
    record["gates"] = why is None
    if why:
        record["why"] = why
    facts.add("eval_asserts", record, source.at(document, at), fields)


def _why_not_gating(kind: str, threshold: Any, weight: Any, test_threshold: Any) -> str | None:
    if weight == 0:
        return "its weight is 0, so it never counts"
    if isinstance(threshold, (int, float)) and not isinstance(threshold, bool) and threshold <= 0 and kind not in ("cost", "latency"):
        return f"its threshold is {threshold}, which every score meets"
    if kind.removeprefix("not-") in NEEDS_THRESHOLD and threshold is None and test_threshold is None:
        return f"a {kind} assert without a threshold measures but never fails"
    return None
