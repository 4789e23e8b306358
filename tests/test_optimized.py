"""``python -OO`` strips docstrings and asserts: readiness must give the same verdict and explain
itself without them (text that is data lives in constants, not in docstrings)."""

from __future__ import annotations

import subprocess
import sys

from conftest import AS_OF, REPO

from readiness.functions import DOC_STRIPPED, REGISTRY


def optimized(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-OO", "-m", "readiness", *args], capture_output=True, text=True, encoding="utf-8", cwd=REPO, timeout=120)


def plain(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "readiness", *args], capture_output=True, text=True, encoding="utf-8", cwd=REPO, timeout=120)


def test_an_audit_under_python_OO_gives_the_same_report():
    args = ("audit", "sample_configs/refund-agent", "--as-of", AS_OF, "--format", "json")
    stripped, normal = optimized(*args), plain(*args)
    assert stripped.returncode == normal.returncode == 1, stripped.stderr
    assert stripped.stdout == normal.stdout


def test_explain_scoring_under_python_OO_explains_the_score_and_the_ml_test_score():
    stripped, normal = optimized("explain", "--scoring"), plain("explain", "--scoring")
    assert stripped.returncode == 0, stripped.stderr
    assert stripped.stdout == normal.stdout
    assert "score(category) = 100 × Σ weight(severity) × credit / Σ weight(severity)" in stripped.stdout
    assert "each of the 28 tests earns 0 points when not done" in stripped.stdout


def test_function_documentation_says_when_python_OO_stripped_it():
    run = optimized("explain", "--functions")
    assert run.returncode == 0, run.stderr
    assert run.stdout.count(DOC_STRIPPED) == len(REGISTRY)
    clause = optimized("explain", "VER001")
    assert clause.returncode == 0, clause.stderr
    assert f"model.name: {DOC_STRIPPED}" in clause.stdout
    assert DOC_STRIPPED not in plain("explain", "--functions").stdout
