"""Framework views: the ML Test Score arithmetic of the 2017 paper and OWASP / NIST / EU coverage."""

from __future__ import annotations

import json

import pytest

from conftest import AS_OF
from readiness.frameworks import (
    EU_AI_ACT,
    MTS_TESTS,
    NIST_AI_RMF,
    OWASP_LLM,
    framework_views,
    mts_band,
    parse_frameworks,
    reference_title,
)
from readiness.errors import InputError
from readiness.report import Report, Result

SECTIONS = ("data", "model", "infra", "monitor")
RESEARCH = "More of a research project than a productionized system."
HOLES = "Not totally untested, but it is worth considering the possibility of serious holes in reliability."
FIRST_PASS = "There's been first pass at basic productionization, but additional investment may be needed."
REASONABLE = "Reasonably tested, but it's possible that more of those tests and procedures may be automated."
STRONG = "Strong levels of automated testing and monitoring, appropriate for mission-critical systems."
EXCEPTIONAL = "Exceptional levels of automated testing and monitoring."


def declared(modes: dict[str, str]) -> dict:
    """A manifest whose ml_test_score declares ``modes`` (test id → mode), each with evidence."""
    return {"ml_test_score": {"tests": {test: {"mode": mode, "evidence": f"ci/{test}"} for test, mode in modes.items()}}}


def ml_test_score(manifest: dict, results: dict[str, Result], references: dict[str, list[str]]):
    return framework_views(manifest, list(results.values()), references, ["ml-test-score"]).ml_test_score


def coverage(framework: str, results: dict[str, Result], references: dict[str, list[str]]):
    views = framework_views({"service": {"kind": "llm"}}, list(results.values()), references, [])
    return next(view for view in views.coverage if view.framework == framework)


def every_test(mode: str) -> dict[str, str]:
    return dict.fromkeys(MTS_TESTS, mode)


def section_scores(score) -> dict[str, float]:
    return {section.section: section.score for section in score.sections}


def test_all_automated_scores_seven_per_section_and_exceptional():
    score = ml_test_score(declared(every_test("automated")), {}, {})
    assert section_scores(score) == dict.fromkeys(SECTIONS, 7.0)
    assert score.final == 7.0 and score.band == EXCEPTIONAL
    assert all(len(section.tests) == 7 for section in score.sections)


def test_final_score_is_the_weakest_section():
    modes = every_test("automated")
    modes.update({"monitor-1": "none", "monitor-2": "manual", "monitor-3": "none", "monitor-4": "none", "monitor-5": "none"})
    score = ml_test_score(declared(modes), {}, {})
    assert section_scores(score) == {"data": 7.0, "model": 7.0, "infra": 7.0, "monitor": 2.5}
    assert score.final == 2.5 and score.band == REASONABLE


def test_manual_earns_half_a_point_and_undeclared_earns_nothing():
    score = ml_test_score(declared({"data-1": "manual", "data-2": "automated", "model-1": "manual"}), {}, {})
    tests = {test.id: test for section in score.sections for test in section.tests}
    assert (tests["data-1"].points, tests["data-2"].points, tests["data-3"].points) == (0.5, 1.0, 0.0)
    assert tests["data-3"].mode == "none" and tests["data-3"].evidence is None
    assert section_scores(score) == {"data": 1.5, "model": 0.5, "infra": 0.0, "monitor": 0.0}
    assert score.final == 0.0 and score.band == RESEARCH


def test_a_claim_without_evidence_earns_zero_and_is_reported():
    manifest = {"ml_test_score": {"tests": {"infra-7": {"mode": "automated"}, "infra-6": {"mode": "manual", "evidence": "  "}, "infra-5": {"mode": "none"}}}}
    tests = {test.id: test for section in ml_test_score(manifest, {}, {}).sections for test in section.tests}
    assert tests["infra-7"].points == 0 and tests["infra-7"].problem == "declared automated but cites no evidence, so it earns 0"
    assert tests["infra-6"].points == 0 and tests["infra-6"].problem == "declared manual but cites no evidence, so it earns 0"
    assert tests["infra-5"].problem is None


@pytest.mark.parametrize(
    ("final", "band"),
    [(0, RESEARCH), (0.5, HOLES), (1, HOLES), (1.5, FIRST_PASS), (2, FIRST_PASS), (2.5, REASONABLE), (3, REASONABLE), (3.5, STRONG), (5, STRONG), (5.5, EXCEPTIONAL), (7, EXCEPTIONAL)],
)
def test_table_v_bands_include_their_upper_bound(final, band):
    assert mts_band(final) == band


@pytest.mark.parametrize(("automated_per_section", "band"), [(1, HOLES), (2, FIRST_PASS), (3, REASONABLE), (5, STRONG)])
def test_band_of_a_whole_manifest_at_each_boundary(automated_per_section, band):
    modes = {f"{section}-{n}": "automated" for section in SECTIONS for n in range(1, automated_per_section + 1)}
    score = ml_test_score(declared(modes), {}, {})
    assert score.final == automated_per_section and score.band == band


def test_each_test_lists_its_rules_and_flags_claims_the_audit_contradicts():
    results = {"REL002": Result("REL002", "fail", "critical", "no runbook"), "REL001": Result("REL001", "pass", "high", ""), "VER001": Result("VER001", "skipped", "high", "n/a")}
    references = {"REL002": ["mts:infra-7", "nist:MG-2.4"], "REL001": ["MTS:Infra-6"], "VER001": ["mts:infra-1"], "OTHER": ["mts:infra-7"]}
    manifest = declared({"infra-7": "automated", "infra-6": "manual"})
    tests = {test.id: test for section in ml_test_score(manifest, results, references).sections for test in section.tests}
    assert [(r.rule, r.status) for r in tests["infra-7"].rules] == [("REL002", "fail")]  # OTHER is not in this audit
    assert tests["infra-7"].contradicted_by == ["REL002"] and tests["infra-7"].points == 0.0
    assert tests["infra-7"].problem == "claimed automated, but REL002 did not pass in this audit, so it earns 0"
    assert [(r.rule, r.status) for r in tests["infra-6"].rules] == [("REL001", "pass")] and tests["infra-6"].contradicted_by == []
    assert tests["infra-1"].contradicted_by == []  # claims nothing, so nothing to contradict


def status_of(view, item_id: str) -> str:
    return next(item.status for item in view.items if item.id == item_id)


def test_coverage_status_is_the_worst_applicable_rule_and_skipped_rules_do_not_cover():
    results = {
        "A": Result("A", "pass", "high", ""),
        "B": Result("B", "fail", "high", "x"),
        "C": Result("C", "waived", "high", "x"),
        "D": Result("D", "skipped", "high", "applies to agent systems"),
        "E": Result("E", "error", "high", "raised"),
    }
    references = {"A": ["owasp:LLM01", "owasp:LLM02", "owasp:LLM03"], "B": ["owasp:LLM01"], "C": ["owasp:LLM02"], "D": ["owasp:LLM06", "owasp:LLM03"], "E": ["owasp:llm05"]}
    view = coverage(OWASP_LLM, results, references)
    assert [item.id for item in view.items] == [f"LLM{n:02d}" for n in range(1, 11)]
    assert status_of(view, "LLM01") == "fail"
    assert status_of(view, "LLM02") == "waived"
    assert status_of(view, "LLM03") == "pass"  # D does not apply: it neither covers nor spoils
    assert status_of(view, "LLM05") == "error"
    assert status_of(view, "LLM06") == "not_covered"
    assert status_of(view, "LLM07") == "not_covered"
    llm06 = next(item for item in view.items if item.id == "LLM06")
    assert llm06.name == "Excessive Agency" and [(r.rule, r.status) for r in llm06.rules] == [("D", "skipped")]


def test_manifests_covered_alike_share_their_coverage_items():
    """Fleets hold (and worker processes pickle) one CoverageItem per distinct item and statuses."""
    references = {"A": ["owasp:LLM01"], "B": ["owasp:LLM01", "owasp:LLM02"]}
    first = coverage(OWASP_LLM, {"A": Result("A", "pass", "high", ""), "B": Result("B", "pass", "high", "")}, references)
    second = coverage(OWASP_LLM, {"A": Result("A", "pass", "high", ""), "B": Result("B", "fail", "high", "x")}, references)
    assert status_of(first, "LLM01") == "pass" and status_of(second, "LLM01") == "fail"
    assert first.items[0] is not second.items[0]
    assert first.items[1] is not second.items[1]
    assert first.items[2] is second.items[2]  # LLM03: cited by no rule in either


def test_nist_and_eu_list_the_items_the_rules_cite_grouped_and_in_numeric_order():
    results = {rule: Result(rule, "pass", "high", "") for rule in "ABC"}
    references = {"A": ["nist:MS-2.10", "eu:art-15"], "B": ["nist:MS-2.4", "nist:GV-1.3", "eu:art-9"], "C": ["nist:mg-2.4", "sre:launch-rollback"]}
    nist = coverage(NIST_AI_RMF, results, references)
    assert [(item.group, item.id) for item in nist.items] == [("GOVERN", "GV-1.3"), ("MEASURE", "MS-2.4"), ("MEASURE", "MS-2.10"), ("MANAGE", "MG-2.4")]
    assert nist.items[-1].name == "A misbehaving system can be disengaged or deactivated"
    eu = coverage(EU_AI_ACT, results, references)
    assert [(item.id, item.name) for item in eu.items] == [("art-9", "Risk management system"), ("art-15", "Accuracy, robustness and cybersecurity")]


def test_views_for_a_classic_model_leave_out_the_llm_list_and_compute_mts_only_on_request():
    results = [Result("A", "pass", "high", "")]
    references = {"A": ["owasp:LLM01", "nist:MS-2.4"]}
    ml = framework_views({"service": {"kind": "ml"}}, results, references, [])
    assert [view.framework for view in ml.coverage] == [NIST_AI_RMF, EU_AI_ACT] and ml.ml_test_score is None
    llm = framework_views({"service": {"kind": "llm"}}, results, references, ["ml-test-score"])
    assert [view.framework for view in llm.coverage] == [OWASP_LLM, NIST_AI_RMF, EU_AI_ACT]
    assert llm.ml_test_score is not None and llm.requested == ["ml-test-score"]


def test_framework_option_values():
    assert parse_frameworks(["ml-test-score"]) == ["ml-test-score"]
    assert parse_frameworks(["eu-ai-act", "ml-test-score", "owasp-llm"]) == ["ml-test-score", "owasp-llm", "eu-ai-act"]
    assert parse_frameworks(["all"]) == ["ml-test-score", "owasp-llm", "nist-ai-rmf", "eu-ai-act"]
    with pytest.raises(InputError, match="unknown framework 'ml-test-scor'; did you mean 'ml-test-score'"):
        parse_frameworks(["ml-test-scor"])


def test_reference_titles():
    assert reference_title("owasp:LLM06") == "Excessive Agency"
    assert reference_title("mts:infra-7") == "Serving models can be rolled back"
    assert reference_title("eu:art-14") == "Human oversight"
    assert reference_title("nist:MG-2.4") == "A misbehaving system can be disengaged or deactivated"
    assert reference_title("sre:launch-rollback") is None and reference_title("owasp:LLM11") is None


# End to end: a tiny rule pack of our own, so that the built-in catalog can grow freely.
PACK = """rules:
  - id: TST001
    title: Rollback is rehearsed
    category: release
    severity: critical
    given: release.rollback
    then:
      - {field: last_drill, function: within_days, options: {days: 90}}
    remediation: |
      Rehearse it:
        release: {rollback: {last_drill: YYYY-MM-DD}}
    why: An incident lasts as long as nobody knows how to go back.
    references: [mts:infra-7, nist:MG-2.4, eu:art-14, owasp:LLM06]
    examples:
      pass: [{release: {rollback: {last_drill: 2026-11-01}}}]
      fail: [{release: {rollback: {last_drill: 2020-01-01}}}]
  - id: TST002
    title: Agents ask before acting
    category: security
    severity: high
    applies_to: {kinds: [agent]}
    given: security
    then:
      - {field: approval, function: equals, options: {value: true}}
    remediation: "security: {approval: true}"
    why: Side effects need a person.
    references: [owasp:LLM01, owasp:LLM06]
    examples:
      pass: [{security: {approval: true}}]
      fail: [{security: {approval: false}}]
"""

MANIFEST = """readiness: 1
service: {name: demo, kind: llm, risk: high}
release:
  rollback: {last_drill: 2026-01-01}
ml_test_score:
  tests:
    infra-7: {mode: automated, evidence: ci/rollback-drill}
    model-1: {mode: manual}
"""


@pytest.fixture
def audited(cli, project):
    pack = project("pack.yaml", PACK)
    manifest = project("readiness.yaml", MANIFEST)
    return lambda *args: cli("audit", manifest, "--rules", pack, "--select", "TST", "--as-of", AS_OF, *args)


def test_json_report_carries_the_ml_test_score_and_coverage(audited):
    run = audited("--framework", "ml-test-score", "--format", "json")
    assert run.exit_code == 1, run.stderr
    report = json.loads(run.stdout)
    views = report["manifests"][0]["frameworks"]
    score = views["ml_test_score"]
    assert score["final"] == 0 and score["band"] == RESEARCH
    assert [s["score"] for s in score["sections"]] == [0, 0, 0, 0]  # infra-7's claim is contradicted by TST001
    infra7 = next(t for s in score["sections"] for t in s["tests"] if t["id"] == "infra-7")
    assert infra7 == {
        "id": "infra-7", "title": "Serving models can be rolled back", "mode": "automated", "points": 0.0,
        "evidence": "ci/rollback-drill", "problem": "claimed automated, but TST001 did not pass in this audit, so it earns 0",
        "rules": [{"rule": "TST001", "status": "fail"}], "contradicted_by": ["TST001"],
    }
    model1 = next(t for s in score["sections"] for t in s["tests"] if t["id"] == "model-1")
    assert model1["points"] == 0 and "cites no evidence" in model1["problem"]
    owasp = next(v for v in views["coverage"] if v["framework"] == "owasp-llm")
    statuses = {item["id"]: item["status"] for item in owasp["items"]}
    assert statuses["LLM06"] == "fail" and statuses["LLM01"] == "not_covered" and statuses["LLM10"] == "not_covered"
    assert Report.from_dict(report).to_dict() == report


def test_without_the_option_coverage_is_still_in_the_report_but_not_the_score(audited):
    views = json.loads(audited("--format", "json").stdout)["manifests"][0]["frameworks"]
    assert views["ml_test_score"] is None and views["requested"] == []
    assert {view["framework"] for view in views["coverage"]} == {"owasp-llm", "nist-ai-rmf", "eu-ai-act"}


def test_terminal_shows_the_views_only_when_asked(audited):
    plain = audited().stdout
    assert "ML Test Score" not in plain and "OWASP" not in plain
    mts = audited("--framework", "ml-test-score").stdout
    assert "ML Test Score  0 of 7" in mts and RESEARCH in mts and "OWASP" not in mts
    assert "    0  infra-7    automated  Serving models can be rolled back" in mts
    assert "! claimed automated, but TST001 did not pass in this audit, so it earns 0" in mts
    assert "! declared manual but cites no evidence, so it earns 0" in mts
    owasp = audited("--framework", "owasp-llm").stdout
    assert "OWASP Top 10 for LLM Applications 2025   1 of 10 addressed · 1 failing" in owasp
    lines = {line.split()[1]: line for line in owasp.splitlines() if line.startswith("  ") and line[4:7] == "LLM"}
    assert lines["LLM06"] == "  ✗ LLM06  Excessive Agency" + " " * 16 + "  TST001 ✗"  # TST002 does not apply: not listed
    assert lines["LLM01"] == "  · LLM01  Prompt Injection" + " " * 16 + "  TST002 -"  # no rule applies: say which did not
    assert lines["LLM05"] == "  · LLM05  Improper Output Handling" + " " * 8 + "  no rule"
    assert "ML Test Score" not in owasp
    both = audited("--framework", "OWASP-LLM, ml-test-score").stdout
    assert "ML Test Score  0 of 7" in both and "OWASP Top 10" in both and "NIST AI RMF" not in both
    verbose = audited("--verbose").stdout
    assert "OWASP Top 10" in verbose and "NIST AI RMF 1.0" in verbose and "EU AI Act" in verbose
    assert "ML Test Score" not in verbose  # computed only with --framework ml-test-score
    assert all(line == line.rstrip() for line in verbose.splitlines())


def test_unknown_framework_is_a_usage_error(audited):
    run = audited("--framework", "owasp")
    assert run.exit_code == 2 and "--framework: unknown framework 'owasp'" in run.stderr and run.stdout == ""
