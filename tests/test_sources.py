"""Reading the files teams already keep: detection, facts with their file:line, rules, cross-checks, bad input."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings, strategies as st

from readiness.errors import InputError
from readiness.evidence import Evidence, MemoryEvidence
from readiness.loader import Document, load_documents
from readiness.sources import Facts, Source, load_source, read_source, read_sources
from readiness.sources.references import classify, image, model_tag

from conftest import AS_OF

FIXTURES = Path(__file__).parent / "fixtures" / "sources"


def facts_of(name: str) -> tuple[str, Facts]:
    facts = Facts()
    detected = read_source(load_source(name, name, Evidence(FIXTURES, FIXTURES)), None, facts)
    return detected, facts


def origin(facts: Facts, *path) -> tuple:
    return facts.origins[("facts",) + path]


@pytest.mark.parametrize("name, expected", [
    ("kserve-canary.yaml", "kserve"), ("kserve-pinned.yaml", "kserve"), ("kfserving-v1alpha2.yaml", "kserve"),
    ("seldon-v1.yaml", "seldon"), ("seldon-v2.yaml", "seldon"), ("bentofile.yaml", "bentoml"), ("MLmodel", "mlflow"),
    ("registry-export.json", "mlflow"), ("model-card.md", "hf_model_card"), ("model-card-template.md", "hf_model_card"),
    ("litellm-open.yaml", "litellm"), ("litellm-budget.yaml", "litellm"), ("promptfooconfig.yaml", "promptfoo"),
])
def test_each_format_is_detected(name, expected):
    assert facts_of(name)[0] == expected


@pytest.mark.parametrize("reference, kind, pin", [
    ("gs://models/churn/latest", "alias", None),
    ("models:/churn/Production", "alias", None),
    ("models:/churn@champion", "alias", None),
    ("models:/churn/7", "version", "7"),
    ("runs:/9df6e5b792f243ad9e7d47e99758d943/model", "digest", "9df6e5b792f243ad9e7d47e99758d943"),
    ("oci://registry.example/m:1.4.0", "version", "1.4.0"),
    ("oci://registry.example/m:latest", "alias", None),
    ("oci://registry.example/m@sha256:" + "a" * 64, "digest", "sha256:" + "a" * 64),
    ("gs://models/income/1.3/model", "version", "1.3"),
    ("gs://models/income/model", "unversioned", None),
    ("s3://mlflow/29/models/m-63118756949141cba59ab87e90e8a96a/artifacts/", "digest", "m-63118756949141cba59ab87e90e8a96a"),
])
def test_references_are_judged_by_how_firmly_they_pin(reference, kind, pin):
    pinning = classify(reference)
    assert (pinning.kind, pinning.pin) == (kind, pin)
    assert pinning.mutable == (kind in ("alias", "unversioned"))


def test_images_and_model_tags_without_a_version_are_moving():
    assert image("python").kind == "alias"
    assert image("org/server:predictor").kind == "alias"
    assert model_tag("classifier").kind == "alias"
    assert model_tag("classifier:4hqd3kq7ogmsbcgo").kind == "version"


def test_kserve_facts_keep_their_line_and_column():
    _, facts = facts_of("kserve-canary.yaml")
    assert facts.data["traffic"] == [{"name": "churn", "canary_percent": 0, "key": "canaryTrafficPercent"}]
    assert origin(facts, "traffic", 0, "canary_percent") == ("kserve-canary.yaml", "/spec/predictor/canaryTrafficPercent", 8, 5)
    artifact = facts.data["artifacts"][0]
    assert (artifact["uri"], artifact["pinning"], artifact["key"]) == ("gs://models/churn/latest", "alias", "storageUri")
    assert origin(facts, "artifacts", 0, "uri")[2:] == (10, 7)
    assert facts.data["endpoints"][0]["request_logging"] is False


def test_kserve_replicas_resources_logger_and_explainer():
    _, facts = facts_of("kserve-pinned.yaml")
    endpoint = facts.data["endpoints"][0]
    assert endpoint["min_replicas"] == 2 and endpoint["max_replicas"] == 6
    assert endpoint["request_logging"] is True and endpoint["logger_url"] == "http://request-logger.monitoring/"
    assert endpoint["resources"]["limits"] == {"cpu": "2", "memory": "4Gi"}
    assert facts.data["explainers"] == [{"endpoint": "income", "type": "AnchorTabular"}]
    assert [a["pinning"] for a in facts.data["artifacts"]] == ["digest", "version"]


def test_kfserving_v1alpha2_canary_is_read_from_spec():
    _, facts = facts_of("kfserving-v1alpha2.yaml")
    assert facts.data["traffic"][0]["canary_percent"] == 20
    assert [a["uri"] for a in facts.data["artifacts"]] == ["gs://models/flowers/1", "gs://models/flowers/2"]


def test_seldon_v1_traffic_split_logger_and_explainer():
    _, facts = facts_of("seldon-v1.yaml")
    assert facts.data["traffic"][0]["split"] == [{"target": "iris/main", "percent": 90}, {"target": "iris/candidate", "percent": 10}]
    assert facts.data["traffic"][0]["canary_percent"] == 10
    assert [e["request_logging"] for e in facts.data["endpoints"]] == [True, False]
    assert {a["uri"]: a["pinning"] for a in facts.data["artifacts"]}["gs://models/iris/current"] == "alias"


def test_seldon_v2_reads_every_document_of_a_multi_document_file():
    _, facts = facts_of("seldon-v2.yaml")
    assert facts.data["detectors"] == [{"name": "fraud-drift", "kind": "drift"}]
    assert facts.data["traffic"][0]["canary_percent"] == 25.0
    assert origin(facts, "traffic", 0)[2] == 22  # line of spec.candidates in the third document
    assert origin(facts, "artifacts", 1, "uri")[2] == 14


def test_multi_document_loading_keeps_positions_per_document():
    documents = load_documents("a: 1\n---\nb:\n  c: 2\n---\n")
    assert [d.data for d in documents] == [{"a": 1}, {"b": {"c": 2}}]
    assert documents[1].locate(("b", "c")) == (4, 3)


def test_bentoml_tags_and_inline_secret():
    _, facts = facts_of("bentofile.yaml")
    assert [(a["uri"], a["pinning"]) for a in facts.data["artifacts"]] == [("classifier:latest", "alias"), ("encoder:2024-06-01", "version")]
    assert facts.data["secrets"] == [{"setting": "HF_TOKEN", "inline": True}]


def test_mlflow_signature_json_inside_yaml_is_parsed():
    _, facts = facts_of("MLmodel")
    model = facts.data["models"][0]
    assert model["signature"] == {"inputs": ["age", "income"], "outputs": ["boolean"]}
    assert model["serialization"] == "pickle"
    assert facts.data["artifacts"][0]["pinning"] == "digest"


def test_a_broken_mlflow_signature_names_its_line():
    with pytest.raises(InputError) as raised:
        facts_of("bad/MLmodel")
    assert str(raised.value).startswith("bad/MLmodel:6:3: signature.inputs is not valid JSON")


def test_mlflow_registry_export_lists_versions_and_aliases():
    _, facts = facts_of("registry-export.json")
    assert [r["reference"] for r in facts.data["registry"]] == ["models:/churn@champion", "models:/churn/7"]
    assert facts.data["registry"][1]["stage"] == "Production"


def test_model_card_front_matter_lines_point_into_the_markdown_file():
    _, facts = facts_of("model-card.md")
    results = facts.data["eval_results"]
    assert [(r["metric"], r.get("split")) for r in results] == [("accuracy", "train"), ("f1", None)]
    assert origin(facts, "eval_results", 0, "split")[2:] == (11, 11)
    assert origin(facts, "eval_results", 1, "value")[2] == 17
    assert facts.data["model_cards"][0] == {"name": "ticket-router", "template": False, "results": 2, "license": "apache-2.0", "datasets": ["tickets"]}


def test_an_unfilled_model_card_template_is_read_as_a_template():
    _, facts = facts_of("model-card-template.md")
    assert facts.data["model_cards"][0]["template"] is True


def test_litellm_gateway_budget_limits_fallbacks_and_secrets():
    _, open_facts = facts_of("litellm-open.yaml")
    gateway = open_facts.data["gateways"][0]
    assert "budget" not in gateway and "rate_limits" not in gateway
    assert gateway["fallbacks"] == [{"model": "gpt-4o", "fallbacks": ["claude"]}]
    assert gateway["master_key"] == "inline"
    assert [(s["setting"], s["inline"]) for s in open_facts.data["secrets"]] == [("api_key", False), ("api_key", True), ("master_key", True)]
    _, budget_facts = facts_of("litellm-budget.yaml")
    assert budget_facts.data["gateways"][0]["budget"]["proxy"] == {"max_usd": 700, "duration": "7d", "monthly_usd": 3000.0}


def test_promptfoo_asserts_that_cannot_fail_are_marked():
    _, facts = facts_of("promptfooconfig.yaml")
    gates = {a["type"]: a["gates"] for a in facts.data["eval_asserts"]}
    assert gates == {"similar": False, "latency": False, "icontains": True, "llm-rubric": False}
    assert facts.data["eval_suites"][0]["tests_without_asserts"] == 1
    assert facts.data["secrets"] == [{"setting": "apiKey", "inline": True}]


@pytest.mark.parametrize("name, message", [
    ("bad/cloudformation.yaml", "bad/cloudformation.yaml:5:27: unsupported tag !Ref: readiness reads plain data only"),
    ("bad/notes.yaml", "bad/notes.yaml:1:1: not a format readiness reads"),
    ("bad/broken.yaml", "bad/broken.yaml:5:1: invalid YAML"),
])
def test_bad_sources_are_one_clear_error_naming_file_and_line(name, message):
    with pytest.raises(InputError) as raised:
        facts_of(name)
    assert str(raised.value).startswith(message)


def test_a_declared_format_that_does_not_fit_is_named():
    source = load_source("kserve-canary.yaml", "kserve-canary.yaml", Evidence(FIXTURES, FIXTURES))
    with pytest.raises(InputError, match="kserve-canary.yaml:1:1: does not look like a litellm file"):
        read_source(source, "litellm", Facts())


def test_a_manifest_without_sources_gets_no_facts():
    document = Document("m.yaml", {"readiness": 1})
    assert read_sources(document, MemoryEvidence()) is document


def test_sources_are_read_through_the_evidence_interface():
    text = (FIXTURES / "kserve-canary.yaml").read_text()
    document = read_sources(Document("deploy/readiness.yaml", {"readiness": 1, "sources": [{"path": "isvc.yaml"}]}, {(): (1, 1)}), MemoryEvidence({"isvc.yaml": text}))
    assert document.data["facts"]["traffic"][0]["canary_percent"] == 0
    assert document.origin(("facts", "traffic", 0, "canary_percent"))[:1] == ("deploy/isvc.yaml",)
    assert document.origin(("service",)) is None


# --- end to end: audit a project that cites sources ---------------------------------------------------------------

MANIFEST = """readiness: 1
service: {name: churn, kind: ml, risk: medium}
model: {name: churn, version: "7"}
release:
  strategy: canary
  canary: {initial_percent: 10}
cost:
  budget: {monthly_usd: 1000}
sources:
  - path: deploy/isvc.yaml
  - {path: gateway/litellm.yaml, format: litellm}
"""


@pytest.fixture
def audited(project, cli):
    project("readiness.yaml", MANIFEST)
    project("deploy/isvc.yaml", (FIXTURES / "kserve-canary.yaml").read_text())
    project("gateway/litellm.yaml", (FIXTURES / "litellm-budget.yaml").read_text())

    def run(*args: str):
        return cli("audit", str(project.root / "readiness.yaml"), "--as-of", AS_OF, "--select", "SRC", *args)

    return run


def results_by_rule(run) -> dict:
    report = json.loads(run("-f", "json").stdout)
    return {r["rule"]: r for r in report["manifests"][0]["results"]}


def test_cross_checks_name_both_places_and_point_into_the_source(audited):
    results = results_by_rule(audited)
    canary = results["SRC006"]
    assert canary["status"] == "fail"
    assert canary["location"]["file"].endswith("deploy/isvc.yaml")
    assert (canary["location"]["line"], canary["location"]["column"]) == (8, 5)
    assert "release.canary.initial_percent: 10 (" in canary["message"] and "readiness.yaml:6)" in canary["message"]
    assert "deploy/isvc.yaml:8 (canaryTrafficPercent) gives 0" in canary["message"]
    pinning = results["SRC004"]
    assert pinning["status"] == "fail" and "readiness.yaml:3" in pinning["message"] and "storageUri 'gs://models/churn/latest'" in pinning["message"]
    budget = results["SRC012"]
    assert budget["status"] == "fail"
    assert "cost.budget.monthly_usd: 1000" in budget["message"] and "(max_budget) gives 3000.0" in budget["message"]
    assert budget["location"]["file"].endswith("gateway/litellm.yaml") and budget["location"]["line"] == 7


def test_rules_for_formats_the_manifest_does_not_cite_are_skipped(audited):
    results = results_by_rule(audited)
    for rule in ("SRC008", "SRC009", "SRC013", "SRC014"):
        assert results[rule]["status"] == "skipped", rule
    assert results["SRC002"]["status"] == "fail"
    assert results["SRC010"]["status"] == "pass" and results["SRC011"]["status"] == "pass"


def test_every_output_format_names_the_source_file(audited):
    from readiness.reporters import FORMATS

    for name in FORMATS:
        output = audited("-f", name, "--exit-zero").stdout
        assert "deploy/isvc.yaml" in output, name


def test_sarif_locates_the_finding_in_the_source_file(audited):
    sarif = json.loads(audited("-f", "sarif").stdout)
    located = {r["ruleId"]: r["locations"][0]["physicalLocation"] for r in sarif["runs"][0]["results"]}
    assert located["SRC006"]["artifactLocation"]["uri"].endswith("deploy/isvc.yaml")
    assert located["SRC006"]["region"]["startLine"] == 8


def test_bad_sources_are_findings_not_crashes(project, cli, tmp_path):
    project("readiness.yaml", "readiness: 1\nsources:\n  - path: ../outside.yaml\n  - path: stack.yaml\n  - path: MLmodel\n")
    (tmp_path.parent / "outside.yaml").write_text("a: 1\n")
    project("stack.yaml", (FIXTURES / "bad" / "cloudformation.yaml").read_text())
    project("MLmodel", (FIXTURES / "bad" / "MLmodel").read_text())
    run = cli("audit", str(project.root / "readiness.yaml"), "--as-of", AS_OF, "--select", "SRC001", "-f", "json")
    assert run.exit_code == 1
    result = json.loads(run.stdout)["manifests"][0]["results"][0]
    assert result["status"] == "fail"
    assert "resolves outside the project root" in result["message"]
    assert "stack.yaml:5: unsupported tag !Ref" in result["message"]
    assert "MLmodel:6: signature.inputs is not valid JSON" in result["message"]
    assert result["location"]["line"] == 3  # the manifest's sources[0]


def test_the_format_must_be_a_known_name(project, cli):
    project("readiness.yaml", "readiness: 1\nsources:\n  - {path: a.yaml, format: kfserving}\n")
    run = cli("validate", str(project.root / "readiness.yaml"))
    assert run.exit_code == 2
    assert "sources[0].format: expected one of kserve, seldon" in run.stderr


def test_corpus_runner_imports_every_fixture(tmp_path, capsys):
    import runpy

    folder = tmp_path / "descriptors"
    shutil.copytree(FIXTURES, folder, ignore=shutil.ignore_patterns("bad"))
    runner = runpy.run_path(str(Path(__file__).parent.parent / "scripts" / "import_corpus.py"))
    assert runner["run"](folder) == 0
    out = capsys.readouterr().out
    assert "21 files, 21 imported, 0 failed" in out
    assert "kserve-canary.yaml" in out and "traffic churn: canary 0%" in out


def test_the_corpus_runner_reads_its_folder_from_readiness_corpus(tmp_path, monkeypatch, capsys):
    import runpy

    folder = tmp_path / "descriptors"
    shutil.copytree(FIXTURES, folder, ignore=shutil.ignore_patterns("bad"))
    monkeypatch.setenv("READINESS_CORPUS", str(folder))
    runner = runpy.run_path(str(Path(__file__).parent.parent / "scripts" / "import_corpus.py"))
    assert runner["DEFAULT"] == folder and runner["run"](runner["DEFAULT"]) == 0
    assert "21 files, 21 imported, 0 failed" in capsys.readouterr().out


CORPUS = Path(os.environ.get("READINESS_CORPUS") or Path(__file__).parent.parent.parent / "shared" / "corpora" / "descriptors")


@pytest.mark.skipif(not CORPUS.is_dir(), reason="optional: no corpus of real descriptors; set READINESS_CORPUS to a folder of them (README, Tests)")
def test_every_real_descriptor_imports(capsys):
    import runpy

    runner = runpy.run_path(str(Path(__file__).parent.parent / "scripts" / "import_corpus.py"))
    assert runner["run"](CORPUS) == 0
    assert ", 0 failed" in capsys.readouterr().out


_KEYS = ["spec", "predictor", "predictors", "graph", "children", "logger", "explainer", "storageUri", "modelUri", "containers", "image",
         "canaryTrafficPercent", "minReplicas", "traffic", "replicas", "candidates", "weight", "default", "models", "envs", "name",
         "value", "flavors", "signature", "inputs", "model_versions", "latest_versions", "aliases", "model_list", "litellm_params",
         "litellm_settings", "general_settings", "router_settings", "max_budget", "budget_duration", "fallbacks", "master_key",
         "tests", "assert", "threshold", "type", "defaultTest", "providers", "metadata", "model-index", "results", "metrics", "tag",
         "strategy", "canary", "steps", "setWeight", "analysis", "templates", "templateName", "stepWeight", "maxWeight", "stepWeights",
         "thresholdRange", "groups", "rules", "alert", "expr", "annotations", "runbook_url", "evalId", "success", "score", "namedScores",
         "config", "model_args", "prompts", "raw", "label", "timestamp", "date", "pluginId", "severity", "testCase"]
_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-5, 200), st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=12))
_DATA = st.recursive(_SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(_KEYS), inner, max_size=5)), max_leaves=25)
_HEADS = [
    {"apiVersion": "serving.kserve.io/v1beta1", "kind": "InferenceService"},
    {"apiVersion": "serving.kubeflow.org/v1alpha2", "kind": "InferenceService"},
    {"apiVersion": "machinelearning.seldon.io/v1", "kind": "SeldonDeployment"},
    {"apiVersion": "mlops.seldon.io/v1alpha1", "kind": "Model"},
    {"apiVersion": "mlops.seldon.io/v1alpha1", "kind": "Experiment"},
    {"service": "svc.py:Svc", "models": []},
    {"flavors": {}, "run_id": "abc"},
    {"registered_models": []},
    {"model_list": [], "litellm_settings": {}},
    {"prompts": [], "tests": []},
    {"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout"},
    {"apiVersion": "argoproj.io/v1alpha1", "kind": "AnalysisTemplate"},
    {"apiVersion": "flagger.app/v1beta1", "kind": "Canary"},
    {"apiVersion": "monitoring.coreos.com/v1", "kind": "PrometheusRule"},
    {"groups": [{"name": "g", "rules": [{"alert": "A", "expr": "x > 1"}]}]},
    {"evalId": "e", "results": {"results": []}},
    {"results": {"task": {"acc,none": 0.5}}, "config": {}},
    {"eval": {"task": "t", "model": "openai/gpt-4o-2024-08-06"}, "status": "success"},
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(head=st.sampled_from(_HEADS), body=st.dictionaries(st.sampled_from(_KEYS), _DATA, max_size=6), as_json=st.booleans())
def test_adapters_never_crash_on_files_of_any_shape(head, body, as_json):
    text = json.dumps({**body, **head}) if as_json else yaml.safe_dump({**body, **head}, sort_keys=False)
    try:
        read_source(Source("f.yaml", "f.yaml", text), None, Facts())
    except InputError:
        pass  # a clear error naming the file is the other allowed outcome


def test_facts_of_several_sources_keep_their_own_origins_and_a_bad_one_adds_none():
    evidence = MemoryEvidence({name: (FIXTURES / name).read_text() for name in ("kserve-canary.yaml", "seldon-v1.yaml")} | {"MLmodel": (FIXTURES / "bad" / "MLmodel").read_text()})
    manifest = {"readiness": 1, "sources": [{"path": "kserve-canary.yaml"}, {"path": "MLmodel"}, {"path": "seldon-v1.yaml"}]}
    document = read_sources(Document("readiness.yaml", manifest, {(): (1, 1)}), evidence)
    facts = document.data["facts"]
    assert [source["format"] for source in facts["sources"]] == ["kserve", "seldon"]
    assert [artifact["uri"] for artifact in facts["artifacts"]][:2] == ["gs://models/churn/latest", "gs://models/iris/4"]
    assert document.origin(("facts", "artifacts", 1, "uri"))[0] == "seldon-v1.yaml"
    assert document.origin(("facts", "traffic", 1, "canary_percent"))[0] == "seldon-v1.yaml"
    assert facts["problems"] == [{"path": "MLmodel", "message": "signature.inputs is not valid JSON: Expecting ',' delimiter (character 32 of the value)"}]
    assert "models" not in facts


def test_seldon_v1_component_specs_give_images_and_resources():
    text = """apiVersion: machinelearning.seldon.io/v1
kind: SeldonDeployment
metadata: {name: fraud}
spec:
  predictors:
    - name: main
      graph: {name: scorer, type: MODEL}
      componentSpecs:
        - spec:
            containers:
              - name: scorer
                image: registry.example/fraud-scorer:2.3.1
                resources: {limits: {cpu: "2", memory: 4Gi}}
"""
    facts = Facts()
    read_source(Source("sdep.yaml", "sdep.yaml", text), None, facts)
    assert facts.data["endpoints"][0]["resources"] == {"limits": {"cpu": "2", "memory": "4Gi"}}
    assert facts.origins[("facts", "endpoints", 0, "resources")][2] == 13
    assert [(a["uri"], a["pinning"], a["pin"]) for a in facts.data["artifacts"]] == [("registry.example/fraud-scorer:2.3.1", "version", "2.3.1")]


def test_the_check_vocabulary_does_not_import_the_source_checks_built_on_it():
    import subprocess
    import sys

    probe = ("import sys, readiness.functions as f; assert 'readiness.sources.functions' not in sys.modules, 'cycle';"
             "import readiness.rules; assert {'source_readable', 'in_registry', 'red_team_open'} <= set(f.REGISTRY)")
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
