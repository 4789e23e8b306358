"""Declaring less never skips a rule: kinds inferred from the facts, flags that need a reason and
that the facts can contradict, and the report's list of what each declaration turned off."""

from __future__ import annotations

import json

import pytest

from conftest import AS_OF
from readiness.capabilities import tool_action

RAG_RULES = {"VER007", "DAT004", "EVL007", "REL010"}  # apply to rag only
SERVICE = """readiness: 1
service:
  name: help-bot
  kind: {kind}
  risk: high
  user_facing: true
  handles_pii: true
  eu_ai_act: {{category: limited, rationale: chatbot}}
{extra}
model: {{provider: openai, name: gpt-4o, version: gpt-4o-2024-08-06}}
prompts:
  - {{id: answer, path: prompts/answer.md, version: 3}}
data:
  retrieval: {{index: help-centre, version: "2026-11-01", source_snapshot: export-2026-11-01}}
tracing:
  records: [request_id, input, output, retrieved_documents]
"""


def audit(cli, project, text: str, *args: str) -> dict:
    project("readiness.yaml", text)
    run = cli("audit", "readiness.yaml", "--as-of", AS_OF, "--format", "json", *args)
    assert run.exit_code in (0, 1), run.stderr
    return json.loads(run.stdout)["manifests"][0]


def by_rule(manifest: dict) -> dict[str, dict]:
    return {result["rule"]: result for result in manifest["results"]}


def turned_off(manifest: dict) -> dict[str, tuple[str, object, str | None]]:
    return {item["rule"]: (item["declaration"], item["value"], item["rationale"]) for item in manifest["turned_off"]}


def test_a_rag_system_declared_llm_gets_the_rag_rules_and_a_finding_at_its_kind(cli, project):
    as_llm = audit(cli, project, SERVICE.format(kind="llm", extra=""))
    as_rag = audit(cli, project, SERVICE.format(kind="[llm, rag]", extra=""))
    for manifest in (as_llm, as_rag):
        assert manifest["capabilities"] == ["llm", "rag"]
        assert all(by_rule(manifest)[rule]["status"] != "skipped" for rule in RAG_RULES)
    assert {rule: by_rule(as_llm)[rule]["status"] for rule in RAG_RULES} == {rule: by_rule(as_rag)[rule]["status"] for rule in RAG_RULES}
    finding = by_rule(as_llm)["GOV018"]
    assert finding["status"] == "fail"
    assert "service.kind declares llm but data.retrieval describes a retrieval index: add rag" in finding["message"]
    assert (finding["location"]["pointer"], finding["location"]["line"]) == ("/service/kind", 4)
    assert by_rule(as_rag)["GOV018"]["status"] == "pass"
    assert as_rag["kind"] == "llm, rag"


def test_an_agentic_rag_system_declares_both_kinds_and_gets_both_sets_of_rules(cli, project):
    tools = "security:\n  tools: [{name: create_ticket, side_effects: true, requires_approval: true}]\n"
    manifest = audit(cli, project, SERVICE.format(kind="[rag, agent]", extra="") + tools)
    assert manifest["capabilities"] == ["llm", "rag", "agent"]
    results = by_rule(manifest)
    assert results["GOV018"]["status"] == "pass"
    assert results["SEC008"]["status"] != "skipped"  # tools with side effects need approval: an agent rule
    assert results["VER007"]["status"] != "skipped"
    assert "service.kind" not in {item["declaration"] for item in manifest["turned_off"] if item["rule"] in ("SEC008", "VER007")}


def test_tools_make_a_declared_rag_system_an_agent_too(cli, project):
    tools = "security:\n  tools: [{name: refund, side_effects: true, requires_approval: false}]\n"
    manifest = audit(cli, project, SERVICE.format(kind="rag", extra="") + tools)
    assert manifest["capabilities"] == ["llm", "rag", "agent"]
    assert by_rule(manifest)["SEC008"]["status"] == "fail"
    assert "declares rag but security.tools lists tools the model calls: add agent" in by_rule(manifest)["GOV018"]["message"]


def test_a_kind_listed_twice_is_an_input_error(cli, project):
    project("readiness.yaml", SERVICE.format(kind="[rag, rag]", extra=""))
    run = cli("validate", "readiness.yaml")
    assert run.exit_code == 2
    assert "readiness.yaml:4:3: service.kind: expected one of ml, llm, rag, agent, or a list of them (each once), found a list of 2" in run.stderr


def test_handles_pii_false_contradicted_by_traces_counts_as_not_declared(cli, project):
    text = SERVICE.format(kind="[llm, rag]", extra="").replace("  handles_pii: true\n", "  handles_pii: false\n  rationale: {handles_pii: no personal data}\n")
    text = text.replace("records: [request_id, input, output, retrieved_documents]", "records: [request_id, user_id, input, output, retrieved_documents]")
    manifest = audit(cli, project, text)
    results = by_rule(manifest)
    assert results["DAT005"]["status"] == "fail" and results["SEC002"]["status"] != "skipped"
    assert not {"DAT005", "SEC002"} & set(turned_off(manifest))
    finding = results["GOV019"]
    assert finding["status"] == "fail"
    assert "service.handles_pii is boolean false but tracing.records records user_id; the rules it would turn off apply" in finding["message"]
    assert finding["location"]["pointer"] == "/service/handles_pii"


def test_llm_traces_of_user_input_contradict_handles_pii_false_but_a_classic_models_features_do_not(cli, project):
    llm = SERVICE.format(kind="[llm, rag]", extra="").replace("  handles_pii: true\n", "  handles_pii: false\n  rationale: {handles_pii: no personal data}\n")
    assert "tracing.records records input: the text users send an LLM" in by_rule(audit(cli, project, llm))["GOV019"]["message"]
    sensors = """readiness: 1
service:
  name: bearing-wear
  kind: ml
  risk: high
  user_facing: false
  handles_pii: false
  rationale: {handles_pii: "Inputs are vibration readings from machines", user_facing: "Feeds the maintenance planner"}
data:
  training: {name: vibration_v2, version: 2}
tracing:
  records: [request_id, input, output]
"""
    manifest = audit(cli, project, sensors)
    assert by_rule(manifest)["GOV019"]["status"] == "pass"
    assert turned_off(manifest)["DAT005"] == ("service.handles_pii", False, "Inputs are vibration readings from machines")


def test_an_explained_flag_turns_rules_off_and_the_report_says_which_and_why(cli, project):
    extra = '  multi_tenant: false\n  rationale: {multi_tenant: "Public articles only, the same for every customer"}'
    manifest = audit(cli, project, SERVICE.format(kind="[llm, rag]", extra=extra))
    assert by_rule(manifest)["SEC010"]["status"] == "skipped"
    assert turned_off(manifest)["SEC010"] == ("service.multi_tenant", False, "Public articles only, the same for every customer")
    assert by_rule(manifest)["GOV019"]["status"] == "pass"
    item = next(item for item in manifest["turned_off"] if item["rule"] == "SEC010")
    assert (item["location"]["pointer"], item["location"]["line"]) == ("/service/multi_tenant", 9)


def test_an_unexplained_flag_is_a_finding_and_still_listed(cli, project):
    manifest = audit(cli, project, SERVICE.format(kind="[llm, rag]", extra="  multi_tenant: false"))
    finding = by_rule(manifest)["GOV019"]
    assert finding["status"] == "fail" and finding["severity"] == "high"
    assert "service.multi_tenant is boolean false, which turns rules off, but service.rationale.multi_tenant does not say why" in finding["message"]
    assert turned_off(manifest)["SEC010"] == ("service.multi_tenant", False, None)


def test_user_facing_false_on_an_unauthenticated_endpoint_counts_as_not_declared(cli, project):
    text = SERVICE.format(kind="[llm, rag]", extra="").replace("  user_facing: true\n", "  user_facing: false\n  rationale: {user_facing: back office}\n")
    manifest = audit(cli, project, text + "security:\n  authentication: none\n")
    assert by_rule(manifest)["SEC011"]["status"] == "fail"  # AI disclosure: applies to a user-facing system
    assert "SEC011" not in turned_off(manifest)
    assert "security.authentication is none" in by_rule(manifest)["GOV019"]["message"]


def test_a_low_risk_tier_against_an_eu_high_risk_category_gets_every_rule_at_the_strictest_bar(cli, project):
    text = SERVICE.format(kind="[llm, rag]", extra="").replace("  risk: high\n", "  risk: low\n  rationale: {risk: internal pilot}\n")
    text = text.replace("eu_ai_act: {category: limited, rationale: chatbot}", "eu_ai_act: {category: high, rationale: credit scoring}")
    manifest = audit(cli, project, text)
    results = by_rule(manifest)
    assert results["GOV005"]["status"] == "fail"  # risk: [high] only
    assert results["GOV002"]["severity"] == "high"  # medium at low
    assert "service.risk is string 'low' but service.eu_ai_act.category is high" in results["GOV019"]["message"]


def test_a_missing_provider_does_not_skip_the_provider_review_of_an_llm_system(cli, project):
    manifest = audit(cli, project, SERVICE.format(kind="[llm, rag]", extra="").replace("model: {provider: openai, ", "model: {"))
    assert by_rule(manifest)["GOV007"]["status"] == "fail"
    classic = "readiness: 1\nservice: {name: churn, kind: ml, risk: high}\ndata:\n  training: {name: features_v4}\n"
    manifest = audit(cli, project, classic)
    assert by_rule(manifest)["GOV007"]["status"] == "skipped"
    assert turned_off(manifest)["GOV007"] == ("service.kind", "ml", None)


def test_an_undeclared_eu_category_gets_the_high_risk_rules(cli, project):
    manifest = audit(cli, project, SERVICE.format(kind="[llm, rag]", extra="").replace("  eu_ai_act: {category: limited, rationale: chatbot}\n", ""))
    assert {rule: by_rule(manifest)[rule]["status"] for rule in ("GOV008", "GOV009", "DAT006")} == {"GOV008": "fail", "GOV009": "fail", "DAT006": "fail"}


def test_every_format_shows_the_declarations_that_turned_rules_off(cli, project):
    extra = '  multi_tenant: false\n  rationale: {multi_tenant: "Public articles only"}'
    project("readiness.yaml", SERVICE.format(kind="llm", extra=extra))
    common = ("audit", "readiness.yaml", "--as-of", AS_OF, "--format")
    terminal = cli(*common, "terminal").stdout
    assert "help-bot (llm + rag from its facts, risk high)" in terminal
    assert "Turned off by a declaration" in terminal
    assert "service.multi_tenant: false turned off SEC010" in terminal and "because: Public articles only" in terminal
    markdown = cli(*common, "markdown").stdout
    assert "| `service.multi_tenant` (line 9) | false | Public articles only | SEC010 |" in markdown
    assert "<td><code>service.multi_tenant</code> (line 9)</td><td>false</td><td>Public articles only</td><td>SEC010</td>" in cli(*common, "html").stdout
    junit = cli(*common, "junit").stdout
    assert "turned off by service.multi_tenant: false (because: Public articles only)" in junit
    sarif = json.loads(cli(*common, "sarif").stdout)
    declared = sarif["runs"][0]["properties"]["manifests"][0]["turnedOff"]
    assert {"declaration": "service.multi_tenant", "value": "false", "rationale": "Public articles only", "rules": ["SEC010"]}.items() <= next(d for d in declared if d["declaration"] == "service.multi_tenant").items()


def test_a_json_report_from_before_capabilities_still_renders(cli, project):
    project("readiness.yaml", SERVICE.format(kind="llm", extra=""))
    saved = json.loads(cli("audit", "readiness.yaml", "--as-of", AS_OF, "--format", "json").stdout)
    for manifest in saved["manifests"]:
        del manifest["capabilities"], manifest["turned_off"]
    project("old.json", json.dumps(saved))
    run = cli("report", "old.json", "--format", "markdown")
    assert run.exit_code == 0, run.stderr
    assert "help-bot (llm, risk high)" in run.stdout and "Turned off by a declaration" not in run.stdout


def test_a_tool_is_not_taken_to_be_read_only_against_its_own_name_or_when_it_says_nothing(cli, project):
    project("readiness.yaml", """readiness: 1
service: {name: refunds, kind: agent, risk: high}
security:
  tools:
    - {name: lookup_order, scope: "orders:read", side_effects: false}
    - {name: issue_refund, scope: "payments:refund up to $500", side_effects: false, requires_approval: false}
    - {name: draftReply, scope: "tickets:draft", requires_approval: false}
""")
    run = cli("audit", "readiness.yaml", "--as-of", AS_OF, "--select", "SEC008", "--format", "json")
    result = json.loads(run.stdout)["manifests"][0]["results"][0]
    assert (run.exit_code, result["status"]) == (1, "fail")
    assert result["message"] == (
        "The agent can send, change, pay or delete without a person confirming: "
        "security.tools[1].side_effects is false, but the tool (issue_refund) reads as one that acts: its name starts with 'issue'; "
        "declare side_effects: true (or rename a tool that only reads); "
        "security.tools[2].side_effects is missing: say whether the tool (draftReply) changes anything (true) or only reads (false); "
        "an undeclared tool is not taken to be read-only"
    )


def test_a_risk_tier_that_takes_failing_rules_below_their_severity_is_named_in_a_note(cli, project):
    # risk: low turns no failing rule off here, but takes SEC008 from critical to high: the report says so, with the reason
    manifest = """readiness: 1
service:
  name: refunds
  kind: agent
  risk: low
  rationale: {risk: "Refunds are capped at $50 and reversible"}
security:
  tools:
    - {name: issue_refund, scope: "payments:refund", side_effects: true, requires_approval: false}
"""
    project("readiness.yaml", manifest)
    report = json.loads(cli("audit", "readiness.yaml", "--as-of", AS_OF, "--select", "SEC008", "--format", "json").stdout)["manifests"][0]
    assert report["results"][0]["severity"] == "high"
    assert report["notes"] == [{
        "message": "service.risk: low judges 1 failing rule(s) less severe than an undeclared risk tier would: SEC008 critical → high; "
                   "because: Refunds are capped at $50 and reversible",
        "location": {"file": "readiness.yaml", "pointer": "/service/risk", "line": 5, "column": 3},
        "kind": "risk_lowered",
        "rule": None,
    }]
    project("readiness.yaml", manifest.replace("risk: low", "risk: high"))
    assert json.loads(cli("audit", "readiness.yaml", "--as-of", AS_OF, "--select", "SEC008", "--format", "json").stdout)["manifests"][0]["notes"] == []


def test_a_declared_first_launch_lists_the_rules_it_turned_off_and_an_undeclared_one_lists_none(cli, project):
    manifest = """readiness: 1
service: {name: refunds, kind: agent, risk: high}
release:
  %s
  rollback: {runbook: runbooks/rollback.md}
"""
    project("readiness.yaml", manifest % 'first_launch: {rationale: "nothing served refunds before"}')
    report = json.loads(cli("audit", "readiness.yaml", "--as-of", AS_OF, "--format", "json").stdout)["manifests"][0]
    by_first_launch = [item for item in report["turned_off"] if item["declaration"] == "release.first_launch"]
    assert {item["rule"] for item in by_first_launch} == {"REL002", "EVL030"}
    assert by_first_launch[0]["rationale"] == "nothing served refunds before"
    project("readiness.yaml", manifest % "strategy: canary")
    report = json.loads(cli("audit", "readiness.yaml", "--as-of", AS_OF, "--format", "json").stdout)["manifests"][0]
    assert [item for item in report["turned_off"] if item["declaration"] == "release.first_launch"] == []  # REL014 is for first launches, not turned off


@pytest.mark.parametrize(
    ("tool", "acts"),
    [
        ({"name": "refund_status", "scope": "itsm:read"}, False),  # a noun for something read, not a verb
        ({"name": "update_history"}, False),
        ({"name": "lookup", "scope": "reset-history:read"}, False),  # the resource names an action; the permission reads
        ({"name": "audit", "scope": "tickets:read (no write access)"}, False),
        ({"name": "issue_refund", "scope": "payments:refund up to $500"}, True),
        ({"name": "lookup_customer", "scope": "crm:write"}, True),
        ({"name": "sendEmail"}, True),
    ],
)
def test_a_tool_reads_as_acting_by_its_leading_verb_or_its_permission(tool, acts):
    assert (tool_action(tool) is not None) is acts
