"""Seldon Core: v1 ``SeldonDeployment`` and v2 ``Model`` / ``Experiment``.

v1 (``machinelearning.seldon.io``): each predictor is an endpoint with its replicas, its
traffic share, the request logger of its inference graph, its explainer, and the
``modelUri`` of every graph node and the explainer, the container images of its
``componentSpecs`` (``componentSpec`` in v1alpha1) and the deployment's credentials
(``oauth_key``, ``oauth_secret``). v2 (``mlops.seldon.io``): a Model's
``storageUri`` and replicas (an alibi-detect Model is a drift or outlier detector); an
Experiment's candidate weights are a traffic split (one candidate is no split; a mirror is a shadow).
"""

from __future__ import annotations

from typing import Any, Iterator

from . import Facts, Source, add_artifact, listing, mapping
from .references import classify, image
from .secrets import walk_secrets

EXPECTED = "apiVersion machinelearning.seldon.io/… with kind SeldonDeployment, or mlops.seldon.io/… with kind Model or Experiment"
V1, V2 = "machinelearning.seldon.io/", "mlops.seldon.io/"


def _kind(data: Any) -> str | None:
    data = mapping(data)
    api, kind = str(data.get("apiVersion", "")), data.get("kind")
    if api.startswith(V1) and kind == "SeldonDeployment":
        return "v1"
    if api.startswith(V2) and kind in ("Model", "Experiment", "Pipeline"):
        return str(kind)
    return None


def detect(source: Source) -> bool:
    return any(_kind(document.data) for document in source.mappings)


def extract(source: Source, facts: Facts) -> None:
    for document in source.mappings:
        kind = _kind(document.data)
        name = str(mapping(document.data.get("metadata")).get("name", source.name))
        spec = mapping(document.data.get("spec"))
        if kind == "v1":
            _deployment(source, facts, document, name, spec)
        elif kind == "Model":
            _model(source, facts, document, name, spec)
        elif kind == "Experiment":
            _experiment(source, facts, document, name, spec)


def _nodes(graph: dict, at: tuple) -> Iterator[tuple[dict, tuple]]:
    yield graph, at
    for index, child in enumerate(listing(graph.get("children"))):
        yield from _nodes(mapping(child), at + ("children", index))


def _deployment(source: Source, facts: Facts, document: Any, name: str, spec: dict) -> None:
    split = []
    for index, predictor in enumerate(listing(spec.get("predictors"))):
        predictor = mapping(predictor)
        at = ("spec", "predictors", index)
        label = f"{name}/{predictor.get('name', index)}"
        nodes = list(_nodes(mapping(predictor.get("graph")), at + ("graph",)))
        loggers = [(node, node_at) for node, node_at in nodes if isinstance(node.get("logger"), dict)]
        endpoint: dict[str, Any] = {"name": label, "format": "seldon", "request_logging": bool(loggers)}
        fields = {}
        if loggers:
            endpoint["logger_mode"] = loggers[0][0]["logger"].get("mode", "all")
            if isinstance(loggers[0][0]["logger"].get("url"), str):
                endpoint["logger_url"] = loggers[0][0]["logger"]["url"]
            fields["request_logging"] = source.at(document, loggers[0][1] + ("logger",))
        if isinstance(predictor.get("replicas"), int):
            endpoint["min_replicas"] = endpoint["max_replicas"] = predictor["replicas"]
            fields["min_replicas"] = fields["max_replicas"] = source.at(document, at + ("replicas",))
        explainer = mapping(predictor.get("explainer"))
        if explainer:
            endpoint["explainer"] = str(explainer.get("type", "declared"))
            fields["explainer"] = source.at(document, at + ("explainer",))
            facts.add("explainers", {"endpoint": label, "type": endpoint["explainer"]}, source.at(document, at + ("explainer",)))
        containers = [(mapping(container), component_at + ("spec", "containers", container_index))
                      for component, component_at in _component_specs(predictor, at)
                      for container_index, container in enumerate(listing(mapping(mapping(component).get("spec")).get("containers")))]
        sized = [(container["resources"], container_at) for container, container_at in containers if isinstance(container.get("resources"), dict)]
        if sized:
            endpoint["resources"] = sized[0][0]
            fields["resources"] = source.at(document, sized[0][1] + ("resources",))
        facts.add("endpoints", endpoint, source.at(document, at), fields)
        for node, node_at in nodes:
            _artifact(source, facts, document, f"{label}/{node.get('name', 'graph')}", node.get("modelUri"), node_at + ("modelUri",))
        _artifact(source, facts, document, f"{label}/explainer", explainer.get("modelUri"), at + ("explainer", "modelUri"))
        for container, container_at in containers:
            _artifact(source, facts, document, f"{label}/{container.get('name', 'container')}", container.get("image"), container_at + ("image",), is_image=True)
        if not predictor.get("shadow"):
            split.append({"target": label, "percent": predictor.get("traffic", 100 if len(spec.get("predictors") or []) == 1 else 0)})
    walk_secrets(source, facts, document, {key: value for key, value in spec.items() if key != "predictors"}, ("spec",))
    if len(split) > 1:
        canary = sum(item["percent"] for item in split[1:] if isinstance(item["percent"], (int, float)))
        origin = source.at(document, ("spec", "predictors"))
        facts.add("traffic", {"name": name, "split": split, "canary_percent": canary, "key": "traffic"}, origin, {"canary_percent": origin})


def _component_specs(predictor: dict, at: tuple) -> list[tuple[Any, tuple]]:
    """``componentSpecs`` (v1), or the single ``componentSpec`` of ``v1alpha1`` deployments."""
    if isinstance(predictor.get("componentSpec"), dict):
        return [(predictor["componentSpec"], at + ("componentSpec",))]
    return [(component, at + ("componentSpecs", index)) for index, component in enumerate(listing(predictor.get("componentSpecs")))]


def _artifact(source: Source, facts: Facts, document: Any, component: str, reference: Any, at: tuple, is_image: bool = False) -> None:
    if not isinstance(reference, str) or not reference:
        return
    add_artifact(facts, source.at(document, at), component, reference, str(at[-1]), image(reference) if is_image else classify(reference))


def _model(source: Source, facts: Facts, document: Any, name: str, spec: dict) -> None:
    _artifact(source, facts, document, name, spec.get("storageUri"), ("spec", "storageUri"))
    endpoint: dict[str, Any] = {"name": name, "format": "seldon"}
    fields = {}
    for key, fact in (("minReplicas", "min_replicas"), ("maxReplicas", "max_replicas"), ("replicas", "min_replicas")):
        if isinstance(spec.get(key), int) and fact not in endpoint:
            endpoint[fact] = spec[key]
            fields[fact] = source.at(document, ("spec", key))
    if isinstance(spec.get("memory"), (str, int)):
        endpoint["resources"] = {"requests": {"memory": spec["memory"]}}
        fields["resources"] = source.at(document, ("spec", "memory"))
    requirements = [str(item).lower() for item in listing(spec.get("requirements"))]
    if any("alibi-detect" in item or "drift" in item or "outlier" in item for item in requirements):
        kind = "outlier" if "outlier" in name.lower() or "outlier" in requirements else "drift"
        facts.add("detectors", {"name": name, "kind": kind}, source.at(document, ("spec", "requirements")))
    else:
        facts.add("endpoints", endpoint, source.at(document, ("spec",)), fields)


def _experiment(source: Source, facts: Facts, document: Any, name: str, spec: dict) -> None:
    candidates = [mapping(item) for item in listing(spec.get("candidates"))]
    if isinstance(mapping(spec.get("mirror")).get("name"), str):
        facts.add("traffic", {"name": f"{name} (mirror)", "shadow": spec["mirror"]["name"], "key": "mirror"}, source.at(document, ("spec", "mirror")))
    if len(candidates) < 2:  # one candidate takes all the traffic: no split, and no canary (a mirror is a shadow test)
        return
    weights = [item.get("weight", 1) if isinstance(item.get("weight", 1), (int, float)) else 0 for item in candidates]
    total = sum(weights) or 1
    split = [{"target": str(item.get("name")), "percent": round(100 * weight / total, 2)} for item, weight in zip(candidates, weights)]
    default = spec.get("default")
    canary = round(sum(item["percent"] for item in split if item["target"] != default), 2) if default else None
    record: dict[str, Any] = {"name": name, "split": split, "key": "candidates"}
    origin = source.at(document, ("spec", "candidates"))
    if canary is not None:
        record["canary_percent"] = canary
    facts.add("traffic", record, origin, {"canary_percent": origin})
