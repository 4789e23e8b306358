"""Limits on hostile or runaway input: clear messages, documented defaults, configurable within ceilings."""

from __future__ import annotations

import dataclasses
import json
import re

import pytest

from conftest import AS_OF, REPO
from readiness.errors import InputError
from readiness.loader import Limits, load_text

MINIMAL = "readiness: 1\nservice: {name: limited, kind: llm, risk: low}\n"


@pytest.mark.parametrize(
    ("limits", "text", "message"),
    [
        (Limits(max_depth=3), "a: {b: {c: [1]}}\n", "m.yaml:1:12: nesting deeper than the limit of 3 levels"),
        (Limits(max_depth=3), "a:\n  b:\n    c:\n      - 1\n", "m.yaml:4:7: nesting deeper than the limit of 3 levels"),
        (Limits(max_nodes=10), "a: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n", "m.yaml:1:26: more than 10 values in one file (aliases counted as expanded)"),
        (Limits(max_alias_nodes=5), "a: &x [1, 2, 3]\nb: *x\nc: *x\n", "m.yaml:3:4: aliases expand to more than 5 values (limit)"),
        (Limits(max_nodes=12, max_alias_nodes=100), "a: &x [1, 2, 3]\nb: *x\nc: *x\n", "m.yaml:3:4: more than 12 values in one file (aliases counted as expanded)"),
    ],
)
def test_each_limit_stops_the_load_with_a_located_message(limits, text, message):
    with pytest.raises(InputError) as raised:
        load_text(text, "m.yaml", limits)
    assert str(raised.value) == message


def test_within_the_limits_loads():
    assert load_text("a: &x [1, 2, 3]\nb: *x\n", "m.yaml", Limits(max_depth=2, max_nodes=12, max_alias_nodes=4)).data == {"a": [1, 2, 3], "b": [1, 2, 3]}


def test_limits_are_documented_with_their_defaults():
    """docs/limits.md has a row per limit with the default the code uses and the config ceiling."""
    doc = (REPO / "docs" / "limits.md").read_text()
    ceilings = json.loads((REPO / "readiness" / "schemas" / "config.schema.json").read_text())["properties"]["limits"]["properties"]
    assert [field.name for field in dataclasses.fields(Limits)] == list(ceilings)
    for field in dataclasses.fields(Limits):
        row = re.search(rf"^\| `{field.name}` \| ([\d,]+) .*\| ([\d,]+) .*\|", doc, re.MULTILINE)
        assert row, f"docs/limits.md has no row for {field.name}"
        assert int(row.group(1).replace(",", "")) == field.default
        assert int(row.group(2).replace(",", "")) == ceilings[field.name]["maximum"]


def test_config_lowers_the_size_limit_for_audit_and_validate(cli, project):
    project("readiness.yaml", MINIMAL)
    project(".readiness.yaml", "limits: {max_bytes: 40}\n")
    message = "readiness.yaml: file is larger than the limit of 40 bytes\n"
    assert (lambda run: (run.exit_code, run.stderr))(cli("audit", "readiness.yaml", "--as-of", AS_OF)) == (2, message)
    assert (lambda run: (run.exit_code, run.stderr))(cli("validate", "readiness.yaml")) == (2, message)


def test_config_lowers_the_evidence_limit(cli, project):
    project("readiness.yaml", MINIMAL + "release: {rollback: {previous_version: v1, runbook: runbook.md, last_drill: 2026-11-01}}\n")
    project("runbook.md", "# Rollback\n" + "Flip the flag back.\n" * 10)
    project(".readiness.yaml", "limits: {max_evidence_bytes: 100}\n")
    run = cli("audit", "readiness.yaml", "--as-of", AS_OF, "--select", "REL002")
    assert run.exit_code == 1
    assert "release.rollback.runbook: 'runbook.md' is larger than the evidence limit of 100 bytes" in run.stdout


def test_an_untrusted_config_cannot_raise_a_limit_past_its_ceiling(cli, project):
    project("readiness.yaml", MINIMAL)
    project(".readiness.yaml", "limits: {max_nodes: 1000000000}\n")
    run = cli("audit", "readiness.yaml", "--as-of", AS_OF)
    assert (run.exit_code, run.stdout) == (2, "")
    assert run.stderr.endswith(".readiness.yaml:1:10: limits.max_nodes: expected a number ≤ 1000000, found number 1000000000\n")


CATASTROPHIC_PACK = """pack: acme/hostile
rules:
  - id: ACM001
    title: The service name has the house format
    category: versioning
    severity: low
    given: service
    then:
      - {field: name, function: pattern, options: {match: "^(a+)+$"}}
    remediation: Name it with a's.
    why: House style.
    examples:
      pass: [{service: {name: aaa}}]
      fail: [{service: {name: b}}]
"""


def test_a_backtracking_regex_in_a_custom_pack_is_stopped_not_waited_for(cli, project):
    project("readiness.yaml", "readiness: 1\nservice: {name: " + "a" * 40 + "!, kind: llm, risk: low}\n")
    project("acme.yaml", CATASTROPHIC_PACK)
    run = cli("audit", "readiness.yaml", "--as-of", AS_OF, "--rules", "acme.yaml", "--select", "ACM001", "--format", "json")
    assert run.exit_code == 0 and run.stderr == ""
    (result,) = json.loads(run.stdout)["manifests"][0]["results"]
    assert result["status"] == "error"
    assert result["message"] == "the check raised RegexTimeout: the regex '^(a+)+$' ran for more than 1 s (nested repetition backtracks without end)"
