"""The CI files that ship with readiness: pre-commit hooks, the GitHub Action, the recipes in docs/ci.md."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from readiness.cli import app
from readiness.reporters import FORMATS

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def test_pre_commit_hooks_run_real_commands_on_manifest_names():
    hooks = {hook["id"]: hook for hook in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())}
    assert set(hooks) == {"readiness-validate", "readiness-audit"}
    commands = {command.name or command.callback.__name__ for command in app.registered_commands}
    for hook in hooks.values():
        assert hook["language"] == "python"
        program, subcommand = hook["entry"].split()
        assert program == "readiness" and subcommand in commands
        if hook["id"] == "readiness-audit":  # every commit: a cited prompt or results file can change alone
            assert hook["always_run"] is True and hook["pass_filenames"] is False and "files" not in hook
            continue
        files = re.compile(hook["files"])  # pre-commit matches with Python's re.search
        for name in ("readiness.yaml", "svc/readiness.yml", "a/b/search.readiness.yaml"):
            assert files.search(name), name
        for name in (".readiness.yaml", "readiness.yaml.bak", "notreadiness.yaml", "docs/readiness.md", "x.readiness.yaml/other.yaml"):
            assert not files.search(name), name


def action_steps() -> list[dict]:
    action = yaml.safe_load((REPO / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    return action["runs"]["steps"]


def test_action_steps_are_well_formed():
    steps = action_steps()
    assert all("shell" in step for step in steps if "run" in step)  # composite actions require it
    uses = [step["uses"] for step in steps if "uses" in step]
    assert uses == ["github/codeql-action/upload-sarif@8aad20d150bbac5944a9f9d289da16a4b0d87c1e"]  # v4.36.2, pinned by commit
    upload = steps[-1]
    assert upload["if"].startswith("always()") and upload["with"]["sarif_file"] == "${{ inputs.sarif-file }}"
    assert all("${{" not in step.get("run", "") for step in steps)  # inputs only through env


@pytest.mark.parametrize(("fail_on", "expected"), [("", 1), ("critical", 0)])
def test_action_audit_script_runs(tmp_path, fail_on, expected):
    """The action's audit step, run by bash as GitHub runs it, on the fixture manifest."""
    [audit] = [step for step in action_steps() if step.get("name") == "Audit"]
    pack = REPO / "tests/fixtures/gates/pack.yaml"
    (tmp_path / ".git").mkdir()
    (tmp_path / "readiness.yaml").write_text((REPO / "tests/fixtures/gates/readiness.yaml").read_text().replace("high: true", "high: false"))
    summary = tmp_path / "summary.md"
    outputs = tmp_path / "outputs.txt"
    env = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
        "GITHUB_STEP_SUMMARY": str(summary),
        "READINESS_PATHS": "readiness.yaml",
        "READINESS_FAIL_ON": fail_on,
        "READINESS_MIN_SCORE": "",
        "READINESS_ARGS": f"--rules {pack} --select GTE --as-of 2026-11-26",
        "READINESS_SARIF": "out.sarif",
        "READINESS_CATEGORY": "readiness-gates",
        "READINESS_BIN": str(BIN),
        "RUNNER_TEMP": str(tmp_path),
        "GITHUB_OUTPUT": str(outputs),
    }
    run = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", audit["run"]], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert run.returncode == expected, run.stderr
    assert "::error file=readiness.yaml,line=6" in run.stdout  # the high finding, whatever the gate
    assert (tmp_path / "out.sarif").is_file() and summary.read_text().strip()
    assert json.loads((tmp_path / "out.sarif").read_text())["runs"][0]["automationDetails"]["id"] == "readiness-gates/"
    written = dict(line.split("=", 1) for line in outputs.read_text().splitlines())
    assert written["verdict"] == "not_ready" and written["gate"] == ("failed" if expected else "passed") and float(written["score"]) < 100


def test_ci_recipes_are_valid_yaml_with_the_exact_report_keys():
    text = (REPO / "docs/ci.md").read_text()
    blocks = [yaml.safe_load(block) for block in re.findall(r"```yaml\n(.*?)```", text, re.S)]
    gitlab = next(block["readiness"] for block in blocks if isinstance(block, dict) and "readiness" in block and "script" in block["readiness"])
    assert gitlab["artifacts"]["when"] == "always"
    assert gitlab["artifacts"]["reports"] == {"junit": "readiness-junit.xml", "codequality": "gl-code-quality-report.json"}
    script = " ".join(gitlab["script"])
    assert "--output junit:readiness-junit.xml" in script and "--output gitlab:gl-code-quality-report.json" in script
    for name, _ in re.findall(r"--output ([a-z]+):(\S+)", text):
        assert name in FORMATS, name
    assert "junit testResults: 'readiness-junit.xml'" in text and "--output junit:readiness-junit.xml" in text
