"""``readiness import FILE...``: a starter manifest from the files a team already keeps.

The files are read exactly as an audit reads them (same adapters, same confinement to the
project root of the manifest being written) and their facts fill what they can: service,
model, data, tracing, monitoring, evaluation, release, cost, governance and ``sources``
(citing every file, so the next audit cross-checks them). A section no file speaks to gets a
comment instead. The result is checked against the manifest schema before it is written.
"""

from __future__ import annotations

import os
import posixpath
import re
from pathlib import Path
from typing import Any

import yaml

from .. import schema
from ..errors import InputError
from ..evidence import Evidence, EvidenceProblem, find_project_root
from ..loader import Document, Limits
from . import Facts, load_source, read_source
from .litellm import route_problem

SECTIONS = ("service", "model", "data", "tracing", "monitoring", "evaluation", "release", "cost", "security", "governance", "sources")
UNFILLED = {
    "service": "name, kind (ml | llm | rag | agent), risk tier and owners",
    "model": "the provider, name and an immutable version or digest",
    "data": "training and eval data versions and the input schema",
    "tracing": "what each request records, retention and PII redaction",
    "monitoring": "quality signals beyond status codes, drift, alerts with owner and runbook",
    "evaluation": "datasets, metrics with method and threshold, last run and its results file",
    "release": "canary or shadow, promotion and abort criteria, rollback and its last drill",
    "cost": "budget, traffic, tokens per request, prices and rate limits",
    "security": "prompt-injection defences, output handling, PII and red-team results",
    "governance": "model card, approvals and incident plan",
}
# gateway callbacks that count requests or bill for them but record no request: metrics and usage-based billing
_NOT_TRACING = {"prometheus", "datadog_metrics", "lago", "openmeter", "greenscale", "mavvrik", "pointfive"}
_JUDGED = ("llm-rubric", "model-graded", "factuality", "g-eval", "answer-relevance", "context-", "select-best", "moderation")
# what a promptfoo assert type measures (manifest ``dimension``), and which way is better
_DIMENSIONS = (
    ("latency", "latency"), ("cost", "cost"), ("is-json", "format"), ("contains-json", "format"), ("is-xml", "format"),
    ("contains-xml", "format"), ("is-sql", "format"), ("contains-sql", "format"), ("is-valid-", "format"), ("is-refusal", "safety"),
    ("moderation", "safety"), ("factuality", "correctness"), ("answer-relevance", "relevance"), ("context-relevance", "relevance"),
    ("context-faithfulness", "groundedness"), ("context-recall", "groundedness"), ("llm-rubric", "quality"), ("g-eval", "quality"),
    ("model-graded", "quality"),
)
_LOWER_IS_BETTER = ("latency", "cost", "perplexity")
_URL = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)


def import_files(files: list[Path], output: Path, force: bool = False, limits: Limits = Limits(), root: Path | None = None) -> str:
    """Read ``files`` and return the text of the manifest for ``output``; InputError when a file cannot serve.
    ``root`` (``--root``) replaces the project root found from ``output``'s folder."""
    if output.exists() and not force:
        raise InputError(f"{output} already exists; use --force to overwrite it")
    base = output.resolve().parent
    set_by = "--root" if root else None
    root = (root or find_project_root(base)).resolve()
    evidence = Evidence(base, root, root_set_by=set_by)
    facts = Facts()
    for file in files:
        if not file.resolve().is_relative_to(root):
            raise InputError(f"resolves outside the project root {evidence.describe_root()}: the manifest {output} may cite only "
                             f"files inside its project; copy the file in, or write the manifest beside it (-o {file.resolve().parent / output.name})", file.as_posix())
        cited = Path(os.path.relpath(file.resolve(), base)).as_posix()
        try:
            read_source(load_source(cited, file.as_posix(), evidence, limits), None, facts)
        except EvidenceProblem as problem:
            raise InputError(str(problem), file.as_posix()) from None
    manifest = starter(facts.data, base.name)
    problems = schema.validate(Document(output.as_posix(), manifest))
    if problems:  # a defect in this module, not in the user's files
        raise AssertionError(f"imported manifest does not validate: {problems[0]}")
    return render(manifest, [file.as_posix() for file in files], notes(facts.data))


def notes(facts: dict[str, list[dict]]) -> dict[str, list[str]]:
    """Comments for a section: what the files say that the manifest has no field for (a registry alias)."""
    aliases = [f"the registry alias {item['reference']} points to version {item['version']} today; the manifest pins the version"
               for item in facts.get("registry", []) if item["pinning"] == "alias"]
    return {"model": aliases} if aliases else {}


def render(manifest: dict, files: list[str], comments: dict[str, list[str]] | None = None) -> str:
    lines = [f"# Starter manifest imported by `readiness import` from: {', '.join(files)}", "# Review every value; then `readiness audit`.", "readiness: 1", ""]
    for section in SECTIONS:
        lines.extend(f"# {comment}" for comment in (comments or {}).get(section, []))
        if section in manifest:
            lines.append(yaml.safe_dump({section: manifest[section]}, sort_keys=False, allow_unicode=True, width=100).rstrip())
        else:
            lines.append(f"# {section}: not in these files; add {UNFILLED[section]}")
        lines.append("")
    return "\n".join(lines)


def starter(facts: dict[str, list[dict]], folder: str = "service") -> dict[str, Any]:
    """The manifest sections the facts fill; sections they do not speak to are left out. The service is
    named by what the files deploy (an endpoint, a model), else by the manifest's ``folder``, never by a file name."""
    model = _model(facts)
    sections = {
        "service": _service(facts, folder if model.get("provider") else model.get("name") or folder), "model": model, "data": _data(facts), "tracing": _tracing(facts),
        "monitoring": _monitoring(facts), "evaluation": _evaluation(facts), "release": _release(facts), "cost": _cost(facts),
        "security": _security(facts), "governance": _governance(facts),
        "sources": [{"path": item["path"], "format": item["format"]} for item in facts.get("sources", [])],
    }
    return {"readiness": 1, **{name: value for name, value in sections.items() if value}}


def _service(facts: dict, fallback: str) -> dict:
    names = [item["name"].split("/")[0] for kind in ("endpoints", "model_cards") for item in facts.get(kind, []) if not item.get("template")]
    files = {Path(item["path"]).name for item in facts.get("sources", [])}
    names = [name for name in names + [item["name"] for item in facts.get("eval_suites", [])] if name not in files]  # a file name names no service
    llm = facts.get("gateways") or facts.get("eval_suites")
    service: dict[str, Any] = {"name": names[0] if names else fallback} if facts.get("sources") else {}
    if service:
        service["kind"] = "llm" if llm else "ml"
    return service


def _model(facts: dict) -> dict:
    model: dict[str, Any] = {}
    registry = facts.get("registry", [])
    if registry:  # the registry says which version serves: the alias or Production stage, else the newest listed
        served = next((item for item in registry if item["pinning"] == "alias" or item.get("stage", "").lower() == "production"), registry[-1])
        model.update({"name": served["model"], "version": served["version"], "artifact": f"models:/{served['model']}/{served['version']}"})
    served = [item for item in facts.get("artifacts", []) if not item["component"].endswith(("/explainer", "/transformer")) and not item.get("route")]
    if served and not model:
        artifact = served[0]
        model["name"] = artifact["component"].split("/")[0]
        model["artifact"] = artifact["uri"]
        if artifact.get("pin"):
            model["digest" if artifact["pinning"] == "digest" else "version"] = artifact["pin"]
    routes = [route for gateway in facts.get("gateways", []) for route in gateway.get("routes", [])]
    if routes and not model:
        provider, _, name = routes[0]["model"].partition("/")
        model.update({"provider": provider, "name": name} if name else {"name": provider})
        if route_problem(routes[0]) is None:  # the id is its own version by the provider's convention (docs/pinning.md)
            model["version"] = name or provider
    fallbacks = [item for gateway in facts.get("gateways", []) for item in gateway.get("fallbacks", []) if item["fallbacks"]]
    if fallbacks:
        model["fallback"] = {"name": fallbacks[0]["fallbacks"][0]}
    serialization = next((item["serialization"] for item in facts.get("models", []) if "serialization" in item), None)
    if serialization:
        model["serialization"] = serialization
    license_name = next((card["license"] for card in facts.get("model_cards", []) if card.get("license") and not card.get("template")), None)
    if license_name:
        model["license"] = license_name
    return model


def _data(facts: dict) -> dict:
    signed = [source["path"] for source in facts.get("sources", []) if source["format"] == "mlflow"] if any(item.get("signature") for item in facts.get("models", [])) else []
    return {"input_schema": {"path": signed[0]}} if signed else {}


def _tracing(facts: dict) -> dict:
    endpoints = facts.get("endpoints", [])
    logged = [item for item in endpoints if "request_logging" in item]
    callbacks = sorted({name for gateway in facts.get("gateways", []) for name in gateway.get("logging", []) if name not in _NOT_TRACING})
    if not logged and not callbacks:
        return {}
    backends = sorted({item.get("logger_url", "request logger") for item in logged if item["request_logging"]}) + callbacks
    tracing: dict[str, Any] = {"enabled": all(item["request_logging"] for item in logged) and bool(backends)}
    if backends:
        tracing["backend"] = ", ".join(backends)
    return tracing


def _monitoring(facts: dict) -> dict:
    detectors = facts.get("detectors", [])
    drift = [item for item in detectors if item["kind"] == "drift"]
    monitoring: dict[str, Any] = {"drift": {"input": {"method": f"alibi-detect ({drift[0]['name']})"}}} if drift else {}
    alerts = []
    for item in facts.get("alerts", []):
        alert = {"name": item["name"], "condition": item["expr"]}
        if item.get("runbook") and not _URL.match(item["runbook"]):  # the manifest's runbook is a path from the manifest
            alert["runbook"] = posixpath.normpath(posixpath.join(posixpath.dirname(item["source"]), item["runbook"]))
        alerts.append(alert)
    if alerts:
        monitoring["alerts"] = alerts
    return monitoring


def _evaluation(facts: dict) -> dict:
    metrics = []
    for result in facts.get("eval_results", []):
        metric: dict[str, Any] = {"name": f"{result.get('name', result['metric'])} on {result['dataset']}" + (f" ({result['split']})" if result.get("split") else ""), "method": "automated"}
        if isinstance(result.get("value"), (int, float)) and not isinstance(result.get("value"), bool):
            metric["score"] = result["value"]
        metrics.append(metric)
    for item in facts.get("eval_asserts", []):
        if "threshold" in item:
            judged = item["type"].startswith(_JUDGED)
            metric = {"name": item.get("metric", item["type"]), "method": "llm_judge" if judged else "automated", "threshold": item["threshold"]}
            dimension = next((dimension for prefix, dimension in _DIMENSIONS if item["type"].removeprefix("not-").startswith(prefix)), None)
            if dimension:
                metric["dimension"] = dimension
            if item["type"].startswith(_LOWER_IS_BETTER):
                metric["direction"] = "lower_is_better"
            metrics.append(metric)
    datasets = [{"name": suite["name"], **({"size": suite["tests"]} if isinstance(suite.get("tests"), int) and suite["tests"] else {})} for suite in facts.get("eval_suites", [])]
    datasets += [{"name": name} for name in dict.fromkeys(result["dataset"] for result in facts.get("eval_results", []))]
    evaluation: dict[str, Any] = {key: value for key, value in (("datasets", datasets), ("metrics", metrics)) if value}
    runs = [(item, source) for item, source in zip(facts.get("eval_runs", []), _cited(facts, "eval_runs")) if item["metrics"]]
    if runs:  # the tool's own output is the last run's results file (docs/results-format.md)
        run, cited = runs[0]
        evaluation["last_run"] = {"results": cited, **({"date": run["date"]} if run.get("date") else {})}
        evaluation.setdefault("metrics", []).extend({"name": name, "method": "automated", "score": value} for name, value in run["metrics"].items())
    return evaluation


def _cited(facts: dict, kind: str) -> list[str]:
    """The cited path of the file each ``kind`` record came from (one record per tool output)."""
    by_name = {Path(item["path"]).name: item["path"] for item in facts.get("sources", [])}
    return [by_name.get(item.get("name"), item.get("name")) for item in facts.get(kind, [])]


def _release(facts: dict) -> dict:
    traffic = facts.get("traffic", [])
    canary = next((item for item in traffic if "canary_percent" in item and "split" not in item), None)
    if canary:
        steps = next((item["steps"] for item in facts.get("rollouts", []) if item["name"] == canary["name"] and item["steps"]), None)
        return {"strategy": "canary", "canary": {"initial_percent": canary["canary_percent"], **({"steps": steps} if steps else {})}}
    if any("split" in item for item in traffic):
        return {"strategy": "ab_test"}
    if any("shadow" in item for item in traffic):
        return {"strategy": "shadow"}
    return {}


def _cost(facts: dict) -> dict:
    budgets = [gateway["budget"]["proxy"] for gateway in facts.get("gateways", []) if "monthly_usd" in gateway.get("budget", {}).get("proxy", {})]
    return {"budget": {"monthly_usd": budgets[0]["monthly_usd"], "on_exhaustion": "block"}} if budgets else {}


def _security(facts: dict) -> dict:
    security: dict[str, Any] = {"authentication": "api_key"} if any("master_key" in gateway for gateway in facts.get("gateways", [])) else {}
    red_team = list(zip(facts.get("red_team", []), _cited(facts, "red_team")))
    if red_team:  # the tool's own output is the findings file, counted by readiness (SEC014)
        security["red_team"] = {"findings": red_team[0][1]}
    return security


def _governance(facts: dict) -> dict:
    cards = [source["path"] for source in facts.get("sources", []) if source["format"] == "hf_model_card"]
    return {"model_card": cards[0]} if cards else {}
