"""Check functions over the facts read from source files (``checks/sources.yaml`` uses them).

Each takes one fact record (``facts.artifacts[*]``, ``facts.secrets[*]``…); a failure is
located where the fact came from, in the source file. The cross-checks (``agrees_with_manifest``,
``pinned_as_manifest``) name both places, the manifest's line and the source's.
"""

from __future__ import annotations

import math
import posixpath
import re
from typing import Any

from ..evidence import EvidenceProblem
from ..files import describe
from ..functions import Call, function, pinned_version, prepare_path
from ..paths import Path as RulePath
from . import FACTS

_TRAINING = re.compile(r"^(train|training)([-_.\[]|$)", re.IGNORECASE)
_KINDS = {"type": "array", "items": {"enum": ["digest", "version", "alias", "unversioned"]}, "minItems": 1}


def _key(call: Call, fallback: str) -> str:
    """The source file's own name for the value (``canaryTrafficPercent``), from the fact's origin."""
    origin = call.document.origin(call.value_path) if call.document else None
    return origin[1].rsplit("/", 1)[-1] if origin and origin[1] else fallback


@function("source_readable", reads_evidence=True)
def source_readable(value: Any, options: dict, call: Call) -> str | None:
    """The value is a ``facts.problems`` entry: a cited source that could not be read, recognised or parsed. Always fails with its message."""
    return f"{call.place(call.value_path)}: {value.get('message', 'cannot be read')}" if isinstance(value, dict) else None


@function("artifact_pinned", options={"reject": _KINDS}, required=("reject",), reads_evidence=True)
def artifact_pinned(value: Any, options: dict, call: Call) -> str | None:
    """The value is a ``facts.artifacts`` entry whose pinning (digest, version, alias, unversioned) is none of ``reject``;
    a gateway route (judged by ``route_pinned``) is not judged twice."""
    if not isinstance(value, dict) or value.get("pinning") not in options["reject"] or value.get("route"):
        return None
    return f"{value.get('component')}: {value.get('key', 'uri')} {value.get('uri')!r} can change under you: {value.get('why')}"


@function("logs_requests", reads_evidence=True)
def logs_requests(value: Any, options: dict, call: Call) -> str | None:
    """The value is a ``facts.endpoints`` entry that logs requests (a KServe or Seldon ``logger``); one that does not say is not judged."""
    if isinstance(value, dict) and value.get("request_logging") is False:
        return f"{value.get('name')} has no request logger: what it was asked and what it answered is not recorded"
    return None


@function("sends_traffic", reads_evidence=True)
def sends_traffic(value: Any, options: dict, call: Call) -> str | None:
    """The value is a ``facts.traffic`` entry whose canary, when it has one, receives more than 0 % of the traffic."""
    if isinstance(value, dict) and value.get("canary_percent") == 0:
        return f"{value.get('name')}: {value.get('key', 'canary')} sends 0 % to the canary, so the new version is deployed but never tried"
    return None


@function("card_has_results", reads_evidence=True)
def card_has_results(value: Any, options: dict, call: Call) -> str | None:
    """The value is a ``facts.model_cards`` entry with at least one result in its ``model-index``, and no unfilled template placeholders."""
    if not isinstance(value, dict):
        return None
    if value.get("template"):
        return f"the model card {value.get('name')!r} is an unfilled template: its {{placeholders}} stand where results and facts belong"
    if not value.get("results"):
        return f"the model card {value.get('name')!r} reports no results: its model-index is missing or empty"
    return None


@function("held_out_split", reads_evidence=True)
def held_out_split(value: Any, options: dict, call: Call) -> str | None:
    """The value is a ``facts.eval_results`` entry that names its dataset split, and the split is not the training split."""
    if not isinstance(value, dict):
        return None
    label = f"{value.get('metric')} on {value.get('dataset')}"
    split = value.get("split")
    if split is None:
        return f"{label} does not say which split it was measured on"
    if _TRAINING.match(str(split)):
        return f"{label} was measured on the {split!r} split, which the model was trained on"
    return None


@function("secret_from_environment", reads_evidence=True)
def secret_from_environment(value: Any, options: dict, call: Call) -> str | None:
    """The value is a ``facts.secrets`` entry read from the environment (``os.environ/NAME``, ``${NAME}``), not written inline."""
    if isinstance(value, dict) and value.get("inline"):
        return f"{value.get('setting')} at {call.place(call.value_path)}"
    return None


@function("spend_limited", reads_evidence=True)
def spend_limited(value: Any, options: dict, call: Call) -> str | None:
    """The value is a ``facts.gateways`` entry that sets a budget or a rate limit (gateway-wide, or rpm/tpm on every deployment)."""
    if not isinstance(value, dict) or value.get("budget") or value.get("rate_limits"):
        return None
    return f"the gateway {value.get('name')} sets no budget and no rate limit (rpm/tpm on {value.get('deployments_rate_limited', '0')} deployments)"


@function("assert_gates", reads_evidence=True)
def assert_gates(value: Any, options: dict, call: Call) -> str | None:
    """The value is a ``facts.eval_asserts`` entry that can fail: no threshold of 0, no zero weight, a threshold where the type needs one."""
    if isinstance(value, dict) and value.get("gates") is False:
        return f"{value.get('test')}: the {value.get('type')} assert does not gate: {value.get('why')}"
    return None


@function("suite_asserts", reads_evidence=True)
def suite_asserts(value: Any, options: dict, call: Call) -> str | None:
    """The value is a ``facts.eval_suites`` entry whose every test has an assert (or a ``defaultTest`` one), so no test passes by default."""
    if isinstance(value, dict) and value.get("tests_without_asserts"):
        return f"{value.get('tests_without_asserts')} of {value.get('tests')} tests in {value.get('name')!r} have no assert, so they pass whatever the output"
    return None


@function("agrees_with_manifest", options={"path": {"type": "string", "minLength": 1}, "tolerance": {"type": "number", "minimum": 0}}, required=("path",), reads_evidence=True, prepare=prepare_path)
def agrees_with_manifest(value: Any, options: dict, call: Call) -> str | None:
    """The value, a fact from a source, equals what the manifest declares at ``path`` (numbers within
    ``tolerance``, default 0.01 relative). When the manifest does not declare it, there is nothing to disagree with."""
    declared = next(iter(RulePath.parse(options["path"]).select(call.root)), None)
    if declared is None:
        return None
    manifest_path, manifest_value = declared
    numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (value, manifest_value))
    if numbers and math.isclose(value, manifest_value, rel_tol=options.get("tolerance", 0.01)) or value == manifest_value:
        return None
    return (f"the manifest says {options['path']}: {manifest_value} ({call.place(manifest_path)}) but "
            f"{call.place(call.value_path)} ({_key(call, 'the source')}) gives {describe(value).split(' ', 1)[-1]}")


@function("pinned_as_manifest", reads_evidence=True)
def pinned_as_manifest(value: Any, options: dict, call: Call) -> str | None:
    """The value is a ``facts.artifacts`` entry: when the manifest pins ``model.version`` or ``model.digest``,
    the artifact the source serves is pinned too (not an alias such as ``latest``, nor a bare path)."""
    model = call.root.get("model") if isinstance(call.root.get("model"), dict) else {}
    claimed = [(key, model[key]) for key in ("digest", "version") if key in model and pinned_version(model[key], {}, call) is None]
    if not claimed or not isinstance(value, dict) or not value.get("mutable"):
        return None
    key, pinned = claimed[0]
    return (f"the manifest pins model.{key}: {pinned} ({call.place(('model', key))}) but {call.place(call.value_path)} serves "
            f"{value.get('key', 'uri')} {value.get('uri')!r}, which is not pinned: {value.get('why')}")


@function("in_registry", reads_evidence=True)
def in_registry(value: Any, options: dict, call: Call) -> str | None:
    """The value is ``model.version``: when a cited MLflow registry export lists versions of ``model.name`` (or of
    its only model), the version is one of them, and the one the registry's aliases and Production stage serve
    when they all name one version."""
    registry = [item for item in (call.root.get(FACTS) or {}).get("registry", []) if isinstance(item, dict)]
    name = (call.root.get("model") or {}).get("name")
    models = {item.get("model") for item in registry}
    listed = [item for item in registry if item.get("model") == name or (len(models) == 1 and name is None)]
    if not listed or value is None:
        return None
    place = call.place(call.value_path)
    index = registry.index(listed[0])
    source = call.place((FACTS, "registry", index))
    versions = sorted({str(item.get("version")) for item in listed}, key=lambda text: (len(text), text))
    if str(value) not in versions:
        return f"{call.where}: {value} ({place}) is not a version of {listed[0].get('model')} in the registry export {source} (it lists {', '.join(versions)})"
    serving: dict[str, dict] = {}
    for item in sorted(listed, key=lambda item: item.get("pinning") != "alias"):  # an alias names it best
        if item.get("pinning") == "alias" or str(item.get("stage", "")).lower() == "production":
            serving.setdefault(str(item.get("version")), item)
    if len(serving) == 1 and str(value) not in serving:
        version, item = next(iter(serving.items()))
        how = item["reference"] if item.get("pinning") == "alias" else f"stage {item.get('stage')}"
        return f"{call.where}: {value} ({place}) but the registry serves version {version} through {how} ({call.place((FACTS, 'registry', registry.index(item)))})"
    return None


def _facts(call: Call, kind: str) -> list[dict]:
    return [item for item in (call.root.get(FACTS) or {}).get(kind, []) if isinstance(item, dict)]


@function("alert_defined", reads_evidence=True)
def alert_defined(value: Any, options: dict, call: Call) -> str | None:
    """The value is a ``monitoring.alerts`` entry whose ``name`` is an alerting rule in the cited Prometheus rules
    (``facts.alerts``); nothing to compare when no cited file has alerting rules."""
    alerts = _facts(call, "alerts")
    if not alerts or not isinstance(value, dict) or any(alert.get("name") == value.get("name") for alert in alerts):
        return None
    names = ", ".join(sorted({str(alert.get("name")) for alert in alerts}))
    return f"{call.where}: the alert {value.get('name')!r} ({call.place(call.value_path)}) is not in the cited alerting rules (they define {names})"


_REPOSITORY_FILE = re.compile(r"^https?://[^/]+/[^/]+/[^/]+/(?:-/)?blob/[^/]+/(.+?)(?:#.*)?$")


@function("alert_runbook", reads_evidence=True)
def alert_runbook(value: Any, options: dict, call: Call) -> str | None:
    """The value is a ``facts.alerts`` entry with a runbook (``annotations.runbook_url`` or ``runbook``) that is a file
    in the project: a path relative to the rules file, or a repository link (``…/blob/REF/PATH``, read as PATH from
    the manifest's folder). A wiki or other URL cannot be checked, so it fails: keep the runbook in the repository.
    When ``monitoring.alerts`` names alerts, only those are judged; otherwise every alerting rule is."""
    monitoring = call.root.get("monitoring") if isinstance(call.root.get("monitoring"), dict) else {}
    named = {alert.get("name") for alert in monitoring.get("alerts") or [] if isinstance(alert, dict)}
    if not isinstance(value, dict) or (named and value.get("name") not in named):
        return None
    runbook, name = value.get("runbook"), value.get("name")
    if not runbook:
        return f"{call.place(call.value_path)}: the alert {name!r} has no runbook_url annotation: whoever is paged does not know what to do"
    linked = _REPOSITORY_FILE.match(runbook)
    if linked:
        cited = linked.group(1)
    elif re.match(r"^[a-z][a-z0-9+.-]*:", runbook, re.IGNORECASE):
        return f"{call.place(call.value_path + ('runbook',))}: the runbook of {name!r} is {runbook!r}, which readiness cannot check: keep the runbook in the repository and link that file"
    else:
        cited = posixpath.normpath(posixpath.join(posixpath.dirname(str(value.get("source", ""))), runbook.split("#")[0]))
    try:
        call.evidence.read(cited)
    except EvidenceProblem as problem:
        return f"{call.place(call.value_path + ('runbook',))}: the runbook of {name!r}: {problem}"
    return None


_QUALITY_SIGNALS = ("quality", "drift", "groundedness", "safety", "refusal_rate", "feedback", "data_quality")


@function("signal_alerted", reads_evidence=True)
def signal_alerted(value: Any, options: dict, call: Call) -> str | None:
    """The value is a ``monitoring.signals`` entry: when it is a quality or drift signal (type quality, drift,
    groundedness, safety, refusal_rate, feedback, data_quality) and the manifest cites Prometheus rules, some
    alerting rule's expression names the signal and compares it with a threshold."""
    alerts = _facts(call, "alerts")
    if not alerts or not isinstance(value, dict) or value.get("type") not in _QUALITY_SIGNALS or not value.get("name"):
        return None
    word = re.compile(r"(?<![A-Za-z0-9_:])" + re.escape(str(value["name"]).replace("-", "_").replace(".", "_")) + r"(?![A-Za-z0-9_])")
    naming = [alert for alert in alerts if word.search(str(alert.get("expr", "")).replace("-", "_"))]
    if any(alert.get("threshold") for alert in naming):
        return None
    if naming:
        return f"{call.where}: the alert {naming[0].get('name')!r} names {value['name']!r} but compares it with no threshold"
    return f"{call.where}: no cited alerting rule watches the {value.get('type')} signal {value['name']!r} (no expr names it)"


@function("rollout_aborts", reads_evidence=True)
def rollout_aborts(value: Any, options: dict, call: Call) -> str | None:
    """The value is a ``facts.rollouts`` entry (Argo Rollouts, Flagger) that shifts traffic in steps (or, for a Flagger
    A/B or blue/green canary, runs ``iterations``) and runs an analysis that aborts it: a Flagger metric with a ``thresholdRange``, or an Argo ``AnalysisTemplate`` (in a cited
    file) with a ``failureCondition`` or ``successCondition``."""
    if not isinstance(value, dict):
        return None
    label = f"{value.get('tool')} rollout {value.get('name')!r} ({call.place(call.value_path)})"
    if not value.get("steps") and not value.get("iterations"):
        return f"the {label} shifts no traffic in steps (no setWeight, stepWeight or stepWeights) and runs no iterations"
    if not value.get("analysis"):
        return f"the {label} runs no analysis, so nothing aborts it when the new version misbehaves"
    if value.get("tool") == "flagger":
        return None if value.get("aborts_on") else f"the {label} checks {', '.join(value['analysis'])} without a thresholdRange, so no check can fail"
    templates = {item.get("name"): item for item in _facts(call, "analysis_templates")}
    missing = [name for name in value["analysis"] if name not in templates]
    if missing:
        return f"the {label} runs the analysis template(s) {', '.join(missing)}, which no cited file defines: cite the AnalysisTemplate so its abort conditions are read"
    if not any(templates[name].get("aborts_on") for name in value["analysis"]):
        return f"the {label} runs analysis templates with no failureCondition or successCondition, so they never abort it"
    return None


@function("eval_run_identified", reads_evidence=True)
def eval_run_identified(value: Any, options: dict, call: Call) -> str | None:
    """The value is a ``facts.eval_runs`` entry (a promptfoo, lm-evaluation-harness or Inspect AI output) that records the
    model it evaluated and when; when the manifest pins ``model.version``, the run evaluated that version."""
    if not isinstance(value, dict):
        return None
    place = call.place(call.value_path)
    missing = [what for what, key in (("the model", "model_version"), ("the date", "date")) if not value.get(key)]
    if value.get("models"):
        return f"{place}: the {value.get('tool')} output {value.get('name')!r} mixes the results of {', '.join(value['models'])}: evaluate the model that ships on its own"
    if missing:
        return f"{place}: the {value.get('tool')} output {value.get('name')!r} does not record {' or '.join(missing)} it evaluated"
    model = call.root.get("model") if isinstance(call.root.get("model"), dict) else {}
    shipped = model.get("version")
    recorded = str(value["model_version"])
    if shipped is not None and recorded.lower() != str(shipped).lower():
        return (f"the manifest ships model.version {shipped} ({call.place(('model', 'version'))}) but {call.place(call.value_path + ('model_version',))} "
                f"records that {value.get('tool')} evaluated {recorded!r}")
    return None


@function("red_team_open", options={"max_open_critical": {"type": "integer", "minimum": 0}, "max_open_high": {"type": "integer", "minimum": 0}}, reads_evidence=True)
def red_team_open(value: Any, options: dict, call: Call) -> str | None:
    """The value is a ``facts.red_team`` entry (a garak report, promptfoo red-team results), counted like a findings
    file: no more open critical findings than ``max_open_critical`` (default 0), nor high ones than ``max_open_high``
    (default 0). garak grades no severity: a probe whose attacks got through counts as high."""
    if not isinstance(value, dict):
        return None
    opened = value.get("open") or {}
    problems = [f"{opened.get(severity, 0)} open {severity}" for severity, limit in (("critical", options.get("max_open_critical", 0)), ("high", options.get("max_open_high", 0)))
                if opened.get(severity, 0) > limit]
    if not problems:
        return None
    return f"{call.place(call.value_path)}: the {value.get('tool')} output {value.get('name')!r} has {' and '.join(problems)} finding(s) of {value.get('attempts')} attempts"
