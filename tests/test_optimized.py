"""``python -OO`` strips docstrings and asserts: readiness must give the same verdict and explain
itself without them (text that is data lives in constants, not in docstrings)."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from conftest import AS_OF, REPO
from typer.main import get_command

from readiness.cli import app
from readiness.explain import REGISTRY  # every function `explain --functions` lists, the source files' checks included
from readiness.functions import DOC_STRIPPED

WIDE = {**os.environ, "COLUMNS": "200"}  # each command's help on one line


def optimized(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-OO", "-m", "readiness", *args], capture_output=True, text=True, encoding="utf-8", cwd=REPO, timeout=120, env=WIDE)


def plain(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "readiness", *args], capture_output=True, text=True, encoding="utf-8", cwd=REPO, timeout=120, env=WIDE)


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


def test_help_under_python_OO_lists_every_command_with_its_one_line_help():
    stripped, normal = optimized("--help"), plain("--help")
    assert stripped.returncode == 0, stripped.stderr
    assert stripped.stdout == normal.stdout
    commands = get_command(app).commands
    assert {"audit", "validate", "schema", "report", "rules", "explain", "init", "import"} <= set(commands)
    for name, command in commands.items():
        assert command.help and re.search(rf"│ {name} +{re.escape(command.help)} +│", stripped.stdout), name


def test_usage_errors_under_python_OO_are_one_line():
    run = optimized("init")
    assert (run.returncode, run.stdout, run.stderr) == (2, "", "readiness: missing option '--kind' / '-k' (ml, llm, rag or agent); see 'python -m readiness init --help'\n")
