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

from dataclasses import dataclass, replace
from pathlib import Path

from .errors import InputError, InputErrors
from .report import ERROR, FAIL, FIXED, NEW, PASS, SKIPPED, UNCHANGED, ManifestReport, Result

FindingKey = tuple[str, str]  # (rule id, JSON pointer)


@dataclass
class Baseline:
    path: str
    findings: dict[str, dict[FindingKey, Result]]  # manifest file → its findings


def is_finding(result: Result) -> bool:
    return result.status in (FAIL, ERROR)


def key(result: Result) -> FindingKey:
    return result.rule, result.location.pointer if result.location else ""


def load(path: Path) -> Baseline:
    """The findings of a JSON report written by ``--format json``; input errors (exit 2) when it is not one."""
    from .report_file import load_report  # only with --baseline

    try:
        report = load_report(path)
    except InputErrors as errors:
        raise InputErrors([_as_baseline(error) for error in errors.errors]) from None
    except InputError as error:
        raise _as_baseline(error) from None
    return Baseline(path.as_posix(), {m.file: {key(r): r for r in m.results if is_finding(r)} for m in report.manifests})


def _as_baseline(error: InputError) -> InputError:
    return InputError(f"--baseline: {error.message}", error.path, error.line, error.column)


def compare(manifest: ManifestReport, baseline: Baseline) -> None:
    """Mark each finding of ``manifest`` new or unchanged and list the baseline's fixed ones."""
    old = baseline.findings.get(manifest.file, {})
    current = {key(r) for r in manifest.results if is_finding(r)}
    for index, result in enumerate(manifest.results):
        if is_finding(result):
            manifest.results[index] = replace(result, baseline=UNCHANGED if key(result) in old else NEW)
    judged = {r.rule for r in manifest.results if r.status in (PASS, SKIPPED) or is_finding(r)}  # not waived, not deselected
    manifest.fixed = [replace(r, baseline=FIXED) for k, r in old.items() if k not in current and r.rule in judged]
