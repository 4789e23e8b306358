"""Config: .readiness.yaml and [tool.readiness], discovery, validation with locations, precedence."""

from __future__ import annotations

import json

import pytest
from gates_helpers import AS_OF, PACK, as_json, audit_args, manifest, results


def gte_audit(*extra: str) -> list[str]:
    """The audit without --rules/--select: the config supplies them."""
    return ["audit", "readiness.yaml", "--as-of", AS_OF, *extra]


YAML_CONFIG = f"rules: ['{PACK.as_posix()}']\nselect: [GTE]\n"


def test_yaml_config_sets_the_gate_and_the_command_line_wins(cli, project):
    project("readiness.yaml", manifest(failing=("medium",)))
    project(".readiness.yaml", YAML_CONFIG + "fail_on: medium\n")
    run = cli(*gte_audit())
    assert run.exit_code == 1 and "readiness.yaml: GTE003 (medium) failed" in run.stdout
    assert cli(*gte_audit("--fail-on", "high")).exit_code == 0


def test_pyproject_config(cli, project):
    project("readiness.yaml", manifest(failing=("medium",)))
    project("pyproject.toml", f"[project]\nname = 'x'\n\n[tool.readiness]\nrules = ['{PACK.as_posix()}']\nselect = ['GTE']\nmin_score = 95\nas_of = 2026-11-26\n\n[tool.readiness.category_min]\nalpha = 100\n")
    run = cli("audit", "readiness.yaml", "--format", "json")
    report = as_json(run)
    assert run.exit_code == 1
    assert report["as_of"] == AS_OF  # a TOML date works like the YAML string
    assert report["gate"]["min_score"] == 95 and report["gate"]["category_min"] == {"alpha": 100}
    assert cli("audit", "readiness.yaml", "--min-score", "50").exit_code == 0


def test_a_pyproject_without_the_table_is_skipped(cli, project):
    project("readiness.yaml", manifest(failing=("medium",)))
    project("pyproject.toml", "[project]\nname = 'readiness-demo'\n")
    assert cli(*audit_args()).exit_code == 0


def test_yaml_config_wins_over_pyproject_in_the_same_folder(cli, project):
    project("readiness.yaml", manifest(failing=("medium",)))
    project("pyproject.toml", "[tool.readiness]\nfail_on = 'low'\n")
    project(".readiness.yaml", YAML_CONFIG)
    assert cli(*gte_audit()).exit_code == 0


def test_config_is_found_from_a_subfolder_and_its_paths_are_relative_to_it(cli, project, monkeypatch):
    project("packs/gates.yaml", PACK.read_text())
    project(".readiness.yaml", "rules: [packs/gates.yaml]\nselect: [GTE]\nfail_on: medium\noutputs: ['json:reports/out.json']\n")
    project("reports/.keep", "")
    project("service/readiness.yaml", manifest(failing=("medium",)))
    monkeypatch.chdir(project.root / "service")
    run = cli(*gte_audit())
    assert run.exit_code == 1
    assert json.loads((project.root / "reports/out.json").read_text())["gate"]["fail_on"] == "medium"


def test_discovery_stops_at_the_repository_root(cli, project, monkeypatch):
    project(".readiness.yaml", "fail_on: low\n")
    project("inner/.git/HEAD", "")
    project("inner/readiness.yaml", manifest(failing=("medium",)))
    monkeypatch.chdir(project.root / "inner")
    assert cli(*audit_args()).exit_code == 0


def test_explicit_config_path(cli, project):
    project("readiness.yaml", manifest(failing=("medium",)))
    project("ci/strict.yaml", "fail_on: medium\n")
    assert cli(*audit_args("--config", "ci/strict.yaml")).exit_code == 1
    run = cli(*audit_args("--config", "ci/missing.yaml"))
    assert (run.exit_code, run.stderr) == (2, "ci/missing.yaml: no such config file\n")


def test_unknown_key_has_a_location_and_a_suggestion(cli, project):
    project("readiness.yaml", manifest())
    project(".readiness.yaml", "select: [GTE]\nfail_onn: medium\n")
    run = cli(*audit_args())
    assert (run.exit_code, run.stdout) == (2, "")
    assert run.stderr == ".readiness.yaml:2:1: unknown key 'fail_onn' at the top level; did you mean 'fail_on'?\n"


def test_pyproject_unknown_key_names_the_file_and_table(cli, project):
    project("readiness.yaml", manifest())
    project("pyproject.toml", "[tool.readiness]\nmin_scor = 80\n")
    run = cli(*audit_args())
    assert run.exit_code == 2
    assert run.stderr == "pyproject.toml:2:1: [tool.readiness] unknown key 'min_scor' at the top level; did you mean 'min_score'?\n"


def test_invalid_toml_names_line_and_column(cli, project):
    project("readiness.yaml", manifest())
    project("pyproject.toml", "[tool.readiness]\nfail_on = \n")
    run = cli(*audit_args())
    assert run.exit_code == 2 and run.stderr.startswith("pyproject.toml:2:11: invalid TOML: ")


@pytest.mark.parametrize(("config", "message"), [
    ("fail_on: hihg\n", ".readiness.yaml:1:1: fail_on: expected one of critical, high, medium, low (did you mean 'high'?), found string 'hihg'"),
    ("min_score: 120\n", ".readiness.yaml:1:1: min_score: expected a number ≤ 100, found number 120"),
    ("severity: {GTE02: high}\n", ".readiness.yaml:1:12: severity.GTE02: no rule 'GTE02'; did you mean 'GTE002'?"),
    ("options: {GTE005: {dayz: 400}}\n", ".readiness.yaml:1:20: options.GTE005.dayz: GTE005 has no option 'dayz'; did you mean 'days'?"),
    ("options: {GTE005: {days: soon}}\n", ".readiness.yaml:1:20: options.GTE005.days: options of within_days: days: 'soon' is not of type 'integer'"),
    ("options: {GTE001: {days: 3}}\n", ".readiness.yaml:1:20: options.GTE001.days: GTE001 has no option 'days'; its checks (truthy) take no options"),
    ("category_min: {betta: 50}\n", ".readiness.yaml:1:16: category_min.betta: no category 'betta'; did you mean 'beta'?"),
    ("ignore: [NOPE]\n", ".readiness.yaml:1:10: ignore[0]: 'NOPE' matches no rule id, prefix or category"),
    ("outputs: ['pdf:report.pdf']\n", ".readiness.yaml:1:11: outputs[0]: unknown format 'pdf'; expected one of"),
    ("rules: [missing.yaml]\n", ".readiness.yaml:1:9: rules[0]: no such file or folder 'missing.yaml' (paths are relative to the config file)"),
    ("forbid_waivers: [critical, critical]\n", ".readiness.yaml:1:1: forbid_waivers: expected no repeated items"),
])
def test_config_errors_name_the_place_and_exit_2(cli, project, config, message):
    project("readiness.yaml", manifest())
    project(".readiness.yaml", config)
    run = cli(*audit_args())
    assert run.exit_code == 2, run.stdout
    assert run.stderr.startswith(message), run.stderr


def test_severity_override_changes_results_and_rule_metadata(cli, project):
    project("readiness.yaml", manifest(failing=("medium",)))
    project(".readiness.yaml", "severity: {GTE003: high}\n")
    run = cli(*audit_args("--format", "json"))
    report = as_json(run)
    assert run.exit_code == 1
    assert results(report)["GTE003"]["severity"] == "high" and report["rules"]["GTE003"]["severity"] == "high"


def test_option_override_moves_a_threshold(cli, project):
    project("readiness.yaml", manifest(reviewed="2026-06-01"))
    assert results(as_json(cli(*audit_args("--format", "json"))))["GTE005"]["status"] == "fail"
    project(".readiness.yaml", "options: {GTE005: {days: 365}}\n")
    assert results(as_json(cli(*audit_args("--format", "json"))))["GTE005"]["status"] == "pass"


def test_config_select_ignore_and_the_command_line_replacing_them(cli, project):
    project("readiness.yaml", manifest(failing=("high",)))
    project(".readiness.yaml", YAML_CONFIG + "ignore: [GTE002]\n")
    assert cli(*gte_audit()).exit_code == 0
    assert cli(*gte_audit("--ignore", "GTE004")).exit_code == 1


def test_weights_and_limits(cli, project):
    project("readiness.yaml", manifest(failing=("medium",)))
    project(".readiness.yaml", "weights: {medium: 0}\n")
    assert as_json(cli(*audit_args("--format", "json")))["manifests"][0]["score"] == 100.0
    project(".readiness.yaml", "limits: {max_bytes: 50}\n")
    run = cli(*audit_args())
    assert run.exit_code == 2 and "readiness.yaml: file is larger than the limit of 50 bytes" in run.stderr


def test_rules_and_explain_see_the_config_packs(cli, project):
    project(".readiness.yaml", YAML_CONFIG)
    assert "GTE003" in cli("rules", "--format", "json").stdout
    assert cli("explain", "GTE003").exit_code == 0


def test_command_line_as_of_beats_config(cli, project):
    project("readiness.yaml", manifest())
    project(".readiness.yaml", "as_of: 2027-01-01\n")
    assert as_json(cli(*audit_args("--format", "json")))["as_of"] == AS_OF
    assert as_json(cli("audit", "readiness.yaml", "--rules", str(PACK), "--select", "GTE", "--format", "json"))["as_of"] == "2027-01-01"


def test_an_empty_config_file_means_the_defaults(cli, project):
    project("readiness.yaml", manifest(failing=("medium",)))
    project(".readiness.yaml", "# nothing configured yet\n")
    assert cli(*audit_args()).exit_code == 0


def test_validate_uses_the_config_limits(cli, project):
    project("readiness.yaml", manifest())
    assert cli("validate", "readiness.yaml").exit_code == 0
    project(".readiness.yaml", "limits: {max_bytes: 50}\n")
    run = cli("validate", "readiness.yaml")
    assert (run.exit_code, run.stderr) == (2, "readiness.yaml: file is larger than the limit of 50 bytes\n")


def test_a_folder_audit_does_not_mistake_the_config_for_a_manifest(cli, project):
    project("readiness.yaml", manifest())
    project("svc/api.readiness.yaml", manifest())
    project(".readiness.yaml", YAML_CONFIG)
    run = cli("audit", ".", "--as-of", AS_OF, "--format", "json")
    assert run.exit_code == 0, run.stderr
    assert [m["file"] for m in as_json(run)["manifests"]] == ["readiness.yaml", "svc/api.readiness.yaml"]


def test_schema_config_prints_the_config_schema_for_editors(cli):
    run = cli("schema", "--config")
    assert run.exit_code == 0
    printed = json.loads(run.stdout)
    assert {"fail_on", "min_score", "forbid_waivers", "limits"} <= set(printed["properties"])
