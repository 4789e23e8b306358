"""Waivers: valid, expired, stale, unknown rule, forbidden by config, duplicate; each with its file:line."""

from __future__ import annotations

import datetime as dt
from dataclasses import FrozenInstanceError

import pytest
from gates_helpers import AS_OF, PACK, as_json, audit_args, manifest, results

from readiness.engine import Settings, evaluate
from readiness.evidence import MemoryEvidence
from readiness.functions import REGISTRY
from readiness.loader import load_text
from readiness.paths import Path as RulePath
from readiness.rules import Clause, Rule
from readiness.waivers import WaiverPolicy

LIBRARY_AS_OF = dt.date.fromisoformat(AS_OF)


def waiver(rule: str, expires: str = "2026-12-15") -> str:
    return f"  - {{rule: {rule}, reason: fix lands next sprint, owner: ana@example.com, expires: {expires}}}\n"


def waivers(*entries: str) -> str:
    return "waivers:\n" + "".join(entries)


def audit_json(cli, *extra: str) -> tuple[int, dict]:
    run = cli(*audit_args("--format", "json", *extra))
    return run.exit_code, as_json(run)


def test_a_valid_waiver_turns_a_failure_into_waived_out_of_score_and_gate(cli, project):
    project("readiness.yaml", manifest(failing=("high",), waivers=waivers(waiver("GTE002"))))
    code, report = audit_json(cli)
    result = results(report)["GTE002"]
    assert code == 0
    assert result["status"] == "waived"
    assert result["waiver"] == {"reason": "fix lands next sprint", "owner": "ana@example.com", "expires": "2026-12-15", "location": {"file": "readiness.yaml", "pointer": "/waivers/0", "line": 10, "column": 5}}
    assert report["manifests"][0]["score"] == 100.0  # waived is out of the denominator
    assert report["manifests"][0]["notes"] == []


def test_a_waiver_still_counts_on_its_expiry_day(cli, project):
    project("readiness.yaml", manifest(failing=("high",), waivers=waivers(waiver("GTE002", expires="2026-11-26"))))
    code, report = audit_json(cli)
    assert code == 0 and results(report)["GTE002"]["status"] == "waived"


def test_an_expired_waiver_stops_counting_is_reported_and_named_by_the_gate(cli, project):
    project("readiness.yaml", manifest(failing=("high",), waivers=waivers(waiver("GTE002", expires="2026-11-25"))))
    code, report = audit_json(cli)
    assert code == 1
    assert results(report)["GTE002"]["status"] == "fail"
    assert report["manifests"][0]["notes"] == [{
        "message": "waiver for GTE002 expired on 2026-11-25 and no longer counts: GTE002 fails again",
        "location": {"file": "readiness.yaml", "pointer": "/waivers/0", "line": 10, "column": 5},
        "kind": "waiver_expired",
        "rule": "GTE002",
    }]
    assert report["gate"]["reasons"] == ["readiness.yaml: GTE002 (high) failed; its waiver (readiness.yaml:10) expired"]


def test_an_expired_waiver_on_a_rule_below_the_gate_does_not_fail_it(cli, project):
    project("readiness.yaml", manifest(failing=("low",), waivers=waivers(waiver("GTE004", expires="2026-01-01"))))
    run = cli(*audit_args())
    assert run.exit_code == 0
    assert "! waiver for GTE004 expired on 2026-01-01 and no longer counts: GTE004 fails again  (at readiness.yaml:10:5)" in run.stdout


def test_a_waiver_for_a_passing_rule_is_stale(cli, project):
    project("readiness.yaml", manifest(waivers=waivers(waiver("GTE002"))))
    code, report = audit_json(cli)
    assert code == 0
    note = report["manifests"][0]["notes"][0]
    assert (note["kind"], note["rule"], note["location"]["line"]) == ("waiver_stale", "GTE002", 10)
    assert note["message"] == "waiver for GTE002 is stale: the rule passes; remove the waiver"


def test_a_waiver_naming_an_unknown_rule_is_reported_with_a_suggestion(cli, project):
    project("readiness.yaml", manifest(waivers=waivers(waiver("GTE02"))))
    code, report = audit_json(cli)
    assert code == 0
    note = report["manifests"][0]["notes"][0]
    assert note["kind"] == "waiver_unknown_rule" and note["location"]["line"] == 10
    assert note["message"] == "waiver names GTE02, which is not a rule; did you mean GTE002?"


def test_a_waiver_for_a_deselected_rule_is_not_unknown(cli, project):
    project("readiness.yaml", manifest(waivers=waivers(waiver("VER001"))))
    code, report = audit_json(cli)
    assert report["manifests"][0]["notes"] == []


def test_config_forbids_waivers_on_critical_rules(cli, project):
    project("readiness.yaml", manifest(failing=("critical", "high"), waivers=waivers(waiver("GTE001"), waiver("GTE002"))))
    project(".readiness.yaml", "forbid_waivers: [critical]\n")
    code, report = audit_json(cli)
    assert code == 1
    statuses = {rule: result["status"] for rule, result in results(report).items()}
    assert (statuses["GTE001"], statuses["GTE002"]) == ("fail", "waived")
    [note] = report["manifests"][0]["notes"]
    assert note["kind"] == "waiver_forbidden" and note["location"]["line"] == 10
    assert note["message"] == "waiver for GTE001 does not count: .readiness.yaml forbids waivers on critical rules (forbid_waivers)"
    assert report["gate"]["reasons"] == ["readiness.yaml: GTE001 (critical) failed; its waiver (readiness.yaml:10) is not allowed on critical rules"]


def test_a_critical_waiver_does_not_count_unless_the_config_allows_it(cli, project):
    project("readiness.yaml", manifest(failing=("critical",), waivers=waivers(waiver("GTE001"))))
    code, report = audit_json(cli)
    assert code == 1 and results(report)["GTE001"]["status"] == "fail"
    [note] = report["manifests"][0]["notes"]
    assert note["kind"] == "waiver_forbidden"
    assert note["message"] == "waiver for GTE001 does not count: critical rules are not waivable unless the config allows it (allow_waivers: [critical])"
    assert report["gate"]["reasons"] == ["readiness.yaml: GTE001 (critical) failed; its waiver (readiness.yaml:10) is not allowed on critical rules"]


def test_allow_waivers_critical_lets_the_waiver_count_and_every_output_says_so(cli, project):
    project("readiness.yaml", manifest(failing=("critical",), waivers=waivers(waiver("GTE001"))))
    project(".readiness.yaml", "allow_waivers: [critical]\n")
    code, report = audit_json(cli)
    assert code == 0 and results(report)["GTE001"]["status"] == "waived"
    manifest_report = report["manifests"][0]
    assert (manifest_report["score"], manifest_report["verdict"]) == (100.0, "ready")
    assert (manifest_report["score_without_waivers"], manifest_report["verdict_without_waivers"]) == (63.6, "not_ready")  # 17.5 of 27.5: the critical rule counts as failed
    assert ".readiness.yaml allows waivers on critical rules (allow_waivers)" in report["gate"]["loosened_by"]
    terminal = cli(*audit_args()).stdout
    assert "score 100/100   without waivers: 63.6/100, not ready" in terminal
    assert ".readiness.yaml allows waivers on critical rules (allow_waivers)" in terminal


def test_a_severity_both_allowed_and_forbidden_is_a_config_error(cli, project):
    project("readiness.yaml", manifest())
    project(".readiness.yaml", "allow_waivers: [critical]\nforbid_waivers: [critical]\n")
    run = cli(*audit_args())
    assert run.exit_code == 2
    assert ".readiness.yaml:1:17: allow_waivers[0]: critical is both allowed and forbidden (forbid_waivers); keep one" in run.stderr


def test_the_rule_that_polices_waivers_cannot_be_waived(cli, project):
    project("readiness.yaml", manifest(waivers=waivers(waiver("GTE002", expires="2026-01-01"), waiver("GOV010"))))
    run = cli("audit", "readiness.yaml", "--rules", str(PACK), "--select", "GTE", "--select", "GOV010", "--as-of", AS_OF, "--format", "json")
    report = as_json(run)
    assert run.exit_code == 1
    assert results(report)["GOV010"]["status"] == "fail"
    notes = {note["rule"]: note for note in report["manifests"][0]["notes"]}
    assert notes["GOV010"]["kind"] == "waiver_not_waivable"
    assert notes["GOV010"]["message"] == "waiver for GOV010 does not count: GOV010 polices waivers and cannot itself be waived; fix it"
    assert "readiness.yaml: GOV010 (high) failed; its waiver (readiness.yaml:11) cannot waive a rule that polices waivers" in report["gate"]["reasons"]


def test_a_waiver_beyond_the_horizon_does_not_count(cli, project):
    project("readiness.yaml", manifest(failing=("high",), waivers=waivers(waiver("GTE002", expires="2027-03-01"))))
    code, report = audit_json(cli)
    assert code == 1 and results(report)["GTE002"]["status"] == "fail"
    [note] = report["manifests"][0]["notes"]
    assert note["kind"] == "waiver_beyond_horizon"
    assert note["message"] == "waiver for GTE002 does not count: it expires on 2027-03-01, beyond the 90-day waiver horizon (2027-02-24); shorten it and renew when it lapses"
    assert report["gate"]["reasons"] == ["readiness.yaml: GTE002 (high) failed; its waiver (readiness.yaml:10) reaches beyond the waiver horizon"]


def test_the_horizon_is_configurable_and_a_longer_one_is_named_by_the_gate(cli, project):
    project("readiness.yaml", manifest(failing=("high",), waivers=waivers(waiver("GTE002", expires="2027-03-01"))))
    project(".readiness.yaml", "max_waiver_days: 120\n")
    code, report = audit_json(cli)
    assert code == 0 and results(report)["GTE002"]["status"] == "waived"
    assert ".readiness.yaml sets the waiver horizon to 120 days (default 90)" in report["gate"]["loosened_by"]


def test_a_waiver_owned_by_nobody_does_not_count(cli, project):
    project("readiness.yaml", manifest(failing=("high", "medium"), waivers="waivers:\n  - {rule: GTE002, reason: soon, owner: TBD, expires: 2026-12-15}\n  - {rule: GTE003, reason: soon, owner: '-', expires: 2026-12-15}\n"))
    code, report = audit_json(cli)
    assert code == 1
    messages = [note["message"] for note in report["manifests"][0]["notes"]]
    assert messages == [
        "waiver for GTE002 does not count: its owner 'TBD' is a placeholder, not a person or a team; name the person or team who answers for the risk",
        "waiver for GTE003 does not count: its owner '-' names nobody; name the person or team who answers for the risk",
    ]


def test_a_one_character_punctuated_or_placeholder_address_owner_does_not_count(cli, project):
    entries = "".join(f"  - {{rule: {rule}, reason: fix lands next sprint, owner: '{owner}', expires: 2026-12-15}}\n"
                      for rule, owner in (("GTE002", "x"), ("GTE003", "T.B.D."), ("GTE004", "tbd@acme.example")))
    project("readiness.yaml", manifest(failing=("high", "medium", "low"), waivers="waivers:\n" + entries))
    code, report = audit_json(cli)
    assert code == 1
    notes = [(note["kind"], note["message"]) for note in report["manifests"][0]["notes"]]
    assert notes == [
        ("waiver_no_owner", "waiver for GTE002 does not count: its owner 'x' is a single character, not a person or a team; name the person or team who answers for the risk"),
        ("waiver_no_owner", "waiver for GTE003 does not count: its owner 'T.B.D.' is a placeholder, not a person or a team; name the person or team who answers for the risk"),
        ("waiver_no_owner", "waiver for GTE004 does not count: its owner 'tbd@acme.example' is a placeholder address ('tbd' names nobody), not a person or a team; name the person or team who answers for the risk"),
    ]
    assert {rule: results(report)[rule]["status"] for rule in ("GTE002", "GTE003", "GTE004")} == dict.fromkeys(("GTE002", "GTE003", "GTE004"), "fail")


def test_real_looking_owners_count_even_at_example_domains(cli, project):
    entries = "".join(f"  - {{rule: {rule}, reason: fix lands next sprint, owner: '{owner}', expires: 2026-12-15}}\n"
                      for rule, owner in (("GTE002", "ana@example.com"), ("GTE003", "ml-platform@acme.example"), ("GTE004", "Al")))
    project("readiness.yaml", manifest(failing=("high", "medium", "low"), waivers="waivers:\n" + entries))
    code, report = audit_json(cli)
    assert code == 0 and report["manifests"][0]["notes"] == []
    assert {rule: results(report)[rule]["status"] for rule in ("GTE002", "GTE003", "GTE004")} == dict.fromkeys(("GTE002", "GTE003", "GTE004"), "waived")


@pytest.mark.parametrize(
    ("reason", "expected"),
    [
        ("TBD", "waivers[0].reason: reason 'TBD' is a placeholder, not a reason"),
        ("'.'", "waivers[0].reason: reason '.' explains nothing"),
        ("'T.B.D.'", "waivers[0].reason: reason 'T.B.D.' is a placeholder, not a reason"),
        ("soon", "waivers[0].reason: reason 'soon' has 1 word(s) of text, below the minimum of 3: say why the risk is carried and what ends it"),
        ("'TODO: fill in later'", "waivers[0].reason: reason 'TODO: fill in later' is a placeholder, not a reason"),
        ("Spanish slice lands next sprint; EU traffic gated", None),
        ("Paging set up in Q3", None),
    ],
)
def test_the_waiver_rule_wants_a_reason_in_a_few_words(cli, project, reason, expected):
    project("readiness.yaml", manifest(failing=("high",), waivers=f"waivers:\n  - {{rule: GTE002, reason: {reason}, owner: ana@example.com, expires: 2026-12-15}}\n"))
    run = cli("audit", "readiness.yaml", "--rules", str(PACK), "--select", "GTE", "--select", "GOV010", "--as-of", AS_OF, "--format", "json")
    result = results(as_json(run))["GOV010"]
    assert result["status"] == ("pass" if expected is None else "fail"), result["message"]
    if expected:
        assert result["message"] == f"An accepted risk has no owner, has outlived its deadline or is not time-boxed: {expected}"


def test_a_team_owner_counts(cli, project):
    project("readiness.yaml", manifest(failing=("high",), waivers="waivers:\n  - {rule: GTE002, reason: soon, owner: support-ml team, expires: 2026-12-15}\n"))
    code, report = audit_json(cli)
    assert code == 0 and results(report)["GTE002"]["status"] == "waived"


def test_a_second_waiver_for_the_same_rule_is_reported(cli, project):
    project("readiness.yaml", manifest(failing=("high",), waivers=waivers(waiver("GTE002"), waiver("gte002", expires="2027-01-01"))))
    code, report = audit_json(cli)
    assert results(report)["GTE002"]["waiver"]["expires"] == "2026-12-15"
    [note] = report["manifests"][0]["notes"]
    assert (note["kind"], note["location"]["line"]) == ("waiver_duplicate", 11)
    assert note["message"] == "a second waiver for GTE002 (the first is at line 10); keep one"


def test_terminal_shows_the_waiver_with_its_location(cli, project):
    project("readiness.yaml", manifest(failing=("high",), waivers=waivers(waiver("GTE002"))))
    run = cli(*audit_args())
    assert "  ~ GTE002  The high fact holds\n" in run.stdout
    assert "waived until 2026-12-15 by ana@example.com: fix lands next sprint (waiver at readiness.yaml:10)" in run.stdout


def test_a_waiver_needs_rule_reason_owner_and_expiry(cli, project):
    project("readiness.yaml", manifest(waivers="waivers:\n  - {rule: GTE002, reason: soon, expires: 2026-12-15}\n"))
    run = cli(*audit_args())
    assert run.exit_code == 2
    assert "readiness.yaml:10:5: waivers[0] is missing the required key 'owner'" in run.stderr


def test_lowering_a_critical_rule_in_the_config_does_not_make_it_waivable(cli, project):
    project("readiness.yaml", manifest(failing=("critical",), waivers=waivers(waiver("GTE001"))))
    project(".readiness.yaml", "severity: {GTE001: high}\n")
    code, report = audit_json(cli)
    assert code == 1 and results(report)["GTE001"]["status"] == "fail"
    [note] = report["manifests"][0]["notes"]
    assert note["message"] == "waiver for GTE001 does not count: critical rules are not waivable unless the config allows it (allow_waivers: [critical]); the config's severity override (high) does not make a critical rule waivable"


def test_a_waiver_may_expire_on_the_last_day_of_the_horizon_but_not_the_day_after(cli, project):
    project("readiness.yaml", manifest(failing=("high",), waivers=waivers(waiver("GTE002", expires="2027-02-24"))))  # 2026-11-26 + 90 days
    code, report = audit_json(cli)
    assert code == 0 and results(report)["GTE002"]["status"] == "waived"
    project("readiness.yaml", manifest(failing=("high",), waivers=waivers(waiver("GTE002", expires="2027-02-25"))))
    code, report = audit_json(cli)
    assert code == 1
    assert report["manifests"][0]["notes"][0]["message"] == "waiver for GTE002 does not count: it expires on 2027-02-25, beyond the 90-day waiver horizon (2027-02-24); shorten it and renew when it lapses"


def test_a_shorter_horizon_is_also_the_time_box_the_waiver_rule_checks(cli, project):
    project("readiness.yaml", manifest(failing=("high",), waivers=waivers(waiver("GTE002", expires="2027-01-10"))))
    project(".readiness.yaml", "max_waiver_days: 30\n")
    run = cli("audit", "readiness.yaml", "--rules", str(PACK), "--select", "GTE", "--select", "GOV010", "--as-of", AS_OF, "--format", "json")
    report = as_json(run)
    assert run.exit_code == 1
    assert report["manifests"][0]["notes"][0]["message"] == "waiver for GTE002 does not count: it expires on 2027-01-10, beyond the 30-day waiver horizon (2026-12-26); shorten it and renew when it lapses"
    assert results(report)["GOV010"]["message"] == "An accepted risk has no owner, has outlived its deadline or is not time-boxed: waivers[0].expires is 2027-01-10, 45 days after the audit date (limit 30 days)"


def test_an_expired_waiver_for_a_rule_that_passes_says_to_remove_it(cli, project):
    project("readiness.yaml", manifest(waivers=waivers(waiver("GTE002", expires="2026-11-01"))))
    code, report = audit_json(cli)
    assert code == 0
    [note] = report["manifests"][0]["notes"]
    assert (note["kind"], note["message"]) == ("waiver_expired", "waiver for GTE002 expired on 2026-11-01 and no longer counts: remove it")


def test_the_gate_names_a_waiver_without_an_owner(cli, project):
    project("readiness.yaml", manifest(failing=("high",), waivers="waivers:\n  - {rule: GTE002, reason: soon, owner: n/a, expires: 2026-12-15}\n"))
    code, report = audit_json(cli)
    assert code == 1
    assert report["gate"]["reasons"] == ["readiness.yaml: GTE002 (high) failed; its waiver (readiness.yaml:10) names no accountable owner"]


# The same waivers through the library, for rules the gates pack has no need of (kinds, risk tiers).

def risky_rule(**overrides) -> Rule:
    """A high rule that is critical for high-risk systems, over ``x-fact``."""
    fields = dict(id="TST001", title="t", category="release", severity="high", severity_by_risk={"high": "critical"}, remediation="fix",
                  why="why", source="pack.yaml:1", given=RulePath.parse("x-fact"), then=(Clause(REGISTRY["truthy"], RulePath.parse("ok")),))
    fields.update(overrides)
    return Rule(**fields)


def evaluated(text: str, the_rule: Rule, settings: Settings | None = None):
    body = f"readiness: 1\n{text}waivers:\n  - {{rule: TST001, reason: r, owner: ana@example.com, expires: 2026-12-15}}\n"
    return evaluate([the_rule], load_text(body, "m.yaml"), settings or Settings(LIBRARY_AS_OF), MemoryEvidence())


def overridden_to_medium(the_rule: Rule) -> Settings:
    return Settings(LIBRARY_AS_OF, severity_overrides={"TST001": "medium"}, waivers=WaiverPolicy(overridden={"TST001": the_rule}))


def test_a_rule_lowered_by_the_config_is_waivable_when_its_own_severity_for_this_risk_tier_is():
    the_rule = risky_rule()
    results, notes, _ = evaluated("service: {kind: ml, risk: low}\nx-fact: {ok: false}\n", the_rule, overridden_to_medium(the_rule))
    assert (results[0].status, results[0].severity, notes) == ("waived", "medium", [])


def test_a_rule_lowered_by_the_config_is_not_waivable_when_its_own_severity_for_this_risk_tier_is_critical():
    the_rule = risky_rule()
    results, notes, _ = evaluated("service: {kind: ml, risk: high}\nx-fact: {ok: false}\n", the_rule, overridden_to_medium(the_rule))
    assert results[0].status == "fail"
    assert [note.message for note in notes] == ["waiver for TST001 does not count: critical rules are not waivable unless the config allows it (allow_waivers: [critical]); the config's severity override (medium) does not make a critical rule waivable"]


def test_a_waiver_for_a_rule_that_does_not_apply_is_stale_and_says_why():
    results, notes, _ = evaluated("service: {kind: ml, risk: low}\nx-fact: {ok: false}\n", risky_rule(kinds=("llm",)))
    assert results[0].status == "skipped"
    assert [(note.kind, note.message, note.location.line) for note in notes] == [
        ("waiver_stale", "waiver for TST001 is stale: the rule does not apply (applies to llm systems; this one is ml); remove the waiver", 5),
    ]


def test_the_default_waiver_policy_shared_by_every_audit_cannot_be_changed_by_one():
    with pytest.raises(FrozenInstanceError):
        WaiverPolicy().max_days = 365  # type: ignore[misc]
