"""Is a model version immutable? Each provider's convention, kept as data in ``pinning.yaml``.

A version counts as pinned only when it names one immutable thing: a provider's dated or
numbered snapshot (``gpt-4o-2024-08-06``, ``claude-3-5-sonnet-20241022``, ``gemini-1.5-pro-002``),
a registry version, a content digest. ``gpt-4o`` or ``llama3:8b`` are moving aliases even though
they contain no alias word. The conventions live in ``readiness/pinning.yaml``, read once on first
use; a team adds its own with the ``conventions`` option of the pinning functions (a config option
override reaches them), and its conventions are consulted before the built-in ones.

Artifact URIs (``s3://…``, ``models:/…``, images) are judged by :mod:`readiness.sources.references`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from . import regex
from .files import describe, excerpt
from .loader import load_text
from .paths import Path as RulePath, PathSyntaxError

# The one list of moving alias words (latest, stable, champion, …), ranges and wildcards.
FLOATING = re.compile(
    r"(^|[-_:@/.])(latest|stable|current|default|newest|main|master|head|prod|production|champion|challenger|staging|preview|nightly|edge|next)$"
    r"|[*^~]|>=|<=|^\s*$|(^|[-_.])x$",
    re.IGNORECASE,
)
_DIGEST = re.compile(r"(^|@)sha256:[0-9a-f]{64}$", re.IGNORECASE)
_URI = re.compile(r"^[a-z][a-z0-9+.-]*://|^(models|runs):/", re.IGNORECASE)

_TEXT = {"type": "string", "minLength": 1}
CONVENTION_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["provider", "models", "pinned", "moving", "pin", "examples"],
    "properties": {
        "provider": _TEXT,
        "moving": _TEXT,
        "names": {"type": "array", "items": _TEXT},
        "models": _TEXT,
        "pinned": _TEXT,
        "fixed": _TEXT,
        "pin": _TEXT,
        "fixed_pin": _TEXT,
        "examples": {"type": "array", "items": _TEXT, "minItems": 1},
        "why": _TEXT,
    },
}
CONVENTIONS_OPTION = {"type": "array", "items": CONVENTION_SCHEMA}
_REGEX_FIELDS = ("models", "pinned", "fixed")


PROVIDER_FROM_OPTION = {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1}


def provider_of(entry: dict, root: Any, provider_from: Any = ()) -> str | None:
    """A model entry's provider: its own ``provider``, else the first string at the ``provider_from`` paths
    (paths from the manifest root: an embedding model declared without one is served by ``model.provider``)."""
    if isinstance(entry.get("provider"), str):
        return entry["provider"]
    for path in provider_from:
        found = next(iter(_rule_path(path).select(root)), None)
        if found is not None and isinstance(found[1], str) and found[1].strip():
            return found[1]
    return None


_rule_path = cache(RulePath.parse)  # a rule's few provider_from paths, parsed once, not for every manifest


def pinning_options_problem(options: dict) -> str | None:
    """The ``prepare`` hook of the functions taking ``conventions`` and ``provider_from``: each path parses."""
    for path in options.get("provider_from", ()):
        try:
            RulePath.parse(path)
        except PathSyntaxError as error:
            return f"provider_from: {error}"
    return conventions_problem(options)


def conventions_problem(options: dict) -> str | None:
    """The ``prepare`` hook of functions taking ``conventions``: each of a team's regexes compiles."""
    for index, entry in enumerate(options.get("conventions", ())):
        for key in _REGEX_FIELDS:
            problem = regex.invalid(entry[key]) if key in entry else None
            if problem:
                return f"conventions[{index}].{key}: {problem}"
    return None


def shown(value: Any) -> str:
    """A value for a message: a string quoted (long ids such as Bedrock's in full), else its type and value."""
    return excerpt(value, 100) if isinstance(value, str) else describe(value)


@dataclass(frozen=True)
class Convention:
    """How one provider names an immutable model version (one entry of ``pinning.yaml``)."""

    provider: str
    models: str
    pinned: str
    moving: str
    pin: str
    examples: tuple[str, ...]
    names: tuple[str, ...] = ()
    fixed: str | None = None
    why: str = ""
    trusted: bool = True  # built-in regexes run unguarded; a team's run under regex's time limit
    fixed_pin: str = "a fixed model id"  # what a message asks for when the closest example is a fixed id, not a snapshot

    @classmethod
    def from_data(cls, data: dict, trusted: bool) -> "Convention":
        return cls(data["provider"], data["models"], data["pinned"], data["moving"], data["pin"], tuple(data["examples"]),
                   tuple(name.lower() for name in data.get("names", ())), data.get("fixed"), data.get("why", ""), trusted,
                   data.get("fixed_pin", "a fixed model id"))

    def _search(self, pattern: str | None, text: str) -> bool:
        if pattern is None:
            return False
        return bool(re.search(pattern, text) if self.trusted else regex.search(pattern, text))

    def recognises(self, model_id: str) -> bool:
        return self._search(self.models, model_id)

    def is_pinned(self, model_id: str) -> bool:
        return self._search(self.pinned, model_id) or self._search(self.fixed, model_id)

    def example_for(self, model_id: str) -> str:
        """The example sharing the longest prefix with ``model_id`` (gpt-4o → gpt-4o-2024-08-06); an example written
        as name and version (``gpt-4o version 2024-08-06``) is compared as the id they make together. A fixed id
        (``text-embedding-3-large``) is offered only for an id sharing half of it, so that a chat or moderation
        model is not sent to an embedding model."""
        def shared(example: str) -> int:
            example = example.replace(" version ", "-")
            return next((index for index, (a, b) in enumerate(zip(example, model_id)) if a != b), min(len(example), len(model_id)))

        def close(example: str) -> bool:
            return not self._is_fixed_only(example) or 2 * shared(example) >= len(example)
        return max([example for example in self.examples if close(example)] or self.examples, key=shared)

    def _is_fixed_only(self, example: str) -> bool:
        return self._search(self.fixed, example) and not self._search(self.pinned, example)

    def advice(self, model_id: str) -> str:
        """What to pin instead, for a message: the closest example, named for what it is. An embedding model
        OpenAI never snapshots is asked for its fixed id, not for a chat model's dated snapshot."""
        example = self.example_for(model_id)
        if self._is_fixed_only(example):
            return f"pin {self.fixed_pin} such as {example}"
        return f"pin {self.pin} such as {example}"


@cache
def builtin_conventions() -> tuple[Convention, ...]:
    """The conventions shipped in ``readiness/pinning.yaml``, parsed on first use."""
    text = Path(__file__).with_name("pinning.yaml").read_text(encoding="utf-8")  # importlib.resources would cost 2 ms of import
    return tuple(Convention.from_data(entry, trusted=True) for entry in load_text(text, "readiness/pinning.yaml").data["conventions"])


def conventions(extra: list[dict] | None = None) -> tuple[Convention, ...]:
    """A team's conventions (the ``conventions`` option), then the built-in ones."""
    return tuple(Convention.from_data(entry, trusted=False) for entry in extra or ()) + builtin_conventions()


def _recognising(model_id: str, provider: str | None, table: tuple[Convention, ...]) -> Convention | None:
    """The convention that recognises ``model_id``: the declared provider's first, else any."""
    declared = [convention for convention in table if provider and provider.lower() in convention.names]
    return next((convention for convention in declared + [c for c in table if c not in declared] if convention.recognises(model_id)), None)


def _convention(version: str, provider: str | None, name: str | None, table: tuple[Convention, ...]) -> Convention | None:
    """The convention a version is held to: the one that recognises it; else the one that recognises the
    model's name (``name: gpt-4o``, ``version: 7``); else, for a model with no name, the declared provider's.
    A model the provider's table does not know (a custom model on Vertex AI, Bedrock or Azure) gets none."""
    found = _recognising(version, provider, table)
    if found is not None or name:
        return found or (_recognising(name, provider, table) if name else None)
    return next((convention for convention in table if provider and provider.lower() in convention.names), None)


def holder(root: Any, path: tuple) -> dict:
    """The mapping at ``path``'s parent (``model`` for ``model.version``): where a version's provider and name are."""
    node = root
    for step in path[:-1]:
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            return {}
    return node if isinstance(node, dict) else {}


def version_problem(value: Any, provider: str | None = None, name: str | None = None, extra: list[dict] | None = None) -> str | None:
    """Why ``value`` does not name one immutable version (``None`` when it does).

    ``provider`` is the declared provider; ``name`` the model's name, so that ``name: gpt-4o`` with
    ``version: 2024-08-06`` reads as the snapshot ``gpt-4o-2024-08-06`` (as Azure OpenAI writes it).
    """
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return "expected a version or digest"
    if not isinstance(value, str):
        return None  # a registry's integer version, or a number such as 1.4
    text = value.strip()
    if _DIGEST.search(text):
        return None
    if _URI.match(text):
        return artifact_problem(text)
    table = conventions(extra)
    convention = _convention(text, provider, name, table)
    if convention is not None:
        composed = f"{name}-{text}" if name and not text.startswith(name) else None
        if convention.is_pinned(text) or (composed and convention.recognises(composed) and convention.is_pinned(composed)):
            return None
        advice = convention.advice(composed if composed and convention.recognises(composed) else text)
        if not convention.recognises(text):
            return f"a moving alias; {advice}" if FLOATING.search(text) else f"which is not a model id {convention.provider} uses; {advice}"
        return f"{convention.moving}; {advice}"
    if FLOATING.search(text):
        return "a moving alias or range; pin an immutable version or digest"
    return None


def identifies(model_id: str, provider: str | None = None, extra: list[dict] | None = None) -> bool:
    """Whether ``model_id`` alone can say which version it is: a digest, or an id some provider's convention
    recognises (``gpt-4o-2024-08-06`` can; ``churn-xgb`` cannot, and needs a version beside it)."""
    return bool(_DIGEST.search(model_id)) or _recognising(model_id, provider, conventions(extra)) is not None


def artifact_problem(reference: Any) -> str | None:
    """Why an artifact reference (object path, registry URI, image) does not name one immutable artifact."""
    from .sources.references import classify  # references imports FLOATING from here

    if not isinstance(reference, str) or not reference.strip():
        return "expected an artifact URI"
    pinning = classify(reference)
    return f"which is not immutable: {pinning.why}" if pinning.mutable else None
