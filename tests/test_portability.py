"""Runs right wherever it is installed: a crash has its own exit code, output is the same UTF-8 bytes
on any console, dates mean the same on every supported Python."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import AS_OF, REPO

SAMPLE = REPO / "sample_configs" / "churn-model"


def _run(*args: str, env: dict[str, str] | None = None, flags: tuple[str, ...] = (), cwd: Path | None = None) -> subprocess.CompletedProcess:
    environment = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, *flags, "-m", "readiness", *args], capture_output=True, env=environment, cwd=cwd, timeout=120)


def test_an_internal_error_is_one_line_and_exit_3_not_a_failed_gate(cli, monkeypatch):
    import readiness.audit

    def broken(*args, **kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(readiness.audit, "weighted_score", broken)
    run = cli("audit", SAMPLE, "--as-of", AS_OF)
    assert run.exit_code == 3
    assert run.stdout == ""
    assert run.stderr.splitlines() == [
        "readiness: internal error (ZeroDivisionError: division by zero); this is a bug, not a verdict. "
        "Set READINESS_DEBUG=1 for the traceback and report it (exit 3)"
    ]


def test_readiness_debug_adds_the_traceback(cli, monkeypatch):
    import readiness.audit

    monkeypatch.setattr(readiness.audit, "weighted_score", lambda *a, **k: 1 / 0)
    monkeypatch.setenv("READINESS_DEBUG", "1")
    run = cli("audit", SAMPLE, "--as-of", AS_OF)
    assert run.exit_code == 3
    assert "Traceback (most recent call last)" in run.stderr and "ZeroDivisionError" in run.stderr


def test_the_installed_entry_point_reports_a_crash_outside_a_command_the_same_way(tmp_path):
    script = "import sys, readiness.cli as c; c.app = lambda: (_ for _ in ()).throw(RuntimeError('boom')); c.main()"
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert run.returncode == 3
    assert run.stderr.startswith("readiness: internal error (RuntimeError: boom)") and "Traceback" not in run.stderr


@pytest.mark.parametrize("report_format", ["terminal", "markdown", "html"])
def test_a_cp1252_console_gets_the_same_utf8_bytes_as_the_output_file(tmp_path, report_format):
    target = tmp_path / "report.out"
    run = _run("audit", str(SAMPLE), "--as-of", AS_OF, "--format", report_format, "--output", f"{report_format}:{target}", env={"PYTHONIOENCODING": "cp1252", "NO_COLOR": "1"})
    assert run.returncode == 1, run.stderr.decode("utf-8", "replace")
    assert b"Traceback" not in run.stderr
    assert run.stdout == target.read_bytes()
    assert any(char in run.stdout.decode("utf-8") for char in "✗❌█✓·")


@pytest.mark.parametrize("value", ["20261201", "2026-W48-2", "2026-12-01T00:00", "2026-02-30"])
def test_as_of_accepts_only_yyyy_mm_dd_on_every_python(cli, value):
    run = cli("audit", SAMPLE, "--as-of", value)
    assert run.exit_code == 2
    assert run.stderr == f"readiness: --as-of: expected a date YYYY-MM-DD, found {value!r}\n"


@pytest.mark.parametrize("value", ["20261120", "2026-W47-5"])
def test_a_manifest_date_in_a_compact_or_week_form_is_an_input_error_on_every_python(cli, project, value):
    project("readiness.yaml", f"readiness: 1\nservice: {{name: x, kind: ml}}\nwaivers:\n  - {{rule: VER001, reason: r, owner: a@b.example, expires: '{value}'}}\n")
    run = cli("audit", "readiness.yaml", "--as-of", AS_OF)
    assert run.exit_code == 2
    assert f"readiness.yaml:4:51: waivers[0].expires: expected a date YYYY-MM-DD, found string '{value}'" in run.stderr


@pytest.mark.parametrize("value", ["20261120", "2026-W47-5"])
def test_a_date_a_rule_reads_must_be_yyyy_mm_dd(value):
    from readiness.dates import parse_date

    assert parse_date(value) is None
    assert str(parse_date("2026-11-20")) == "2026-11-20"


def test_a_backtracking_regex_is_stopped_where_no_timer_signal_exists():
    """Windows has no SIGALRM and a thread cannot take one: the regex package's own timeout stops it."""
    import threading

    from readiness.regex import RegexTimeout, search

    outcome: list[object] = []

    def run() -> None:
        try:
            outcome.append(search(r"(a|aa)+$", "a" * 60 + "b"))
        except RegexTimeout as error:
            outcome.append(error)

    worker = threading.Thread(target=run)
    worker.start()
    worker.join(timeout=30)
    assert not worker.is_alive()
    assert isinstance(outcome[0], RegexTimeout) and "ran for more than 1 s" in str(outcome[0])
    found = []
    helper = threading.Thread(target=lambda: found.append(search("^eu-", "EU-west-1", 2)))  # 2: re.IGNORECASE
    helper.start()
    helper.join(timeout=30)
    assert found[0] is not None and found[0].group(0) == "EU-"


@pytest.mark.parametrize(("platform", "workers"), [("linux", 2), ("darwin", 1), ("win32", 1)])
def test_worker_processes_are_forked_on_linux_only(monkeypatch, platform, workers):
    from readiness import batch

    monkeypatch.setattr(batch.sys, "platform", platform)
    monkeypatch.setenv("READINESS_WORKERS", "2")
    assert batch.worker_count(500) == workers
