"""Discoverability: `readiness rules`, `readiness explain` and `readiness init`."""

from __future__ import annotations

import json
import textwrap

import pytest
import yaml

from conftest import AS_OF, NEEDS_DOCSTRINGS
from readiness.explain import explain_rule
from readiness.frameworks import MTS_TESTS
from readiness.functions import REGISTRY
from readiness.rules import Catalog

RECORD_KEYS = {"id", "title", "category", "severity", "severity_by_risk", "kinds", "risk", "references", "verifies", "remediation", "remediation_by_kind", "why"}

PACK = """rules:
  - id: TST001
    title: Rollback is rehearsed
    category: release
    severity: high
    severity_by_risk: {high: critical}
    applies_to: {kinds: [llm, agent]}
    given: release.rollback
    then:
      - {field: runbook, function: file_exists}
      - {field: last_drill, function: within_days, options: {days: 90}}
    when:
      - {field: release.strategy, function: one_of, options: {values: [canary, shadow]}}
    message: There is no rehearsed way back
    remediation: |
      Rehearse it every quarter:
        release:
          rollback: {runbook: runbooks/rollback.md, last_drill: YYYY-MM-DD}
    why: An incident lasts as long as nobody knows how to go back.
    references: [mts:infra-7, owasp:LLM06, nist:MG-2.4, eu:art-14, sre:launch-rollback]
    examples:
      pass:
        - manifest: {release: {strategy: canary, rollback: {runbook: rb.md, last_drill: 2026-11-01}}}
          files: {rb.md: "# Roll back"}
      fail:
        - {release: {strategy: canary, rollback: {last_drill: 2020-01-01}}}
"""


def records(cli, *args: str) -> list[dict]:
    run = cli("rules", "--format", "json", *args)
    assert run.exit_code == 0, run.stderr
    return json.loads(run.stdout)


def test_rules_lists_the_catalog_as_a_plain_table_when_not_a_tty(cli):
    run = cli("rules")
    assert run.exit_code == 0
    lines = run.stdout.splitlines()
    assert lines[0].split() == ["ID", "Category", "Severity", "Applies", "to", "Verifies", "Title"]
    assert set(lines[1]) == {"-"}
    assert "\x1b[" not in run.stdout
    everything = records(cli)
    assert len(lines) == len(everything) + 4
    assert lines[-2] == f"{len(everything)} rule(s) in {len({r['category'] for r in everything})} categories; `readiness explain ID` shows one in full"
    assert lines[-1] == "Verifies: evidence = reads the files the manifest cites; declaration = takes the manifest's word; partly = some of each"
    first = everything[0]
    assert lines[2].split()[:2] == [first["id"], first["category"]] and lines[2].endswith(first["title"])
    assert [line.split()[0] for line in lines[2:-2] if f" {'evidence'} " in line] == [r["id"] for r in everything if r["verifies"] == "evidence"]


def test_the_catalog_has_at_least_50_rules_in_8_categories(cli):
    everything = records(cli)
    assert len(everything) >= 50 and len({r["category"] for r in everything}) >= 8


def test_rules_json_is_one_record_per_rule(cli):
    everything = records(cli)
    assert all(set(record) == RECORD_KEYS for record in everything)
    assert len({record["id"] for record in everything}) == len(everything)
    for record in everything:
        assert set(record["kinds"]) <= {"ml", "llm", "rag", "agent"} and record["kinds"]
        assert set(record["risk"]) <= {"low", "medium", "high"} and record["risk"]
        assert record["severity"] in ("critical", "high", "medium", "low")
        assert record["remediation"] and record["why"]


def test_filters_take_repeats_and_comma_lists_and_combine(cli):
    everything = records(cli)
    ml = records(cli, "--kind", "ml")
    assert ml and all("ml" in r["kinds"] for r in ml)
    assert [r["id"] for r in ml] == [r["id"] for r in everything if "ml" in r["kinds"]]
    blocking = records(cli, "--severity", "critical,high")
    assert blocking == records(cli, "-s", "critical", "-s", "high")
    assert {r["severity"] for r in blocking} == {"critical", "high"}
    combined = records(cli, "--category", "release,cost", "--severity", "critical", "--kind", "agent")
    expected = [r["id"] for r in everything if r["category"] in ("release", "cost") and r["severity"] == "critical" and "agent" in r["kinds"]]
    assert [r["id"] for r in combined] == expected and expected
    table = cli("rules", "--category", "cost").stdout.splitlines()[2:-2]
    assert [line.split()[0] for line in table] == [r["id"] for r in everything if r["category"] == "cost"]


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--category", "relase", "--category: unknown value 'relase'; did you mean 'release'?"),
        ("--severity", "hihg", "--severity: unknown value 'hihg'; did you mean 'high'? expected one of critical, high, medium, low"),
        ("--kind", "llm,chatbot", "--kind: unknown value 'chatbot'; expected one of ml, llm, rag, agent"),
        ("--format", "yaml", "--format: expected table or json, found 'yaml'"),
    ],
)
def test_bad_filter_values_are_usage_errors(cli, option, value, message):
    run = cli("rules", option, value)
    assert run.exit_code == 2 and message in run.stderr and run.stdout == ""


def test_extra_packs_are_listed_and_filtered(cli, project):
    pack = project("pack.yaml", PACK)
    [record] = records(cli, "--rules", pack, "--severity", "high", "--kind", "agent", "--category", "release")[-1:]
    assert record["id"] == "TST001"
    assert record["kinds"] == ["llm", "agent"] and record["risk"] == ["low", "medium", "high"]
    assert record["severity_by_risk"] == {"high": "critical"}
    assert record["references"] == ["mts:infra-7", "owasp:LLM06", "nist:MG-2.4", "eu:art-14", "sre:launch-rollback"]
    assert "TST001" not in [r["id"] for r in records(cli, "--rules", pack, "--kind", "ml")]


@NEEDS_DOCSTRINGS
def test_explain_shows_one_rule_in_full(cli, project):
    pack = project("pack.yaml", PACK)
    run = cli("explain", "tst001", "--rules", pack)
    assert run.exit_code == 0, run.stderr
    text = run.stdout
    assert text.startswith("TST001  Rollback is rehearsed\n")
    for expected in (
        "category    Release & rollback (release)",
        "severity    high; critical at risk tier high",
        "applies to  kinds: llm, agent · risk tiers: all",
        "verifies    partly evidence: 1 of 2 checks take the manifest's word (marked [declared] below)",
        "defined in  pack.yaml:2",
        "On release.rollback (when it is missing, the rule fails):",
        "• release.rollback.runbook is a path, relative to the manifest and inside the project, to a file that is not empty: at least 1 byte. [reads evidence]",
        "• release.rollback.last_drill is a date (YYYY-MM-DD) at most 90 days before the audit date and not after it. [declared]",
        "Applies only when:\n    • release.strategy is one of canary, shadow.",
        "Message when it fails\n  There is no rehearsed way back",
        "Why it matters\n  An incident lasts as long as nobody knows how to go back.",
        "How to fix it\n  Rehearse it every quarter:\n    release:\n      rollback: {runbook: runbooks/rollback.md, last_drill: YYYY-MM-DD}",
        "mts:infra-7 — Serving models can be rolled back (ML Test Score)",
        "owasp:LLM06 — Excessive Agency (OWASP LLM Top 10)",
        "nist:MG-2.4 — A misbehaving system can be disengaged or deactivated (NIST AI RMF)",
        "eu:art-14 — Human oversight (EU AI Act)",
        "sre:launch-rollback (Google SRE)",
    ):
        assert expected in text, expected
    passing = text.split("Examples that pass\n")[1].split("Examples that fail\n")[0]
    failing = text.split("Examples that fail\n")[1]
    assert yaml.safe_load(textwrap.dedent(passing))["files"] == {"rb.md": "# Roll back"}
    assert yaml.safe_load(textwrap.dedent(failing)) == {"release": {"strategy": "canary", "rollback": {"last_drill": "2020-01-01"}}}


@pytest.mark.parametrize(
    ("rule_id", "verifies", "line"),
    [
        ("VER003", "partly", "verifies    partly evidence: 1 of 3 checks take the manifest's word (marked [declared] below)"),
        ("SRC002", "evidence", "verifies    evidence: every check reads a file the manifest cites"),
        ("VER005", "declaration", "verifies    a declaration: the rule takes the manifest's word; no cited file is read"),
    ],
)
def test_every_rule_says_whether_it_verifies_evidence_or_takes_a_declaration(cli, rule_id, verifies, line):
    record = next(r for r in records(cli) if r["id"] == rule_id)
    assert record["verifies"] == verifies
    text = cli("explain", rule_id).stdout
    assert line in text
    checks = text.split("What it checks\n")[1].split("\n\n")[0]
    bullets = [bullet for bullet in checks.splitlines() if bullet.lstrip().startswith("•") and "Applies only when" not in bullet]
    assert bullets and all(bullet.endswith(("[reads evidence]", "[declared]")) for bullet in bullets[: len(Catalog.load().get(rule_id).then)])


def test_explain_functions_marks_the_functions_that_read_cited_files(cli):
    text = cli("explain", "--functions").stdout
    assert "hash_matches  —  options: path_field (string); hash_field (string); reads the cited file" in text
    assert "present  —  no options\n" in text


def test_every_builtin_rule_can_be_explained():
    for rule in Catalog.load().rules:
        text = explain_rule(rule)
        assert text.startswith(f"{rule.id}  {rule.title}\n")
        assert "Examples that pass\n  ---" in text and "Examples that fail\n  ---" in text
        assert "``" not in text.split("Examples that pass")[0]


def test_unknown_rule_exits_2_with_a_hint(cli, project):
    pack = project("pack.yaml", PACK)
    run = cli("explain", "TST01", "--rules", pack)
    assert run.exit_code == 2 and run.stdout == ""
    assert "no rule 'TST01'; did you mean TST001" in run.stderr
    far = cli("explain", "NOPE")
    assert far.exit_code == 2 and "no rule 'NOPE'; `readiness rules` lists them" in far.stderr


def test_explain_needs_exactly_one_subject(cli):
    for args in ((), ("VER001", "--scoring"), ("--scoring", "--functions")):
        run = cli("explain", *args)
        assert run.exit_code == 2 and "explain: give one of a rule id, --scoring or --functions" in run.stderr


def test_explain_scoring_prints_the_formula_weights_and_ml_test_score(cli):
    text = cli("explain", "--scoring").stdout
    assert "score(category) = 100 × Σ weight(severity) × credit / Σ weight(severity)" in text
    assert "Weights in effect: critical 10 · high 7.5 · medium 5 · low 2.5" in text
    assert "the final score is the minimum of the four sections" in text
    assert "  (3, 5]  Strong levels of automated testing and monitoring, appropriate for mission-critical systems." in text


@NEEDS_DOCSTRINGS
def test_explain_functions_lists_the_vocabulary_with_options(cli):
    text = cli("explain", "--functions").stdout
    headers = [line.split("  —  ")[0] for line in text.splitlines() if "  —  " in line]
    assert headers == sorted(REGISTRY)
    assert "within_days  —  options: days (integer, required)" in text
    assert "present  —  no options" in text
    assert "The value is a date (YYYY-MM-DD) at most ``days`` days before the audit date" in text


@pytest.mark.parametrize("kind", ["ml", "llm", "rag", "agent"])
def test_init_writes_a_starter_that_validates_and_reads_as_a_todo_list(cli, project, kind):
    run = cli("init", "--kind", kind)
    assert run.exit_code == 0, run.stderr
    written = (project.root / "readiness.yaml").read_text()
    assert "#[" not in written and f"  kind: {kind}\n" in written
    assert cli("validate", "readiness.yaml").exit_code == 0
    audit = cli("audit", "readiness.yaml", "--as-of", AS_OF, "--format", "json")
    assert audit.exit_code == 1 and audit.stderr == ""
    manifest = json.loads(audit.stdout)["manifests"][0]
    assert manifest["verdict"] == "not_ready" and manifest["kind"] == kind
    failed = {r["rule"] for r in manifest["results"] if r["status"] == "fail"}
    assert {"VER001", "REL001", "REL002", "GOV001", "EVL001"} <= failed
    assert not [r for r in manifest["results"] if r["status"] == "error"]


def test_init_kind_specific_sections(cli):
    ml = cli("init", "--kind", "ml", "--output", "-").stdout
    tests = yaml.safe_load(ml)["ml_test_score"]["tests"]
    assert list(tests) == list(MTS_TESTS) and all(test == {"mode": "none"} for test in tests.values())
    rag = yaml.safe_load(cli("init", "--kind", "rag", "-o", "-").stdout)
    assert "retrieval" in rag["data"] and "tools" not in rag["security"] and rag["security"]["disclosure"]["citations"] is False
    agent = yaml.safe_load(cli("init", "--kind", "agent", "-o", "-").stdout)
    assert "retrieval" not in agent["data"] and agent["security"]["tools"][0]["requires_approval"] is False
    llm = yaml.safe_load(cli("init", "--kind", "llm", "-o", "-").stdout)
    assert "retrieval" not in llm["data"] and "tools" not in llm["security"] and "ml_test_score" not in llm


def test_init_to_stdout_writes_no_file(cli, project):
    run = cli("init", "--kind", "llm", "--output", "-")
    assert run.exit_code == 0 and run.stdout.startswith("# readiness manifest for an LLM application")
    assert not (project.root / "readiness.yaml").exists()


def test_init_refuses_to_overwrite_without_force(cli, project):
    existing = project("svc/readiness.yaml", "readiness: 1\n")
    run = cli("init", "--kind", "rag", "--output", existing)
    assert run.exit_code == 2 and "already exists; use --force to overwrite it" in run.stderr
    assert existing.read_text() == "readiness: 1\n"
    forced = cli("init", "--kind", "rag", "--output", existing, "--force")
    assert forced.exit_code == 0 and "kind: rag" in existing.read_text()
    assert f"wrote {existing}" in forced.stderr


def test_init_rejects_an_unknown_kind(cli, project):
    run = cli("init", "--kind", "chatbot")
    assert run.exit_code == 2 and "--kind: expected one of ml, llm, rag, agent, found 'chatbot'" in run.stderr
    assert not (project.root / "readiness.yaml").exists()
