"""Helpers for the gate, waiver, baseline and config tests: a fixture pack with one rule per
severity (GTE001 critical … GTE004 low, GTE005 low with a within_days option) over an
``x-gates`` section, so that each test decides exactly which rules fail."""

from __future__ import annotations

import json
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "gates"
PACK = FIXTURES / "pack.yaml"
AS_OF = "2026-11-26"
SEVERITY_RULE = {"critical": "GTE001", "high": "GTE002", "medium": "GTE003", "low": "GTE004"}


def manifest(failing: tuple[str, ...] = (), reviewed: str = "2026-11-20", waivers: str = "", top: str = "") -> str:
    """A manifest where the rules of the ``failing`` severities fail and every other GTE rule passes."""
    facts = "".join(f"  {severity}: {'false' if severity in failing else 'true'}\n" for severity in SEVERITY_RULE)
    return f"{top}readiness: 1\nservice: {{name: gates, kind: ml, risk: low}}\nx-gates:\n{facts}  reviewed: {reviewed}\n{waivers}"


def audit_args(*extra: str, path: str = "readiness.yaml") -> list[str]:
    return ["audit", path, "--rules", str(PACK), "--select", "GTE", "--as-of", AS_OF, *extra]


def as_json(run) -> dict:
    assert run.stdout, run.stderr
    return json.loads(run.stdout)


def results(report: dict) -> dict[str, dict]:
    return {r["rule"]: r for r in report["manifests"][0]["results"]}


def without_loosened(gate: dict) -> dict:
    """The gate without ``loosened_by``, after checking that it names the rules audit_args' ``--select GTE`` leaves out."""
    assert gate["loosened_by"][0].startswith("the command line deselects "), gate["loosened_by"]
    return {key: value for key, value in gate.items() if key != "loosened_by"}
