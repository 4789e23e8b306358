"""Faults around a run: each ends with one clear line, the right exit code and no partial output.

Permission tests run as root in CI, where chmod does not deny reads or writes: there the
permission error is simulated at the same system call, so the test means the same thing.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

import readiness.outputs
from conftest import AS_OF, REPO

MINIMAL = "readiness: 1\nservice: {name: faults, kind: llm, risk: low}\n"
SAMPLES = REPO / "sample_configs"


def denied(path: Path, write: bool = False) -> bool:
    """Whether the file system really refuses us ``path`` (false for root)."""
    try:
        if write:
            with tempfile.TemporaryFile(dir=path):
                return False
        with open(path, "rb"):
            return False
    except PermissionError:
        return True


def test_unreadable_manifest(cli, project, monkeypatch):
    path = project("readiness.yaml", MINIMAL)
    path.chmod(0)
    try:
        if not denied(path):
            real_open = Path.open

            def refuse(self, *args, **kwargs):
                if self == path or self.resolve() == path.resolve():
                    raise PermissionError(errno.EACCES, "Permission denied", str(self))
                return real_open(self, *args, **kwargs)

            monkeypatch.setattr(Path, "open", refuse)
        run = cli("audit", "readiness.yaml", "--as-of", AS_OF)
    finally:
        path.chmod(0o644)
    assert (run.exit_code, run.stdout, run.stderr) == (2, "", "readiness.yaml: permission denied\n")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["audit", "readiness.yaml", "--baseline", "folder"], "folder: --baseline: is a directory, expected a YAML file"),
        (["audit", "readiness.yaml", "--config", "folder"], "folder: not a file, expected a config file"),
        (["report", "folder"], "folder: is a directory, expected a YAML file"),
        (["audit", "readiness.yaml", "--output", "json:folder"], "readiness: cannot write folder: Is a directory"),
    ],
)
def test_a_directory_where_a_file_was_expected(cli, project, arguments, message):
    project("readiness.yaml", MINIMAL)
    (project.root / "folder").mkdir()
    run = cli(*arguments, "--as-of", AS_OF) if arguments[0] == "audit" else cli(*arguments)
    assert (run.exit_code, run.stdout, run.stderr) == (2, "", message + "\n")
    assert list((project.root / "folder").iterdir()) == []


def test_output_into_a_missing_folder_creates_it(cli, project):
    project("readiness.yaml", MINIMAL)
    run = cli("audit", "readiness.yaml", "--as-of", AS_OF, "--output", "json:missing/dir/r.json")
    assert run.exit_code in (0, 1) and run.stdout and run.stderr == ""
    assert json.loads((project.root / "missing" / "dir" / "r.json").read_text("utf-8"))["schema_version"] == 1


def test_several_outputs_are_written_all_or_none(cli, project):
    project("readiness.yaml", MINIMAL)
    project("blocked", "a file where a folder should be\n")
    (project.root / "out").mkdir()
    run = cli("audit", "readiness.yaml", "--as-of", AS_OF, "--output", "json:out/r.json", "--output", "sarif:blocked/r.sarif")
    assert (run.exit_code, run.stdout, run.stderr) == (2, "", "readiness: cannot write blocked/r.sarif: blocked is a file, not a folder\n")
    assert list((project.root / "out").iterdir()) == []  # the json was staged, then removed


def test_a_failed_rename_leaves_no_output_and_no_temporary_file(cli, project, monkeypatch):
    project("readiness.yaml", MINIMAL)
    (project.root / "out").mkdir()
    real_replace = os.replace

    def replace(source, target):
        if str(target).endswith(".sarif"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_replace(source, target)

    monkeypatch.setattr(readiness.outputs.os, "replace", replace)
    run = cli("audit", "readiness.yaml", "--as-of", AS_OF, "--output", "sarif:out/r.sarif", "--output", "json:out/r.json")
    assert (run.exit_code, run.stderr) == (2, "readiness: cannot write out/r.sarif: No space left on device\n")
    assert list((project.root / "out").iterdir()) == []


def test_output_into_a_read_only_folder(cli, project, monkeypatch):
    project("readiness.yaml", MINIMAL)
    folder = project.root / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        if not denied(folder, write=True):
            real_mkstemp = tempfile.mkstemp

            def refuse(*args, **kwargs):
                if Path(kwargs.get("dir", ".")).resolve() == folder.resolve():
                    raise PermissionError(errno.EACCES, "Permission denied")
                return real_mkstemp(*args, **kwargs)

            monkeypatch.setattr(tempfile, "mkstemp", refuse)
        run = cli("audit", "readiness.yaml", "--as-of", AS_OF, "--output", "json:locked/r.json")
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o755)
    assert (run.exit_code, run.stdout, run.stderr) == (2, "", "readiness: cannot write locked/r.json: Permission denied\n")


def _no_space(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


class _FullDisk:
    """A file object whose writes fail as on a full disk (the data never reaches the file)."""

    def __init__(self, stream):
        self.stream = stream

    def write(self, text: str) -> int:
        _no_space()
        return 0

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.stream.close()


@pytest.mark.parametrize("failing_call", ["write", "replace"])
def test_full_disk_keeps_the_previous_report_and_leaves_no_temporary_file(cli, project, monkeypatch, failing_call):
    project("readiness.yaml", MINIMAL)
    previous = project("r.json", '{"previous": "report"}\n')
    if failing_call == "replace":
        monkeypatch.setattr(readiness.outputs.os, "replace", _no_space)
    else:
        real_fdopen = os.fdopen
        monkeypatch.setattr(readiness.outputs.os, "fdopen", lambda *args, **kwargs: _FullDisk(real_fdopen(*args, **kwargs)))
    run = cli("audit", "readiness.yaml", "--as-of", AS_OF, "--output", "json:r.json")
    assert (run.exit_code, run.stdout, run.stderr) == (2, "", "readiness: cannot write r.json: No space left on device\n")
    assert previous.read_text() == '{"previous": "report"}\n'
    assert sorted(path.name for path in project.root.iterdir()) == [".git", "r.json", "readiness.yaml"]


def test_output_files_are_complete_and_ordinary(cli, project):
    project("readiness.yaml", MINIMAL)
    run = cli("audit", "readiness.yaml", "--as-of", AS_OF, "--output", "json:r.json")
    assert run.exit_code == 1
    written = project.root / "r.json"
    assert written.read_text().rstrip().endswith("}")
    umask = os.umask(0)
    os.umask(umask)
    assert written.stat().st_mode & 0o777 == 0o666 & ~umask


def _readiness() -> list[str]:
    script = Path(sys.executable).with_name("readiness")
    return [str(script)] if script.exists() else [sys.executable, "-m", "readiness"]


def test_broken_pipe_into_head():
    command = " ".join(f"'{part}'" for part in _readiness()) + f" audit '{SAMPLES}' --as-of {AS_OF} --format json --verbose | head -1"
    run = subprocess.run(["bash", "-c", command + '; exit "${PIPESTATUS[0]}"'], capture_output=True, text=True, timeout=120)
    assert run.stdout == "{\n"
    assert run.returncode in (0, 1) and run.stderr == ""


def test_reader_gone_before_the_first_byte():
    child = subprocess.Popen([*_readiness(), "audit", str(SAMPLES), "--as-of", AS_OF, "--format", "json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    child.stdout.close()  # nobody will ever read: the first write meets a closed pipe
    stderr = child.stderr.read().decode()
    assert child.wait(timeout=120) in (0, 1)
    assert stderr == ""


# Runs the real CLI, made slow at one point so that SIGINT lands mid-run, deterministically.
_SLOW_RUN = """
import sys, time
import readiness.audit, readiness.cli, readiness.outputs
slow_point = sys.argv.pop(1)
def pause(original):
    def paused(*args, **kwargs):
        sys.stderr.write("paused\\n"); sys.stderr.flush()
        time.sleep(60)
        return original(*args, **kwargs)
    return paused
if slow_point == "audit":
    readiness.audit.audit_document = pause(readiness.audit.audit_document)
else:
    readiness.outputs.os.replace = pause(readiness.outputs.os.replace)
sys.argv[0] = "readiness"
readiness.cli.main()
"""


@pytest.mark.parametrize(
    "slow_point, signal_number, code, message",
    [
        ("audit", signal.SIGINT, 130, "readiness: interrupted\n"),
        ("write", signal.SIGINT, 130, "readiness: interrupted\n"),
        ("write", signal.SIGTERM, 143, "readiness: terminated\n"),  # a cancelled CI job
    ],
)
def test_signal_mid_run(tmp_path, slow_point, signal_number, code, message):
    (tmp_path / ".git").mkdir()
    (tmp_path / "readiness.yaml").write_text(MINIMAL)
    out = tmp_path / "out"
    out.mkdir()
    command = [sys.executable, "-c", _SLOW_RUN, slow_point, "audit", "readiness.yaml", "--as-of", AS_OF, "--output", "json:out/r.json", "--output", "sarif:out/r.sarif"]
    child = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert child.stderr.readline() == "paused\n"
    child.send_signal(signal_number)
    stdout, stderr = child.communicate(timeout=60)
    assert (child.returncode, stdout, stderr) == (code, "", message)
    assert list(out.iterdir()) == []
