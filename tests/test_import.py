"""`readiness import FILE...`: a starter manifest that validates and audits, citing its sources."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from conftest import AS_OF

FIXTURES = Path(__file__).parent / "fixtures" / "sources"
GOOD = sorted(path.name for path in FIXTURES.iterdir() if path.is_file())


def copy(project, *names: str) -> list[str]:
    for name in names:
        project(f"deploy/{name}", (FIXTURES / name).read_text())
    return [str(project.root / "deploy" / name) for name in names]


def test_import_writes_a_manifest_that_validates_and_audits(project, cli):
    files = copy(project, "kserve-canary.yaml", "litellm-budget.yaml", "model-card.md", "promptfooconfig.yaml", "MLmodel")
    output = project.root / "readiness.yaml"
    run = cli("import", *files, "-o", str(output))
    assert run.exit_code == 0, run.stderr
    assert "wrote" in run.stderr
    manifest = yaml.safe_load(output.read_text())
    assert manifest["sources"] == [
        {"path": "deploy/kserve-canary.yaml", "format": "kserve"},
        {"path": "deploy/litellm-budget.yaml", "format": "litellm"},
        {"path": "deploy/model-card.md", "format": "hf_model_card"},
        {"path": "deploy/promptfooconfig.yaml", "format": "promptfoo"},
        {"path": "deploy/MLmodel", "format": "mlflow"},
    ]
    assert manifest["release"] == {"strategy": "canary", "canary": {"initial_percent": 0}}
    assert manifest["cost"]["budget"]["monthly_usd"] == 3000.0
    assert manifest["model"]["artifact"] == "gs://models/churn/latest"
    assert manifest["model"]["serialization"] == "pickle"
    assert manifest["governance"] == {"model_card": "deploy/model-card.md"}
    assert {"name": "similar", "method": "automated", "threshold": 0} in manifest["evaluation"]["metrics"]
    assert cli("validate", str(output)).exit_code == 0
    audit = cli("audit", str(output), "--as-of", AS_OF)
    assert audit.exit_code in (0, 1), audit.stderr


@pytest.mark.parametrize("name", GOOD)
def test_every_fixture_imports_alone_into_a_valid_manifest(project, cli, name):
    output = project.root / "readiness.yaml"
    run = cli("import", *copy(project, name), "-o", str(output))
    assert run.exit_code == 0, run.stderr
    assert cli("validate", str(output)).exit_code == 0
    assert cli("audit", str(output), "--as-of", AS_OF, "-f", "json").exit_code in (0, 1)


def test_sections_the_files_do_not_fill_get_a_comment(project, cli):
    output = project.root / "readiness.yaml"
    cli("import", *copy(project, "bentofile.yaml"), "-o", str(output))
    text = output.read_text()
    assert "# security: not in these files; add prompt-injection defences" in text
    assert "# release: not in these files; add canary or shadow" in text
    assert "\nmodel:\n" in text and "# model:" not in text


def test_import_refuses_to_overwrite_without_force(project, cli):
    files = copy(project, "seldon-v1.yaml")
    output = project("readiness.yaml", "readiness: 1\n")
    run = cli("import", *files, "-o", str(output))
    assert run.exit_code == 2
    assert run.stderr.endswith("already exists; use --force to overwrite it\n")
    assert output.read_text() == "readiness: 1\n"
    assert cli("import", *files, "-o", str(output), "--force").exit_code == 0
    assert "format: seldon" in output.read_text()


def test_a_bad_file_is_an_input_error_naming_file_and_line(project, cli):
    project("deploy/stack.yaml", (FIXTURES / "bad" / "cloudformation.yaml").read_text())
    output = project.root / "readiness.yaml"
    run = cli("import", str(project.root / "deploy" / "stack.yaml"), "-o", str(output))
    assert run.exit_code == 2
    assert "stack.yaml:5:27: unsupported tag !Ref" in run.stderr
    assert not output.exists()


def test_a_file_outside_the_project_is_refused(project, cli, tmp_path_factory):
    outside = tmp_path_factory.mktemp("elsewhere") / "isvc.yaml"
    outside.write_text((FIXTURES / "kserve-canary.yaml").read_text())
    output = project.root / "readiness.yaml"
    run = cli("import", str(outside), "-o", str(output))
    assert run.exit_code == 2
    assert "resolves outside the project root" in run.stderr
    assert not output.exists()


def test_import_fills_pins_fallbacks_tracing_and_splits(project, cli):
    output = project.root / "readiness.yaml"
    assert cli("import", *copy(project, "kserve-pinned.yaml", "litellm-open.yaml", "seldon-v2.yaml"), "-o", str(output)).exit_code == 0
    manifest = yaml.safe_load(output.read_text())
    assert manifest["service"] == {"name": "income", "kind": "llm"}
    assert manifest["model"]["name"] == "income"
    assert manifest["model"]["digest"] == "sha256:3b4f1c0e9d2a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c"
    assert manifest["model"]["fallback"] == {"name": "claude"}
    assert manifest["tracing"] == {"enabled": True, "backend": "http://request-logger.monitoring/, langfuse"}
    assert manifest["monitoring"] == {"drift": {"input": {"method": "alibi-detect (fraud-drift)"}}}
    assert manifest["release"] == {"strategy": "ab_test"}
    assert manifest["security"] == {"authentication": "api_key"}
