"""scripts/corpus_run.py: what counts as a failure, and a small run end to end."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

from conftest import REPO

SCRIPT = REPO / "scripts" / "corpus_run.py"
_spec = importlib.util.spec_from_file_location("corpus_run", SCRIPT)
corpus_run = importlib.util.module_from_spec(_spec)
sys.modules["corpus_run"] = corpus_run  # dataclasses look their module up while the class is built
_spec.loader.exec_module(corpus_run)


def outcome(**changes) -> "corpus_run.Outcome":
    values = {"corpus": "c", "document": Path("d.yaml"), "exit_code": 2, "seconds": 0.3, "cpu_seconds": 0.2, "memory_mib": 50.0, "stderr": "d.yaml:1:1: bad\n"}
    return corpus_run.Outcome(**{**values, **changes})


def test_what_counts_as_a_failure():
    assert outcome().problems == []
    assert outcome(exit_code=1, stderr="").problems == []
    assert outcome(stderr="Traceback (most recent call last):\n").problems == ["traceback"]
    assert outcome(exit_code=-9).problems == ["exit code -9"]
    assert outcome(exit_code=130).problems == ["exit code 130"]
    assert outcome(cpu_seconds=5.5).problems == ["5.5 s of CPU"]
    assert outcome(seconds=9.0).problems == []  # wall-clock time alone measures the neighbours
    assert outcome(memory_mib=612.0).problems == ["612 MiB"]


def test_a_small_run_prints_the_summary_and_passes(tmp_path):
    (tmp_path / "good.yaml").write_text("readiness: 1\nservice: {name: a, kind: llm, risk: low}\n")
    (tmp_path / "bad.yaml").write_text("a: [\n")
    utf8 = {**os.environ, "PYTHONIOENCODING": "utf-8"}  # its summary has ·, read here as UTF-8 whatever the suite's stdout encoding
    run = subprocess.run([sys.executable, str(SCRIPT), str(tmp_path), "--no-hostile", "--jobs", "2"], env=utf8, capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    lines = run.stdout.splitlines()
    assert lines[0].split() == ["corpus", "documents", "exit", "0/1/2", "failures", "max", "CPU", "s", "max", "wall", "s", "max", "MiB"]
    assert lines[1].split()[:4] == [tmp_path.name, "2", "0/1/1", "0"]
    assert lines[-1] == "2 documents, 0 failures"
