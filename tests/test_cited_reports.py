"""Cited reports are read and counted by readiness itself: calibration labels, red-team findings,
data files, SBOMs and documents. Each test audits a realistic manifest in a temporary project."""

from __future__ import annotations

import hashlib
import json

import pytest

from readiness.evidence import EvidenceProblem
from readiness.evidence_formats import document_problem, judge_agreement, red_team_findings

AS_OF = "2026-11-26"


def audit(cli, project, manifest: str, files: dict[str, str | bytes], *rules: str) -> dict[str, dict]:
    """Results by rule id of auditing ``manifest`` with ``files`` beside it, only ``rules`` selected."""
    for name, content in files.items():
        path = project.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    project("readiness.yaml", "readiness: 1\n" + manifest)
    selected = [argument for rule in rules for argument in ("--select", rule)]
    run = cli("audit", "readiness.yaml", "--as-of", AS_OF, "--format", "json", *selected)
    assert run.exit_code in (0, 1), run.stderr
    return {result["rule"]: result for result in json.loads(run.stdout)["manifests"][0]["results"]}


def labels_csv(pairs: list[tuple[str, str]]) -> str:
    return "id,human,judge\n" + "".join(f"item-{index},{human},{judge}\n" for index, (human, judge) in enumerate(pairs, start=1))


def balanced(agreeing: int, total: int = 100) -> list[tuple[str, str]]:
    """Half the items pass for people; the judge disagrees on ``total - agreeing`` of them, evenly."""
    wrong = total - agreeing
    humans = ["pass"] * (total // 2) + ["fail"] * (total - total // 2)
    flipped = set(range(wrong // 2)) | set(range(total // 2, total // 2 + wrong - wrong // 2))
    return [(human, ("fail" if human == "pass" else "pass") if index in flipped else human) for index, human in enumerate(humans)]


CALIBRATION_REPORT = (
    "# Judge calibration\n\nThe judge graded 100 October conversations that two support leads labelled pass or fail; "
    "disagreements between the leads were adjudicated before comparing. The rubric rewards answers grounded in the cited "
    "article and penalises unsupported promises. Recalibrate on any judge or rubric change.\n"
)


def judge_manifest(calibration: str) -> str:
    return f"""service: {{name: helper, kind: llm, risk: medium}}
evaluation:
  metrics: [{{name: answer_correctness, method: llm_judge, threshold: 0.85}}]
  judge: {{model: gpt-4o, version: gpt-4o-2024-08-06, calibration: {{{calibration}, date: 2026-10-20, report: cal.md}}}}
"""


def test_a_calibration_typed_in_the_manifest_must_match_the_labels(cli, project):
    files = {"cal.md": CALIBRATION_REPORT, "labels.csv": labels_csv(balanced(71))}
    result = audit(cli, project, judge_manifest("labels_file: labels.csv, human_agreement: 0.88, labels: 100"), files, "EVL004")["EVL004"]
    assert result["status"] == "fail"
    assert "the manifest says human_agreement (agreement): 0.88 but labels.csv gives 0.710" in result["message"]
    assert "below 0.8" in result["message"]


def test_a_calibration_that_matches_its_labels_passes(cli, project):
    files = {"cal.md": CALIBRATION_REPORT, "labels.csv": labels_csv(balanced(88))}
    manifest = judge_manifest("labels_file: labels.csv, human_agreement: 0.88, kappa: 0.76, labels: 100")
    assert audit(cli, project, manifest, files, "EVL004")["EVL004"]["status"] == "pass"


def test_raw_agreement_on_imbalanced_labels_does_not_pass_without_kappa(cli, project):
    # 90 % of answers pass and the judge says "pass" to everything: 0.9 agreement, kappa 0
    pairs = [("pass", "pass")] * 90 + [("fail", "pass")] * 10
    files = {"cal.md": CALIBRATION_REPORT, "labels.csv": labels_csv(pairs)}
    result = audit(cli, project, judge_manifest("labels_file: labels.csv, human_agreement: 0.9, labels: 100"), files, "EVL004")["EVL004"]
    assert result["status"] == "fail"
    assert "Cohen's kappa on labels.csv is 0.000, below 0.6" in result["message"]


def test_a_calibration_without_labels_file_or_with_too_few_items_fails(cli, project):
    files = {"cal.md": CALIBRATION_REPORT, "labels.csv": labels_csv(balanced(36, total=40))}
    result = audit(cli, project, judge_manifest("human_agreement: 0.9, labels: 250"), files, "EVL004")["EVL004"]
    assert "labels_file is missing" in result["message"]
    result = audit(cli, project, judge_manifest("labels_file: labels.csv, human_agreement: 0.9, labels: 250"), files, "EVL004")["EVL004"]
    assert "the manifest says labels: 250 but labels.csv holds 40 labelled items" in result["message"]
    assert "labels.csv holds 40 labelled items, below the minimum of 100" in result["message"]


def test_cohens_kappa_is_computed_from_the_labels():
    # 45 pass/pass, 4 pass/fail, 41 fail/fail, 10 fail/pass: agreement 0.86, p_e 0.499, kappa 0.7206
    pairs = [("pass", "pass")] * 45 + [("pass", "fail")] * 4 + [("fail", "fail")] * 41 + [("fail", "pass")] * 10
    measured = judge_agreement(labels_csv(pairs).encode(), "labels.csv")
    assert measured.items == 100
    assert measured.agreement == pytest.approx(0.86)
    assert measured.kappa == pytest.approx(0.7206, abs=1e-4)
    jsonl = "".join(json.dumps({"id": index, "human_label": human == "pass", "judge_label": judge == "pass"}) + "\n" for index, (human, judge) in enumerate(pairs))
    assert judge_agreement(jsonl.encode(), "labels.jsonl") == measured
    spaced = labels_csv(pairs).replace("\n", "\n , ,\n\n", 3).replace(",pass", ", PASS ")
    assert judge_agreement(spaced.encode(), "labels.csv") == measured  # blank rows skipped, labels compared trimmed and lowercased


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("labels.csv", b"id,human,judge\n1,pass,pass\n2,\xff,pass\n", "labels.csv:3: not valid UTF-8"),
        ("labels.jsonl", b'{"id": 1, "human": "pass", "judge": "pass"}\n{"id": 2, "human": "pass",\n', "labels.jsonl:2: not valid JSON"),
        ("labels.csv", b"id,human,judge\n1,pass,pass\n2,pass\n", "labels.csv:3: 2 field(s) where the header has 3"),
        ("labels.csv", b"id,verdict\n1,pass\n", "labels.csv:2: expected id, human and judge labels; human label, judge label missing"),
        ("labels.json", b'{"id": 1}', "labels.json: expected an array, or an object with a 'items' array"),
        ("labels.csv", b"id,human,judge\n1,pass,pass\n1,fail,fail\n", "labels.csv:3: item '1' is labelled twice"),
        ("labels.csv", b"id,human,judge\n1,pass,pass\n2,  ,pass\n", "labels.csv:3: expected id, human and judge labels; human label missing or not a label"),
        ("labels.jsonl", b'{"id": 1, "human": "pass", "judge": 0.5}\n', "labels.jsonl:1: expected id, human and judge labels; judge label missing or not a label"),
        ("labels.csv", b"id,human,judge\n1,pass,pass\n2,pass,pass\n", "every item carries the same label 'pass'"),
        ("labels.json", b"[" + b"9" * 5000 + b"]", "labels.json:1: not valid JSON: a number has too many digits"),
        ("labels.json", b'[{"id": 1, "human": "pass", "judge": "pass"},\n {"id": 2, "human": "fail", "judge": "pass", "judge": "fail"}]', "labels.json:2: not valid JSON: the key 'judge' appears twice"),
    ],
)
def test_a_labels_file_that_cannot_be_read_is_a_finding_with_its_place(name, content, expected):
    with pytest.raises(EvidenceProblem) as problem:
        judge_agreement(content, name)
    assert expected in str(problem.value)


RED_TEAM_REPORT = (
    "# Red team, candidate v14\n\nSecurity and two engineers, three days, 412 attempts: direct and indirect prompt injection, "
    "jailbreaks, system prompt extraction and data exfiltration across customers. Findings and their status are in the findings file.\n"
)


def red_team_manifest(fields: str) -> str:
    return f"""service: {{name: helper, kind: llm, risk: high}}
security:
  red_team: {{date: 2026-11-10, results: rt.md, {fields}scope: [prompt_injection, jailbreak, data_exfiltration]}}
"""


def test_an_open_critical_in_the_findings_fails_whatever_the_manifest_says(cli, project):
    findings = "id,severity,status\nRT-1,critical,open\nRT-2,high,fixed\nRT-3,low,accepted\n"
    result = audit(cli, project, red_team_manifest("findings: rt.csv, open_critical: 0, "), {"rt.md": RED_TEAM_REPORT, "rt.csv": findings}, "SEC014")["SEC014"]
    assert result["status"] == "fail"
    assert "the manifest says open_critical: 0 but rt.csv lists 1 open critical finding(s)" in result["message"]
    assert result["severity"] == "critical"


def test_a_finding_the_report_mentions_and_the_findings_file_leaves_out_fails(cli, project):
    findings = "id,severity,status\nRT-1,high,fixed\nRT-2,low,accepted\n"
    report = RED_TEAM_REPORT + "\nRT-1 (high, fixed): tool output leaked the system prompt. RT-3 (critical): a refund above policy, 2 of 40 tries; see GPT-4 logs and CVE-2024-3094.\n"
    result = audit(cli, project, red_team_manifest("findings: rt.csv, open_critical: 0, "), {"rt.md": report, "rt.csv": findings}, "SEC014")["SEC014"]
    assert result["status"] == "fail"
    assert result["message"].endswith("rt.md mentions RT-3, which rt.csv does not list: list every finding the exercise reported")  # GPT-4 and CVE-2024 are not findings
    listed = findings + "RT-3,critical,fixed\n"
    assert audit(cli, project, red_team_manifest("findings: rt.csv, open_critical: 0, "), {"rt.md": report, "rt.csv": listed}, "SEC014")["SEC014"]["status"] == "pass"


def test_declared_open_high_must_match_and_consistent_findings_pass(cli, project):
    findings = [{"id": "RT-1", "severity": "high", "status": "in_progress"}, {"id": "RT-2", "severity": "critical", "status": "fixed"}]
    files = {"rt.md": RED_TEAM_REPORT, "rt.json": json.dumps({"attempts": 300, "findings": findings})}
    result = audit(cli, project, red_team_manifest("findings: rt.json, open_critical: 0, open_high: 0, "), files, "SEC014")["SEC014"]
    assert "the manifest says open_high: 0 but rt.json lists 1 open high finding(s)" in result["message"]
    result = audit(cli, project, red_team_manifest("findings: rt.json, open_critical: 0, open_high: 1, "), files, "SEC014")["SEC014"]
    assert result["status"] == "pass"


@pytest.mark.parametrize(
    ("status", "is_open"),
    [
        ("Done", False), ("Closed", False), ("Resolved", False), ("False Positive", False), ("DONE", False),
        ("Won't Do", True), ("Won’t Do", True), ("Wont Do", True), ("wont-do", True), ("Won't Fix", True), ("WONT_FIX", True),
        ("To Do", True), ("In Progress", True), ("in-progress", True), ("In Review", True), ("Backlog", True),
        ("Selected for Development", True), ("Risk Accepted", True),
    ],
)
def test_jira_statuses_are_read_as_written(status, is_open):
    counted = red_team_findings(json.dumps([{"id": "RT-1", "severity": "high", "status": status}]).encode(), "rt.json")
    assert counted.open_by_severity["high"] == int(is_open)


def test_a_jira_export_with_done_and_wont_do_passes_when_the_manifest_counts_wont_do_as_open(cli, project):
    findings = "Issue key,Summary,id,severity,status\nSEC-101,Prompt leak,RT-1,critical,Done\nSEC-102,Jailbreak,RT-2,high,Won't Do\n"
    files = {"rt.md": RED_TEAM_REPORT, "rt.csv": findings}
    result = audit(cli, project, red_team_manifest("findings: rt.csv, open_critical: 0, open_high: 1, "), files, "SEC014")["SEC014"]
    assert result["status"] == "pass", result["message"]
    result = audit(cli, project, red_team_manifest("findings: rt.csv, open_critical: 0, open_high: 0, "), files, "SEC014")["SEC014"]
    assert "the manifest says open_high: 0 but rt.csv lists 1 open high finding(s)" in result["message"]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("[]", "rt.json: lists no findings"),
        ('[{"id": "RT-1", "severity": "high", "status": "open"}, {"id": "RT-1", "severity": "high", "status": "fixed"}]', "rt.json: item 2: finding 'RT-1' is listed twice"),
        ('[{"id": "RT-1", "severity": "urgent", "status": "open"}]', "rt.json: item 1: severity 'urgent', expected one of critical, high"),
        ('[{"id": "RT-1", "severity": "high", "status": "parked"}]', "rt.json: item 1: status 'parked', expected open"),
        ('[{"id": "RT-1", "severity": ' + "7" * 400 + ', "status": "open"}]', "severity '7777777777"),
        ('[{"id": "RT-1",\n  "severity": "critical", "status": "open", "status": "fixed"}]', "rt.json:1: not valid JSON: the key 'status' appears twice in one object"),
        ('{"attempts": 318, "findings": [], "open_issues": [{"id": "RT-3", "severity": "critical", "status": "open"}]}',
         "rt.json: findings with a severity are listed under 'open_issues'; list every finding under 'findings'"),
        ('{"attempts": 300, "findings": [\n {"id": "RT-1", "severity": "low", "status": "fixed"},\n {"id": "RT-2", "severity": "critical", "severity": "low", "status": "open"}]}',
         "rt.json:3: not valid JSON: the key 'severity' appears twice"),
    ],
)
def test_a_findings_file_that_cannot_be_counted_says_why(content, expected):
    with pytest.raises(EvidenceProblem) as problem:
        red_team_findings(content.encode(), "rt.json")
    assert expected in str(problem.value)
    assert len(str(problem.value)) < 400


def test_training_data_hash_is_checked_against_the_file(cli, project):
    snapshot = "tenure,plan,churned\n12,pro,0\n3,free,1\n"
    declared = hashlib.sha256(b"tenure,plan,churned\n12,pro,0\n").hexdigest()
    manifest = f"""service: {{name: churn, kind: ml, risk: medium}}
data:
  training: {{name: churn-features, version: "2026-10-31", path: data/train.csv, sha256: {declared}, size: 2, snapshot_date: 2026-10-31}}
"""
    results = audit(cli, project, manifest, {"data/train.csv": snapshot}, "DAT007", "DAT008")
    assert results["DAT007"]["status"] == "fail"
    assert "data.training.sha256 does not match 'data/train.csv'" in results["DAT007"]["message"]
    assert results["DAT008"]["status"] == "pass"


def eval_manifest(path: str, size: int) -> str:
    return f"""service: {{name: helper, kind: llm, risk: high}}
evaluation:
  datasets: [{{name: golden, version: 3, path: {path}, size: {size}, slices: [billing, refunds]}}]
"""


def test_an_eval_set_that_shrank_is_caught(cli, project):
    rows = "".join(json.dumps({"question": f"q{index}", "answer": "a"}) + "\n" for index in range(60))
    result = audit(cli, project, eval_manifest("evals/golden.jsonl", 240), {"evals/golden.jsonl": rows}, "EVL018")["EVL018"]
    assert result["status"] == "fail"
    assert "the manifest says evaluation.datasets[0].size: 240 but evals/golden.jsonl holds 60 examples" in result["message"]
    assert audit(cli, project, eval_manifest("evals/golden.jsonl", 60), {}, "EVL018")["EVL018"]["status"] == "pass"


def test_a_dvc_pointer_is_not_counted_and_the_report_says_so(cli, project):
    pointer = "outs:\n- md5: 5c1b0e6f3a9d27c84e1f6b02d9a7c413\n  size: 1843217\n  hash: md5\n  path: golden.jsonl\n"
    result = audit(cli, project, eval_manifest("evals/golden.jsonl.dvc", 240), {"evals/golden.jsonl.dvc": pointer}, "EVL018")["EVL018"]
    assert result["status"] == "skipped"
    assert "'evals/golden.jsonl.dvc' is a DVC pointer" in result["message"]
    assert "size could not be counted" in result["message"]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{}", "expected CycloneDX JSON (bomFormat: CycloneDX, components) or SPDX JSON (spdxVersion, packages)"),
        ('<?xml version="1.0"?><bom xmlns="http://cyclonedx.org/schema/bom/1.6"/>', "sbom.json:1: not valid JSON"),
        ('{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": []}', "the CycloneDX SBOM lists no components"),
        ('{"spdxVersion": "SPDX-2.3", "packages": [{"versionInfo": "1"}]}', "packages item 1 has no name"),
        ('{"spdxVersion": "SPDX-2.3", "packages": [{"name": "xgboost", "versionInfo": "2.1.1"}]}', None),
        ('{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [{"type": "library", "name": "TODO"}]}',
         "sbom.json: the CycloneDX SBOM lists no real component: its components are named only 'TODO' (placeholder or NOASSERTION names do not count); list the model and libraries that ship, each by name"),
        ('{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [{"name": "T.B.D."}, {"name": "placeholder"}, {"name": "<component name>"}, {"name": "N/A"}, {"name": "unknown"}]}',
         "its components are named only 'T.B.D.', 'placeholder', '<component name>', 'N/A', 'unknown'"),
        ('{"spdxVersion": "SPDX-2.3", "packages": [{"name": "NOASSERTION", "versionInfo": "NOASSERTION"}]}', "the SPDX SBOM lists no real component: its packages are named only 'NOASSERTION'"),
        ('{"spdxVersion": "SPDX-2.3", "packages": [{"name": "NOASSERTION"}, {"name": "unknown-utils", "versionInfo": "1.0.2"}]}', None),
        ('{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [{"type": "library", "name": "na-client", "version": "0.4.1"}]}', None),
    ],
)
def test_an_sbom_must_parse_and_list_components(cli, project, content, expected):
    manifest = "service: {name: helper, kind: llm, risk: medium}\nsecurity:\n  supply_chain: {sbom: sbom.json, source_verified: true, dependencies_pinned: true}\n"
    result = audit(cli, project, manifest, {"sbom.json": content}, "SEC004")["SEC004"]
    assert result["status"] == ("pass" if expected is None else "fail")
    if expected:
        assert expected in result["message"]


def test_an_sbom_that_shares_no_package_with_the_lockfile_describes_another_build(cli, project):
    manifest = ("service: {name: helper, kind: llm, risk: medium}\nsecurity:\n  supply_chain: {sbom: sbom.json, lockfile: {path: requirements.txt}, "
                "source_verified: true, dependencies_pinned: true}\n")
    lock = "fastapi==0.115.4\nopenai==1.54.3\nqdrant_client==1.12.1\n"
    other = json.dumps({"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [{"type": "library", "name": "left-pad", "version": "1.3.0"}]})
    result = audit(cli, project, manifest, {"sbom.json": other, "requirements.txt": lock}, "SEC004")["SEC004"]
    assert result["status"] == "fail"
    assert "sbom.json lists none of the 3 package(s) requirements.txt pins (fastapi, openai, qdrant-client): it describes another build" in result["message"]
    same = json.dumps({"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [{"type": "library", "name": "Qdrant.Client", "version": "1.12.1"}]})
    assert audit(cli, project, manifest, {"sbom.json": same, "requirements.txt": lock}, "SEC004")["SEC004"]["status"] == "pass"  # names compared as PEP 503 does


GOVERNANCE = """service: {name: helper, kind: llm, risk: medium}
model: {provider: openai, name: gpt-4o, version: gpt-4o-2024-08-06}
governance: {model_card: docs/model-card.md, intended_use: billing answers, incident_plan: docs/incident-plan.md, third_party_review: docs/provider-review.md}
"""


def test_filler_documents_do_not_pass_as_model_card_plan_or_review(cli, project):
    todo = "# Model card\n\nTODO\n\n## Limitations\n\nTBD\n\n" + "TODO: fill in before launch\n" * 7  # 225 bytes of TODO
    assert len(todo.encode()) >= 200
    headings = "# Incident plan\n\n## Severity levels\n\n## Who decides\n\n## Communications\n\n## Regulators\n"
    lorem = "# Provider review\n\n" + "Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 6
    files = {"docs/model-card.md": todo, "docs/incident-plan.md": headings, "docs/provider-review.md": lorem}
    results = audit(cli, project, GOVERNANCE, files, "GOV002", "GOV003", "GOV007")
    assert "'docs/model-card.md' holds only headings and TODO/TBD lines" in results["GOV002"]["message"]
    assert "'docs/incident-plan.md' is the template's headings with nothing under them (5 heading(s), no text)" in results["GOV003"]["message"]
    assert "docs/provider-review.md:3: lorem ipsum filler" in results["GOV007"]["message"]


def test_a_short_document_says_its_size_and_the_minimum_never_empty(cli, project):
    short = "# Incident plan\n\nPage the owner and roll back if answers look wrong.\n"
    results = audit(cli, project, GOVERNANCE, {"docs/incident-plan.md": short}, "GOV003")
    message = results["GOV003"]["message"]
    assert f"'docs/incident-plan.md' has 10 word(s) of text ({len(short)} bytes), below the minimum of 30 words" in message
    assert "empty" not in message


def test_a_real_document_passes_even_with_commands_and_a_stray_todo(cli, project):
    runbook = (
        "# Quality drop\n\nCheck the sampled correctness dashboard for the slice that dropped, compare with the last deploy, "
        "and roll back the prompt if a change lines up:\n\n```\nkubectl get deploy helper -o go-template='{{.spec.template.metadata.labels}}'\n"
        "helm rollback helper <REVISION>\n```\n\nPage the accountable owner if it lasts more than an hour. TODO items are tracked in JIRA.\n"
    )
    assert document_problem(runbook.encode(), "runbook.md", 25) is None
    unfilled = runbook + "\n## Known limitations\n\nTODO\n"
    assert "section(s) holding only TODO/TBD: 'Known limitations' (line 12)" in document_problem(unfilled.encode(), "runbook.md", 25)
    slot = runbook + "\nOwner: {{ owner_email }}\n"
    assert "an unfilled template slot '{{ owner_email }}'" in document_problem(slot.encode(), "runbook.md", 25)
    assert "is a PDF, not text" in document_problem(b"%PDF-1.7\n...", "card.pdf", 25)


def test_file_exists_says_the_size_of_a_short_file(cli, project):
    from readiness.evidence import MemoryEvidence
    from readiness.functions import REGISTRY, Call

    call = Call({}, "x", ("x",), ("x",), None, MemoryEvidence({"notes.md": "short", "blank.md": ""}))
    assert REGISTRY["file_exists"].check("notes.md", {"min_bytes": 200}, call) == "x: 'notes.md' has 5 bytes, below the minimum of 200"
    assert REGISTRY["file_exists"].check("blank.md", {}, call) == "x: 'blank.md' is empty"


def test_evidence_over_the_size_limit_is_a_finding_not_a_crash(cli, project):
    project(".readiness.yaml", "limits: {max_evidence_bytes: 1000}\n")
    files = {"cal.md": CALIBRATION_REPORT, "labels.csv": labels_csv(balanced(88, total=200))}
    result = audit(cli, project, judge_manifest("labels_file: labels.csv, human_agreement: 0.88, labels: 200"), files, "EVL004")["EVL004"]
    assert result["status"] == "fail"
    assert "'labels.csv' is larger than the evidence limit of 1,000 bytes" in result["message"]
