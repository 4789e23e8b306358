"""The files a manifest cites as evidence: resolved, confined and read with limits.

A cited path is relative to the manifest and must stay inside the project root (the
enclosing git work tree, or the manifest's folder): no absolute paths, no ``..`` or
symlink escapes, no URLs (nothing is ever fetched). Reads are size-limited and cached for
the run. Rule examples use :class:`MemoryEvidence`, which serves files from the example.

Eval results files (``evaluation.last_run.results``) are JSON or JSONL; see
``docs/results-format.md``::

    {"metrics": {"answer_correctness": 0.88}, "slices": {"billing": {"answer_correctness": 0.91}}}

or one JSON object per line: ``{"metric": "answer_correctness", "value": 0.88, "slice": "billing"}``.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import stat
from pathlib import Path, PurePosixPath
from typing import Any

from .loader import Limits, load_json, read_at_most

MAX_EVIDENCE_BYTES = Limits.max_evidence_bytes

Metrics = dict[tuple[str, str | None], float]  # (metric, slice or None) → value


class EvidenceProblem(Exception):
    """A cited file cannot serve as evidence; the message says why."""


def find_project_root(start: Path) -> Path:
    """The nearest enclosing folder with a ``.git``; else ``start`` itself."""
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return start


class Evidence:
    """Evidence on disk, relative to a manifest's folder, confined to ``root``."""

    def __init__(self, base: Path, root: Path, max_bytes: int = MAX_EVIDENCE_BYTES):
        self.base = os.fspath(base)
        self.root = os.fspath(root.resolve())
        self._inside_root = os.path.join(self.root, "")  # the prefix of every path inside it
        self.max_bytes = max_bytes
        self._cache: dict[str, bytes] = {}
        self._real_folders: dict[str, str | None] = {}

    def _resolve(self, cited: str) -> str:
        check_citation(cited)
        target = os.path.join(self.base, cited)
        resolved = self._resolve_in_known_folder(target) or os.fspath(Path(target).resolve())
        if resolved != self.root and not resolved.startswith(self._inside_root):
            raise EvidenceProblem(f"{cited!r} resolves outside the project root")
        return resolved

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

    def exists(self, cited: str) -> None:
        """Raise :class:`EvidenceProblem` unless ``cited`` is a readable file in the project."""
        self.read(cited)

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


class MemoryEvidence(Evidence):
    """Evidence served from a mapping of path → text (rule examples, tests)."""

    def __init__(self, files: dict[str, str] | None = None):
        self.files = {str(PurePosixPath(name)): text for name, text in (files or {}).items()}

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


def parse_results(content: bytes, cited: str) -> Metrics:
    """Read an eval results file (JSON or JSONL) into {(metric, slice): value}."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise EvidenceProblem(f"{cited!r} is not UTF-8 text") from None
    stripped = text.lstrip()
    try:
        if stripped.startswith("{") and not cited.endswith(".jsonl"):
            return _from_document(load_json(text), cited)
        return _from_lines(text, cited)
    except json.JSONDecodeError as error:
        raise EvidenceProblem(f"{cited!r} is not valid JSON: {error.msg}") from None


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise EvidenceProblem(f"{where}: expected a finite number, found {value!r}")
    return float(value)


def _from_document(document: Any, cited: str) -> Metrics:
    if not isinstance(document, dict) or not isinstance(document.get("metrics"), dict):
        raise EvidenceProblem(f"{cited!r}: expected an object with a 'metrics' object of name → value")
    metrics: Metrics = {(name, None): _number(value, f"{cited}: metrics.{name}") for name, value in document["metrics"].items()}
    slices = document.get("slices", {})
    if not isinstance(slices, dict):
        raise EvidenceProblem(f"{cited!r}: 'slices' must be an object of slice → {{metric: value}}")
    for slice_name, values in slices.items():
        if not isinstance(values, dict):
            raise EvidenceProblem(f"{cited!r}: slices.{slice_name} must be an object of metric → value")
        for name, value in values.items():
            metrics[(name, slice_name)] = _number(value, f"{cited}: slices.{slice_name}.{name}")
    return metrics


def _from_lines(text: str, cited: str) -> Metrics:
    metrics: Metrics = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        record = load_json(line)
        if not isinstance(record, dict) or not isinstance(record.get("metric"), str):
            raise EvidenceProblem(f"{cited}:{number}: expected an object with 'metric' and 'value'")
        slice_name = record.get("slice")
        metrics[(record["metric"], slice_name if isinstance(slice_name, str) else None)] = _number(record.get("value"), f"{cited}:{number}")
    return metrics
