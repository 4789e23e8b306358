"""Shared by the source-reader tests: the facts one file yields, and a selective audit of a project."""

from __future__ import annotations

import json

from conftest import AS_OF
from readiness.evidence import MemoryEvidence
from readiness.sources import Facts, load_source, read_source


def facts_from(name: str, text: str, declared: str | None = None) -> Facts:
    """The facts readiness reads from one source file named ``name`` (its format detected, or ``declared``)."""
    facts = Facts()
    read_source(load_source(name, name, MemoryEvidence({name: text})), declared, facts)
    return facts


def audit(project, cli, manifest: str, files: dict[str, str], *rules: str) -> dict:
    """Results by rule of auditing ``manifest`` with ``files`` beside it, only ``rules`` selected."""
    project("readiness.yaml", manifest)
    for name, text in files.items():
        project(name, text)
    run = cli("audit", str(project.root / "readiness.yaml"), "--as-of", AS_OF, "-f", "json", *(f"--select={rule}" for rule in rules))
    assert run.exit_code in (0, 1), run.stderr
    return {result["rule"]: result for result in json.loads(run.stdout)["manifests"][0]["results"]}
