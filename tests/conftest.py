"""Shared test helpers: run the CLI in-process and write manifests into a temporary project."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

# Their asserts are rewritten like a test module's, so that they still check under python -OO.
pytest.register_assert_rewrite("reporting", "gates_helpers")
from readiness.cli import app  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
# python -OO strips docstrings: tests of documentation read from them do not apply (tests/test_optimized.py
# checks what readiness says instead).
NEEDS_DOCSTRINGS = pytest.mark.skipif(sys.flags.optimize >= 2, reason="python -OO strips the docstrings this reads")
AS_OF = "2026-11-26"


class Invocation:
    def __init__(self, exit_code: int, stdout: str, stderr: str):
        self.exit_code, self.stdout, self.stderr = exit_code, stdout, stderr


@pytest.fixture
def cli():
    """Run ``readiness ARGS`` in-process; returns exit code, stdout and stderr separately."""

    def run(*args: str) -> Invocation:
        result = CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)
        return Invocation(result.exit_code, result.stdout, result.stderr)

    return run


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A temporary project root (with .git), made the working folder, and a writer for files in it."""
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)

    def write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    write.root = tmp_path  # type: ignore[attr-defined]
    return write
