"""Argo Rollouts: a ``Rollout`` with a canary strategy, and the ``AnalysisTemplate`` s that can abort it.

Facts: a ``traffic`` record (the first ``setWeight`` is the canary's initial share, so SRC006/SRC007
apply), a ``rollouts`` record (the weights of the steps, the analysis templates run in the background
or as steps), and one ``analysis_templates`` record per ``AnalysisTemplate`` /
``ClusterAnalysisTemplate`` (whether a metric has a ``failureCondition`` or ``successCondition``, which
aborts the rollout when it is not met).
"""

from __future__ import annotations

from typing import Any

from . import Facts, Source, listing, mapping

EXPECTED = "apiVersion argoproj.io/… with kind Rollout (spec.strategy.canary) or AnalysisTemplate"
_TEMPLATES = ("AnalysisTemplate", "ClusterAnalysisTemplate")


def _kind(data: Any) -> str | None:
    data = mapping(data)
    if str(data.get("apiVersion", "")).startswith("argoproj.io/") and data.get("kind") in ("Rollout", *_TEMPLATES):
        return str(data["kind"])
    return None


def detect(source: Source) -> bool:
    return any(_kind(document.data) for document in source.mappings)


def _template_names(analysis: Any) -> list[str]:
    return [str(mapping(item).get("templateName")) for item in listing(mapping(analysis).get("templates")) if mapping(item).get("templateName")]


def extract(source: Source, facts: Facts) -> None:
    for document in source.mappings:
        kind = _kind(document.data)
        name = str(mapping(document.data.get("metadata")).get("name", source.name))
        spec = mapping(document.data.get("spec"))
        if kind in _TEMPLATES:
            metrics = [mapping(metric) for metric in listing(spec.get("metrics"))]
            conditions = [str(metric.get("name")) for metric in metrics if metric.get("failureCondition") or metric.get("successCondition")]
            facts.add("analysis_templates", {"name": name, "metrics": [str(metric.get("name")) for metric in metrics], "aborts_on": conditions},
                      source.at(document, ("spec",)))
        elif kind == "Rollout" and isinstance(mapping(spec.get("strategy")).get("canary"), dict):
            _canary(source, facts, document, name, spec["strategy"]["canary"])


def _canary(source: Source, facts: Facts, document: Any, name: str, canary: dict) -> None:
    at = ("spec", "strategy", "canary")
    steps = [mapping(step) for step in listing(canary.get("steps"))]
    weights = [step["setWeight"] for step in steps if isinstance(step.get("setWeight"), (int, float)) and not isinstance(step.get("setWeight"), bool)]
    templates = _template_names(canary.get("analysis")) + [name for step in steps for name in _template_names(step.get("analysis"))]
    record: dict[str, Any] = {"name": name, "tool": "argo-rollouts", "steps": weights, "analysis": list(dict.fromkeys(templates))}
    facts.add("rollouts", record, source.at(document, at), {"steps": source.at(document, at + ("steps",)) if "steps" in canary else source.at(document, at)})
    if weights:
        first = next(index for index, step in enumerate(steps) if "setWeight" in step)
        origin = source.at(document, at + ("steps", first, "setWeight"))
        facts.add("traffic", {"name": name, "canary_percent": weights[0], "key": "setWeight"}, origin, {"canary_percent": origin})
