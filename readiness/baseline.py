"""Baselines: gate only on what is new since a saved JSON report (``--baseline OLD.json``).

A finding (a ``fail`` or ``error`` result) is the same finding when its manifest file, its
rule id and its JSON pointer match: line numbers play no part, so moving or reformatting
YAML does not make an old finding new. Each finding of the run is marked ``new`` or
``unchanged``; the baseline's findings that are gone (the rule passes or no longer applies,
or fails somewhere else) are listed per manifest as ``fixed``. Score and verdict still
count every finding; only the gate looks at new ones. A waived result is not a finding, on
either side: a finding whose waiver lapsed is new again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

from .errors import InputError
from .loader import Limits, read_text
from .report import ERROR, FAIL, FIXED, NEW, PASS, SCHEMA_VERSION, SKIPPED, UNCHANGED, ManifestReport, Report, Result

FindingKey = tuple[str, str]  # (rule id, JSON pointer)

_SHAPE = {
    "type": "object",
    "required": ["schema_version", "manifests"],
    "properties": {
        "schema_version": {"type": "integer", "minimum": 1},
        "manifests": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["file", "results"],
                "properties": {
                    "file": {"type": "string"},
                    "results": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["rule", "status", "severity", "message"],
                            "properties": {"rule": {"type": "string"}, "status": {"type": "string"}, "location": {"type": ["object", "null"], "required": ["pointer"], "properties": {"pointer": {"type": "string"}}}},
                        },
                    },
                },
            },
        },
    },
}


@dataclass
class Baseline:
    path: str
    findings: dict[str, dict[FindingKey, Result]]  # manifest file → its findings


def is_finding(result: Result) -> bool:
    return result.status in (FAIL, ERROR)


def key(result: Result) -> FindingKey:
    return result.rule, result.location.pointer if result.location else ""


def load(path: Path) -> Baseline:
    """Read a JSON report written by ``readiness audit --format json``; exit 2 when it is not one."""
    from . import schema

    display = path.as_posix()
    text = read_text(path, display, Limits())
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(f"baseline is not valid JSON: {error.msg}", display, error.lineno, error.colno) from None
    problems = schema.validate_value(data, _SHAPE)
    if problems:
        raise InputError(f"baseline is not a readiness JSON report (write one with --format json or --output json:PATH): {problems[0]}", display)
    if data["schema_version"] > SCHEMA_VERSION:
        raise InputError(f"baseline was written by a newer readiness (report schema_version {data['schema_version']}, this one reads up to {SCHEMA_VERSION})", display)
    try:
        manifests = Report.from_dict(data).manifests
    except (TypeError, AttributeError) as error:
        raise InputError(f"baseline is not a complete readiness JSON report: {error}", display) from None
    return Baseline(display, {m.file: {key(r): r for r in m.results if is_finding(r)} for m in manifests})


def compare(manifest: ManifestReport, baseline: Baseline) -> None:
    """Mark each finding of ``manifest`` new or unchanged and list the baseline's fixed ones."""
    old = baseline.findings.get(manifest.file, {})
    current = {key(r) for r in manifest.results if is_finding(r)}
    for index, result in enumerate(manifest.results):
        if is_finding(result):
            manifest.results[index] = replace(result, baseline=UNCHANGED if key(result) in old else NEW)
    judged = {r.rule for r in manifest.results if r.status in (PASS, SKIPPED) or is_finding(r)}  # not waived, not deselected
    manifest.fixed = [replace(r, baseline=FIXED) for k, r in old.items() if k not in current and r.rule in judged]
