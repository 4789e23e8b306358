"""benchmarks/run.py works (in its tiny mode; speed is measured by the script, never asserted here),
and a run shared among worker processes reports exactly what one process reports."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "benchmarks" / "run.py"


def load_benchmark():
    spec = importlib.util.spec_from_file_location("benchmark_run", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def run_readiness(*args: str, cwd: Path, workers: int) -> subprocess.CompletedProcess:
    env = {**os.environ, "READINESS_WORKERS": str(workers)}
    return subprocess.run([sys.executable, "-m", "readiness", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def test_quick_benchmark_prints_every_measurement(tmp_path: Path) -> None:
    output = tmp_path / "bench.json"
    utf8 = {**os.environ, "PYTHONIOENCODING": "utf-8"}  # its table has × and ·, read here as UTF-8 whatever the suite's stdout encoding
    result = subprocess.run([sys.executable, str(SCRIPT), "--quick", "--json", str(output)], env=utf8, capture_output=True, text=True, encoding="utf-8", timeout=300)
    assert result.returncode == 0, result.stderr
    rows = [line for line in result.stdout.splitlines() if line.startswith("| ") and not line.startswith("| |")]
    labels = [row.split(" | ")[1] for row in rows]
    assert labels == [
        "import floor (typer, yaml, jsonschema)",
        "typer floor (a command with one str option)",
        "audit one.yaml --format json",
        "audit one.yaml (terminal)",
        "audit DIR of 1",
        "audit DIR of 10",
        "audit one manifest of 200 alerts --format json",
        "audit DIR of 10 --format json",
    ]
    for row in rows:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        assert len(cells) == 8, row
        assert all(re.fullmatch(r"[\d,]+", cell) for cell in cells[2:4]) and re.fullmatch(r"[\d.]+", cells[4]), row  # wall, CPU, MiB
    ratios = [row.strip("|").split("|")[5].strip() for row in rows]
    assert ratios[0] == "1.00×" and all(ratio.endswith("×") for ratio in ratios[:4]) and ratios[4:] == ["", "", "", ""]
    per_manifest = [row.strip("|").split("|")[6].strip() for row in rows]
    assert per_manifest[:4] == ["", "", "", ""] and all(per_manifest[4:6]) and per_manifest[6] == "" and per_manifest[7]
    saved = json.loads(output.read_text())
    assert [row["label"] for row in saved["rows"]] == labels and saved["runs"] == 1


def test_generated_manifests_are_valid_and_varied(tmp_path: Path) -> None:
    benchmark = load_benchmark()
    for index in range(12):
        benchmark.write_service(tmp_path / f"svc-{index:02d}", index)
    (tmp_path / ".git").mkdir()
    lines = len((tmp_path / "svc-00" / "readiness.yaml").read_text().splitlines())
    assert 180 <= lines <= 260
    result = run_readiness("audit", "--as-of", benchmark.AS_OF, "--format", "json", ".", cwd=tmp_path, workers=1)
    assert result.returncode in (0, 1), result.stderr
    verdicts = {manifest["verdict"] for manifest in json.loads(result.stdout)["manifests"]}
    assert len(verdicts) > 1  # some services ready, some not: a realistic fleet


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("fleet")
    (folder / ".git").mkdir()
    benchmark = load_benchmark()
    for index in range(60):
        benchmark.write_service(folder / f"svc-{index:02d}", index)
    return folder


@pytest.mark.parametrize("output_format", ["json", "terminal"])
def test_parallel_run_is_byte_identical_to_serial(fleet: Path, output_format: str) -> None:
    serial = run_readiness("audit", "--as-of", "2026-11-25", "--format", output_format, "--verbose", ".", cwd=fleet, workers=1)
    parallel = run_readiness("audit", "--as-of", "2026-11-25", "--format", output_format, "--verbose", ".", cwd=fleet, workers=3)
    assert serial.returncode == parallel.returncode == 1
    assert parallel.stdout == serial.stdout
    assert output_format != "json" or len(json.loads(serial.stdout)["manifests"]) == 60


def test_input_errors_in_a_parallel_run_are_reported_as_in_a_serial_one(fleet: Path, tmp_path: Path) -> None:
    duplicate, unknown = fleet / "svc-07" / "readiness.yaml", fleet / "svc-41" / "readiness.yaml"
    originals = {path: path.read_text() for path in (duplicate, unknown)}
    try:
        duplicate.write_text(originals[duplicate].replace("readiness: 1", "readiness: 1\nreadiness: 2", 1))
        unknown.write_text(originals[unknown].replace("  kind: ", "  knid: ", 1))
        serial = run_readiness("audit", "--format", "json", ".", cwd=fleet, workers=1)
        parallel = run_readiness("audit", "--format", "json", ".", cwd=fleet, workers=2)
    finally:
        for path, text in originals.items():
            path.write_text(text)
    assert serial.returncode == parallel.returncode == 2
    assert serial.stdout == parallel.stdout == ""
    assert parallel.stderr == serial.stderr
    first, second = serial.stderr.splitlines()
    assert first.startswith("svc-07/readiness.yaml:3:1: duplicate key 'readiness'")
    assert second.startswith("svc-41/readiness.yaml:") and "unknown key 'knid'" in second


def test_workers_setting_must_be_a_number(fleet: Path) -> None:
    result = run_readiness("audit", ".", cwd=fleet, workers="two")  # type: ignore[arg-type]
    assert result.returncode == 2
    assert "READINESS_WORKERS: expected a whole number of processes, 1 or more, found 'two'" in result.stderr
