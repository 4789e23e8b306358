"""The files a manifest cites as evidence: resolved, confined and read with limits.

A cited path is relative to the manifest and must stay inside the project root (the
enclosing git work tree, or the manifest's folder): no absolute paths, no ``..`` or
symlink escapes, no URLs (nothing is ever fetched). Reads are size-limited and cached for
the run. Rule examples use :class:`MemoryEvidence`, which serves files from the example.

Eval results files (``evaluation.last_run.results``) are JSON or JSONL; see
``docs/results-format.md``::

    {"evaluated": {"model_version": "gpt-4o-2024-08-06", "prompts": {"answer": "9f2c…"}, "date": "2026-11-20"},
     "metrics": {"answer_correctness": 0.88}, "slices": {"billing": {"answer_correctness": 0.91}}}

or one JSON object per line, the first one saying what was evaluated:
``{"evaluated": {...}}`` then ``{"metric": "answer_correctness", "value": 0.88, "slice": "billing"}``.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Callable, TypeVar

from .files import Limits, describe, load_json, number, read_at_most
from .loader import display_path

MAX_EVIDENCE_BYTES = Limits.max_evidence_bytes

Metrics = dict[tuple[str, str | None], float]  # (metric, slice or None) → value

T = TypeVar("T")


class EvidenceProblem(Exception):
    """A cited file cannot serve as evidence; the message says why."""


def find_project_root(start: Path) -> Path:
    """The nearest enclosing folder with a ``.git`` (a git work tree); else ``start`` itself (the manifest's folder)."""
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return start


class Evidence:
    """Evidence on disk, relative to a manifest's folder, confined to ``root``; ``root_set_by`` says
    who chose a root that was not found (``--root``, the config), for messages."""

    def __init__(self, base: Path, root: Path, max_bytes: int = MAX_EVIDENCE_BYTES, root_set_by: str | None = None):
        self.base = os.fspath(base)
        self.root = os.fspath(root.resolve())
        self.root_set_by = root_set_by
        self._inside_root = os.path.join(self.root, "")  # the prefix of every path inside it
        self.max_bytes = max_bytes
        self._cache: dict[str, bytes] = {}
        self._real_folders: dict[str, str | None] = {}
        self._parsed: dict[tuple[str, Callable], tuple[Any, EvidenceProblem | None]] = {}

    def _resolve(self, cited: str) -> str:
        check_citation(cited)
        target = os.path.join(self.base, cited)
        resolved = self._resolve_in_known_folder(target) or os.fspath(Path(target).resolve())
        if resolved != self.root and not resolved.startswith(self._inside_root):
            raise EvidenceProblem(f"{cited!r} resolves outside the project root {self.describe_root()}")
        return resolved

    def describe_root(self) -> str:
        """Where the root is and why it is there: ``svc/ (the manifest's folder, as no git work tree encloses it; …)``."""
        if self.root_set_by:
            how = f"set by {self.root_set_by}"
        elif os.path.exists(os.path.join(self.root, ".git")):
            how = "the enclosing git work tree; --root or root: in the config sets another"
        else:
            how = "the manifest's folder, as no git work tree encloses it; --root or root: in the config sets another"
        shown = display_path(Path(self.root))
        return f"{shown.rstrip('/')}/ ({how})"

    def _resolve_in_known_folder(self, target: str) -> str | None:
        """``Path(target).resolve()`` for the usual path, no symlink in a folder resolved before for
        this manifest: one lstat instead of one per path component. None otherwise."""
        folder, name = os.path.split(target)
        if name in ("", ".", "..") or not folder:
            return None
        real_folder = self._real_folder(folder)
        if real_folder is None:
            return None
        resolved = os.path.join(real_folder, name)
        try:
            if stat.S_ISLNK(os.lstat(resolved).st_mode):
                return None
        except OSError:
            return None
        return resolved

    def _real_folder(self, folder: str) -> str | None:
        """``Path(folder).resolve()``, from its parent's when that is known, once per folder and manifest."""
        if folder not in self._real_folders:
            real = self._resolve_in_known_folder(folder) if os.path.dirname(folder) != folder else None
            if real is None:
                try:
                    real = os.fspath(Path(folder).resolve())
                except (OSError, RuntimeError):  # a symlink loop: the full resolve of the citation reports it
                    real = None
            self._real_folders[folder] = real
        return self._real_folders[folder]

    def read(self, cited: str) -> bytes:
        if cited in self._cache:
            return self._cache[cited]
        path = self._resolve(cited)
        try:
            mode = os.stat(path).st_mode
            if stat.S_ISDIR(mode):
                raise EvidenceProblem(f"{cited!r} is a directory, expected a file")
            if not stat.S_ISREG(mode):  # a FIFO or device: reading could block or never end
                raise EvidenceProblem(f"{cited!r} is not a regular file")
            with open(path, "rb") as stream:
                content = read_at_most(stream, self.max_bytes + 1)
        except FileNotFoundError:
            raise EvidenceProblem(f"{cited!r} does not exist") from None
        except PermissionError:
            raise EvidenceProblem(f"{cited!r} cannot be read: permission denied") from None
        except OSError as error:
            raise EvidenceProblem(f"{cited!r} cannot be read: {error.strerror or error}") from None
        if len(content) > self.max_bytes:
            raise EvidenceProblem(f"{cited!r} is larger than the evidence limit of {self.max_bytes:,} bytes")
        self._cache[cited] = content
        return content

    def parsed(self, cited: str, parse: Callable[[bytes, str], T]) -> T:
        """``parse(self.read(cited), cited)``, once per file and parser for this manifest: several rules
        judge one results file. A problem it raised is raised again for every rule that asks."""
        known = self._parsed
        key = (cited, parse)
        if key not in known:
            try:
                known[key] = (parse(self.read(cited), cited), None)
            except EvidenceProblem as problem:
                known[key] = (None, problem)
        value, problem = known[key]
        if problem is not None:
            raise problem
        return value


class MemoryEvidence(Evidence):
    """Evidence served from a mapping of path → text (rule examples, tests)."""

    def __init__(self, files: dict[str, str] | None = None):
        self.files = {str(PurePosixPath(name)): text for name, text in (files or {}).items()}
        self._parsed = {}

    def read(self, cited: str) -> bytes:
        check_citation(cited)
        normal = str(PurePosixPath(cited))
        if normal not in self.files:
            raise EvidenceProblem(f"{cited!r} does not exist")
        return self.files[normal].encode("utf-8")


def check_citation(cited: str) -> None:
    """Reject citations that are not project-relative file paths."""
    if "://" in cited or cited.startswith(("mailto:", "www.")):
        raise EvidenceProblem(f"{cited!r} is a URL; readiness never fetches: cite a file in the repository")
    if cited.startswith(("/", "\\", "~")) or (len(cited) > 1 and cited[1] == ":"):
        raise EvidenceProblem(f"{cited!r} is an absolute path; cite files relative to the manifest")
    if "\x00" in cited:
        raise EvidenceProblem("a cited path contains a NUL character")


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


# What a run records about the system it evaluated (the ``evaluated`` object); see docs/results-format.md.
IDENTITY_TEXT = ("model_version", "model_digest", "config_sha256", "index_version", "embedding_version", "fallback_version", "fallback_digest", "date")
IDENTITY_MAPPINGS = ("prompts", "parameters")


@dataclass
class Results:
    """An eval results file, read: the measured values, what the run evaluated, and where each is written."""

    cited: str
    metrics: Metrics
    evaluated: dict[str, Any]
    text: str = field(repr=False)
    evaluated_line: int | None = None  # JSONL: the line of the {"evaluated": ...} record
    dataset: str | None = None  # the dataset the run says it evaluated ("dataset"), if it says
    samples: int | None = None  # how many examples it evaluated ("samples"), if it says

    def read_coverage(self, record: dict[str, Any]) -> None:
        """``dataset`` and ``samples`` from the file's top level or its ``evaluated`` record, when they are a name and a count."""
        for source in (record, record.get("evaluated") if isinstance(record.get("evaluated"), dict) else {}):
            if self.dataset is None and isinstance(source.get("dataset"), str) and source["dataset"].strip():
                self.dataset = source["dataset"].strip()
            samples = source.get("samples")
            if self.samples is None and isinstance(samples, int) and not isinstance(samples, bool) and samples >= 0:
                self.samples = samples

    def place(self, *keys: str) -> str:
        """``file:line`` of a key of ``evaluated`` (``prompts``, ``answer``), or the file alone when it has none."""
        if self.evaluated_line is not None:
            return f"{self.cited}:{self.evaluated_line}"
        line = _key_line(self.text, ("evaluated", *keys)) or _key_line(self.text, keys)  # or the layout before ``evaluated``
        return f"{self.cited}:{line}" if line else self.cited


def parse_results(content: bytes, cited: str) -> Results:
    """Read an eval results file (JSON or JSONL): its values by (metric, slice) and its ``evaluated`` record."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = content.count(b"\n", 0, error.start) + 1
        raise EvidenceProblem(f"{cited}:{line}: not UTF-8 text") from None
    if not text.strip():
        raise EvidenceProblem(f"{cited}:1: the file is empty; expected a JSON object with 'metrics', or JSONL records")
    if text.lstrip().startswith("{") and not cited.endswith(".jsonl"):
        try:
            document = load_json(text)
        except json.JSONDecodeError as error:
            raise EvidenceProblem(f"{cited}:{error.lineno}: not valid JSON: {error.msg}") from None
        return _from_document(document, cited, text)
    return _from_lines(text, cited)


def _number(value: Any, where: str) -> float:
    parsed = number(value)
    if parsed is None:
        shown = f"a number of {len(str(value))} digits" if isinstance(value, int) and not isinstance(value, bool) else describe(value)
        raise EvidenceProblem(f"{where}: expected a finite number, found {shown}")
    return parsed


def _key_line(text: str, keys: tuple) -> int | None:
    """The line of a key path in a JSON text: the first occurrence of each key after the one before (None: not found)."""
    offset = 0
    for key in keys:
        found = text.find(json.dumps(key, ensure_ascii=False), offset)
        if found < 0:
            return None
        offset = found + 1
    return text.count("\n", 0, offset) + 1 if keys else 1


def _evaluated(record: Any, where: str) -> dict[str, Any]:
    if not isinstance(record, dict):
        raise EvidenceProblem(f"{where}: 'evaluated' must be an object, found {describe(record)}")
    for key in IDENTITY_TEXT:
        value = record.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, (str, int, float))):
            raise EvidenceProblem(f"{where}: evaluated.{key} must be a string, found {describe(value)}")
    for key in IDENTITY_MAPPINGS:
        value = record.get(key)
        if value is not None and not isinstance(value, dict):
            raise EvidenceProblem(f"{where}: evaluated.{key} must be an object of name → value, found {describe(value)}")
    return record


def _from_document(document: Any, cited: str, text: str) -> Results:
    if not isinstance(document, dict) or not isinstance(document.get("metrics"), dict):
        from .sources import tool_outputs  # promptfoo, lm-evaluation-harness or Inspect output, read as they write it

        tool = tool_outputs.results(document, cited, text)
        if tool is not None:
            return tool
        raise EvidenceProblem(f"{cited}:1: expected an object with a 'metrics' object of name → value (or a promptfoo, lm-evaluation-harness or Inspect AI results file)")

    def number(value: Any, *keys: str) -> float:
        return _number(value, f"{cited}:{_key_line(text, keys) or 1}: {'.'.join(keys)}")

    metrics: Metrics = {(name, None): number(value, "metrics", name) for name, value in document["metrics"].items()}
    slices = document.get("slices", {})
    if not isinstance(slices, dict):
        raise EvidenceProblem(f"{cited}:{_key_line(text, ('slices',)) or 1}: 'slices' must be an object of slice → {{metric: value}}")
    for slice_name, values in slices.items():
        if not isinstance(values, dict):
            raise EvidenceProblem(f"{cited}:{_key_line(text, ('slices', slice_name)) or 1}: slices.{slice_name} must be an object of metric → value")
        for name, value in values.items():
            metrics[(name, slice_name)] = number(value, "slices", slice_name, name)
    evaluated = dict(_evaluated(document["evaluated"], f"{cited}:{_key_line(text, ('evaluated',)) or 1}")) if "evaluated" in document else {}
    if "model_version" in document and "model_version" not in evaluated:  # the layout before ``evaluated``
        evaluated["model_version"] = _evaluated({"model_version": document["model_version"]}, f"{cited}:{_key_line(text, ('model_version',)) or 1}")["model_version"]
    results = Results(cited, metrics, evaluated, text)
    results.read_coverage(document)
    return results


def _from_lines(text: str, cited: str) -> Results:
    results = Results(cited, {}, {}, text)
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = load_json(line)
        except json.JSONDecodeError as error:
            raise EvidenceProblem(f"{cited}:{number}: not valid JSON: {error.msg}") from None
        if isinstance(record, dict) and "evaluated" in record and "metric" not in record:
            if results.evaluated_line is not None:
                raise EvidenceProblem(f"{cited}:{number}: a second 'evaluated' record (the first is on line {results.evaluated_line})")
            results.evaluated = _evaluated(record["evaluated"], f"{cited}:{number}")
            results.evaluated_line = number
            results.read_coverage(record)
            continue
        if not isinstance(record, dict) or not isinstance(record.get("metric"), str):
            raise EvidenceProblem(f"{cited}:{number}: expected an object with 'metric' and 'value', or the {{\"evaluated\": {{...}}}} record")
        slice_name = record.get("slice")
        results.metrics[(record["metric"], slice_name if isinstance(slice_name, str) else None)] = _number(record.get("value"), f"{cited}:{number}")
    return results
