"""A verdict that cannot be gamed: configuration shown in every format, policy floors, waivers scored both ways."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from jsonschema import Draft202012Validator
from gates_helpers import AS_OF, PACK, as_json, manifest, results
from reporting import SCHEMAS, XsdChecker
from test_reporters import assert_valid_sarif

from readiness.config import Config, catalog
from readiness.schema import load_schema

CATALOG_SIZE = len(catalog(Config(), [PACK]).rules)  # the built-in checklist and the fixture pack
IGNORED_CRITICAL = f".readiness.yaml deselects 1 rule(s) of {CATALOG_SIZE}, 1 critical or high among them: GTE001 (critical)"


def audit(cli, *extra: str):
    """The fixture pack alone, selected by the config (not the command line), so every change is the config's."""
    return cli("audit", "readiness.yaml", "--rules", str(PACK), "--as-of", AS_OF, *extra)


def config(project, text: str) -> None:
    project(".readiness.yaml", "select: [GTE]\n" + text)


def test_a_config_ignoring_a_critical_rule_is_named_in_every_format_and_by_the_gate(cli, project):
    project("readiness.yaml", manifest(failing=("critical",)))
    config(project, "ignore: [GTE001]\n")
    run = audit(cli, "--format", "json")
    report = as_json(run)
    assert list(Draft202012Validator(load_schema("report")).iter_errors(report)) == []
    assert run.exit_code == 0  # the failing critical rule is gone from the audit ...
    assert "GTE001" not in results(report)
    ignored = next(change for change in report["configuration"]["changes"] if "GTE001" in change["rules"])
    assert ignored == {"kind": "deselected", "source": ".readiness.yaml", "message": IGNORED_CRITICAL.removeprefix(".readiness.yaml "), "rules": ["GTE001"], "loosens": True}
    assert IGNORED_CRITICAL in report["gate"]["loosened_by"]  # ... and the gate says who took it out
    for name in ("terminal", "markdown", "html", "github", "junit"):
        assert IGNORED_CRITICAL in audit(cli, "--format", name).stdout, name
    log = json.loads(audit(cli, "--format", "sarif").stdout)
    assert_valid_sarif(log)
    sarif = log["runs"][0]
    notification = next(n for n in sarif["invocations"][0]["toolConfigurationNotifications"] if "GTE001" in n["message"]["text"])
    assert notification["level"] == "warning" and notification["message"]["text"] == IGNORED_CRITICAL
    assert IGNORED_CRITICAL in sarif["properties"]["gate"]["loosenedBy"]
    gitlab = json.loads(audit(cli, "--format", "gitlab").stdout)
    assert {"check_name": "readiness-configuration", "description": IGNORED_CRITICAL, "path": ".readiness.yaml"} in [
        {"check_name": issue["check_name"], "description": issue["description"], "path": issue["location"]["path"]} for issue in gitlab
    ]


def test_ignoring_only_low_rules_is_listed_but_not_named_by_the_gate(cli, project):
    project("readiness.yaml", manifest())
    config(project, "ignore: [GTE004]\n")
    report = as_json(audit(cli, "--format", "json"))
    [change] = [c for c in report["configuration"]["changes"] if c["kind"] == "deselected" and "GTE004" in c["rules"]]
    assert change["message"] == f"deselects 1 rule(s) of {CATALOG_SIZE}, none critical or high" and change["loosens"] is False
    assert not any("GTE004" in line for line in report["gate"]["loosened_by"])


def test_a_lowered_severity_and_a_loosened_gate_say_from_what_to_what(cli, project):
    project("readiness.yaml", manifest(failing=("critical",)))
    config(project, "severity: {GTE001: medium}\nfail_on: critical\n")
    run = audit(cli, "--format", "json")
    report = as_json(run)
    assert run.exit_code == 0 and report["manifests"][0]["verdict"] == "ready_with_risks"
    assert ".readiness.yaml sets GTE001 to medium (from critical)" in report["gate"]["loosened_by"]
    assert ".readiness.yaml fails the gate on critical and above (default: high and above)" in report["gate"]["loosened_by"]


def test_a_policy_floor_wins_over_the_repository_config_and_the_report_says_so(cli, project):
    project("readiness.yaml", manifest(failing=("critical", "high")))
    config(project, "ignore: [GTE001]\nseverity: {GTE002: low}\nfail_on: critical\n")
    policy = project("policy.yaml", "require_rules: [GTE001]\nkeep_severity: [critical, high]\nfail_on: high\n")
    run = audit(cli, "--policy", str(policy), "--format", "json")
    report = as_json(run)
    assert run.exit_code == 1
    statuses = {rule: (result["status"], result["severity"]) for rule, result in results(report).items()}
    assert statuses["GTE001"] == ("fail", "critical") and statuses["GTE002"] == ("fail", "high")
    assert report["gate"]["fail_on"] == "high"
    floors = [change["message"] for change in report["configuration"]["changes"] if change["kind"] == "policy_floor"]
    assert floors == [
        "requires GTE001 (critical): kept in the audit although .readiness.yaml deselects them",
        "keeps GTE002 at high: .readiness.yaml lowers it to low, which the policy does not allow",
        "fails the gate on high and above; .readiness.yaml asks for critical and above",
    ]
    assert report["configuration"]["policy"] == "policy.yaml"
    assert not any("GTE00" in line or "fails the gate" in line for line in report["gate"]["loosened_by"])  # what the policy overruled loosens nothing


def test_the_policy_comes_from_the_environment_and_forbids_what_the_config_allows(cli, project, monkeypatch):
    project("readiness.yaml", manifest(failing=("critical",), waivers="waivers:\n  - {rule: GTE001, reason: soon, owner: ana@example.com, expires: 2026-12-15}\n"))
    config(project, "allow_waivers: [critical]\nmin_score: 10\n")
    project("policy.yaml", "forbid_waivers: [critical]\nmin_score: 90\n")
    monkeypatch.setenv("READINESS_POLICY", "policy.yaml")
    run = audit(cli, "--format", "json")
    report = as_json(run)
    assert run.exit_code == 1 and results(report)["GTE001"]["status"] == "fail"
    assert report["manifests"][0]["notes"][0]["message"] == "waiver for GTE001 does not count: the policy policy.yaml forbids waivers on critical rules"
    assert report["gate"]["min_score"] == 90
    assert "policy.yaml forbids waivers on critical rules, which the configuration allows" in audit(cli).stdout


def test_a_policy_waiver_horizon_caps_the_config(cli, project):
    project("readiness.yaml", manifest(failing=("high",), waivers="waivers:\n  - {rule: GTE002, reason: soon, owner: ana@example.com, expires: 2027-01-30}\n"))
    config(project, "max_waiver_days: 120\n")
    policy = project("policy.yaml", "max_waiver_days: 30\n")
    report = as_json(audit(cli, "--policy", str(policy), "--format", "json"))
    assert results(report)["GTE002"]["status"] == "fail"
    assert report["manifests"][0]["notes"][0]["kind"] == "waiver_beyond_horizon"
    assert "limits the waiver horizon to 30 days; .readiness.yaml asks for 120" in [c["message"] for c in report["configuration"]["changes"]]


def test_a_bad_policy_is_an_input_error_naming_its_place(cli, project):
    project("readiness.yaml", manifest())
    policy = project("policy.yaml", "require_rules: [GTE]\nfail_om: high\n")
    run = audit(cli, "--policy", str(policy))
    assert run.exit_code == 2
    assert "policy.yaml:2:1: unknown key 'fail_om' at the top level; did you mean 'fail_on'?" in run.stderr
    unknown = project("unknown.yaml", "require_rules: [NOPE9]\n")
    run = audit(cli, "--policy", str(unknown))
    assert run.exit_code == 2 and "unknown.yaml:1:17: require_rules[0]: 'NOPE9' matches no rule id, prefix or category of the checklist" in run.stderr
    assert audit(cli, "--policy", "missing.yaml").exit_code == 2
    empty = project("empty.yaml", "# floors come later\n")
    run = audit(cli, "--policy", str(empty))
    assert run.exit_code == 2 and "empty.yaml: empty policy file: expected floors such as require_rules or fail_on (readiness schema --policy)" in run.stderr


def test_the_score_without_waivers_is_in_json_markdown_terminal_sarif_and_junit(cli, project):
    project("readiness.yaml", manifest(failing=("high",), waivers="waivers:\n  - {rule: GTE002, reason: soon, owner: ana@example.com, expires: 2026-12-15}\n"))
    config(project, "")
    report = as_json(audit(cli, "--format", "json"))
    entry = report["manifests"][0]
    assert (entry["score"], entry["verdict"], entry["score_without_waivers"], entry["verdict_without_waivers"]) == (100.0, "ready", 72.7, "not_ready")
    assert "score **100**/100 · **without waivers: 72.7/100, not ready**" in audit(cli, "--format", "markdown").stdout
    assert "score 100/100   without waivers: 72.7/100, not ready" in audit(cli).stdout
    sarif = json.loads(audit(cli, "--format", "sarif").stdout)["runs"][0]
    assert sarif["properties"]["manifests"][0] == {"file": "readiness.yaml", "verdict": "ready", "score": 100.0, "verdictWithoutWaivers": "not_ready", "scoreWithoutWaivers": 72.7, "turnedOff": []}
    assert sarif["results"][0]["suppressions"][0]["justification"] == "soon"
    junit = ET.fromstring(audit(cli, "--format", "junit").stdout)
    assert XsdChecker(SCHEMAS / "junit-10.xsd").problems(junit) == []
    properties = {p.get("name"): p.get("value") for p in junit.iter("property")}
    assert (properties["readiness.score_without_waivers"], properties["readiness.verdict_without_waivers"]) == ("72.7", "not_ready")


def test_schema_policy_prints_the_policy_schema(cli):
    run = cli("schema", "--policy")
    assert run.exit_code == 0 and json.loads(run.stdout)["title"] == "readiness organisation policy"


def test_disabling_a_plugin_and_pinning_the_date_are_listed_and_named_by_the_gate(cli, project):
    project("readiness.yaml", manifest())
    config(project, "disable_plugins: [acme]\nas_of: 2026-11-26\n")
    report = as_json(cli("audit", "readiness.yaml", "--rules", str(PACK), "--format", "json"))
    assert ".readiness.yaml disables the installed plugin 'acme': its rules and checks are not loaded" in report["gate"]["loosened_by"]
    assert ".readiness.yaml judges every date as of 2026-11-26 instead of today" in report["gate"]["loosened_by"]


def test_a_config_that_drops_the_built_in_checklist_is_named_by_the_gate(cli, project):
    project("readiness.yaml", manifest())
    project(".readiness.yaml", f"extends: none\nrules: [{PACK.as_posix()}]\n")
    report = as_json(cli("audit", "readiness.yaml", "--as-of", AS_OF, "--format", "json"))
    assert sorted(results(report)) == ["GTE001", "GTE002", "GTE003", "GTE004", "GTE005"]
    message = ".readiness.yaml extends: none leaves the built-in checklist out of the audit; only the config's own packs are checked"
    assert report["gate"]["loosened_by"] == [message]
