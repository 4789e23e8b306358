"""Real descriptors the importers once misread (issue 16): each shape, written small, and what must come out of it."""

from __future__ import annotations

import json

import pytest
import yaml

from readiness.errors import InputError

from conftest import AS_OF
from sources_helpers import audit, facts_from




KFSERVING_CUSTOM = """\
apiVersion: serving.kubeflow.org/v1alpha2
kind: InferenceService
metadata: {name: sentiment}
spec:
  default:
    predictor:
      custom:
        container:
          name: kfserving-container
          image: registry.example.com/nlp/sentiment:latest
"""


def test_kfserving_v1alpha2_custom_container_image_is_an_artifact_and_latest_fails(project, cli):
    artifacts = facts_from("isvc.yaml", KFSERVING_CUSTOM).data["artifacts"]
    assert artifacts == [{"component": "sentiment/predictor", "uri": "registry.example.com/nlp/sentiment:latest", "key": "image",
                          "pinning": "alias", "mutable": True, "why": "the tag :latest is moved by every push"}]
    results = audit(project, cli, "readiness: 1\nsources: [{path: isvc.yaml}]\n", {"isvc.yaml": KFSERVING_CUSTOM}, "SRC002")
    assert results["SRC002"]["status"] == "fail"
    assert results["SRC002"]["location"]["file"] == "isvc.yaml" and results["SRC002"]["location"]["line"] == 10


SELDON_V1_OAUTH = """\
apiVersion: machinelearning.seldon.io/v1alpha2
kind: SeldonDeployment
metadata: {name: digits}
spec:
  name: digits
  oauth_key: digits-client
  oauth_secret: s3cr3t-value
  predictors:
    - name: main
      replicas: 2
      componentSpec:
        spec:
          containers:
            - {name: classifier, image: "acme/digits-classifier:0.7"}
      graph: {name: classifier, type: MODEL, endpoint: {type: REST}}
"""


def test_seldon_v1_single_component_spec_image_and_inline_oauth_credentials_are_read(project, cli):
    facts = facts_from("sdep.yaml", SELDON_V1_OAUTH).data
    assert [(item["component"], item["uri"], item["pinning"]) for item in facts["artifacts"]] == [("digits/main/classifier", "acme/digits-classifier:0.7", "version")]
    assert facts["secrets"] == [{"setting": "oauth_key", "inline": True}, {"setting": "oauth_secret", "inline": True}]
    results = audit(project, cli, "readiness: 1\nsources: [{path: sdep.yaml}]\n", {"sdep.yaml": SELDON_V1_OAUTH}, "SRC010")
    assert results["SRC010"]["status"] == "fail" and "oauth_secret at sdep.yaml:7" in results["SRC010"]["message"]


SELDON_V2_MIRROR = """\
apiVersion: mlops.seldon.io/v1alpha1
kind: Experiment
metadata: {name: iris-mirror}
spec:
  default: iris
  candidates:
    - {name: iris, weight: 100}
  mirror: {name: iris2, percent: 100}
"""


def test_seldon_v2_single_candidate_with_a_mirror_is_a_shadow_not_an_idle_canary(project, cli):
    assert facts_from("experiment.yaml", SELDON_V2_MIRROR).data["traffic"] == [{"name": "iris-mirror (mirror)", "shadow": "iris2", "key": "mirror"}]
    results = audit(project, cli, "readiness: 1\nsources: [{path: experiment.yaml}]\n", {"experiment.yaml": SELDON_V2_MIRROR}, "SRC007")
    assert results["SRC007"]["status"] == "pass"


MLMODEL_DBFS = """\
artifact_path: dbfs:/FileStore/models/churn
flavors:
  python_function: {loader_module: mlflow.sklearn, python_version: 3.11.4}
  sklearn: {pickled_model: model.pkl, serialization_format: cloudpickle, sklearn_version: 1.4.2}
mlflow_version: 2.12.1
model_uuid: 5b0d1e2f3a4c4b6d8e9f0a1b2c3d4e5f
run_id: 9c8b7a6f5e4d4c3b2a190817263544aa
utc_time_created: '2026-10-02 09:14:00.000000'
"""


def test_mlmodel_with_an_absolute_dbfs_artifact_path_is_named_by_it_and_judged_as_a_path(project, cli):
    facts = facts_from("MLmodel", MLMODEL_DBFS).data
    assert facts["models"][0]["name"] == "churn"
    assert [(item["uri"], item["key"], item["pinning"]) for item in facts["artifacts"]] == [("dbfs:/FileStore/models/churn", "artifact_path", "unversioned")]
    results = audit(project, cli, "readiness: 1\nsources: [{path: MLmodel}]\n", {"MLmodel": MLMODEL_DBFS}, "SRC003")
    assert results["SRC003"]["status"] == "fail"


REGISTRY = json.dumps({"registered_models": [{
    "name": "churn", "aliases": [{"alias": "champion", "version": "7"}],
    "latest_versions": [{"name": "churn", "version": "7", "current_stage": "Production", "source": "models:/m-7"},
                        {"name": "churn", "version": "8", "current_stage": "Staging"}],
}]}, indent=2)


def test_registry_export_name_version_and_alias_reach_the_starter_manifest(project, cli):
    project("registry.json", REGISTRY)
    output = project.root / "readiness.yaml"
    assert cli("import", str(project.root / "registry.json"), "-o", str(output)).exit_code == 0
    text = output.read_text()
    assert yaml.safe_load(text)["model"] == {"name": "churn", "version": "7", "artifact": "models:/churn/7"}
    assert "# the registry alias models:/churn@champion points to version 7 today" in text


@pytest.mark.parametrize("version, status, words", [
    ("7", "pass", None),
    ("9", "fail", "is not a version of churn in the registry export registry.json"),
    ("8", "fail", "the registry serves version 7 through models:/churn@champion"),
])
def test_the_manifest_version_is_cross_checked_with_the_registry(project, cli, version, status, words):
    manifest = f"readiness: 1\nmodel: {{name: churn, version: '{version}'}}\nsources: [{{path: registry.json}}]\n"
    result = audit(project, cli, manifest, {"registry.json": REGISTRY}, "SRC030")["SRC030"]
    assert result["status"] == status
    assert words is None or words in result["message"]


LITELLM = """\
model_list:
  - model_name: claude
    litellm_params: {model: bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0, aws_region_name: eu-west-1}
  - model_name: fast
    litellm_params: {model: anthropic/claude-3-5-haiku-latest}
litellm_settings:
  success_callback: [lago, prometheus]
  max_budget: 500
  budget_duration: 30d
"""


def test_litellm_routes_are_artifacts_cross_checked_with_the_manifest_pin(project, cli):
    artifacts = facts_from("litellm.yaml", LITELLM).data["artifacts"]
    assert [(item["uri"], item["pinning"], item["route"]) for item in artifacts] == [
        ("bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0", "version", True), ("anthropic/claude-3-5-haiku-latest", "alias", True)]
    manifest = "readiness: 1\nmodel: {provider: bedrock, name: claude, version: anthropic.claude-3-5-sonnet-20240620-v1:0}\nsources: [{path: litellm.yaml}]\n"
    results = audit(project, cli, manifest, {"litellm.yaml": LITELLM}, "SRC002", "SRC004", "SRC015")
    assert results["SRC004"]["status"] == "fail" and "claude-3-5-haiku-latest" in results["SRC004"]["message"]
    assert results["SRC004"]["location"]["line"] == 5
    assert results["SRC015"]["status"] == "fail" and "moving alias" in results["SRC015"]["message"]
    assert results["SRC002"]["status"] == "pass"  # a route is judged once, by SRC015


def test_litellm_import_keeps_a_dated_bedrock_id_as_the_version_and_no_billing_callback_as_tracing(project, cli):
    project("gateway/litellm.yaml", LITELLM)
    output = project.root / "readiness.yaml"
    assert cli("import", str(project.root / "gateway/litellm.yaml"), "-o", str(output)).exit_code == 0
    manifest = yaml.safe_load(output.read_text())
    assert manifest["model"]["version"] == "anthropic.claude-3-5-sonnet-20240620-v1:0"
    assert "tracing" not in manifest
    assert manifest["service"]["name"] == project.root.name  # not the file's name
    assert cli("audit", str(output), "--as-of", AS_OF, "--select", "VER001").exit_code in (0, 1)


HELM = """\
apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata:
  name: {{ include "chart.fullname" . }}
spec:
  predictor:
    sklearn: {storageUri: "{{ .Values.storageUri }}"}
"""


def test_a_helm_template_is_named_as_one_with_what_to_cite_instead():
    with pytest.raises(InputError) as raised:
        facts_from("isvc.yaml", HELM)
    assert raised.value.line == 4
    assert "a Helm (Go) template" in raised.value.message and "helm template" in raised.value.message


def test_import_of_a_file_outside_the_project_names_the_root_and_what_to_do(project, cli, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("elsewhere") / "isvc.yaml"
    elsewhere.write_text(KFSERVING_CUSTOM)
    run = cli("import", str(elsewhere), "-o", str(project.root / "readiness.yaml"))
    assert run.exit_code == 2
    assert "resolves outside the project root ./ (the enclosing git work tree; --root or root: in the config sets another)" in run.stderr
    assert f"-o {elsewhere.parent / 'readiness.yaml'}" in run.stderr


PROMPTFOO = """\
description: support answers
prompts: [file://prompts/answer.txt]
providers: [openai:gpt-4o-2024-08-06]
tests:
  - vars: {question: Where is my refund?}
    assert:
      - {type: latency, threshold: 3000}
      - {type: is-json}
      - {type: llm-rubric, value: polite and correct, threshold: 0.8}
"""


def test_promptfoo_latency_assert_imports_with_its_dimension_and_direction(project, cli):
    project("promptfooconfig.yaml", PROMPTFOO)
    output = project.root / "readiness.yaml"
    assert cli("import", str(project.root / "promptfooconfig.yaml"), "-o", str(output)).exit_code == 0
    metrics = yaml.safe_load(output.read_text())["evaluation"]["metrics"]
    assert {"name": "latency", "method": "automated", "threshold": 3000, "dimension": "latency", "direction": "lower_is_better"} in metrics
    assert {"name": "llm-rubric", "method": "llm_judge", "threshold": 0.8, "dimension": "quality"} in metrics
    run = cli("audit", str(output), "--as-of", AS_OF, "-f", "json", "--select", "EVL")
    failed = {result["rule"] for result in json.loads(run.stdout)["manifests"][0]["results"] if result["status"] == "fail"}
    assert "EVL002" not in failed, failed


def test_a_bare_template_variable_that_breaks_yaml_is_not_called_a_helm_template():
    with pytest.raises(InputError) as raised:
        facts_from("promptfooconfig.yaml", "prompts: [{{question}}]\nproviders: [openai:gpt-4o-2024-08-06]\ntests: []\n")
    assert "Helm" not in raised.value.message
