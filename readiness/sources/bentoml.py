"""BentoML ``bentofile.yaml``: the models a Bento packs (``name:version`` tags) and its environment.

A model tag without a version, or with ``latest``, resolves to whatever was saved last. An
``envs`` entry that writes a secret's value inline is a secret in the repository.
"""

from __future__ import annotations

from . import Facts, Source, add_artifact, listing, mapping
from .references import model_tag
from .secrets import add_secret

EXPECTED = "a bentofile.yaml: service: 'module:Service' with include, python, docker or models"
_SECTIONS = ("include", "python", "docker", "models", "envs", "conda", "labels")


def _is_bentofile(data: object, name: str) -> bool:
    data = mapping(data)
    if name in ("bentofile.yaml", "bentofile.yml"):
        return "service" in data
    return isinstance(data.get("service"), str) and ":" in data["service"] and any(section in data for section in _SECTIONS)


def detect(source: Source) -> bool:
    return any(_is_bentofile(document.data, source.name) for document in source.mappings)


def extract(source: Source, facts: Facts) -> None:
    for document in source.mappings:
        if not _is_bentofile(document.data, source.name):
            continue
        data = document.data
        service = str(data.get("service", source.name))
        for index, model in enumerate(listing(data.get("models"))):
            tag, at = (model, ("models", index)) if isinstance(model, str) else (mapping(model).get("tag"), ("models", index, "tag"))
            if not isinstance(tag, str):
                continue
            add_artifact(facts, source.at(document, at), service, tag, "models", model_tag(tag))
        for index, variable in enumerate(listing(data.get("envs"))):
            variable = mapping(variable)
            if isinstance(variable.get("name"), str) and "value" in variable:
                add_secret(source, facts, document, ("envs", index, "value"), variable["name"], variable["value"])
