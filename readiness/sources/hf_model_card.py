"""Hugging Face model cards: the YAML front matter of a ``README.md`` (``model-index`` results).

The front matter is parsed in place, so every line number points into the markdown file.
Each ``model-index`` metric becomes an eval result with its task, dataset and split. A card
still holding the template's ``{placeholders}`` (the Hub's own spec card writes
``license: {license}``) is read as an unfilled template rather than rejected.
"""

from __future__ import annotations

import re
from typing import Any

from ..loader import Document, load_documents
from . import Facts, Source, listing, mapping

EXPECTED = "a markdown file that starts with YAML front matter between two '---' lines"
_FENCE = re.compile(r"^---[ \t]*$")
_PLACEHOLDER = re.compile(r"(?<![\w\"'{])\{([A-Za-z_][A-Za-z0-9_]*)\}(?![\w\"'}])")


def front_matter(text: str) -> str | None:
    """The front matter with the fence lines blanked, so positions are the file's own; None without one."""
    lines = text.split("\n")
    if not lines or not _FENCE.match(lines[0]):
        return None
    for index in range(1, len(lines)):
        if _FENCE.match(lines[index]) or lines[index].rstrip() == "...":
            return "\n" + "\n".join(lines[1:index])
    return None


def detect(source: Source) -> bool:
    return source.name.lower().endswith((".md", ".markdown")) and front_matter(source.text) is not None


def _card(source: Source) -> tuple[Document | None, bool]:
    """The parsed front matter, and whether it is an unfilled template (its placeholders read as text)."""
    text = front_matter(source.text) or ""
    template = bool(_PLACEHOLDER.search(text))
    documents = load_documents(_PLACEHOLDER.sub(r'"{\1}"', text) if template else text, source.file, source.limits)
    return next((document for document in documents if isinstance(document.data, dict)), None), template


def extract(source: Source, facts: Facts) -> None:
    card, template = _card(source)
    if card is None:
        facts.add("model_cards", {"name": source.name, "template": template, "results": 0}, (source.file, "", 1, 1))
        return
    data = card.data
    results = []
    for model_index, model in enumerate(listing(data.get("model-index"))):
        model = mapping(model)
        for result_index, result in enumerate(listing(model.get("results"))):
            at = ("model-index", model_index, "results", result_index)
            results.extend(_results(source, facts, card, str(model.get("name", source.name)), mapping(result), at))
    name = str(mapping(listing(data.get("model-index"))[0] if listing(data.get("model-index")) else {}).get("name", source.name))
    record: dict[str, Any] = {"name": name, "template": template, "results": len(results)}
    for key in ("license", "base_model", "library_name", "pipeline_tag"):
        if isinstance(data.get(key), str):
            record[key] = data[key]
    record["datasets"] = [str(item) for item in listing(data.get("datasets"))]
    origin = source.at(card, ("model-index",) if "model-index" in data else ())
    facts.add("model_cards", record, origin, {"results": origin, "template": source.at(card, ())})


def _results(source: Source, facts: Facts, card: Document, model: str, result: dict, at: tuple) -> list[dict]:
    task, dataset = mapping(result.get("task")), mapping(result.get("dataset"))
    added = []
    for index, metric in enumerate(listing(result.get("metrics"))):
        metric = mapping(metric)
        record: dict[str, Any] = {
            "model": model,
            "task": str(task.get("type", task.get("name", ""))),
            "dataset": str(dataset.get("type", dataset.get("name", ""))),
            "metric": str(metric.get("type", metric.get("name", ""))),
            "value": metric.get("value"),
        }
        fields = {"value": source.at(card, at + ("metrics", index, "value"))}
        if "split" in dataset:
            record["split"] = str(dataset["split"])
            fields["split"] = source.at(card, at + ("dataset", "split"))
        else:
            fields["split"] = source.at(card, at + ("dataset",))
        if "name" in metric:
            record["name"] = str(metric["name"])
        facts.add("eval_results", record, source.at(card, at + ("metrics", index)), fields)
        added.append(record)
    return added
