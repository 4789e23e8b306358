"""The CLI contract: exit codes 0/1/2, one-line input errors, the JSON report's shape."""

from __future__ import annotations

import json

import pytest

from conftest import AS_OF, REPO

SAMPLE = REPO / "sample_configs" / "support-assistant"

NOT_READY = """readiness: 1
service: {name: scorer, kind: ml, risk: medium}
model: {name: churn, version: latest}
"""


def test_ready_sample_passes_the_gate(cli):
    run = cli("audit", SAMPLE, "--as-of", AS_OF)
    assert run.exit_code == 0, run.stdout + run.stderr
    assert "READY" in run.stdout and "Gate passed" in run.stdout
    assert "\x1b[" not in run.stdout  # not a TTY: plain text


def test_not_ready_manifest_fails_the_gate_and_says_why(cli, project):
    path = project("readiness.yaml", NOT_READY)
    run = cli("audit", path, "--as-of", AS_OF)
    assert run.exit_code == 1
    assert "NOT READY" in run.stdout
    assert "model.version is 'latest', a moving alias or range; pin an immutable version or digest" in run.stdout
    assert "readiness.yaml:3:1" in run.stdout
    assert "Gate failed (fail on high and above):" in run.stdout
    assert cli("audit", path, "--as-of", AS_OF, "--exit-zero").exit_code == 0


def test_fail_on_and_min_score_move_the_line(cli, project):
    path = project("readiness.yaml", NOT_READY)
    only_model = ["--select", "VER001"]
    assert cli("audit", path, "--as-of", AS_OF, *only_model).exit_code == 1
    assert cli("audit", path, "--as-of", AS_OF, "--select", "MON004", "--fail-on", "critical").exit_code == 0
    assert cli("audit", SAMPLE, "--as-of", AS_OF, "--min-score", "100").exit_code == 0
    assert cli("audit", path, "--as-of", AS_OF, "--select", "VER", "--fail-on", "critical", "--min-score", "99").exit_code == 1


def test_json_report_has_every_result_with_its_location(cli, project):
    path = project("readiness.yaml", NOT_READY)
    run = cli("audit", path, "--as-of", AS_OF, "--format", "json")
    report = json.loads(run.stdout)
    assert report["schema_version"] == 1 and report["as_of"] == AS_OF
    manifest = report["manifests"][0]
    assert manifest["verdict"] == "not_ready" and manifest["kind"] == "ml"
    statuses = {r["rule"]: r["status"] for r in manifest["results"]}
    assert len(statuses) == len(report["rules"]) and statuses["VER001"] == "fail"
    assert "skipped" in statuses.values()
    ver001 = next(r for r in manifest["results"] if r["rule"] == "VER001")
    assert ver001["location"] == {"file": "readiness.yaml", "pointer": "/model/version", "line": 3, "column": 22}
    assert report["gate"]["passed"] is False and "VER001 (critical) failed" in " ".join(report["gate"]["reasons"])


def test_verbose_lists_passes(cli):
    assert "Passed (" not in cli("audit", SAMPLE, "--as-of", AS_OF).stdout
    assert "Passed (" in cli("audit", SAMPLE, "--as-of", AS_OF, "--verbose").stdout


@pytest.mark.parametrize(
    "text, message",
    [
        ("readiness: 1\nrelease:\n  rollbak: {}\n", "readiness.yaml:3:3: unknown key 'rollbak' in release; did you mean 'rollback'?"),
        ("readiness: 1\na: [\n", "readiness.yaml:3:1: invalid YAML: did not find expected node content (while parsing a flow node)"),
        ("readiness: 1\nservice: {}\nservice: {}\n", "readiness.yaml:3:1: duplicate key 'service' (first defined at line 2, column 1)"),
        ("", "readiness.yaml:1:1: empty file: expected a mapping of manifest sections"),
    ],
)
def test_input_errors_exit_2_with_one_line_and_no_report(cli, project, text, message):
    path = project("readiness.yaml", text)
    out = project.root / "report.json"
    run = cli("audit", path, "--as-of", AS_OF, "--output", f"json:{out}")
    assert run.exit_code == 2
    assert run.stderr.strip() == message
    assert run.stdout == "" and not out.exists()


def test_one_bad_manifest_stops_the_whole_run(cli, project):
    project("a/readiness.yaml", NOT_READY)
    project("b/readiness.yaml", "readiness: one\n")
    run = cli("audit", project.root, "--as-of", AS_OF)
    assert run.exit_code == 2 and run.stdout == ""
    assert run.stderr.strip() == "b/readiness.yaml:1:1: readiness: expected 1, found string 'one'"


def test_usage_errors_exit_2(cli, project):
    path = project("readiness.yaml", NOT_READY)
    assert cli("audit", path, "--as-of", "yesterday").stderr.strip() == "readiness: --as-of: expected a date YYYY-MM-DD, found 'yesterday'"
    assert cli("audit", path, "--fail-on", "severe").exit_code == 2
    assert cli("audit", path, "--format", "pdf").exit_code == 2
    assert cli("audit", path, "--select", "XYZ").stderr.strip() == "readiness: --select/--ignore 'XYZ' matches no rule id, prefix or category"
    missing = cli("audit", project.root / "nope.yaml")
    assert missing.exit_code == 2 and "no such file or folder" in missing.stderr


@pytest.mark.parametrize(
    "args, line",
    [
        (["init"], "readiness: missing option '--kind' / '-k' (ml, llm, rag or agent); see 'readiness init --help'"),
        (["init", "--kind"], "readiness: option '--kind' requires an argument; see 'readiness init --help'"),
        (["import"], "readiness: missing argument 'FILE...' (KServe, Seldon, BentoML, MLflow, model card, LiteLLM or promptfoo files); see 'readiness import --help'"),
        (
            ["report"],
            "readiness: missing argument 'REPORT.json...' (Reports saved with --format json or --output json:PATH; several (CI shards, one per folder) are merged into one); "
            "see 'readiness report --help'",
        ),
        (["audit", "--frobnicate"], "readiness: no such option: --frobnicate (Possible options: --format); see 'readiness audit --help'"),
        (["audit", "readiness.yaml", "--format"], "readiness: option '--format' requires an argument; see 'readiness audit --help'"),
        (["rules", "--severity"], "readiness: option '--severity' requires an argument; see 'readiness rules --help'"),
        (["explain", "REL001", "REL002"], "readiness: got unexpected extra argument(s) (REL002); see 'readiness explain --help'"),
        (["--frobnicate"], "readiness: no such option: --frobnicate; see 'readiness --help'"),
        (["audt"], "readiness: no such command 'audt'. Did you mean 'audit'? see 'readiness --help'"),
    ],
)
def test_usage_errors_are_one_line_and_exit_2_without_a_usage_box(cli, project, args, line):
    project("readiness.yaml", NOT_READY)
    run = cli(*args)
    assert (run.exit_code, run.stdout, run.stderr) == (2, "", line + "\n")
    assert sorted(path.name for path in project.root.iterdir()) == [".git", "readiness.yaml"]


def test_help_is_still_help(cli):
    assert cli("init", "--help").exit_code == 0 and "--kind" in cli("init", "--help").stdout
    bare = cli()
    assert bare.exit_code == 2 and "audit" in bare.stdout and bare.stderr == ""


def test_folders_are_searched_by_name_only(cli, project):
    project("svc/readiness.yaml", NOT_READY)
    project("svc/other.yaml", "this: [is not read\n")
    project("svc/scoring.readiness.yml", NOT_READY.replace("scorer", "scorer-2"))
    project(".hidden/readiness.yaml", "broken: [\n")
    report = json.loads(cli("audit", project.root, "--as-of", AS_OF, "--format", "json").stdout)
    assert [m["service"] for m in report["manifests"]] == ["scorer", "scorer-2"]
    assert cli("audit", project.root / "svc" / "other.yaml").exit_code == 2
    empty = project.root / "empty"
    empty.mkdir()
    assert "no manifests found" in cli("audit", empty).stderr


def test_output_files_are_written_with_the_report(cli, project):
    path = project("readiness.yaml", NOT_READY)
    out = project.root / "out" / "r.json"
    out.parent.mkdir()
    run = cli("audit", path, "--as-of", AS_OF, "--output", f"json:{out}")
    assert run.exit_code == 1
    assert json.loads(out.read_text())["manifests"][0]["service"] == "scorer"
    assert list(out.parent.iterdir()) == [out]


def test_validate_and_schema(cli, project):
    assert cli("validate", SAMPLE / "readiness.yaml").stdout == "1 manifest(s) valid\n"
    bad = project("readiness.yaml", "readiness: 1\ncost: {budget: {monthly_usd: lots}}\n")
    run = cli("validate", bad)
    assert run.exit_code == 2 and "cost.budget.monthly_usd: expected a number" in run.stderr
    schema = json.loads(cli("schema").stdout)
    assert schema["$schema"].endswith("2020-12/schema")


def test_version_and_python_m(cli):
    import subprocess
    import sys

    assert cli("--version").stdout.startswith("readiness ")
    run = subprocess.run([sys.executable, "-m", "readiness", "--version"], capture_output=True, text=True)
    assert run.returncode == 0 and run.stdout.startswith("readiness ")


def test_manifest_names_are_found_in_any_case_and_the_config_file_is_not_one(cli, project):
    project("a/Readiness.yaml", NOT_READY)
    project("b/Scoring.READINESS.YML", NOT_READY.replace("scorer", "scorer-2"))
    project("c/.Readiness.yaml", "fail_on: low\n")
    report = json.loads(cli("audit", project.root, "--as-of", AS_OF, "--format", "json").stdout)
    assert [m["file"].split("/")[-1] for m in report["manifests"]] == ["Readiness.yaml", "Scoring.READINESS.YML"]


def test_a_tab_used_for_indentation_is_named_as_such(cli, project):
    project("readiness.yaml", "readiness: 1\nservice:\n\tname: x\n")
    run = cli("validate", "readiness.yaml")
    assert run.exit_code == 2
    assert run.stderr == "readiness.yaml:3:1: invalid YAML: a tab is used for indentation; YAML allows only spaces there\n"


def test_report_of_a_json_file_that_is_not_a_report_says_so(cli, project):
    project("other.json", '{"name": "not a report"}\n')
    run = cli("report", "other.json")
    assert run.exit_code == 2
    assert run.stderr == "other.json:1:1: not a readiness JSON report: it has no schema_version and manifests (write one with `readiness audit --format json`)\n"
