"""KServe ``InferenceService`` (``serving.kserve.io/v1beta1``; KFServing ``serving.kubeflow.org/v1alpha2`` too).

Facts per service: the artifact of each component (``storageUri``, ``storageUris``, a
container image, or the v1alpha2 ``custom.container.image``) with its pinning, the canary percent, replicas, resources, the request
logger and the explainer.
"""

from __future__ import annotations

from typing import Any

from . import Facts, Source, add_artifact, listing, mapping
from .references import classify, image

EXPECTED = "apiVersion serving.kserve.io/v1beta1 (or serving.kubeflow.org/…) and kind InferenceService"
COMPONENTS = ("predictor", "transformer", "explainer")
_NOT_FRAMEWORKS = {
    "canaryTrafficPercent", "minReplicas", "maxReplicas", "logger", "containers", "resources", "tolerations",
    "nodeSelector", "affinity", "serviceAccountName", "containerConcurrency", "timeout", "batcher", "scaleTarget",
    "scaleMetric", "volumes", "imagePullSecrets", "annotations", "labels", "deploymentStrategy", "workerSpec",
}


def _is_service(data: Any) -> bool:
    data = mapping(data)
    return str(data.get("apiVersion", "")).startswith(("serving.kserve.io/", "serving.kubeflow.org/")) and data.get("kind") == "InferenceService"


def detect(source: Source) -> bool:
    return any(_is_service(document.data) for document in source.mappings)


def extract(source: Source, facts: Facts) -> None:
    for document in source.mappings:
        if not _is_service(document.data):
            continue
        name = str(mapping(document.data.get("metadata")).get("name", source.name))
        spec = mapping(document.data.get("spec"))
        if "default" in spec:  # v1alpha2: spec.default / spec.canary, the percent on spec
            _service(source, facts, document, name, mapping(spec["default"]), ("spec", "default"), spec.get("canaryTrafficPercent"), ("spec", "canaryTrafficPercent"))
            if "canary" in spec:
                _service(source, facts, document, f"{name} (canary)", mapping(spec["canary"]), ("spec", "canary"), None, ())
        else:
            predictor = mapping(spec.get("predictor"))
            _service(source, facts, document, name, spec, ("spec",), predictor.get("canaryTrafficPercent"), ("spec", "predictor", "canaryTrafficPercent"))


def _service(source: Source, facts: Facts, document: Any, name: str, spec: dict, at: tuple, canary: Any, canary_at: tuple) -> None:
    predictor_at = at + ("predictor",)
    predictor = mapping(spec.get("predictor"))
    explainer = mapping(spec.get("explainer"))
    endpoint: dict[str, Any] = {"name": name, "format": "kserve", "request_logging": "logger" in predictor}
    fields = {}
    if "logger" in predictor:
        endpoint["logger_mode"] = mapping(predictor["logger"]).get("mode", "all")
        if isinstance(mapping(predictor["logger"]).get("url"), str):
            endpoint["logger_url"] = predictor["logger"]["url"]
        fields["request_logging"] = source.at(document, predictor_at + ("logger",))
    for key, fact in (("minReplicas", "min_replicas"), ("maxReplicas", "max_replicas")):
        if isinstance(predictor.get(key), int):
            endpoint[fact] = predictor[key]
            fields[fact] = source.at(document, predictor_at + (key,))
    resources, resources_at = _resources(predictor, predictor_at)
    if resources:
        endpoint["resources"] = resources
        fields["resources"] = source.at(document, resources_at)
    if explainer:
        endpoint["explainer"] = _explainer_type(explainer)
        fields["explainer"] = source.at(document, at + ("explainer",))
    facts.add("endpoints", endpoint, source.at(document, predictor_at), fields)
    if isinstance(canary, (int, float)) and not isinstance(canary, bool):
        facts.add("traffic", {"name": name, "canary_percent": canary, "key": "canaryTrafficPercent"}, source.at(document, canary_at), {"canary_percent": source.at(document, canary_at)})
    for component in COMPONENTS:
        for uri, uri_at, is_image in _artifacts(mapping(spec.get(component)), at + (component,)):
            add_artifact(facts, source.at(document, uri_at), f"{name}/{component}", uri, str(uri_at[-1]), image(uri) if is_image else classify(uri))
    if explainer:
        facts.add("explainers", {"endpoint": name, "type": endpoint["explainer"]}, source.at(document, at + ("explainer",)))


def _frameworks(component: dict) -> list[str]:
    return [key for key, value in component.items() if isinstance(value, dict) and key not in _NOT_FRAMEWORKS]


def _artifacts(component: dict, at: tuple) -> list[tuple[str, tuple, bool]]:
    """(reference, path, is an image) of every artifact a component loads."""
    found = []
    for framework in _frameworks(component):
        spec = component[framework]
        if isinstance(spec.get("storageUri"), str):
            found.append((spec["storageUri"], at + (framework, "storageUri"), False))
        for index, item in enumerate(listing(spec.get("storageUris"))):
            uri = mapping(item).get("uri")
            if isinstance(uri, str):
                found.append((uri, at + (framework, "storageUris", index, "uri"), False))
        if isinstance(spec.get("image"), str):
            found.append((spec["image"], at + (framework, "image"), True))
        if isinstance(mapping(spec.get("container")).get("image"), str):  # v1alpha2: predictor.custom.container
            found.append((spec["container"]["image"], at + (framework, "container", "image"), True))
    for index, container in enumerate(listing(component.get("containers"))):
        container = mapping(container)
        if isinstance(container.get("image"), str):
            found.append((container["image"], at + ("containers", index, "image"), True))
        for variable_index, variable in enumerate(listing(container.get("env"))):
            variable = mapping(variable)
            if variable.get("name") == "STORAGE_URI" and isinstance(variable.get("value"), str):
                found.append((variable["value"], at + ("containers", index, "env", variable_index, "value"), False))
    return found


def _resources(component: dict, at: tuple) -> tuple[dict, tuple]:
    for framework in _frameworks(component):
        if isinstance(component[framework].get("resources"), dict):
            return component[framework]["resources"], at + (framework, "resources")
    for index, container in enumerate(listing(component.get("containers"))):
        if isinstance(mapping(container).get("resources"), dict):
            return container["resources"], at + ("containers", index, "resources")
    return {}, at


def _explainer_type(explainer: dict) -> str:
    for framework in _frameworks(explainer):
        return str(explainer[framework].get("type", framework))
    return "custom container" if explainer.get("containers") else "declared"
