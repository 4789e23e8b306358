"""The rough edges a newcomer hits in the first hour (issue 17): options, messages, packs, the root."""

from __future__ import annotations

import json

import pytest

from conftest import AS_OF, NEEDS_DOCSTRINGS

MANIFEST = """readiness: 1
service: {name: svc, kind: llm, risk: low}
release:
  strategy: canary
  rollback: {previous_version: svc@1, runbook: RUNBOOK, last_drill: 2026-11-01}
"""
RUNBOOK = "# Rollback\n\nSwitch the traffic back to the previous version with the deploy job, then confirm the error rate and the sampled answer quality are back to their usual level before closing the incident.\n"

PACK = """rules:
  - id: ORG001
    title: Served from an EU region
    category: governance
    severity: high
    given: service
    then:
      - {field: region, function: pattern, options: OPTIONS}
    remediation: "service: {region: eu-west-1}"
    why: Data residency.
    examples:
      pass: [{service: {region: eu-west-1}}]
      fail: [{service: {region: us-east-1}}]
"""


def audited(cli, *args: str) -> tuple[int, dict]:
    run = cli("audit", *args, "--as-of", AS_OF, "--format", "json")
    return run.exit_code, {r["rule"]: r for r in json.loads(run.stdout)["manifests"][0]["results"]} if run.stdout else {}


def test_select_and_ignore_take_comma_lists_like_rules_and_framework(cli, project):
    project("readiness.yaml", MANIFEST.replace("RUNBOOK", "rb.md"))
    _, listed = audited(cli, "readiness.yaml", "--select", "REL002,GOV001", "--ignore", "GOV")
    _, repeated = audited(cli, "readiness.yaml", "--select", "REL002", "--select", "GOV001", "--ignore", "GOV")
    assert set(listed) == set(repeated) == {"REL002"}
    typo = cli("audit", "readiness.yaml", "--select", "REL002,VRE")
    assert typo.exit_code == 2 and typo.stderr == "readiness: --select/--ignore 'VRE' matches no rule id, prefix or category\n"


def test_validate_without_a_path_searches_the_current_folder_like_audit(cli, project):
    project("svc/readiness.yaml", MANIFEST)
    run = cli("validate")
    assert run.exit_code == 0 and run.stdout == "1 manifest(s) valid\n"
    for command in ("audit", "validate"):
        usage = cli(command, "-h").stdout
        assert f"readiness {command} [OPTIONS] [PATH]..." in usage and "{paths}" not in usage


@pytest.mark.parametrize("score", ["120", "-1", "eighty", "nan"])
def test_a_min_score_out_of_range_is_one_line(cli, project, score):
    project("readiness.yaml", MANIFEST)
    run = cli("audit", "readiness.yaml", "--min-score", score)
    assert run.exit_code == 2 and run.stderr == f"readiness: --min-score: expected a number from 0 to 100, found {score!r}\n"


@NEEDS_DOCSTRINGS
def test_explain_says_one_byte_and_fills_a_given_minimum(cli, project):
    assert "to a file that is not empty: at least 1 byte. [reads evidence]" in cli("explain", "DAT001").stdout
    pack = PACK.replace("function: pattern, options: OPTIONS", "function: file_exists, options: {min_bytes: 200}").replace("region", "policy")
    project("pack.yaml", pack.replace("eu-west-1", "README.md").replace("us-east-1", "missing.md"))
    text = cli("explain", "ORG001", "--rules", "pack.yaml").stdout
    assert "service.policy is a path, relative to the manifest and inside the project, to a file that is not empty: at least 200 bytes." in text


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ('{match: "^(eu-"}', "options of pattern: match: '^(eu-' is not a valid regex: missing ), unterminated subpattern at position 1"),
        ('{not_match: "[a-"}', "options of pattern: not_match: '[a-' is not a valid regex: unterminated character set at position 0"),
        ("{flags: i}", "options of pattern: give match, not_match or both (a pattern with neither would pass every value)"),
        ('{mach: "^eu-"}', "pattern has no option 'mach'; did you mean 'match'?"),
        ("{valeu: 3}", "pattern has no option 'valeu'; it takes match, not_match, flags"),
    ],
)
def test_a_pack_with_bad_options_fails_when_it_loads(cli, project, options, message):
    project("readiness.yaml", MANIFEST)
    project("org/pack.yaml", PACK.replace("OPTIONS", options))
    for command in (("audit", "readiness.yaml"), ("rules",), ("explain", "ORG001")):
        run = cli(*command, "--rules", "org/pack.yaml")
        assert run.exit_code == 2 and run.stderr == f"org/pack.yaml:8:44: {message}\n" and run.stdout == "", command


def test_prepare_hooks_check_conventions_regexes_and_paths(cli, project):
    project("readiness.yaml", MANIFEST)
    convention = '{conventions: [{provider: Acme, models: "^acme-(", pinned: "-v\\\\d+$", moving: an alias, pin: a version, examples: [acme-v1]}]}'
    project("pinned.yaml", PACK.replace("field: region, function: pattern, options: OPTIONS", f"field: version, function: pinned_version, options: {convention}"))
    run = cli("rules", "--rules", "pinned.yaml")
    assert run.exit_code == 2 and "pinned.yaml:8:" in run.stderr
    assert "options of pinned_version: conventions[0].models: '^acme-(' is not a valid regex: missing ), unterminated subpattern" in run.stderr
    project("same.yaml", PACK.replace("function: pattern, options: OPTIONS", 'function: same_as, options: {path: "data..region"}'))
    run = cli("rules", "--rules", "same.yaml")
    assert run.exit_code == 2 and run.stderr.startswith("same.yaml:8:") and "options of same_as: invalid path 'data..region'" in run.stderr


def test_a_config_override_with_a_bad_regex_fails_with_its_line(cli, project):
    project("readiness.yaml", MANIFEST)
    project("org/pack.yaml", PACK.replace("OPTIONS", '{match: "^eu-"}'))
    project(".readiness.yaml", "rules: [org/pack.yaml]\noptions:\n  ORG001: {match: '^(eu-'}\n")
    run = cli("audit", "readiness.yaml")
    assert run.exit_code == 2
    assert run.stderr.startswith(".readiness.yaml:3:") and "options.ORG001.match: options of pattern: match: '^(eu-' is not a valid regex" in run.stderr


def test_a_config_override_is_checked_with_the_options_it_joins(cli, project):
    project("readiness.yaml", MANIFEST + "x-acme: {region: EU-west-1}\n")
    project("org/pack.yaml", PACK.replace("OPTIONS", '{match: "^eu-"}').replace("given: service", "given: x-acme"))
    project(".readiness.yaml", "rules: [org/pack.yaml]\nselect: [ORG001]\noptions:\n  ORG001: {flags: i}\n")
    code, results = audited(cli, "readiness.yaml")
    assert code == 0 and results["ORG001"]["status"] == "pass"


def test_pyproject_errors_carry_their_line(cli, project):
    project("readiness.yaml", MANIFEST)
    project("pyproject.toml", "[project]\nname = 'svc'\n\n[tool.readiness]\nfail_on = 'high'\n\n[tool.readiness.options]\nREL002.dayz = 30\n")
    run = cli("audit", "readiness.yaml")
    assert run.exit_code == 2 and run.stderr == "pyproject.toml:8:1: [tool.readiness] options.REL002.dayz: REL002 has no option 'dayz'; did you mean 'days'?\n"
    project("pyproject.toml", "[tool.readiness]\nselect = ['REL']\nmin_score = 'high'\n")
    run = cli("audit", "readiness.yaml")
    assert run.exit_code == 2 and run.stderr.startswith("pyproject.toml:3:1: [tool.readiness] ")


@pytest.fixture
def outside_git(tmp_path, monkeypatch):
    """A CI checkout without .git: a service folder under a workspace that holds the runbook."""
    workspace = tmp_path / "checkout"
    (workspace / "svc").mkdir(parents=True)
    (workspace / "rb.md").write_text(RUNBOOK, encoding="utf-8")
    (workspace / "svc" / "readiness.yaml").write_text(MANIFEST.replace("RUNBOOK", "../rb.md"), encoding="utf-8")
    monkeypatch.chdir(workspace)
    return workspace


def test_outside_git_the_message_names_the_root_and_how_to_set_it(cli, outside_git):
    code, results = audited(cli, "svc/readiness.yaml", "--select", "REL002")
    assert code == 1 and results["REL002"]["status"] == "fail"
    assert ("release.rollback.runbook: '../rb.md' resolves outside the project root svc/ (the manifest's folder, as no git work tree "
            "encloses it; --root or root: in the config sets another)") in results["REL002"]["message"]


def test_root_option_and_config_widen_the_project(cli, outside_git):
    code, results = audited(cli, "svc/readiness.yaml", "--select", "REL002", "--root", ".")
    assert code == 0 and results["REL002"]["status"] == "pass"
    (outside_git / ".readiness.yaml").write_text("root: .\n", encoding="utf-8")
    code, results = audited(cli, "svc/readiness.yaml", "--select", "REL002")
    assert code == 0 and results["REL002"]["status"] == "pass"
    (outside_git / ".readiness.yaml").write_text("root: svc\n", encoding="utf-8")
    _, results = audited(cli, "svc/readiness.yaml", "--select", "REL002")
    assert "'../rb.md' resolves outside the project root svc/ (set by root: in .readiness.yaml)" in results["REL002"]["message"]


def test_a_root_that_is_not_a_folder_is_an_input_error(cli, outside_git):
    run = cli("audit", "svc/readiness.yaml", "--root", "nowhere")
    assert run.exit_code == 2 and run.stderr == "readiness: --root: no such folder 'nowhere'\n"
    (outside_git / ".readiness.yaml").write_text("root: nowhere\n", encoding="utf-8")
    run = cli("audit", "svc/readiness.yaml")
    assert run.exit_code == 2 and run.stderr == ".readiness.yaml:1:1: root: no such folder 'nowhere' (paths are relative to the config file)\n"


def test_a_config_cannot_widen_the_root_above_itself(cli, outside_git):
    (outside_git / "svc" / ".readiness.yaml").write_text("root: ..\n", encoding="utf-8")
    run = cli("audit", "svc/readiness.yaml", "--config", "svc/.readiness.yaml")
    assert run.exit_code == 2 and run.stderr == (
        "svc/.readiness.yaml:1:1: root: '..' is above the config file's folder; a config may set the root only at or below it "
        "(--root on the command line may go higher)\n")
    code, results = audited(cli, "svc/readiness.yaml", "--config", "svc/.readiness.yaml", "--root", ".", "--select", "REL002")
    assert code == 0 and results["REL002"]["status"] == "pass"


def test_import_takes_a_root_too(cli, outside_git):
    (outside_git / "deploy").mkdir()
    (outside_git / "deploy" / "litellm.yaml").write_text("model_list:\n  - model_name: chat\n    litellm_params: {model: openai/gpt-4o-2024-08-06}\n", encoding="utf-8")
    refused = cli("import", "deploy/litellm.yaml", "-o", "svc/readiness.yaml", "--force")
    assert refused.exit_code == 2 and "resolves outside the project root svc/" in refused.stderr
    run = cli("import", "deploy/litellm.yaml", "-o", "svc/readiness.yaml", "--force", "--root", ".")
    assert run.exit_code == 0, run.stderr
