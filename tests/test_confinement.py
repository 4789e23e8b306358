"""Trust boundaries: cited files stay inside the project, nothing is fetched, no audited code runs."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import AS_OF, REPO
from readiness.evidence import Evidence, EvidenceProblem
from readiness.loader import Limits
from readiness.reporters import FORMATS

MINIMAL = "readiness: 1\nservice: {name: confined, kind: llm, risk: low}\n"
SECRET = "the contents of a file outside the project\n"


@pytest.fixture
def layout(tmp_path: Path) -> tuple[Path, Path]:
    """A project (with .git) and, beside it, a folder outside it holding a secret file."""
    project, outside = tmp_path / "project", tmp_path / "outside"
    (project / ".git").mkdir(parents=True)
    (project / "docs").mkdir()
    (project / "docs" / "runbook.md").write_text("# Rollback\nSwitch the flag.\n")
    outside.mkdir()
    (outside / "secret.md").write_text(SECRET)
    (project / "link-out.md").symlink_to(outside / "secret.md")
    (project / "linked-dir").symlink_to(outside, target_is_directory=True)
    (project / "link-in.md").symlink_to(project / "docs" / "runbook.md")
    return project, outside


@pytest.mark.parametrize(
    ("cited", "problem"),
    [
        ("../outside/secret.md", "'../outside/secret.md' resolves outside the project root {root}"),
        ("docs/../../outside/secret.md", "'docs/../../outside/secret.md' resolves outside the project root {root}"),
        ("link-out.md", "'link-out.md' resolves outside the project root {root}"),
        ("linked-dir/secret.md", "'linked-dir/secret.md' resolves outside the project root {root}"),
        ("~/secret.md", "'~/secret.md' is an absolute path; cite files relative to the manifest"),
        ("C:\\secret.md", "'C:\\\\secret.md' is an absolute path; cite files relative to the manifest"),
        ("\\\\server\\share\\secret.md", "'\\\\\\\\server\\\\share\\\\secret.md' is an absolute path; cite files relative to the manifest"),
        ("https://example.com/runbook.md", "'https://example.com/runbook.md' is a URL; readiness never fetches: cite a file in the repository"),
        ("file:///etc/passwd", "'file:///etc/passwd' is a URL; readiness never fetches: cite a file in the repository"),
        ("docs/run\x00book.md", "a cited path contains a NUL character"),
    ],
)
def test_citations_cannot_leave_the_project(layout, cited, problem):
    project, _ = layout
    with pytest.raises(EvidenceProblem) as raised:
        Evidence(project, project).read(cited)
    assert str(raised.value) == problem.format(root=f"{project.as_posix()}/ (the enclosing git work tree; --root or root: in the config sets another)")


def test_absolute_path_to_an_existing_file_is_refused(layout):
    project, outside = layout
    cited = str(outside / "secret.md")
    with pytest.raises(EvidenceProblem, match="is an absolute path; cite files relative to the manifest"):
        Evidence(project, project).read(cited)


def test_symlinks_inside_the_project_are_followed(layout):
    project, _ = layout
    assert Evidence(project, project).read("link-in.md") == b"# Rollback\nSwitch the flag.\n"


def test_evidence_is_read_with_a_size_limit(layout):
    project, _ = layout
    (project / "docs" / "ten.txt").write_bytes(b"0123456789")
    (project / "docs" / "eleven.txt").write_bytes(b"0123456789A")
    evidence = Evidence(project, project, max_bytes=10)
    assert evidence.read("docs/ten.txt") == b"0123456789"
    with pytest.raises(EvidenceProblem) as raised:
        evidence.read("docs/eleven.txt")
    assert str(raised.value) == "'docs/eleven.txt' is larger than the evidence limit of 10 bytes"


def test_the_evidence_limit_comes_from_limits(layout):
    project, _ = layout
    assert Evidence(project, project).max_bytes == Limits().max_evidence_bytes == 10 * 1024 * 1024


def test_a_fifo_is_refused_without_blocking(layout):
    project, _ = layout
    os.mkfifo(project / "docs" / "pipe.md")
    previous = signal.signal(signal.SIGALRM, lambda *_: pytest.fail("reading a FIFO blocked"))
    signal.alarm(5)
    try:
        with pytest.raises(EvidenceProblem, match="'docs/pipe.md' is not a regular file"):
            Evidence(project, project).read("docs/pipe.md")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_audit_reports_the_escape_instead_of_reading_the_file(cli, layout, monkeypatch):
    project, _ = layout
    monkeypatch.chdir(project)
    (project / "readiness.yaml").write_text(MINIMAL + "release: {rollback: {previous_version: v1, runbook: linked-dir/secret.md, last_drill: 2026-11-01}}\n")
    run = cli("audit", "readiness.yaml", "--as-of", AS_OF, "--format", "json", "--select", "REL002")
    assert run.exit_code == 1 and run.stderr == ""
    assert "release.rollback.runbook: 'linked-dir/secret.md' resolves outside the project root" in run.stdout
    assert "contents of a file outside" not in run.stdout


def test_a_manifest_that_is_a_device_or_fifo_is_an_input_error(cli, layout, monkeypatch):
    project, _ = layout
    monkeypatch.chdir(project)
    (project / "zero.readiness.yaml").symlink_to("/dev/zero")
    os.mkfifo(project / "fifo.readiness.yaml")
    for name in ("zero.readiness.yaml", "fifo.readiness.yaml"):
        run = cli("audit", name, "--as-of", AS_OF)
        assert (run.exit_code, run.stderr) == (2, f"{name}: not a regular file, expected a YAML file\n")


def test_nothing_is_fetched_from_the_network(cli, monkeypatch, tmp_path):
    """A full audit of every sample, writing every format, with the network cut off."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    outputs = [f"--output={name}:{tmp_path / ('report.' + name)}" for name in FORMATS]
    run = cli("audit", REPO / "sample_configs", "--as-of", AS_OF, "--verbose", *outputs)
    assert run.exit_code in (0, 1), run.stderr
    assert attempts == []
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(f"report.{name}" for name in FORMATS)


HOSTILE_MODULES = ("conftest", "sitecustomize", "usercustomize", "readiness_plugin", "typer", "yaml", "rich", "jsonschema")


def _booby_trapped_repository(root: Path, marker: Path) -> None:
    """A repository whose Python files, if any were imported, would leave ``marker`` behind."""
    (root / ".git").mkdir(parents=True)
    shutil.copyfile(REPO / "tests" / "hostile" / "valid-minimal.yaml", root / "readiness.yaml")
    for module in HOSTILE_MODULES:
        (root / f"{module}.py").write_text(f"import pathlib\npathlib.Path({str(marker)!r}).write_text({module!r})\n")
    # a plugin "installed" in the working folder: found only if the folder were on sys.path
    metadata = root / "evil_plugin-1.0.dist-info"
    metadata.mkdir()
    (metadata / "METADATA").write_text("Metadata-Version: 2.1\nName: evil-plugin\nVersion: 1.0\n")
    (metadata / "entry_points.txt").write_text("[readiness.plugins]\nevil = readiness_plugin\n")
    (root / ".readiness.yaml").write_text("select: [VER]\n")


@pytest.mark.parametrize("how", ["console script", "python -m"])
def test_no_code_is_loaded_from_the_audited_repository(tmp_path, how):
    marker = tmp_path / "imported"
    repository = tmp_path / "repository"
    _booby_trapped_repository(repository, marker)
    script = Path(sys.executable).with_name("readiness")
    command = [str(script)] if how == "console script" else [sys.executable, "-m", "readiness"]
    if how == "console script" and not script.exists():
        pytest.skip("the console script is not installed beside this interpreter")
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "PYTHONSTARTUP")}
    run = subprocess.run([*command, "audit", ".", "--as-of", AS_OF], cwd=repository, capture_output=True, text=True, env=env, timeout=60)
    assert run.returncode in (0, 1), run.stderr
    assert "Traceback" not in run.stderr
    assert not marker.exists(), f"imported from the audited repository: {marker.read_text()}"
