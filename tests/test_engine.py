"""The engine and the score: applicability, statuses, waivers, severities, verdicts and gates."""

from __future__ import annotations

import datetime as dt

from readiness.engine import Settings, evaluate, evaluate_rule
from readiness.evidence import MemoryEvidence
from readiness.functions import REGISTRY
from readiness.loader import load_text
from readiness.report import Result
from readiness.rules import Clause, Rule
from readiness.paths import Path
from readiness.scoring import Thresholds, categories, threshold_misses, verdict, weighted_score, DEFAULT_WEIGHTS

AS_OF = dt.date(2026, 11, 26)


def rule(**overrides) -> Rule:
    fields = dict(
        id="TST001", title="t", category="release", severity="high", remediation="fix", why="why", source="pack.yaml:1",
        given=Path.parse("release.rollback"),
        then=(Clause(REGISTRY["present"], Path.parse("previous_version")), Clause(REGISTRY["within_days"], Path.parse("last_drill"), {"days": 90})),
    )
    fields.update(overrides)
    return Rule(**fields)


def run(text: str, the_rule: Rule | None = None, settings: Settings | None = None):
    document = load_text(text, "m.yaml")
    return evaluate_rule(the_rule or rule(), document, settings or Settings(AS_OF), MemoryEvidence())


def test_pass_records_the_location_of_what_was_checked():
    result = run("readiness: 1\nrelease:\n  rollback: {previous_version: v1, last_drill: 2026-11-01}\n")
    assert (result.status, result.credit, result.location.line, result.location.pointer) == ("pass", 1.0, 3, "/release/rollback")


def test_failure_points_at_the_failing_value_with_every_reason():
    result = run("readiness: 1\nrelease:\n  rollback:\n    last_drill: 2026-01-01\n")
    assert result.status == "fail"
    assert result.message == "release.rollback.previous_version is missing; release.rollback.last_drill is 2026-01-01, 329 days old (limit 90 days)"
    assert (result.location.line, result.location.column) == (3, 3)


def test_a_missing_section_is_a_finding_at_its_nearest_parent():
    result = run("readiness: 1\nrelease:\n  strategy: canary\n", rule(message="No way back"))
    assert (result.status, result.message, result.location.line) == ("fail", "No way back: release.rollback is missing", 2)


def test_if_missing_skip_and_kind_risk_applicability():
    assert run("readiness: 1\n", rule(if_missing="skip")).status == "skipped"
    skipped = run("readiness: 1\nservice: {kind: ml}\n", rule(kinds=("llm", "rag")))
    assert (skipped.status, skipped.message) == ("skipped", "applies to llm, rag systems; this one is ml")
    assert run("readiness: 1\nservice: {risk: low}\n", rule(risks=("high",))).status == "skipped"
    # an undeclared kind gets every rule: leaving a fact out never makes a system look readier
    assert run("readiness: 1\n", rule(kinds=("llm",))).status == "fail"


def test_the_same_skip_in_two_manifests_is_one_shared_result():
    """Fleets hold (and worker processes pickle) one object per distinct skip; nothing may change it in place."""
    first = run("readiness: 1\nservice: {name: a, kind: ml}\n", rule(kinds=("llm",)))
    second = run("readiness: 1\nservice: {name: b, kind: ml}\n", rule(kinds=("llm",)))
    assert first is second
    assert run("readiness: 1\nservice: {kind: rag}\n", rule(kinds=("llm",))) is not first


def test_when_clauses_gate_applicability():
    conditional = rule(when=(Clause(REGISTRY["one_of"], Path.parse("release.strategy"), {"values": ["canary"]}),))
    result = run("readiness: 1\nrelease: {strategy: shadow}\n", conditional)
    assert result.status == "skipped" and "applies only when release.strategy passes one_of" in result.message


def test_severity_by_risk_and_overrides():
    escalating = rule(severity_by_risk={"high": "critical"})
    assert run("readiness: 1\nservice: {risk: high}\n", escalating).severity == "critical"
    assert run("readiness: 1\nservice: {risk: low}\n", escalating).severity == "high"
    assert run("readiness: 1\n", escalating).severity == "critical"  # unknown risk: the strictest bar
    overridden = Settings(AS_OF, severity_overrides={"TST001": "low"})
    assert run("readiness: 1\nservice: {risk: high}\n", escalating, overridden).severity == "low"


def test_option_overrides_change_thresholds():
    text = "readiness: 1\nrelease:\n  rollback: {previous_version: v1, last_drill: 2026-10-01}\n"
    assert run(text).status == "pass"
    assert run(text, settings=Settings(AS_OF, option_overrides={"TST001": {"days": 30}})).status == "fail"


def test_partial_credit_counts_the_share_of_passing_checks():
    result = run("readiness: 1\nrelease:\n  rollback: {last_drill: 2026-11-01}\n", rule(partial_credit=True))
    assert (result.status, result.credit) == ("fail", 0.5)


def test_a_function_that_raises_makes_an_error_result_and_the_audit_goes_on():
    from readiness.functions import Function

    def broken(value, options, call):
        raise RuntimeError("boom")

    result = run("readiness: 1\nrelease: {rollback: {}}\n", rule(then=(Clause(Function("broken", broken)),)))
    assert (result.status, result.message) == ("error", "the check raised RuntimeError: boom")


def test_waivers_valid_expired_stale_and_unknown():
    text = (
        "readiness: 1\n"
        "waivers:\n"
        "  - {rule: TST001, reason: drill next week, owner: ana, expires: 2026-12-15}\n"
        "  - {rule: NOPE001, reason: r, owner: o, expires: 2026-12-15}\n"
    )
    results, notes, _ = evaluate([rule()], load_text(text, "m.yaml"), Settings(AS_OF), MemoryEvidence())
    assert results[0].status == "waived" and results[0].waiver.owner == "ana"
    assert [n.message for n in notes] == ["waiver names NOPE001, which is not a rule; `readiness rules` lists them"]
    expired = text.replace("2026-12-15}\n  - {rule: NOPE", "2026-11-01}\n  - {rule: NOPE")
    results, notes, _ = evaluate([rule()], load_text(expired, "m.yaml"), Settings(AS_OF), MemoryEvidence())
    assert results[0].status == "fail"
    assert notes[0].message == "waiver for TST001 expired on 2026-11-01 and no longer counts: TST001 fails again" and notes[0].location.line == 3
    passing = text + "release: {rollback: {previous_version: v1, last_drill: 2026-11-01}}\n"
    results, notes, _ = evaluate([rule()], load_text(passing, "m.yaml"), Settings(AS_OF), MemoryEvidence())
    assert results[0].status == "pass" and "is stale: the rule passes" in notes[0].message


def result(rule_id: str, status: str, severity: str, credit: float | None = None) -> Result:
    return Result(rule_id, status, severity, "", None, credit if credit is not None else float(status == "pass"))


def test_score_weights_severities_and_leaves_out_skipped_and_waived():
    results = [result("A1", "pass", "critical"), result("A2", "fail", "low"), result("A3", "skipped", "critical"), result("A4", "waived", "high")]
    assert weighted_score(results, DEFAULT_WEIGHTS) == 80.0  # 10 / (10 + 2.5)
    assert weighted_score([result("A3", "skipped", "high")], DEFAULT_WEIGHTS) is None
    scores = categories(results, {"A1": "cost", "A2": "cost", "A3": "data", "A4": "data"}, DEFAULT_WEIGHTS)
    assert [(c.category, c.score) for c in scores] == [("cost", 80.0), ("data", None)]


def test_verdicts_and_gates():
    assert verdict([result("A", "pass", "critical")], []) == "ready"
    assert verdict([result("A", "fail", "medium")], []) == "ready_with_risks"
    assert verdict([result("A", "fail", "high")], []) == "not_ready"
    assert verdict([result("A", "error", "critical")], []) == "not_ready"
    assert verdict([result("A", "pass", "high")], ["score 50 is below the minimum of 80"]) == "not_ready"
    assert threshold_misses(75.0, [], Thresholds(min_score=80)) == ["score 75 is below the minimum of 80"]


def test_more_than_five_reasons_are_cut_with_a_count_of_the_rest():
    alerts = "\n".join(f"    - {{name: a{index}}}" for index in range(8))
    every_alert = rule(given=Path.parse("monitoring.alerts[*]"), then=(Clause(REGISTRY["present"], Path.parse("runbook")),))
    result = run(f"readiness: 1\nmonitoring:\n  alerts:\n{alerts}\n", every_alert)
    shown = "; ".join(f"monitoring.alerts[{index}].runbook is missing" for index in range(5))
    assert result.message == f"{shown}; and 3 more"
    assert (result.location.line, result.location.pointer) == (4, "/monitoring/alerts/0/runbook")


def test_a_rule_that_could_not_be_checked_is_named_so_by_the_gate():
    from readiness.report import ManifestReport
    from readiness.scoring import gate

    manifest = ManifestReport("m.yaml", "svc", "llm", "high", "not_ready", 0.0, None, [], [result("TST001", "error", "high"), result("TST002", "fail", "critical")])
    assert gate([manifest], Thresholds()).reasons == ["m.yaml: TST001 (high) could not be checked", "m.yaml: TST002 (critical) failed"]


def test_a_rule_for_other_risk_tiers_says_which_and_what_this_system_declared():
    skipped = run("readiness: 1\nservice: {risk: low}\n", rule(risks=("high", "critical")))
    assert (skipped.status, skipped.message) == ("skipped", "applies at risk tier high, critical; this one is low")
    both = run("readiness: 1\nservice: {kind: [ml, rag], risk: low}\n", rule(kinds=("llm", "agent")))
    assert both.message == "applies to llm, agent systems; this one is ml, rag"


def test_a_rule_without_a_message_says_only_what_is_missing():
    result = run("readiness: 1\nrelease:\n  strategy: canary\n")
    assert (result.status, result.message) == ("fail", "release.rollback is missing")


def test_if_missing_skip_says_what_is_not_declared():
    assert run("readiness: 1\n", rule(if_missing="skip")).message == "release.rollback is not declared"


def test_a_when_clause_on_the_whole_manifest_names_it_dollar():
    from readiness.functions import Function

    never = Function("never", lambda value, options, call: "not this quarter")
    result = run("readiness: 1\nrelease: {rollback: {}}\n", rule(when=(Clause(never),)))
    assert (result.status, result.message) == ("skipped", "applies only when $ passes never (not this quarter)")


def test_exactly_five_reasons_are_all_shown_without_a_count():
    alerts = "\n".join(f"    - {{name: a{index}}}" for index in range(5))
    every_alert = rule(given=Path.parse("monitoring.alerts[*]"), then=(Clause(REGISTRY["present"], Path.parse("runbook")),))
    result = run(f"readiness: 1\nmonitoring:\n  alerts:\n{alerts}\n", every_alert)
    assert result.message == "; ".join(f"monitoring.alerts[{index}].runbook is missing" for index in range(5))


def test_a_rule_turned_off_by_the_risk_tier_names_that_declaration():
    text = "readiness: 1\nservice:\n  kind: ml\n  risk: low\n"
    results, _, turned_off = evaluate([rule(risks=("high",))], load_text(text, "m.yaml"), Settings(AS_OF), MemoryEvidence())
    assert results[0].status == "skipped"
    assert [(t.rule, t.declaration, t.value, t.location.line) for t in turned_off] == [("TST001", "service.risk", "low", 4)]


def test_only_a_finding_carries_the_remediation_for_the_systems_kind():
    by_kind = rule(remediation_by_kind={"llm": "pin the model and keep the previous one"})
    failing = "readiness: 1\nservice: {kind: llm}\nrelease: {rollback: {}}\n"
    passing = "readiness: 1\nservice: {kind: llm}\nrelease: {rollback: {previous_version: v1, last_drill: 2026-11-01}}\n"
    [failed], _, _ = evaluate([by_kind], load_text(failing, "m.yaml"), Settings(AS_OF), MemoryEvidence())
    [passed], _, _ = evaluate([by_kind], load_text(passing, "m.yaml"), Settings(AS_OF), MemoryEvidence())
    assert (failed.status, failed.remediation) == ("fail", "pin the model and keep the previous one")
    assert (passed.status, passed.remediation) == ("pass", None)
