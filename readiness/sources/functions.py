"""Check functions over the facts read from source files (``checks/sources.yaml`` uses them).

Each takes one fact record (``facts.artifacts[*]``, ``facts.secrets[*]``…); a failure is
located where the fact came from, in the source file. The cross-checks (``agrees_with_manifest``,
``pinned_as_manifest``) name both places, the manifest's line and the source's.
"""

from __future__ import annotations

import math
import re
from typing import Any

from ..functions import Call, function, pinned_version, prepare_path
from ..loader import describe
from ..paths import Path as RulePath

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
    """The value is a ``facts.artifacts`` entry whose pinning (digest, version, alias, unversioned) is none of ``reject``."""
    if not isinstance(value, dict) or value.get("pinning") not in options["reject"]:
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
