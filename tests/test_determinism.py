"""Same inputs and --as-of, same bytes: in every output format, across processes and hash seeds."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import AS_OF, REPO
from readiness.reporters import FORMATS

SAMPLES = REPO / "sample_configs"


def _audit_in_a_fresh_process(folder: Path, hash_seed: str) -> bytes:
    """Audit every sample, writing every format into ``folder``; returns stdout (the terminal report)."""
    outputs = [f"--output={name}:{folder / name}" for name in FORMATS]
    env = {**os.environ, "PYTHONHASHSEED": hash_seed, "NO_COLOR": "1"}
    env.pop("GITHUB_STEP_SUMMARY", None)
    run = subprocess.run(
        [sys.executable, "-m", "readiness", "audit", "sample_configs", "--as-of", AS_OF, "--verbose", *outputs],
        cwd=REPO, env=env, capture_output=True, timeout=120,
    )
    assert run.returncode in (0, 1) and run.stderr == b"", run.stderr.decode()
    return run.stdout


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory) -> tuple[Path, Path, bytes, bytes]:
    first, second = tmp_path_factory.mktemp("first"), tmp_path_factory.mktemp("second")
    return first, second, _audit_in_a_fresh_process(first, "1"), _audit_in_a_fresh_process(second, "4242")


def test_terminal_report_is_byte_identical(two_runs):
    _, _, first, second = two_runs
    assert first and first == second


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_format_is_byte_identical_across_processes(two_runs, name):
    first, second, _, _ = two_runs
    content = (first / name).read_bytes()
    assert content, f"{name} wrote nothing"
    assert content == (second / name).read_bytes()


def test_findings_keep_their_order_in_process(cli):
    """Twice in one process (warm caches, same hash seed): the JSON report does not change either."""
    first = cli("audit", SAMPLES, "--as-of", AS_OF, "--format", "json")
    second = cli("audit", SAMPLES, "--as-of", AS_OF, "--format", "json")
    assert first.exit_code in (0, 1) and first.stdout == second.stdout
