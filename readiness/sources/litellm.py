"""LiteLLM proxy config: routes, budgets, rate limits, fallbacks, logging callbacks and secrets.

Routes: each ``model_list`` deployment, with the model it calls and the provider its prefix names
(``openai/gpt-4o-2024-08-06``), located at its ``litellm_params.model`` so that a route to an
unpinned model is a finding in this file (SRC015); each route is also an artifact fact (marked
``route``), so that the manifest's pinned version is cross-checked with what the gateway calls (SRC004).

One gateway per file. Budgets: the proxy's ``max_budget`` over ``budget_duration`` (scope
``proxy``, also given per month), per end user (``max_end_user_budget``), per deployment
(``litellm_params.max_budget``) and per provider (``router_settings.provider_budget_config``).
Rate limits: gateway-wide (``max_parallel_requests``…) or ``rpm``/``tpm`` on deployments.
Every secret setting (``master_key``, ``api_key``…) is inline or read from ``os.environ/``.
"""

from __future__ import annotations

import re
from typing import Any

from .. import pinning
from ..files import decimal, number
from . import Facts, Source, add_artifact, listing, mapping
from .references import ALIAS, VERSION, Pinning
from .secrets import walk_secrets

EXPECTED = "a LiteLLM proxy config: model_list entries with litellm_params, and/or litellm_settings, router_settings, general_settings"
_SECTIONS = ("litellm_settings", "router_settings", "general_settings")
_GATEWAY_LIMITS = ("max_parallel_requests", "global_max_parallel_requests", "default_max_parallel_requests", "user_rpm_limit", "user_tpm_limit", "key_rpm_limit")
_FALLBACKS = ("fallbacks", "context_window_fallbacks", "content_policy_fallbacks", "default_fallbacks")
_COMPATIBLE = ("openai", "openai_like", "text-completion-openai", "hosted_vllm", "vllm", "huggingface", "custom_openai")
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d|w|mo)\s*$")
_DAYS = {"s": 1 / 86400, "m": 1 / 1440, "h": 1 / 24, "d": 1, "w": 7, "mo": 30}


def _is_config(data: Any) -> bool:
    data = mapping(data)
    models = listing(data.get("model_list"))
    if models and all(isinstance(mapping(model).get("litellm_params"), dict) for model in models):
        return True
    return not models and any(isinstance(data.get(section), dict) for section in _SECTIONS) and "litellm_settings" in data


def detect(source: Source) -> bool:
    return any(_is_config(document.data) for document in source.mappings)


def monthly(amount: float, duration: Any) -> float | None:
    """USD per 30-day month for a budget of ``amount`` per ``duration`` (``30d``, ``1mo``, ``7d``…)."""
    match = _DURATION.match(str(duration)) if duration is not None else None
    count = decimal(match.group(1)) if match else None
    if not count:
        return None
    return round(amount * 30 / (count * _DAYS[match.group(2)]), 2)


def extract(source: Source, facts: Facts) -> None:
    for document in source.mappings:
        if _is_config(document.data):
            _gateway(source, facts, document)


def _gateway(source: Source, facts: Facts, document: Any) -> None:
    data = document.data
    settings, router, general = (mapping(data.get(section)) for section in _SECTIONS)
    models = [mapping(model) for model in listing(data.get("model_list"))]
    record: dict[str, Any] = {"name": source.name, "routes": [_route(model) for model in models]}
    fields: dict[Any, tuple] = {("routes", index): source.at(document, ("model_list", index, "litellm_params", "model")) for index in range(len(models))}
    budgets = _budgets(source, document, settings, router, models, fields)
    if budgets:
        record["budget"] = budgets
    limits = [{"scope": "gateway", "setting": key, "value": section[key]} for section in (general, settings, router) for key in _GATEWAY_LIMITS if key in section]
    limited = [model for model in models if any(key in mapping(model.get("litellm_params")) for key in ("rpm", "tpm"))]
    if limited and len(limited) == len(models):
        limits.append({"scope": "every deployment", "setting": "rpm/tpm", "value": len(limited)})
    if limits:
        record["rate_limits"] = limits
    record["deployments_rate_limited"] = f"{len(limited)} of {len(models)}"
    record["fallbacks"] = [
        {"model": str(model), "fallbacks": [str(item) for item in listing(targets)]}
        for section in (settings, router) for key in _FALLBACKS for entry in listing(section.get(key)) for model, targets in mapping(entry).items()
    ]
    record["logging"] = sorted({str(item) for section in (settings, general) for key in ("callbacks", "success_callback", "failure_callback") for item in listing(section.get(key))})
    if "master_key" in general:
        fields["master_key"] = source.at(document, ("general_settings", "master_key"))
        record["master_key"] = "inline" if not str(general["master_key"]).startswith("os.environ/") else "environment"
    facts.add("gateways", record, source.at(document, ()), fields)
    for index, route in enumerate(record["routes"]):
        judged = route_problem(route)
        kind = Pinning(VERSION, "pinned by its provider's convention", route["model"].partition("/")[2] or route["model"]) if judged is None else Pinning(ALIAS, judged)
        add_artifact(facts, fields[("routes", index)], f"{source.name}/{route['model_name']}", route["model"], "model", kind)
        facts.data["artifacts"][-1]["route"] = True  # judged by SRC015 already; the artifact feeds the cross-check with the manifest
    walk_secrets(source, facts, document, data)


def route_problem(route: dict, extra: list[dict] | None = None) -> str | None:
    """Why a route's model can change under the gateway (None: it is pinned). One judgement for SRC015,
    the artifact facts and ``readiness import``: the provider's convention (docs/pinning.md), or a digest;
    a self-hosted server's model must name a version."""
    model, provider = route.get("model"), route.get("provider")
    if not isinstance(model, str) or model in ("", "None"):
        return "which names no model"
    model_id = model.partition("/")[2] if "/" in model and (provider or route.get("self_hosted")) else model
    if pinning.identifies(model_id, provider, extra):
        return pinning.version_problem(model_id, provider, None, extra)
    return "which names no version or digest" + (" of the model the server at api_base serves" if route.get("self_hosted") else "")


def _route(model: dict) -> dict[str, Any]:
    """One deployment of ``model_list``: the model it calls and the provider its LiteLLM prefix names.

    An OpenAI-style prefix with an ``api_base`` of its own is a self-hosted, OpenAI-compatible server
    (vLLM, TGI…), whose model ids follow no provider's convention: it gets no provider."""
    params = mapping(model.get("litellm_params"))
    route: dict[str, Any] = {"model_name": str(model.get("model_name")), "model": str(params.get("model"))}
    prefix, slash, _ = route["model"].partition("/")
    if params.get("api_base") and prefix in _COMPATIBLE:
        route["self_hosted"] = True
    elif slash:
        route["provider"] = prefix
    return route


def _budgets(source: Source, document: Any, settings: dict, router: dict, models: list[dict], fields: dict) -> dict:
    """The budgets a config sets, by scope; the proxy's also per month."""
    budgets: dict[str, Any] = {}
    if number(settings.get("max_budget")) is not None:
        proxy = {"max_usd": settings["max_budget"], "duration": settings.get("budget_duration")}
        per_month = monthly(settings["max_budget"], settings.get("budget_duration"))
        if per_month is not None:
            proxy["monthly_usd"] = per_month
        budgets["proxy"] = proxy
        fields[("budget", "proxy", "monthly_usd")] = fields[("budget", "proxy")] = source.at(document, ("litellm_settings", "max_budget"))
    for key, scope in (("max_end_user_budget", "end_user"), ("max_internal_user_budget", "internal_user")):
        if number(settings.get(key)) is not None:
            budgets[scope] = {"max_usd": settings[key], "duration": settings.get("budget_duration")}
            fields[("budget", scope)] = source.at(document, ("litellm_settings", key))
    if isinstance(router.get("provider_budget_config"), dict):
        budgets["providers"] = sorted(router["provider_budget_config"])
        fields[("budget", "providers")] = source.at(document, ("router_settings", "provider_budget_config"))
    capped = [str(model.get("model_name")) for model in models if "max_budget" in mapping(model.get("litellm_params"))]
    if capped:
        budgets["deployments"] = capped
    return budgets
