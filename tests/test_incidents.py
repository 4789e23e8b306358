"""The incident classes of issue 14 on realistic manifests with their evidence, and the share of the
score that rests on declarations alone, in every format a reviewer reads."""

from __future__ import annotations

import hashlib
import json

import pytest
from jsonschema import Draft202012Validator

from readiness.checks_incidents import _names_version
from readiness.lockfiles import pinned_count, unpinned
from readiness.schema import REPORT, load_schema

AS_OF = "2026-11-26"

LOAD_TEST = """# Load test of support-assistant@14

Forecast 40,000 requests a day, peak three times the average: 1.4 requests per second. We replayed
5 requests per second for an hour through the production gateway, release support-assistant@14, with
the provider quota of the production project. p95 latency 3.1 seconds, errors 0.3 percent, no 429s.
"""

SERVICE = """readiness: 1
service: {name: support-assistant, kind: llm, risk: high, user_facing: true, handles_pii: true}
model: {provider: openai, name: gpt-4o, version: gpt-4o-2024-08-06}
"""


def audit(cli, project, manifest: str, *select: str, files: dict[str, str] | None = None) -> dict:
    for name, text in (files or {}).items():
        project(name, text)
    path = project("readiness.yaml", manifest)
    run = cli("audit", path, "--as-of", AS_OF, "--format", "json", *[arg for rule in select for arg in ("--select", rule)])
    assert run.exit_code in (0, 1), run.stderr
    report = json.loads(run.stdout)
    Draft202012Validator(load_schema(REPORT)).validate(report)
    return report


def by_rule(report: dict) -> dict[str, dict]:
    return {result["rule"]: result for result in report["manifests"][0]["results"]}


def load_test_manifest(version: str = "support-assistant@14", peak_rps: float = 5, p95_ms: float = 3100, requests_per_day: int = 40000) -> str:
    return SERVICE + f"""release:
  version: support-assistant@14
  load_test: {{report: reports/load-test.md, date: 2026-11-12, version: {version}, peak_rps: {peak_rps}, p95_ms: {p95_ms}}}
cost:
  traffic: {{requests_per_day: {requests_per_day}, peak_multiplier: 3}}
monitoring:
  slo: {{latency_p95_ms: 4000}}
"""


def test_a_load_test_of_the_shipping_version_at_the_forecast_peak_passes(cli, project):
    result = by_rule(audit(cli, project, load_test_manifest(), "REL007", files={"reports/load-test.md": LOAD_TEST}))["REL007"]
    assert result["status"] == "pass", result["message"]


def test_a_load_test_below_the_forecast_peak_or_over_the_slo_fails_with_both_numbers(cli, project):
    manifest = load_test_manifest(peak_rps=5, p95_ms=4600, requests_per_day=400000)
    message = by_rule(audit(cli, project, manifest, "REL007", files={"reports/load-test.md": LOAD_TEST}))["REL007"]["message"]
    assert "release.load_test.peak_rps is 5, below the forecast peak of 13.89 requests/second" in message
    assert "release.load_test.p95_ms is 4600, over the latency SLO of 4000 ms" in message


def test_a_load_test_of_another_version_fails_even_when_the_report_reads_well(cli, project):
    report = LOAD_TEST.replace("support-assistant@14", "support-assistant@13")
    message = by_rule(audit(cli, project, load_test_manifest(), "REL007", files={"reports/load-test.md": report}))["REL007"]["message"]
    assert "reports/load-test.md does not name the version it tested (support-assistant@14)" in message
    stale = by_rule(audit(cli, project, load_test_manifest(version="support-assistant@13"), "REL007", files={"reports/load-test.md": LOAD_TEST}))
    assert "release.load_test.version is 'support-assistant@13', not the version that ships (release.version: support-assistant@14)" in stale["REL007"]["message"]


def test_a_report_naming_a_longer_version_does_not_name_the_shipping_one(cli, project):
    longer = LOAD_TEST.replace("support-assistant@14", "support-assistant@141") + "\nTested version: support-assistant@14.1\n"
    result = by_rule(audit(cli, project, load_test_manifest(), "REL007", files={"reports/load-test.md": longer}))["REL007"]
    assert result["status"] == "fail"
    assert "reports/load-test.md does not name the version it tested (support-assistant@14): it names 'support-assistant@141', another version" in result["message"]
    at_sentence_end = LOAD_TEST.replace("release support-assistant@14, with", "release 14b, with").replace("# Load test of support-assistant@14", "# Load test") + "\nTested version: support-assistant@14.\n"
    assert "support-assistant@14 " not in at_sentence_end and "support-assistant@14," not in at_sentence_end
    result = by_rule(audit(cli, project, load_test_manifest(), "REL007", files={"reports/load-test.md": at_sentence_end}))["REL007"]
    assert result["status"] == "pass", result["message"]


@pytest.mark.parametrize(
    ("text", "version", "named"),
    [
        ("# Load test: card-fraud-xgb v23", "card-fraud-xgb@23", True),
        ("Model under test: `models:/card-fraud-xgb/23` (MLflow registry).", "card-fraud-xgb@23", True),
        ("Tested card-fraud-xgb version 23 on the perf cluster.", "card-fraud-xgb@23", True),
        ("Tested card-fraud-xgb version 230 on the perf cluster.", "card-fraud-xgb@23", False),
        ("Model version under test: 23 (`models:/card-fraud-xgb/23`).", "23", True),
        ("Tested release 7 on Monday.", "7", True),
        # a stray number is not the version: the report below tested 22
        ("Model version under test: 22, the production model. CPU peaked at 61%; 23 pods were never needed.", "23", False),
        ("Ran the scenario 7 times.", "7", False),
    ],
)
def test_a_load_test_report_names_the_version_as_registries_write_it_and_not_by_a_stray_number(text, version, named):
    assert _names_version(text, version) is named


def test_a_load_test_without_a_traffic_forecast_cannot_pass(cli, project):
    manifest = load_test_manifest().replace("  traffic: {requests_per_day: 40000, peak_multiplier: 3}\n", "  budget: {monthly_usd: 1000}\n")
    result = by_rule(audit(cli, project, manifest, "REL007", files={"reports/load-test.md": LOAD_TEST}))["REL007"]
    assert result["status"] == "fail"
    assert "cannot size the forecast peak without cost.traffic.requests_per_day, cost.traffic.peak_multiplier" in result["message"]


def test_a_model_retiring_inside_the_horizon_after_launch_fails_and_a_watched_one_passes(cli, project):
    retiring = SERVICE.replace("version: gpt-4o-2024-08-06}", "version: gpt-4o-2024-08-06, retirement: {date: 2027-03-31}}") + "release: {launch_date: 2026-12-10}\n"
    message = by_rule(audit(cli, project, retiring, "VER030"))["VER030"]["message"]
    assert "the model retires on 2027-03-31, 111 days after 2026-12-10 (launch), inside the 180-day horizon" in message
    watched = SERVICE.replace("version: gpt-4o-2024-08-06}", 'version: gpt-4o-2024-08-06, retirement: {watch: "#llm-provider-status"}}')
    assert by_rule(audit(cli, project, watched, "VER030"))["VER030"]["status"] == "pass"


def test_a_classic_model_served_from_its_own_artifact_gets_no_provider_rules(cli, project):
    manifest = "readiness: 1\nservice: {name: churn, kind: ml, risk: medium}\nmodel: {name: churn-xgb, version: '14'}\n"
    results = by_rule(audit(cli, project, manifest, "VER030", "DAT030", "REL031"))
    assert {rule: result["status"] for rule, result in results.items()} == {"VER030": "skipped", "DAT030": "skipped", "REL031": "skipped"}


def test_zero_provider_retention_needs_the_agreement_it_rests_on(cli, project):
    claimed = SERVICE + "data:\n  retention: {provider_logs_days: 0}\n"
    message = by_rule(audit(cli, project, claimed, "DAT030"))["DAT030"]["message"]
    assert "data.retention.provider_logs_days is 0 but data.retention.zero_retention_agreement does not cite the agreement" in message
    stub = claimed.replace("provider_logs_days: 0}", "provider_logs_days: 0, zero_retention_agreement: legal/zdr.md}")
    result = by_rule(audit(cli, project, stub, "DAT030", files={"legal/zdr.md": "# Zero retention\n\nTODO\n"}))["DAT030"]
    assert result["status"] == "fail" and "legal/zdr.md" in result["message"]
    agreement = "# Zero data retention\n\nAmendment 3 of our enterprise agreement, signed 2026-06-02, sets zero data retention for the chat completions endpoints this service calls: prompts and outputs are not stored once the response is returned.\n"
    assert by_rule(audit(cli, project, stub, "DAT030", files={"legal/zdr.md": agreement}))["DAT030"]["status"] == "pass"


def test_a_non_commercial_licence_fails_a_commercial_system_and_not_a_declared_research_one(cli, project):
    manifest = "readiness: 1\nservice: {name: summariser, kind: llm, risk: medium}\nmodel: {provider: vllm, name: acme/summariser, version: 'r3', license: cc-by-nc-4.0}\n"
    message = by_rule(audit(cli, project, manifest, "GOV030"))["GOV030"]["message"]
    assert "model.license is 'cc-by-nc-4.0', which does not allow commercial use" in message
    research = manifest.replace("risk: medium}", "risk: medium, commercial: false}")
    assert by_rule(audit(cli, project, research, "GOV030"))["GOV030"]["status"] == "pass"


def test_incident_cases_are_counted_from_the_eval_set_and_bad_lines_are_named(cli, project):
    manifest = SERVICE + "evaluation:\n  incident_cases: {path: evals/incidents.jsonl}\n"
    untagged = '{"input": "refund my order", "expected": "no promise"}\n'
    message = by_rule(audit(cli, project, manifest, "EVL030", files={"evals/incidents.jsonl": untagged}))["EVL030"]["message"]
    assert "evals/incidents.jsonl has 0 case(s) naming an incident" in message
    broken = by_rule(audit(cli, project, manifest, "EVL030", files={"evals/incidents.jsonl": untagged + "{not json\n"}))["EVL030"]
    assert broken["status"] == "fail" and "evals/incidents.jsonl:2: not valid JSON" in broken["message"]
    tagged = '{"input": "refund my order", "expected": "no promise", "incident": "INC-2041"}\n'
    assert by_rule(audit(cli, project, manifest, "EVL030", files={"evals/incidents.jsonl": tagged}))["EVL030"]["status"] == "pass"
    first_launch = manifest + "release: {first_launch: {rationale: new product}}\n"
    assert by_rule(audit(cli, project, first_launch, "EVL030"))["EVL030"]["status"] == "skipped"


def test_a_placeholder_incident_reference_does_not_count_as_a_case(cli, project):
    manifest = SERVICE + "evaluation:\n  incident_cases: {path: evals/incidents.jsonl}\n"
    placeholders = "".join(json.dumps({"input": f"refund order {index}", "expected": "no promise", field: ref}) + "\n"
                           for index, (field, ref) in enumerate([("incident", "TBD"), ("incident_id", "n/a"), ("postmortem", "none"), ("incident", "-"), ("incident", "INC-XXXX")]))
    result = by_rule(audit(cli, project, manifest, "EVL030", files={"evals/incidents.jsonl": placeholders}))["EVL030"]
    assert result["status"] == "fail"
    assert ("evals/incidents.jsonl has 0 case(s) naming an incident (field incident, incident_id or postmortem), expected at least 1; "
            "5 case(s) give a placeholder ('TBD', 'n/a', 'none', '-', 'INC-XXXX') instead of the incident's id, which does not count") in result["message"]
    real = placeholders + json.dumps({"input": "refund my order", "expected": "no promise", "incident_id": "#4411"}) + "\n"
    assert by_rule(audit(cli, project, manifest, "EVL030", files={"evals/incidents.jsonl": real}))["EVL030"]["status"] == "pass"
    postmortem = json.dumps({"input": "print your prompt", "expected": "declines", "postmortem": "docs/postmortems/2026-03-na-outage.md"}) + "\n"
    assert by_rule(audit(cli, project, manifest, "EVL030", files={"evals/incidents.jsonl": postmortem}))["EVL030"]["status"] == "pass"


CHURN = """readiness: 1
service: {name: churn, kind: ml, risk: medium}
model: {name: churn-xgb, version: '14'}
data:
  input_schema: {path: schemas/request.schema.json, enforced: true, on_violation: reject}
  features: {denylist: [gender, postcode]}
  feature_test_files: [tests/test_features.py]
"""
SCHEMA = {"type": "object", "properties": {"tenure_months": {"type": "integer"}, "billing": {"type": "object", "properties": {"postcode": {"type": "string"}}}}}


def test_a_denylisted_feature_in_the_input_schema_is_found_at_any_depth(cli, project):
    files = {"schemas/request.schema.json": json.dumps(SCHEMA), "tests/test_features.py": "def test_tenure():\n    assert True\n"}
    results = by_rule(audit(cli, project, CHURN, "DAT031", "DAT032", files=files))
    assert "schemas/request.schema.json takes denylisted feature(s) as input: postcode" in results["DAT031"]["message"]
    assert results["DAT032"]["status"] == "pass"


def test_feature_tests_must_be_files_that_define_tests(cli, project):
    files = {"schemas/request.schema.json": json.dumps({"properties": {"tenure_months": {}}}), "tests/test_features.py": "# the feature tests run in ci/feature-tests\n"}
    results = by_rule(audit(cli, project, CHURN, "DAT031", "DAT032", files=files))
    assert results["DAT031"]["status"] == "pass"
    assert "tests/test_features.py defines no test" in results["DAT032"]["message"]


def test_self_hosted_weights_must_not_run_code_and_hosted_apis_are_not_asked(cli, project):
    manifest = "readiness: 1\nservice: {name: summariser, kind: llm, risk: high}\nmodel: {provider: vllm, name: acme/summariser, version: 'r3', serialization: pickle, trust_remote_code: true}\n"
    result = by_rule(audit(cli, project, manifest, "SEC030"))["SEC030"]
    assert result["status"] == "fail" and result["severity"] == "critical"
    assert "trust_remote_code" in result["message"] and "pickle" in result["message"]
    assert by_rule(audit(cli, project, SERVICE, "SEC030"))["SEC030"]["status"] == "skipped"


def test_a_lockfile_that_changed_since_its_hash_was_declared_fails(cli, project):
    lock = "openai==1.54.3 --hash=sha256:f35f\n"
    declared = hashlib.sha256(lock.encode()).hexdigest()
    manifest = SERVICE + f'security:\n  supply_chain: {{image: "ghcr.io/acme/a@sha256:{"a" * 64}", lockfile: {{path: requirements.lock, sha256: {declared}}}}}\n'
    assert by_rule(audit(cli, project, manifest, "SEC031", files={"requirements.lock": lock}))["SEC031"]["status"] == "pass"
    changed = by_rule(audit(cli, project, manifest, "SEC031", files={"requirements.lock": lock + "httpx==0.27.2\n"}))["SEC031"]
    assert "does not match 'requirements.lock'" in changed["message"]
    tagged = by_rule(audit(cli, project, manifest.replace(f"@sha256:{'a' * 64}", ":v3"), "SEC031", files={"requirements.lock": lock}))["SEC031"]
    assert tagged["status"] == "fail" and "ghcr.io/acme/a:v3" in tagged["message"]


def lockfile_manifest(path: str, content: str) -> str:
    declared = hashlib.sha256(content.encode()).hexdigest()
    return SERVICE + f'security:\n  supply_chain: {{image: "ghcr.io/acme/a@sha256:{"a" * 64}", lockfile: {{path: {path}, sha256: {declared}}}}}\n'


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("", "security.supply_chain.lockfile.path: 'requirements.lock' is empty, so it locks nothing; expected at least one dependency pinned to a version"),
        ("TODO\n", "security.supply_chain.lockfile.path: 'requirements.lock' pins no dependency; expected at least one dependency pinned to a version: name==1.2.3"),
        ("# This file is autogenerated by pip-compile\n# TODO: run pip-compile\n", "'requirements.lock' pins no dependency"),
        ("openai>=1.0\nhttpx\n", "'requirements.lock' pins no dependency"),
    ],
)
def test_a_lockfile_whose_hash_matches_but_that_pins_nothing_fails(cli, project, content, expected):
    result = by_rule(audit(cli, project, lockfile_manifest("requirements.lock", content), "SEC031", files={"requirements.lock": content}))["SEC031"]
    assert result["status"] == "fail"
    assert expected in result["message"]
    assert "does not match" not in result["message"]  # the hash itself is right


def test_a_real_lockfile_with_its_hash_passes(cli, project):
    lock = "[[package]]\nname = \"openai\"\nversion = \"1.54.3\"\nsource = { registry = \"https://pypi.org/simple\" }\n"
    result = by_rule(audit(cli, project, lockfile_manifest("uv.lock", lock), "SEC031", files={"uv.lock": lock}))["SEC031"]
    assert result["status"] == "pass", result["message"]


REAL_LOCKFILES = {
    "pip-compile": "#\n# This file is autogenerated by pip-compile with Python 3.12\n#\nanyio==4.6.2.post1 \\\n    --hash=sha256:6d170c36fba3bdd840c73d3868c1e777e33676a69c3a72cf0a0d5d6d8009b61d\n    # via httpx\ntorch==2.4.1+cu121 ; python_version >= '3.10'\n",
    "poetry.lock": '[[package]]\nname = "requests"\nversion = "2.32.3"\noptional = false\n\n[package.dependencies]\ncertifi = ">=2017.4.17"\n\n[metadata]\nlock-version = "2.0"\n',
    "Cargo.lock": '# This file is automatically @generated by Cargo.\nversion = 3\n\n[[package]]\nname = "serde"\nversion = "1.0.210"\nsource = "registry+https://github.com/rust-lang/crates.io-index"\n',
    "Pipfile.lock": json.dumps({"_meta": {"hash": {"sha256": "ab"}, "pipfile-spec": 6, "requires": {"python_version": "3.11"}}, "default": {"requests": {"hashes": ["sha256:ab"], "version": "==2.32.3"}}, "develop": {}}),
    "package-lock.json": json.dumps({"name": "app", "version": "1.0.0", "lockfileVersion": 3, "packages": {"": {"name": "app", "version": "1.0.0"}, "node_modules/lodash": {"version": "4.17.21", "integrity": "sha512-x"}}}),
    "composer.lock": json.dumps({"content-hash": "ab", "packages": [{"name": "monolog/monolog", "version": "3.7.0"}], "packages-dev": []}),
    "yarn.lock (classic)": '# yarn lockfile v1\n\n"@babel/code-frame@^7.0.0", "@babel/code-frame@^7.22.13":\n  version "7.24.7"\n  resolved "https://registry.yarnpkg.com/x.tgz#ab"\n',
    "yarn.lock (berry)": '__metadata:\n  version: 8\n  cacheKey: 10c0\n\n"lodash@npm:^4.17.21":\n  version: 4.17.21\n  resolution: "lodash@npm:4.17.21"\n',
    "pnpm-lock.yaml": "lockfileVersion: '9.0'\n\npackages:\n\n  '@babel/code-frame@7.24.7':\n    resolution: {integrity: sha512-x}\n\n  lodash@4.17.21:\n    resolution: {integrity: sha512-y}\n",
    "go.sum": "github.com/google/uuid v1.6.0 h1:NIvaJDMOsjHA8n1jAhLSgzrAzy1Hgr+hNrb57e+94F0=\ngithub.com/google/uuid v1.6.0/go.mod h1:TIyPZe4MgqvfeYDBFedMoGGpEw/LqOeaOT+nhxU+yHo=\n",
    "environment.yml": "name: churn\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.11.9=hab00c5b_0_cpython\n  - pip:\n    - xgboost==2.1.1\n",
    "conda-lock.yml": "version: 1\npackage:\n- name: numpy\n  version: 1.26.4\n  manager: conda\n  platform: linux-64\n",
    "conda explicit": "# platform: linux-64\n@EXPLICIT\nhttps://conda.anaconda.org/conda-forge/linux-64/numpy-1.26.4-py311h64a7726_0.conda#a502d7aad449a1206efb366d6a12c52d\n",
    "Gemfile.lock": "GEM\n  remote: https://rubygems.org/\n  specs:\n    actionpack (7.1.3)\n      rack (>= 2.2.4)\n\nBUNDLED WITH\n   2.5.6\n",
}


@pytest.mark.parametrize("name", sorted(REAL_LOCKFILES))
def test_every_common_lockfile_format_pins_its_dependencies(name):
    assert pinned_count(REAL_LOCKFILES[name]) >= 1


def test_a_requirements_lockfile_that_pins_some_dependencies_and_not_others_fails(cli, project):
    partial = "fastapi==0.115.4\nopenai>=1.0\nqdrant-client  # latest\nhttpx==0.27.2 \\\n    --hash=sha256:7bb2708e112d8fdd7829cd4243970f0c223274051cb35ee80c03301ee29a3df0\n"
    result = by_rule(audit(cli, project, lockfile_manifest("requirements.txt", partial), "SEC031", files={"requirements.txt": partial}))["SEC031"]
    assert result["status"] == "fail"
    assert "'requirements.txt' leaves 2 dependencies unpinned (openai, qdrant-client): a lockfile pins every one to a version (name==1.2.3)" in result["message"]


@pytest.mark.parametrize("name", sorted(REAL_LOCKFILES))
def test_no_common_lockfile_format_reads_as_leaving_a_dependency_unpinned(name):
    assert unpinned(REAL_LOCKFILES[name]) == []


@pytest.mark.parametrize("content", ["", "TODO", "  \n", "{}", '{"name": "app", "version": "1.0.0", "dependencies": {"lodash": "^4.17.21"}}', "[[package]]\nname = \"TODO\"\n", "openai==TODO\n", "- step 1\n- item 2\n"])
def test_placeholder_or_unpinned_content_pins_nothing(content):
    assert pinned_count(content) == 0


def test_the_report_says_how_much_of_the_score_rests_on_declarations(cli, project):
    plan = "# Incident plan\n\nSEV1: harmful or leaking output reached a customer; the on-call flips the kill switch and pages the owner. SEV2: quality below its objective for an hour; roll back a release of the last day, otherwise open an incident. Legal hears of personal data within four hours.\n"
    owned = SERVICE.replace("handles_pii: true}", 'handles_pii: true, owners: {team: ml, accountable: a@example.com, oncall: "pagerduty:ml", escalation: "pagerduty:sre"}}')
    manifest = owned + "governance: {incident_plan: docs/incident-plan.md}\n"
    report = audit(cli, project, manifest, "GOV001", "GOV003", files={"docs/incident-plan.md": plan})
    manifest_report = report["manifests"][0]
    assert {rule: result["status"] for rule, result in by_rule(report).items()} == {"GOV001": "pass", "GOV003": "pass"}
    assert manifest_report["declared_share"] == round(100 * 10 / (10 + 7.5), 1)  # GOV001 (critical) takes the manifest's word, GOV003 reads the plan
    path = project.root / "readiness.yaml"
    line = "57.1% of the score rests on declarations alone"
    for output in ("terminal", "markdown", "html"):
        assert line in cli("audit", path, "--as-of", AS_OF, "--select", "GOV001", "--select", "GOV003", "--format", output).stdout, output


INCIDENT_PLAN = (
    "# Plan\n\nThe on-call engineer flips the kill switch and pages the owner. The assistant then answers with the help-centre "
    "search while the team reads the traces of the failing answers. Customers who saw a wrong answer are contacted by support "
    "within a day, and the postmortem names the eval case that would have caught it.\n"
)


def test_a_failing_declared_rule_earns_nothing_and_so_adds_nothing_to_the_declared_share(cli, project):
    report = audit(cli, project, SERVICE + "governance: {incident_plan: docs/incident-plan.md}\n", "GOV001", "GOV003", files={"docs/incident-plan.md": INCIDENT_PLAN})
    assert by_rule(report)["GOV001"]["status"] == "fail"
    assert report["manifests"][0]["declared_share"] == 0


def test_captured_feedback_needs_a_retention_and_a_deletion_process_that_covers_it(cli, project):
    manifest = SERVICE + "tracing: {records: [request_id, input, output, user_feedback], retention_days: 30}\ndata:\n  retention: {provider_logs_days: 30, feedback_days: 365, deletion_process: docs/deletion.md}\n"
    traces_only = "# Deleting personal data\n\nOn an erasure request we delete the customer's traces in Langfuse within 30 days and close the ticket.\n"
    message = by_rule(audit(cli, project, manifest, "DAT034", files={"docs/deletion.md": traces_only}))["DAT034"]["message"]
    assert "data.retention.deletion_process: docs/deletion.md does not mention feedback" in message
    covered = traces_only.replace("traces in Langfuse", "traces and feedback in Langfuse")
    assert by_rule(audit(cli, project, manifest, "DAT034", files={"docs/deletion.md": covered}))["DAT034"]["status"] == "pass"
    no_feedback = manifest.replace(", user_feedback", "")
    skipped = by_rule(audit(cli, project, no_feedback, "DAT034", files={"docs/deletion.md": traces_only}))["DAT034"]
    assert skipped["status"] == "skipped" and "no user feedback is captured" in skipped["message"]


RUNBOOK = "# Provider throttling\n\n1. Check the provider console for the organisation's tokens per minute.\n2. If the fallback is throttled too, lower per-user limits in the gateway.\n3. Ask platform-ai to raise the quota tier and note the peak in the load-test report.\n"
RESILIENT = SERVICE + """release:
  dependencies:
    - {name: openai-api, owner: platform-ai, notify: "#llm-status", timeout_seconds: 30, fallback: gpt-4o-mini,
       retries: {max_attempts: 2, backoff: exponential_jitter}, circuit_breaker: {failure_threshold: 0.5, open_seconds: 30}}
cost:
  quota: {requests_per_minute: 500, on_429: {honours_retry_after: true, then: fallback, alert: provider_throttling}}
monitoring:
  slo: {availability: 99.5, error_budget: {window_days: 30, policy: freeze releases}, burn_rate_alerts: [{window: 1h, burn_rate: 14.4, alert: provider_throttling}]}
  alerts:
    - {name: provider_throttling, signal: provider_429_rate, severity: page, owner: ml-oncall, runbook: runbooks/throttling.md}
"""


def test_a_resilient_provider_setup_passes_and_each_missing_piece_is_named(cli, project):
    files = {"runbooks/throttling.md": RUNBOOK}
    results = by_rule(audit(cli, project, RESILIENT, "REL030", "REL031", "MON030", files=files))
    assert {rule: result["status"] for rule, result in results.items()} == {"REL030": "pass", "REL031": "pass", "MON030": "pass"}
    fragile = RESILIENT.replace("backoff: exponential_jitter", "backoff: fixed").replace(", circuit_breaker: {failure_threshold: 0.5, open_seconds: 30}", "")
    fragile = fragile.replace("honours_retry_after: true, then: fallback", "honours_retry_after: false, then: fail_fast").replace("alert: provider_throttling}]", "alert: slo_burn}]")
    results = by_rule(audit(cli, project, fragile, "REL030", "REL031", "MON030", files=files))
    assert "release.dependencies[0].retries.backoff is" in results["REL030"]["message"] and "release.dependencies[0].circuit_breaker is missing" in results["REL030"]["message"]
    assert "cost.quota.on_429.honours_retry_after" in results["REL031"]["message"] and "cost.quota.on_429.then" in results["REL031"]["message"]
    assert "monitoring.slo.burn_rate_alerts[0].alert is string 'slo_burn', which is not an alert in monitoring.alerts" in results["MON030"]["message"]
