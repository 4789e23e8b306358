"""Checks of the versioning rules: every model the system calls is pinned, every trace can be replayed.

The judgement of what is pinned lives in :mod:`readiness.pinning` (provider conventions as data)
and :mod:`readiness.sources.references` (artifact URIs). A rule judges a model entry's ``version`` and
``digest`` with ``pinned_version`` (so that a finding points at that line), checks with ``versioned_model``
that the entry has one, and its ``artifact`` with ``pinned_artifact``; ``route_pinned`` judges the routes
of a LiteLLM gateway.
"""

from __future__ import annotations

from typing import Any

from . import pinning
from .files import describe
from .functions import Call, function
from .sources.litellm import route_problem

_CONVENTIONS = {"conventions": pinning.CONVENTIONS_OPTION}
_MODEL_OPTIONS = {**_CONVENTIONS, "provider_from": pinning.PROVIDER_FROM_OPTION}
_NOT_A_MODEL = ("rules", "static", "human")  # fallback kinds that serve no model, so have no version


@function("versioned_model", options=_MODEL_OPTIONS, prepare=pinning.pinning_options_problem)
def versioned_model(value: Any, options: dict, call: Call) -> str | None:
    """The value is a model entry (``name`` or ``model``, ``provider``, ``version``, ``digest``) that says which
    version it is: a ``version`` or ``digest`` (judge those with ``pinned_version``), or, with neither, a
    ``name`` that is itself a provider's pinned id (``claude-3-5-haiku-20241022``). A fallback of ``kind``
    rules, static or human serves no model and needs only a ``description``. ``conventions`` adds a team's
    own provider conventions; an entry with no ``provider`` is served by the provider at ``provider_from``
    (as in ``pinned_version``)."""
    if not isinstance(value, dict):
        return f"{call.where} is {describe(value)}, expected a mapping naming the model and its version"
    if value.get("kind") in _NOT_A_MODEL:
        return None if value.get("description") else f"{call.where} is a {value['kind']} fallback with no description of what it does"
    if "version" in value or "digest" in value:
        return None
    provider = pinning.provider_of(value, call.root, options.get("provider_from", ()))
    name_field = "name" if "name" in value else "model"  # a judge names its model in `model`
    name, extra = value.get(name_field), options.get("conventions")
    if isinstance(name, str) and pinning.identifies(name, provider, extra):
        reason = pinning.version_problem(name, provider, None, extra)
        return f"{call.where}.{name_field} is {pinning.shown(name)} with no version, {reason}" if reason else None
    return f"{call.where} names no version or digest"


@function("pinned_artifact")
def pinned_artifact(value: Any, options: dict, call: Call) -> str | None:
    """The value is an artifact reference (object-store path, registry URI, image) that names one immutable
    artifact: a digest, a registry version or a versioned path or tag; not an alias (``/latest/``, ``:latest``,
    ``@champion``, a registry stage), an untagged image or a path with no version."""
    reason = pinning.artifact_problem(value)
    return f"{call.where} is {pinning.shown(value)}, {reason}" if reason else None


@function("route_pinned", options=_CONVENTIONS, reads_evidence=True, prepare=pinning.conventions_problem)
def route_pinned(value: Any, options: dict, call: Call) -> str | None:
    """The value is a ``facts.gateways[*].routes[*]`` entry (a LiteLLM ``model_list`` deployment) whose
    model is pinned by its provider's convention (the provider is the LiteLLM prefix, ``openai/…``), or
    carries a digest; a route to a self-hosted server (``api_base``) must name a version of what it serves."""
    if not isinstance(value, dict):
        return None
    detail = route_problem(value, options.get("conventions"))
    if detail is None:
        return None
    if detail == "which names no model":
        return f"{call.place(call.value_path)}: the route {value.get('model_name')!r} names no model"
    return f"{call.place(call.value_path)}: the route {value.get('model_name')!r} calls {value.get('model')!r}, {detail}"


_IO = ("input", "output")
_ML_IO = ("features", "prediction")


@function("replayable_records")
def replayable_records(value: Any, options: dict, call: Call) -> str | None:
    """The value is ``tracing.records`` and holds what a request's answer came from and what it was:
    ``input`` and ``output``; a classic ML model (``service.kind: ml``) may record ``features`` and
    ``prediction`` instead. Any other or undeclared kind needs ``input`` and ``output``."""
    if not isinstance(value, list):
        return f"{call.where} is {describe(value)}, expected a list"
    service = call.root.get("service") if isinstance(call.root.get("service"), dict) else {}
    accepted = (_IO, _ML_IO) if service.get("kind") == "ml" else (_IO,)
    for words in accepted:
        if all(word in value for word in words):
            return None
    wanted = " or ".join(" and ".join(words) for words in accepted)
    return f"{call.where} lacks {wanted}" + (" (a classic ML model records its features and prediction)" if len(accepted) > 1 else "")
