"""Schema validation: shape and types, with messages that point at the line and suggest the fix."""

from __future__ import annotations

import json

from readiness.loader import load_text
from readiness.schema import MANIFEST, load_schema, validate


def messages(text: str) -> list[str]:
    return [str(error) for error in validate(load_text(text, "m.yaml"))]


def test_a_minimal_manifest_is_valid_and_missing_sections_are_not_errors():
    assert messages("readiness: 1\n") == []


def test_typo_in_a_section_name_gets_a_did_you_mean():
    assert messages("readiness: 1\nrelease:\n  rollbak: {previous_version: v1}\n") == [
        "m.yaml:3:3: unknown key 'rollbak' in release; did you mean 'rollback'?"
    ]


def test_unknown_top_level_key():
    assert messages("readiness: 1\nmonitorng: {}\n") == ["m.yaml:2:1: unknown key 'monitorng' at the top level; did you mean 'monitoring'?"]


def test_type_errors_name_path_line_expected_and_found():
    assert messages("readiness: 1\nrelease:\n  rollback:\n    last_drill: 5\n") == [
        "m.yaml:4:5: release.rollback.last_drill: expected a string, found number 5"
    ]
    assert messages("readiness: 1\ncost:\n  budget: {monthly_usd: lots}\n") == [
        "m.yaml:3:12: cost.budget.monthly_usd: expected a number, found string 'lots'"
    ]


def test_enum_and_date_and_hash_messages():
    assert messages("readiness: 1\nservice: {kind: llms}\n") == [
        "m.yaml:2:11: service.kind: expected one of ml, llm, rag, agent (did you mean 'llm'?), or a list of them (each once), found string 'llms'"
    ]
    assert messages("readiness: 1\nrelease: {rollback: {last_drill: 2026-13-45}}\n") == [
        "m.yaml:2:22: release.rollback.last_drill: expected a date YYYY-MM-DD, found string '2026-13-45'"
    ]
    assert messages("readiness: 1\nprompts: [{id: a, sha256: abc}]\n") == [
        "m.yaml:2:19: prompts[0].sha256: expected SHA-256 of the file, 64 hex digits, found string 'abc'"
    ]


def test_format_version_is_required_and_checked():
    assert messages("service: {name: x}\n") == ["m.yaml:1:1: missing the format version: add 'readiness: 1' at the top of the file"]
    assert messages("readiness: 2\n") == ["m.yaml:1:1: readiness: expected 1, found number 2"]


def test_required_keys_inside_a_waiver():
    assert messages("readiness: 1\nwaivers:\n  - {rule: REL002, reason: r, owner: o}\n") == [
        "m.yaml:3:5: waivers[0] is missing the required key 'expires'"
    ]


def test_every_error_is_reported_in_file_order():
    found = messages("readiness: 1\nservice: {kind: x, risk: y}\ncost: {budget: {monthly_usd: -1}}\n")
    assert [m.split(":")[1] for m in found] == ["2", "2", "3"]


def test_the_schema_is_draft_2020_12_and_covers_every_design_section():
    schema = load_schema(MANIFEST)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    for section in ("service", "model", "prompts", "data", "tracing", "monitoring", "evaluation", "release", "cost", "security", "governance", "waivers", "sources"):
        assert section in schema["properties"], section
    json.dumps(schema)


def _record_names_the_code_reads() -> set[str]:
    from readiness import capabilities, versioning_checks

    return (
        capabilities.RETRIEVAL_RECORDS | capabilities.TOOL_RECORDS | capabilities.USER_TEXT_RECORDS
        | capabilities.USER_IDENTITY_RECORDS | set(versioning_checks._IO) | set(versioning_checks._ML_IO)
        | {"request_id", "model_version", "prompt_version", "config_version", "user_feedback"}  # the rules' contains
    )


def test_every_record_name_the_code_gives_a_meaning_to_is_accepted_and_listed():
    names = sorted(_record_names_the_code_reads())
    assert messages("readiness: 1\ntracing:\n  records: [" + ", ".join(names) + "]\n") == []
    records = load_schema(MANIFEST)["properties"]["tracing"]["properties"]["records"]
    assert set(records["items"]["examples"]) >= set(names)  # the completion list cannot drift from the code


def test_tracing_records_accepts_domain_fields_and_rejects_what_is_not_a_field_name():
    assert messages("readiness: 1\ntracing: {records: [request_id, customer_id, transaction_id, decision, score, gen_ai.request.model]}\n") == []
    assert messages("readiness: 1\ntracing: {records: [request_id, Model-Version]}\n") == [
        "m.yaml:2:33: tracing.records[1]: expected a field name in lower snake_case such as customer_id, or a dotted OpenTelemetry attribute (did you mean 'model_version'?), found string 'Model-Version'"
    ]
