"""MLflow ``MLmodel`` files and model registry exports.

An ``MLmodel`` describes one logged model: its run (``runs:/RUN/PATH``, fixed once the run
ends), its flavors and how it is serialised, and its signature, which MLflow stores as JSON
text inside the YAML (``inputs: '[{"name": "age", "type": "long"}]'``); the signature is
parsed too, and a broken one is reported at its line. An ``artifact_path`` that is itself a location
(``dbfs:/…``, ``s3://…``) is the artifact, judged as any path (the run does not fix what is there). A registry export (``registered_models``
or ``model_versions``, as the REST API returns them) lists versions with their stage and
aliases: a reference through a stage or an alias moves when someone promotes a version.
"""

from __future__ import annotations

import json
import posixpath
import re
from typing import Any

from ..errors import InputError
from ..files import load_json
from . import Facts, Source, add_artifact, listing, mapping
from .references import ALIAS, VERSION, classify

EXPECTED = "an MLmodel file (flavors with artifact_path, run_id or model_uuid), or a registry export (registered_models or model_versions)"
_ABSOLUTE = re.compile(r"^([a-z][a-z0-9+.-]*:/|/)", re.IGNORECASE)
_PICKLED = {"cloudpickle": "pickle", "pickle": "pickle", "joblib": "joblib"}


def _is_mlmodel(data: Any, name: str) -> bool:
    data = mapping(data)
    return isinstance(data.get("flavors"), dict) and (name == "MLmodel" or any(key in data for key in ("artifact_path", "run_id", "model_uuid", "mlflow_version")))


def _is_export(data: Any) -> bool:
    data = mapping(data)
    return isinstance(data.get("registered_models"), list) or isinstance(data.get("model_versions"), list) or isinstance(data.get("registered_model"), dict)


def detect(source: Source) -> bool:
    return any(_is_mlmodel(document.data, source.name) or _is_export(document.data) for document in source.mappings)


def extract(source: Source, facts: Facts) -> None:
    for document in source.mappings:
        if _is_mlmodel(document.data, source.name):
            _mlmodel(source, facts, document)
        elif _is_export(document.data):
            _export(source, facts, document)


def _mlmodel(source: Source, facts: Facts, document: Any) -> None:
    data = document.data
    path = str(data.get("artifact_path", "model"))
    run = data.get("run_id")
    flavors = mapping(data["flavors"])
    located = _ABSOLUTE.match(path) is not None  # dbfs:/…, s3://…, /mnt/…: the model lives there, not inside the run
    name = posixpath.basename(path.rstrip("/")) if located else path
    record: dict[str, Any] = {"name": name or path, "flavors": sorted(flavors), "mlflow_version": str(data.get("mlflow_version", ""))}
    serialization = next((_PICKLED[str(f.get("serialization_format", "")).lower()] for f in map(mapping, flavors.values()) if str(f.get("serialization_format", "")).lower() in _PICKLED), None)
    if serialization or any("pickled_model" in mapping(f) or "python_model" in mapping(f) for f in flavors.values()):
        record["serialization"] = serialization or "pickle"
    signature = mapping(data.get("signature"))
    record["signature"] = {part: _columns(source, document, part, signature[part]) for part in ("inputs", "outputs") if part in signature}
    facts.add("models", record, source.at(document, ()), {"signature": source.at(document, ("signature",))})
    if located:
        add_artifact(facts, source.at(document, ("artifact_path",)), record["name"], path, "artifact_path", classify(path))
    elif isinstance(run, str) and run:
        reference = f"runs:/{run}/{path}"
        add_artifact(facts, source.at(document, ("run_id",)), path, reference, "run_id", classify(reference))


def _columns(source: Source, document: Any, part: str, text: Any) -> list[str]:
    """Column names (or types) of a signature part, which MLflow stores as JSON text."""
    if not isinstance(text, str):
        return []
    line, column = document.locate(("signature", part))
    try:
        specs = load_json(text)
    except json.JSONDecodeError as error:
        raise InputError(f"signature.{part} is not valid JSON: {error.msg} (character {error.pos + 1} of the value)", source.file, line, column) from None
    return [str(mapping(spec).get("name") or mapping(spec).get("type", "?")) for spec in listing(specs)]


def _export(source: Source, facts: Facts, document: Any) -> None:
    data = document.data
    models = listing(data.get("registered_models")) + ([data["registered_model"]] if isinstance(data.get("registered_model"), dict) else [])
    for index, model in enumerate(models):
        model = mapping(model)
        at = ("registered_models", index) if "registered_models" in data else ("registered_model",)
        for alias_index, alias in enumerate(listing(model.get("aliases"))):
            alias = mapping(alias)
            uri = f"models:/{model.get('name')}@{alias.get('alias')}"
            origin = source.at(document, at + ("aliases", alias_index))
            facts.add("registry", {"model": str(model.get("name")), "reference": uri, "version": str(alias.get("version")), "pinning": ALIAS}, origin)
        for version_index, version in enumerate(listing(model.get("latest_versions"))):
            _version(source, facts, document, mapping(version), at + ("latest_versions", version_index))
    for index, version in enumerate(listing(data.get("model_versions"))):
        _version(source, facts, document, mapping(version), ("model_versions", index))


def _version(source: Source, facts: Facts, document: Any, version: dict, at: tuple) -> None:
    name, number = version.get("name"), version.get("version")
    record = {"model": str(name), "reference": f"models:/{name}/{number}", "version": str(number), "pinning": VERSION}
    stage = version.get("current_stage")
    if isinstance(stage, str) and stage.lower() not in ("none", ""):
        record["stage"] = stage
    facts.add("registry", record, source.at(document, at))
    if isinstance(version.get("source"), str):
        add_artifact(facts, source.at(document, at + ("source",)), f"{name}/{number}", version["source"], "source", classify(version["source"]))
