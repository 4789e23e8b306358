"""Facts from the files teams already keep: KServe, Seldon, BentoML, MLflow, model cards, LiteLLM, promptfoo,
Prometheus alerting rules, Argo Rollouts and Flagger canaries, and the outputs of the eval and red-team tools
(promptfoo results, lm-evaluation-harness, Inspect AI, garak).

A manifest cites them under ``sources:`` (``{path, format}``; the format is detected when
omitted and unambiguous). Each file is read through the run's :class:`~readiness.evidence.Evidence`
(relative to the manifest, confined to the project root, size-limited; rule examples serve
files from memory the same way), parsed by the safe loader (several YAML documents allowed)
and handed to the adapter of its format, one small module per format, which turns it into
facts.

The rules see the facts under the read-only key ``facts`` of the data they evaluate
(``facts.artifacts[*].mutable``); the schema-validated manifest never holds it. Every fact
keeps its origin (file, line, column), so a finding about a fact points into the source file.
A source that cannot be read, recognised or parsed becomes one ``facts.problems`` entry (and
one finding) naming the file and line, never a crash.

Adapter interface (a module per format, named as the format): ``EXPECTED`` (what the format
looks like, for messages), ``detect(source) -> bool`` and ``extract(source, facts) -> None``.
Adding a format is one module, its name in :data:`FORMATS`, and its tests.
"""

from __future__ import annotations

import importlib
import json
import posixpath
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from ..errors import InputError
from ..evidence import Evidence, EvidenceProblem
from ..files import decode, load_json
from ..loader import Document, JsonPath, Limits, load_documents
from ..paths import pointer

FORMATS = ("kserve", "seldon", "bentoml", "mlflow", "hf_model_card", "litellm", "promptfoo", "promptfoo_results", "lm_eval", "inspect_log", "garak",
           "prometheus", "argo_rollouts", "flagger")
FACTS = "facts"

Origin = tuple  # (file, JSON pointer, line, column)
# a Helm (Go template) action: {{ .Values.x }}, {{- include … }}, {{ if … }}; not a bare {{ variable }} (Nunjucks, promptfoo)
_TEMPLATE = re.compile(r"\{\{-?\s*(\.|\$|/\*|(include|template|tpl|toYaml|if|else|range|with|end|define|default|quote|printf|required)\b)")


@dataclass
class Source:
    """One cited file: its text, and its YAML documents parsed on first use."""

    cited: str
    file: str
    text: str
    limits: Limits = field(default_factory=Limits)

    @property
    def name(self) -> str:
        return posixpath.basename(self.cited)

    @cached_property
    def documents(self) -> list[Document]:
        try:
            return load_documents(self.text, self.file, self.limits)
        except InputError:
            template = _TEMPLATE.search(self.text)
            if template is None:
                raise
            line = self.text.count("\n", 0, template.start()) + 1
            raise InputError("a Helm (Go) template, not the manifest it renders ({{ … }} on this line); cite the rendered file "
                             "(helm template RELEASE CHART > deploy/rendered.yaml) instead", self.file, line, 1) from None

    @cached_property
    def json(self) -> Any:
        """The file parsed as JSON when it is a JSON object (the tools' outputs), else None: cheaper than the YAML loader."""
        text = self.text.lstrip()
        if not text.startswith("{"):
            return None
        try:
            return load_json(text)
        except json.JSONDecodeError:
            return None

    @property
    def mappings(self) -> list[Document]:
        """The documents whose root is a mapping (the only kind any supported format uses)."""
        return [document for document in self.documents if isinstance(document.data, dict)]

    def at(self, document: Document, path: JsonPath) -> Origin:
        line, column = document.locate(path)
        return (self.file, pointer(path), line, column)


@dataclass
class Facts:
    """Facts by kind (``artifacts``, ``endpoints``, …), each a list of records, with their origins."""

    data: dict[str, list[dict]] = field(default_factory=dict)
    origins: dict[JsonPath, Origin] = field(default_factory=dict)

    def add(self, kind: str, record: dict, origin: Origin, fields: dict[Any, Origin] | None = None) -> None:
        """Record a fact; ``fields`` gives the origin of single fields (a name, or a tuple path)."""
        items = self.data.setdefault(kind, [])
        path = (FACTS, kind, len(items))
        items.append(record)
        self.origins[path] = origin
        for name, field_origin in (fields or {}).items():
            self.origins[path + (name if isinstance(name, tuple) else (name,))] = field_origin

    def merge(self, other: "Facts") -> None:
        """Append ``other``'s facts after this one's, origins re-indexed."""
        offsets = {kind: len(self.data.get(kind, [])) for kind in other.data}
        for kind, items in other.data.items():
            self.data.setdefault(kind, []).extend(items)
        for (root, kind, index, *rest), origin in other.origins.items():
            self.origins[(root, kind, index + offsets[kind], *rest)] = origin


@dataclass
class SourcedDocument(Document):
    """The manifest as the rules see it: its own data plus ``facts``, which point into their source files."""

    origins: dict[JsonPath, Origin] = field(default_factory=dict)

    def origin(self, path: JsonPath) -> Origin | None:
        if not path or path[0] != FACTS:
            return None
        while path:
            if path in self.origins:
                return self.origins[path]
            path = path[:-1]
        return None


def add_artifact(facts: Facts, origin: Origin, component: str, reference: str, key: str, pinning: Any) -> None:
    """Record an artifact a source serves, with how firmly it is pinned (a :class:`references.Pinning`)."""
    record = {"component": component, "uri": reference, "key": key, "pinning": pinning.kind, "mutable": pinning.mutable, "why": pinning.why}
    if pinning.pin:
        record["pin"] = pinning.pin
    facts.add("artifacts", record, origin, {"uri": origin})


def mapping(value: Any) -> dict:
    """``value`` if it is a mapping, else an empty one: adapters read files of any shape without failing."""
    return value if isinstance(value, dict) else {}


def listing(value: Any) -> list:
    return value if isinstance(value, list) else []


def adapter(name: str) -> Any:
    return importlib.import_module(f"{__name__}.{name}")


def detect(source: Source) -> list[str]:
    """The formats whose adapter recognises ``source``; if none does and it does not parse, why not."""
    found, error = [], None
    for name in FORMATS:
        try:
            if adapter(name).detect(source):
                found.append(name)
        except InputError as problem:
            error = error or problem
    if not found and error:
        raise error
    return found


def read_source(source: Source, declared: str | None, facts: Facts) -> str:
    """Extract one source's facts; its format (declared, or detected). Raises InputError when it cannot."""
    if declared is None:
        found = detect(source)
        if not found:
            raise InputError(f"not a format readiness reads (expected one of: {', '.join(FORMATS)}); set its format, or cite another file", source.file, 1, 1)
        if len(found) > 1:
            raise InputError(f"ambiguous: it reads as {' and as '.join(found)}; set format: to one of them", source.file, 1, 1)
        declared = found[0]
    elif not adapter(declared).detect(source):
        raise InputError(f"does not look like a {declared} file: {adapter(declared).EXPECTED}", source.file, 1, 1)
    facts.add("sources", {"path": source.cited, "format": declared}, (source.file, "", 1, 1))
    adapter(declared).extract(source, facts)
    return declared


def source_file(manifest: str, cited: str) -> str:
    """The cited file as reports name it: beside the manifest as the report names that."""
    folder = posixpath.dirname(manifest) if not manifest.startswith("<") else ""
    return posixpath.normpath(posixpath.join(folder, cited))


def load_source(cited: str, file: str, evidence: Evidence, limits: Limits = Limits()) -> Source:
    """Read a cited file through ``evidence``; EvidenceProblem or InputError when it cannot be read."""
    raw = evidence.read(cited)
    if len(raw) > limits.max_bytes:
        raise InputError(f"file is larger than the limit of {limits.max_bytes:,} bytes", file)
    return Source(cited, file, decode(raw, file), limits)


def read_sources(document: Document, evidence: Evidence, limits: Limits = Limits()) -> Document:
    """The manifest with the facts of every source it cites (unchanged when it cites none)."""
    entries = document.data.get("sources") or []
    if not entries:
        return document
    facts = Facts()
    for index, entry in enumerate(entries):
        cited = entry["path"]
        file = source_file(document.path, cited)
        read = Facts()  # kept only when the whole file reads: no half a file's facts
        try:
            read_source(load_source(cited, file, evidence, limits), entry.get("format"), read)
            facts.merge(read)
        except EvidenceProblem as problem:
            line, column = document.locate(("sources", index, "path"))
            facts.add("problems", {"path": cited, "message": f"sources[{index}].path: {problem}"}, (document.path, pointer(("sources", index)), line, column))
        except InputError as error:
            facts.add("problems", {"path": cited, "message": error.message}, (error.path or file, "", error.line or 1, error.column or 1))
    data = {**document.data, FACTS: facts.data}
    return SourcedDocument(document.path, data, document.positions, facts.origins)
