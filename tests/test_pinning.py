"""Pinned means immutable, by each provider's convention: model ids, fallbacks, judges, embedding
models, artifact URIs and LiteLLM routes; the conventions are a table a team can extend."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from conftest import REPO
from readiness import pinning, schema
from readiness.engine import Settings, evaluate_rule
from readiness.evidence import MemoryEvidence
from readiness.loader import Document, load_text
from readiness.rules import Catalog
from readiness.sources import read_sources

RULES = {rule.id: rule for rule in Catalog.load().rules}
AS_OF = dt.date(2026, 12, 1)
SHA = "9f2c51d07a3a2e1b7c1f8f3fd2c7c8e5a9b0d3e4f5a6b7c8d9e0f1a2b3c4d5e6"


def outcome(rule_id: str, manifest: dict, files: dict[str, str] | None = None, options: dict | None = None) -> tuple[str, str]:
    data = {"readiness": 1, **manifest}
    assert not schema.validate(Document("m.yaml", data, {(): (1, 1)})), "the test manifest must be valid"
    evidence = MemoryEvidence(files or {})
    document = read_sources(Document("m.yaml", data, {(): (1, 1)}), evidence)
    result = evaluate_rule(RULES[rule_id], document, Settings(AS_OF, option_overrides={rule_id: options} if options else {}), evidence)
    return result.status, result.message


def model(version: str, provider: str | None = None, name: str = "primary") -> dict:
    return {"model": {"name": name, "version": version, **({"provider": provider} if provider else {})}}


# Each provider's convention, both ways: (provider or None, pinned id, moving id, what the message names)
CONVENTIONS = [
    ("openai", "gpt-4o-2024-08-06", "gpt-4o", "OpenAI"),
    ("openai", "gpt-4-turbo-2024-04-09", "gpt-4-turbo", "OpenAI"),
    (None, "o1-2024-12-17", "o1", "OpenAI"),
    ("anthropic", "claude-3-5-sonnet-20241022", "claude-3-5-sonnet", "Anthropic"),
    (None, "claude-sonnet-4-5-20250929", "claude-sonnet-4-5", "Anthropic"),
    (None, "claude-3-5-sonnet-20241022", "claude-3-5-sonnet-latest", "Anthropic"),
    ("google", "gemini-1.5-pro-002", "gemini-1.5-pro", "Google"),
    ("mistral", "mistral-large-2411", "mistral-large", "Mistral"),
    ("bedrock", "anthropic.claude-3-5-sonnet-20241022-v2:0", "anthropic.claude-3-5-sonnet-20241022-v2", "Bedrock"),
    ("ollama", "llama3@sha256:" + SHA, "llama3:8b", "Ollama"),
    (None, "sha256:" + SHA, "latest", "moving alias"),
]


@pytest.mark.parametrize("provider, pinned, moving, named", CONVENTIONS)
def test_each_provider_convention_passes_its_pinned_id_and_fails_its_moving_one(provider, pinned, moving, named):
    assert outcome("VER001", model(pinned, provider)) == ("pass", "")
    status, message = outcome("VER001", model(moving, provider))
    assert status == "fail" and named in message and repr(moving) in message


def test_the_provider_is_recognised_from_the_id_when_not_declared():
    status, message = outcome("VER001", model("gpt-4o"))
    assert status == "fail"
    assert message.endswith("model.version is 'gpt-4o', a moving alias OpenAI repoints to its newest snapshot; pin a dated snapshot such as gpt-4o-2024-08-06")


def test_the_declared_provider_names_what_a_pinned_id_looks_like():
    status, message = outcome("VER001", model("7", "openai", "gpt-4o"))
    assert status == "fail" and "'7', which is not a model id OpenAI uses; pin a dated snapshot such as gpt-4o-2024-08-06" in message
    assert outcome("VER001", model("7", None, "gpt-4o"))[0] == "fail"
    assert outcome("VER001", model("2024-08-06", None, "gpt-4o"))[0] == "pass"


def test_a_date_version_beside_the_model_name_is_the_snapshot_as_azure_writes_it():
    assert outcome("VER001", model("2024-08-06", "azure", "gpt-4o"))[0] == "pass"


@pytest.mark.parametrize("provider, name, version", [
    ("google", "churn-xgb", "3"),                      # a custom model on Vertex AI: not one of Google's ids
    ("azure", "support-deployment", "2024-08-06"),     # an Azure deployment of the team's own name
    ("bedrock", "claims", "arn:aws:bedrock:us-east-1:123456789012:provisioned-model/k3z9abc"),
    ("anthropic", "claude", "claude-2.1"),             # a legacy id that names one model
    ("openai", "embedder", "text-embedding-3-large"),  # OpenAI ships a new id rather than re-point an embedding model
    ("google", "gemini", "gemini-2.5-pro"),            # the Gemini 2.5 stable ids carry no number
])
def test_immutable_ids_without_a_snapshot_suffix_are_no_false_alarm(provider, name, version):
    assert outcome("VER001", model(version, provider, name)) == ("pass", "")


@pytest.mark.parametrize("version", [12, "3.1.0", "v2.4", "git:4f2a9c1", "rev-d4aa690", "models:/churn/12", "sha256:" + SHA])
def test_self_hosted_versions_registry_versions_and_digests_pass(version):
    assert outcome("VER001", model(version, "self-hosted", "churn-xgb"))[0] == "pass"


@pytest.mark.parametrize("version", ["latest", "stable", "champion", "models:/churn@champion", "models:/churn/Production", "^1.2"])
def test_self_hosted_aliases_fail(version):
    assert outcome("VER001", model(version, "self-hosted", "churn-xgb"))[0] == "fail"


@pytest.mark.parametrize("artifact, why", [
    ("s3://acme-models/churn/latest/model.onnx", "the path segment 'latest' is a moving alias"),
    ("s3://acme-models/churn/model.onnx", "the path holds no version or digest"),
    ("models:/churn@champion", "the registry alias @champion"),
    ("docker://registry.acme.io/models/churn", "an image without a tag is :latest"),
    ("registry.acme.io/models/churn:prod", "the tag :prod is moved by every push"),
])
def test_an_artifact_in_the_manifest_is_judged_like_one_in_a_cited_file(artifact, why):
    status, message = outcome("VER001", {"model": {"name": "churn", "version": 7, "artifact": artifact}})
    assert status == "fail" and f"model.artifact is '{artifact}', which is not immutable: {why}" in message


@pytest.mark.parametrize("artifact", ["s3://acme-models/churn/7/model.onnx", "models:/churn/7", f"registry.acme.io/models/churn@sha256:{SHA}"])
def test_a_versioned_artifact_passes(artifact):
    assert outcome("VER001", {"model": {"name": "churn", "version": 7, "artifact": artifact}})[0] == "pass"


def test_a_fallback_model_with_no_version_fails_even_with_a_description():
    primary = model("gpt-4o-2024-08-06", "openai")["model"]
    status, message = outcome("VER002", {"model": {**primary, "fallback": {"name": "gpt-4o-mini", "description": "the cheaper model"}}})
    assert status == "fail" and "model.fallback.name is 'gpt-4o-mini' with no version, a moving alias OpenAI repoints" in message
    assert outcome("VER002", {"model": {**primary, "fallback": {"kind": "static", "description": "a canned answer"}}})[0] == "pass"


def test_the_judge_and_the_embedding_model_are_pinned_by_the_same_conventions():
    status, message = outcome("VER010", {"evaluation": {"judge": {"model": "claude-sonnet-4-5"}}})
    assert status == "fail"
    assert message.endswith("evaluation.judge.model is 'claude-sonnet-4-5' with no version, a moving alias Anthropic repoints to its newest snapshot; pin a dated model id such as claude-sonnet-4-5-20250929")
    retrieval = {"index": "kb", "version": "2026-11-18.1", "source_snapshot": "export-2026-11-17"}
    pinned = {"data": {"retrieval": {**retrieval, "embedding_model": {"provider": "google", "name": "text-embedding-005"}}}, "service": {"kind": "rag"}}
    assert outcome("VER007", pinned)[0] == "pass"
    moving = {"data": {"retrieval": {**retrieval, "embedding_model": {"provider": "ollama", "name": "nomic-embed-text"}}}, "service": {"kind": "rag"}}
    status, message = outcome("VER007", moving)
    assert status == "fail" and "data.retrieval.embedding_model.name is 'nomic-embed-text' with no version, a tag Ollama re-pushes" in message


LITELLM = """model_list:
  - model_name: chat
    litellm_params:
      model: openai/gpt-4o-2024-08-06
  - model_name: fast
    litellm_params:
      model: anthropic/claude-3-5-haiku
  - model_name: local
    litellm_params:
      model: openai/meta-llama/Llama-3.1-8B-Instruct
      api_base: http://vllm.internal:8000/v1
"""


def test_gateway_routes_become_facts_that_are_checked_and_located_in_the_litellm_file(project, cli):
    project("readiness.yaml", "readiness: 1\nservice: {name: chat, kind: llm, risk: high}\nsources:\n  - {path: gateway/litellm.yaml}\n")
    project("gateway/litellm.yaml", LITELLM)
    report = json.loads(cli("audit", "readiness.yaml", "--select", "SRC015", "-f", "json", "--as-of", "2026-12-01").stdout)
    result = report["manifests"][0]["results"][0]
    assert result["status"] == "fail" and result["severity"] == "critical"
    assert result["location"]["file"].endswith("gateway/litellm.yaml") and result["location"]["line"] == 7
    assert "the route 'fast' calls 'anthropic/claude-3-5-haiku', a moving alias Anthropic repoints" in result["message"]
    assert "the route 'local' calls 'openai/meta-llama/Llama-3.1-8B-Instruct', which names no version or digest of the model the server at api_base serves" in result["message"]
    assert "'chat'" not in result["message"]


TEAM_CONVENTION = {
    "provider": "ACME AI", "names": ["acme"], "models": "^acme-", "pinned": r"@\d{4}-\d{2}-\d{2}$",
    "moving": "a moving alias ACME repoints every release", "pin": "a dated release", "examples": ["acme-chat@2026-10-01"],
}


def test_a_team_extends_the_table_with_the_conventions_option():
    assert outcome("VER001", model("acme-chat", "acme"))[0] == "pass"  # unknown to the built-in table: not an alias word
    status, message = outcome("VER001", model("acme-chat", "acme"), options={"conventions": [TEAM_CONVENTION]})
    assert status == "fail" and message.endswith("'acme-chat', a moving alias ACME repoints every release; pin a dated release such as acme-chat@2026-10-01")
    assert outcome("VER001", model("acme-chat@2026-10-01", "acme"), options={"conventions": [TEAM_CONVENTION]})[0] == "pass"


def test_a_team_extends_the_table_from_its_config(project, cli):
    project("readiness.yaml", "readiness: 1\nservice: {name: x, kind: llm}\nmodel: {provider: acme, name: acme-chat, version: acme-chat}\n")
    project(".readiness.yaml", "options:\n  VER001:\n    conventions:\n      - " + json.dumps(TEAM_CONVENTION) + "\n")
    result = json.loads(cli("audit", "readiness.yaml", "--select", "VER001", "-f", "json").stdout)["manifests"][0]["results"][0]
    assert result["status"] == "fail" and "ACME repoints every release" in result["message"]


def test_a_team_convention_with_a_runaway_regex_is_an_error_not_a_hang():
    runaway = {**TEAM_CONVENTION, "models": "^(a+)+$"}
    status, message = outcome("VER001", model("a" * 40 + "!", "acme"), options={"conventions": [runaway]})
    assert status == "error" and "ran for more than" in message


def test_the_shipped_table_is_valid_and_read_once():
    from jsonschema import Draft202012Validator

    raw = (REPO / "readiness" / "pinning.yaml").read_text(encoding="utf-8")
    Draft202012Validator(pinning.CONVENTIONS_OPTION).validate(load_text(raw).data["conventions"])
    assert pinning.builtin_conventions() is pinning.builtin_conventions()
    assert {convention.provider for convention in pinning.builtin_conventions()} >= {"OpenAI", "Anthropic", "Amazon Bedrock", "Google", "Mistral", "Ollama"}


@pytest.mark.parametrize("kind, records, status", [
    ("ml", ["request_id", "model_version", "features", "prediction"], "pass"),
    ("ml", ["request_id", "model_version", "input", "output"], "pass"),
    ("ml", ["request_id", "model_version", "features"], "fail"),
    ("llm", ["request_id", "model_version", "features", "prediction"], "fail"),
    ("rag", ["request_id", "model_version", "input", "output"], "pass"),
])
def test_trace_records_accept_the_ml_words_for_a_classic_model_only(kind, records, status):
    assert outcome("VER004", {"service": {"kind": kind}, "tracing": {"enabled": True, "records": records}})[0] == status


RETRIEVAL = {"index": "kb", "version": "2026-11-18.1", "source_snapshot": "export-2026-11-17"}
AZURE_MODEL = {"provider": "azure_openai", "name": "gpt-4o", "version": "2024-11-20"}


def rag(embedding: dict, query: dict | None = None, chat: dict | None = AZURE_MODEL) -> dict:
    retrieval = {**RETRIEVAL, "embedding_model": embedding, **({"query_embedding_model": query} if query else {})}
    return {"service": {"kind": "rag"}, **({"model": chat} if chat else {}), "data": {"retrieval": retrieval}}


@pytest.mark.parametrize("name, version", [
    ("text-embedding-3-large", "1"), ("text-embedding-3-small", "1"), ("text-embedding-ada-002", "2"), ("text-embedding-ada-002", "1"),
])
def test_an_azure_embedding_deployment_is_pinned_by_the_model_version_azure_publishes(name, version):
    """Azure publishes text-embedding-3-large/-small only as version 1 and ada-002 as 1 and 2: each one fixed model.
    The embedding model is served by model.provider unless it declares its own."""
    embedding = {"name": name, "version": version}
    assert outcome("VER007", rag(embedding)) == ("pass", "")
    assert outcome("DAT012", rag(embedding, embedding)) == ("pass", "")
    declared = {"provider": "azure", **embedding}
    assert outcome("VER007", rag(declared, chat=None)) == ("pass", "")
    assert outcome("DAT012", rag(declared, embedding, chat=None)) == ("pass", "")  # the query model is served like the index's
    assert outcome("DAT012", rag(embedding, declared, chat=None)) == ("pass", "")  # or declares its own provider


@pytest.mark.parametrize("name, version, moving", [
    ("text-embedding-3-large", "2", False), ("text-embedding-3-large", "latest", True), ("text-embedding-3-large", "", True),
    ("text-embedding-3-large", "auto-update", False), ("text-embedding-ada-002", "3", False),
])
def test_an_azure_embedding_version_azure_does_not_publish_or_an_alias_fails(name, version, moving):
    status, message = outcome("VER007", rag({"name": name, "version": version}))
    assert status == "fail"
    assert message.endswith(f"data.retrieval.embedding_model.version is {version!r}, " + ("a moving alias; " if moving else "which is not a model id Azure OpenAI uses; ")
                            + f"pin a model version from Azure OpenAI's model catalog such as {name} version {'2' if 'ada' in name else '1'}")


@pytest.mark.parametrize("name, version", [("gpt-4o", "2024-11-20"), ("gpt-35-turbo", "0125"), ("gpt-4", "1106-Preview"), ("gpt-35-turbo-instruct", "0914")])
def test_an_azure_chat_deployment_is_pinned_by_its_dated_or_numbered_version(name, version):
    assert outcome("VER001", model(version, "azure_openai", name)) == ("pass", "")


def test_an_azure_chat_model_is_not_pinned_by_an_embedding_models_number_or_by_its_name_alone():
    status, message = outcome("VER001", model("1", "azure_openai", "gpt-4o"))
    assert status == "fail" and message.endswith("'1', which is not a model id Azure OpenAI uses; pin a model version from Azure OpenAI's model catalog such as gpt-4o version 2024-08-06")
    status, message = outcome("VER001", model("gpt-4o", "azure"))
    assert status == "fail" and "a model name without its model version, which an Azure OpenAI deployment resolves to the default version" in message


def test_openais_own_api_has_no_numbered_embedding_versions_and_says_to_pin_the_fixed_id():
    """OpenAI direct (or no provider anywhere): '1' is no OpenAI id, and the advice names the embedding model's own id."""
    for embedding, chat in (({"provider": "openai", "name": "text-embedding-3-large", "version": "1"}, AZURE_MODEL),
                            ({"name": "text-embedding-3-large", "version": "1"}, None),
                            ({"name": "text-embedding-3-large", "version": "1"}, {"provider": "openai", "name": "gpt-4o", "version": "gpt-4o-2024-08-06"})):
        status, message = outcome("VER007", rag(embedding, chat=chat))
        assert status == "fail" and "gpt-4o-2024-08-06" not in message
        assert message.endswith("data.retrieval.embedding_model.version is '1', which is not a model id OpenAI uses; pin the embedding model's fixed id "
                                "(OpenAI publishes no dated snapshots of its embedding models) such as text-embedding-3-large")
    query = {"name": "text-embedding-3-small", "version": "latest"}
    status, message = outcome("DAT012", rag({"name": "text-embedding-3-small", "version": "latest"}, query, chat=None))
    assert status == "fail" and message.endswith("'latest', a moving alias; pin the embedding model's fixed id (OpenAI publishes no dated snapshots of its embedding models) such as text-embedding-3-small")
    assert outcome("VER007", rag({"provider": "openai", "name": "text-embedding-3-large", "version": "text-embedding-3-large"}, chat=None)) == ("pass", "")


def test_provider_from_is_checked_when_a_pack_loads():
    from readiness.functions import REGISTRY

    assert REGISTRY["pinned_version"].option_problem({"provider_from": ["model.provider"]}) is None
    assert "provider_from" in REGISTRY["pinned_version"].option_problem({"provider_from": ["model..provider"]})
