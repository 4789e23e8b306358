"""Flagger ``Canary`` (``flagger.app``): the progressive rollout, its metric checks and when it rolls back.

Facts: a ``traffic`` record (``stepWeight``, or the first of ``stepWeights``, is the canary's initial
share), and a ``rollouts`` record: the weights up to ``maxWeight``, the metrics checked at each
interval (those with a ``thresholdRange`` abort), and ``threshold``, the failed checks before rollback;
an A/B or blue/green canary (``iterations``) is checked for that many intervals instead of in steps.
The older ``canaryAnalysis`` key is read as ``analysis``.
"""

from __future__ import annotations

from typing import Any

from ..files import number
from . import Facts, Source, listing, mapping

EXPECTED = "apiVersion flagger.app/… with kind Canary"


def _is_canary(data: Any) -> bool:
    data = mapping(data)
    return str(data.get("apiVersion", "")).startswith("flagger.app/") and data.get("kind") == "Canary"


def detect(source: Source) -> bool:
    return any(_is_canary(document.data) for document in source.mappings)


def extract(source: Source, facts: Facts) -> None:
    for document in source.mappings:
        if not _is_canary(document.data):
            continue
        name = str(mapping(document.data.get("metadata")).get("name", source.name))
        spec = mapping(document.data.get("spec"))
        key = "analysis" if "analysis" in spec else "canaryAnalysis"
        analysis, at = mapping(spec.get(key)), ("spec", key)
        if number(analysis.get("stepWeight")) is not None:
            top = analysis.get("maxWeight") if number(analysis.get("maxWeight")) is not None else 100
            weights = list(range(int(analysis["stepWeight"]), int(top) + 1, max(1, int(analysis["stepWeight"])))) if analysis["stepWeight"] > 0 else []
            weight_key: tuple = ("stepWeight",)
        else:
            weights = [weight for weight in listing(analysis.get("stepWeights")) if number(weight) is not None]
            weight_key = ("stepWeights", 0)
        metrics = [mapping(metric) for metric in listing(analysis.get("metrics"))]
        record: dict[str, Any] = {"name": name, "tool": "flagger", "steps": weights, "analysis": [str(metric.get("name")) for metric in metrics],
                                  "aborts_on": [str(metric.get("name")) for metric in metrics if mapping(metric.get("thresholdRange"))]}
        if number(analysis.get("threshold")) is not None:
            record["failed_checks_before_rollback"] = analysis["threshold"]
        if number(analysis.get("iterations")) is not None:  # A/B testing or blue/green: checked for N intervals, not shifted in steps
            record["iterations"] = analysis["iterations"]
        facts.add("rollouts", record, source.at(document, at), {"steps": source.at(document, at)})
        if weights:
            origin = source.at(document, at + weight_key)
            facts.add("traffic", {"name": name, "canary_percent": weights[0], "key": weight_key[0]}, origin, {"canary_percent": origin})
