"""Every remediation snippet, pasted into a manifest with its placeholders filled, validates and makes
its rule pass; and a finding shows the remediation written for the system's kind."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from readiness import schema
from readiness.evidence import MemoryEvidence, sha256
from readiness.examples import EXAMPLES_AS_OF, run_example
from readiness.loader import Document, load_text
from readiness.report import FAIL, PASS
from readiness.reporters.common import remediation_blocks
from readiness.rules import KINDS, Catalog, Example, Rule
from readiness.schema import REPORT, load_schema

CATALOG = Catalog.load()

# What a team writes in place of each placeholder the snippets use.
PLACEHOLDERS = {
    "YYYY-MM-DD": EXAMPLES_AS_OF.isoformat(),  # on the audit date: neither stale nor expired
    "NAME@VERSION": "support-assistant@13",
}
HASH_PLACEHOLDER = "<64 hex digits>"
HASH_OF = re.compile(r"<sha256 of ([^>]+)>")  # the SHA-256 of a file the snippet names: "<sha256 of prompts/answer.md>"
PATH = re.compile(r"^[\w.-]+(/[\w.-]+)*\.(md|json|jsonl|yaml|yml|py|txt|csv)$")
# A snippet introduced by a prose line ending in a file's path and a colon ("… in evals/results.json:")
# is that file's content, not manifest YAML (the convention is in docs/writing-rules.md, on remediation_by_kind).
FILE_INTRO = re.compile(r"(?:^|\s)([\w.-]+(?:/[\w.-]+)*\.(?:md|json|jsonl|yaml|yml|py|txt|csv)):$")
# In a file's content, a last line "… 120 rows in all" stands for more rows like the ones shown.
ELISION = re.compile(r"^… (\d+) (?:rows|lines) in all\b")

# Rules whose snippet does not make the rule pass yet (rule id: why).
NOT_YET_PASSING: dict[str, str] = {}


def _fill(text: str) -> str:
    for placeholder, value in PLACEHOLDERS.items():
        text = text.replace(placeholder, value)
    return text


def _parts(text: str) -> tuple[list[dict], dict[str, str]]:
    """The remediation's manifest snippets, and the files it shows (path → content)."""
    snippets, files, intro = [], {}, ""
    for kind, body in remediation_blocks(text):
        if kind == "text":
            intro = body.splitlines()[-1] if body else ""
            continue
        cited = FILE_INTRO.search(intro)
        if cited:
            assert cited.group(1) not in files, f"the remediation shows {cited.group(1)} twice"
            files[cited.group(1)] = _expand(cited.group(1), _fill(body))
        else:
            snippets.append(load_text(_fill(body), "<snippet>").data)
    return snippets, files


def _expand(path: str, content: str) -> str:
    """A file's content with an elided tail ("… 120 rows in all") written out: the rows shown after
    the header repeat until the file holds that many, each copy's id (first CSV field, JSON ``id``) made unique."""
    lines = content.splitlines()
    elided = ELISION.match(lines[-1]) if lines else None
    if not elided:
        return content + "\n"
    header = lines[:1] if path.endswith(".csv") else []
    shown = lines[len(header):-1]
    assert shown and not any(line.startswith("…") for line in shown), f"{path}: one elision, as the last line, after the rows it repeats"
    rows = [_copy(shown[n % len(shown)], n // len(shown), path) for n in range(int(elided.group(1)))]
    return "\n".join(header + rows) + "\n"


def _copy(row: str, copy: int, path: str) -> str:
    if not copy:
        return row
    if path.endswith(".csv"):
        first, _, rest = row.partition(",")
        return f"{first}-{copy},{rest}"
    record = json.loads(row)
    if "id" in record:
        record["id"] = f"{record['id']}-{copy}"
    return json.dumps(record)


def _merge(base: Any, patch: Any) -> Any:
    if isinstance(base, dict) and isinstance(patch, dict):
        merged = dict(base)
        for key, value in patch.items():
            merged[key] = _merge(base.get(key), value)
        return merged
    return copy.deepcopy(patch)


def _strings(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [text for value in node.values() for text in _strings(value)]
    if isinstance(node, list):
        return [text for value in node for text in _strings(value)]
    return [node] if isinstance(node, str) else []


def _evidence_for(path: str) -> str:
    """A stand-in for a file a snippet cites without showing, when the rule does not judge its prose: a
    test file defines a test, a lockfile pins a dependency, anything else is a document (a runbook an alert
    names) long enough for the document checks. A document the rule reads must be shown."""
    name = path.rsplit("/", 1)[-1]
    if name.startswith("test_") and name.endswith(".py"):
        return f'"""Stand-in for {path}."""\n\n\ndef test_it_holds():\n    assert "redacted" in "[redacted]"\n'
    if name.endswith(".lock") or name.startswith("requirements"):
        return "httpx==0.27.2 --hash=sha256:7bb2708e112d8fdd7829cd4243970f0c223274051cb35ee80c03301ee29a3df0\nopenai==1.54.3\n"
    sentences = ("It states what the system does and who owns it.", "It says how the system fails, and what to do then.",
                 "It names the dashboards and the alerts to read first.", "It lists who is told, and when, and by whom.",
                 "It records the last time it was rehearsed.", "It links the postmortems that changed it.")
    return f"# {path}\n\n{path}: written for this deployment. " + " ".join(sentences) + "\n"


def _hashes_named(node: Any, evidence: MemoryEvidence) -> Any:
    """``<sha256 of PATH>`` replaced by the SHA-256 of that file, wherever a snippet or a file writes it."""
    if isinstance(node, dict):
        return {key: _hashes_named(value, evidence) for key, value in node.items()}
    if isinstance(node, list):
        return [_hashes_named(value, evidence) for value in node]
    return HASH_OF.sub(lambda named: sha256(evidence.read(named.group(1))), node) if isinstance(node, str) else node


def _judges_documents(rule: Rule) -> bool:
    """Whether the rule itself reads a prose document (runbook, model card…): its snippet then shows it."""
    return any(clause.function.name == "document" for clause in rule.then)


def _fill_hashes(node: Any, evidence: MemoryEvidence) -> None:
    """The SHA-256 of the file beside the placeholder, or of an artifact the test cannot see."""
    if isinstance(node, dict):
        if node.get("sha256") == HASH_PLACEHOLDER:
            cited = node.get("path")
            node["sha256"] = sha256(evidence.read(cited) if isinstance(cited, str) else b"the model artifact")
        for value in node.values():
            _fill_hashes(value, evidence)
    elif isinstance(node, list):
        for value in node:
            _fill_hashes(value, evidence)


def _placements(shown: dict[str, str], manifest: dict) -> list[dict[str, str]]:
    """Where the shown files go: at their path; a file the manifest does not cite stands for its one cited
    source file (a KServe, Seldon or LiteLLM file under any name), and several such files are alternatives
    (a KServe and a Seldon descriptor), each placed in its own paste."""
    cited = set(_strings(manifest))
    direct = {path: content for path, content in shown.items() if path in cited}
    standing_in = [path for path in shown if path not in cited]
    if not standing_in:
        return [direct]
    sources = [entry.get("path") for entry in manifest.get("sources") or [] if isinstance(entry, dict)]
    assert len(sources) == 1 and sources[0] not in direct, f"the remediation shows {standing_in[0]}, which the pasted manifest does not cite"
    return [{**direct, sources[0]: shown[path]} for path in standing_in]


def first_failing(rule: Rule, kind: str | None) -> Example:
    """The rule's first failing example, or for a kind's own remediation its first one of that kind."""
    of_kind = [example for example in rule.fail_examples if kind and (example.manifest.get("service") or {}).get("kind") == kind]
    return (of_kind or list(rule.fail_examples))[0]


def pasted(rule: Rule, remediation: str, kind: str | None) -> list[Example]:
    """The failing example with the remediation's snippets pasted in (and the kind set), and the files it
    shows written: one example per alternative descriptor the remediation shows."""
    example = first_failing(rule, kind)
    manifest = copy.deepcopy(example.manifest)
    if kind:
        manifest = _merge(manifest, {"service": {"kind": kind}})
    snippets, shown = _parts(remediation)
    for snippet in snippets:
        manifest = _merge(manifest, snippet)
    return [_written(rule, manifest, {**example.files, **placed}, example.as_of) for placed in _placements(shown, manifest)]


def _written(rule: Rule, manifest: dict, files: dict[str, str], as_of: str | None) -> Example:
    """The pasted manifest and its files, stand-ins added and hash placeholders filled."""
    if not _judges_documents(rule):
        files = {**{text: _evidence_for(text) for text in _strings(manifest) if PATH.match(text)}, **files}
    evidence = MemoryEvidence(files)
    files = {path: _hashes_named(content, evidence) for path, content in files.items()}
    manifest = _hashes_named(manifest, evidence)
    _fill_hashes(manifest, MemoryEvidence(files))
    return Example(manifest, files, as_of)


CASES = [
    pytest.param(rule, text, kind, id=f"{rule.id}-{kind}" if kind else rule.id,
                 marks=[pytest.mark.xfail(reason=NOT_YET_PASSING[rule.id], strict=True)] if rule.id in NOT_YET_PASSING else [])
    for rule in CATALOG.rules
    for kind, text in [(None, rule.remediation), *rule.remediation_by_kind.items()]
]


@pytest.mark.parametrize("rule, remediation, kind", CASES)
def test_the_remediation_snippet_makes_its_rule_pass(rule: Rule, remediation: str, kind: str | None):
    assert any(block == "code" for block, _ in remediation_blocks(remediation)), f"{rule.id}: the remediation has no snippet"
    assert run_example(rule, first_failing(rule, kind))[0] == FAIL
    for example in pasted(rule, remediation, kind):
        invalid = schema.validate(Document("<pasted>", {"readiness": 1, **example.manifest}, {(): (1, 1)}))
        assert not invalid, f"{rule.id}: the pasted snippet is not a valid manifest: {invalid[0]}"
        status, message = run_example(rule, example)
        assert status == PASS, f"{rule.id}: after pasting the remediation the rule gives {status}: {message}"


PARTS = """\
Cite the labels:
  evaluation:
    judge:
      calibration: {labels_file: evals/labels.csv, labels: 7}
One row per item, in evals/labels.csv:
  id,human,judge
  c-1,pass,pass
  c-2,fail,pass
  … 7 rows in all
Recalibrate every quarter.
"""


def test_a_snippet_introduced_by_a_file_path_is_that_file_and_an_elision_repeats_its_rows():
    snippets, files = _parts(PARTS)
    assert snippets == [{"evaluation": {"judge": {"calibration": {"labels_file": "evals/labels.csv", "labels": 7}}}}]
    assert files == {"evals/labels.csv": "id,human,judge\nc-1,pass,pass\nc-2,fail,pass\nc-1-1,pass,pass\nc-2-1,fail,pass\n"
                                         "c-1-2,pass,pass\nc-2-2,fail,pass\nc-1-3,pass,pass\n"}


def test_a_file_the_pasted_manifest_does_not_cite_is_refused():
    rule = CATALOG.get("EVL004")
    with pytest.raises(AssertionError, match="shows evals/labels.csv, which the pasted manifest does not cite"):
        pasted(rule, PARTS.replace("labels_file: evals/labels.csv", "labels_file: evals/other.csv"), None)


def test_advice_by_kind_is_only_written_for_kinds_the_rule_applies_to():
    misplaced = {rule.id: sorted(set(rule.remediation_by_kind) - set(rule.kinds or KINDS)) for rule in CATALOG.rules}
    assert not {rule_id: kinds for rule_id, kinds in misplaced.items() if kinds}


def test_the_list_of_snippets_not_yet_passing_names_real_rules():
    assert set(NOT_YET_PASSING) <= {rule.id for rule in CATALOG.rules}


ML_MANIFEST = """\
readiness: 1
service: {name: churn, kind: ml, risk: medium}
model: {name: churn-xgb, version: champion}
"""


def test_a_classic_model_is_shown_the_remediation_for_classic_models(cli, tmp_path):
    (tmp_path / "readiness.yaml").write_text(ML_MANIFEST, encoding="utf-8")
    run = cli("audit", tmp_path / "readiness.yaml", "--as-of", "2026-12-01", "--format", "json", "--select", "VER001")
    report = json.loads(run.stdout)
    Draft202012Validator(load_schema(REPORT)).validate(report)
    result = report["manifests"][0]["results"][0]
    assert result["status"] == "fail"
    assert "churn-xgb" in result["remediation"] and "gpt-4o" not in result["remediation"]
    markdown = cli("audit", tmp_path / "readiness.yaml", "--as-of", "2026-12-01", "--format", "markdown", "--select", "VER001").stdout
    assert 'version: "14"' in markdown and "gpt-4o" not in markdown


def test_an_llm_finding_keeps_the_rules_own_remediation(cli, tmp_path):
    (tmp_path / "readiness.yaml").write_text(ML_MANIFEST.replace("kind: ml", "kind: llm"), encoding="utf-8")
    run = cli("audit", tmp_path / "readiness.yaml", "--as-of", "2026-12-01", "--format", "json", "--select", "VER001")
    report = json.loads(run.stdout)
    assert report["manifests"][0]["results"][0]["remediation"] is None
    assert "gpt-4o-2024-08-06" in report["rules"]["VER001"]["remediation"]
    terminal = cli("audit", tmp_path / "readiness.yaml", "--as-of", "2026-12-01", "--select", "VER001", "--verbose").stdout
    assert "gpt-4o-2024-08-06" in terminal


def test_several_kinds_get_the_kind_advice_only_when_they_all_share_it():
    rule = CATALOG.get("VER001")
    assert rule.remediation_for("ml") == rule.remediation_by_kind["ml"]
    assert rule.remediation_for(["ml", "llm"]) is None
    assert rule.remediation_for("llm") is None and rule.remediation_for(None) is None


FAILING_ML_MANIFEST = """\
readiness: 1
service: {name: churn, kind: ml, risk: high, user_facing: true, handles_pii: true, markets: [eu]}
model: {name: churn-xgb, version: champion, fallback: {name: churn-xgb, version: previous}}
data:
  training: {name: churn-features, path: train.csv}
evaluation:
  metrics: [{name: auc, method: automated}]
  datasets: [{name: holdout, path: holdout.csv, size: 40}]
  online: {sample_rate: 0}
release: {strategy: shadow, shadow: {duration: 14d}}
monitoring:
  signals: [{name: p95, type: latency}]
  alerts: [{name: slow, signal: p95}]
tracing: {enabled: true, records: [request_id, prediction]}
cost: {prices: {per_1k_predictions_usd: 0.004}}
"""
LLM_ADVICE = re.compile(r"gpt-|claude|thumbs_down|llm_judge|prompt|answer_correctness|help-centre|langfuse|groundedness|tokens", re.IGNORECASE)


def test_a_classic_model_with_many_gaps_is_given_no_llm_advice(cli, tmp_path):
    (tmp_path / "readiness.yaml").write_text(FAILING_ML_MANIFEST, encoding="utf-8")
    (tmp_path / "train.csv").write_text("customer_id,churned\nc-1,0\n", encoding="utf-8")
    (tmp_path / "holdout.csv").write_text("customer_id,churned\nc-2,1\n", encoding="utf-8")
    report = json.loads(cli("audit", tmp_path / "readiness.yaml", "--as-of", "2026-12-01", "--format", "json").stdout)
    failing = [result for result in report["manifests"][0]["results"] if result["status"] == "fail"]
    assert len(failing) > 40
    shown = {result["rule"]: result["remediation"] or report["rules"][result["rule"]]["remediation"] for result in failing}
    assert {rule: LLM_ADVICE.findall(text) for rule, text in shown.items() if LLM_ADVICE.search(text)} == {}
