"""What a review of many services needs before rendering: the overview, shards of a fleet, merged shards.

- :func:`rows`: one :class:`PortfolioRow` per manifest, worst first (computed once, with the report);
- :func:`take_shard`: the manifests one CI job audits with ``--shard K/N``, the same on every machine;
- :func:`merge`: several saved JSON reports (one per shard or folder) as one report, the gate judged again.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from pathlib import Path

from .errors import InputError
from .report import AT_RISK, BLOCKING, ERROR, FAIL, NOT_READY, READY, WAIVED, ManifestReport, PortfolioRow, Report
from .scoring import Thresholds, gate

VERDICT_ORDER = {NOT_READY: 0, AT_RISK: 1, READY: 2}
_SHARD = re.compile(r"^([1-9][0-9]*)/([1-9][0-9]*)$")


def rows(manifests: list[ManifestReport]) -> list[PortfolioRow]:
    """One row per manifest: not ready first, then ready with risks, then ready; within a verdict the
    most blockers, then the lowest score (no score last), then the file name."""
    table = [_row(manifest) for manifest in manifests]
    return sorted(table, key=lambda row: (VERDICT_ORDER[row.verdict], -row.blockers, -row.failures, 101 if row.score is None else row.score, row.file))


def _row(manifest: ManifestReport) -> PortfolioRow:
    failing = [result for result in manifest.results if result.status in (FAIL, ERROR)]
    weakest = next((category for category in manifest.categories if category.category == manifest.weakest), None)
    return PortfolioRow(
        file=manifest.file,
        service=manifest.service,
        kind=manifest.kind,
        risk=manifest.risk,
        verdict=manifest.verdict,
        score=manifest.score,
        weakest=weakest.title if weakest else None,
        weakest_score=weakest.score if weakest else None,
        blockers=sum(1 for result in failing if result.severity in BLOCKING),
        failures=len(failing),
        waivers=sum(1 for result in manifest.results if result.status == WAIVED),
    )


def parse_shard(text: str) -> tuple[int, int]:
    """``"2/8"`` → (2, 8); an :class:`InputError` unless 1 ≤ K ≤ N."""
    match = _SHARD.match(text.strip())
    if not match or int(match.group(1)) > int(match.group(2)):
        raise InputError(f"--shard: expected K/N with 1 <= K <= N (e.g. 2/8), found {text!r}")
    return int(match.group(1)), int(match.group(2))


def take_shard(files: list[Path], shard: tuple[int, int], shown: list[str]) -> list[Path]:
    """The files of shard K of N: each file's shard is a hash of its path as reports show it
    (``shown``, relative to the working folder), so every machine with the same checkout splits
    the fleet the same way, and adding a service moves no other service to another shard."""
    index, count = shard
    return [file for file, name in zip(files, shown) if int(hashlib.sha256(name.encode("utf-8")).hexdigest(), 16) % count == index - 1]


def merge(reports: list[tuple[str, Report]]) -> Report:
    """Saved reports (with the file each came from) as one: their manifests in order, their rules
    together, the overview and the gate computed again over all of them. Reports of one fleet agree
    on the day, the gate terms and the weights; any that disagree are an input error, since one
    gate cannot judge them all."""
    (first_name, first), rest = reports[0], reports[1:]
    merged = Report(first.tool_version, first.as_of, dict(first.rules), list(first.manifests), first.gate, dict(first.weights), first.configuration, category=first.category, repository_prefix=first.repository_prefix)
    seen = {manifest.file: first_name for manifest in first.manifests}
    for name, report in rest:
        for what, mine, theirs in (
            ("as of", report.as_of, first.as_of),
            ("gate", _terms(report), _terms(first)),
            ("weights", report.weights, first.weights),
            ("repository folder", report.repository_prefix, first.repository_prefix),
        ):
            if mine != theirs:
                raise InputError(f"cannot merge: its {what} ({mine}) differs from {first_name}'s ({theirs}); audit every shard with the same options", name)
        for manifest in report.manifests:
            if manifest.file in seen:
                raise InputError(f"cannot merge: {manifest.file} is also in {seen[manifest.file]} (shards must not overlap)", name)
            seen[manifest.file] = name
        merged.manifests.extend(report.manifests)
        merged.rules.update(report.rules)
    terms = first.gate
    merged.gate = gate(merged.manifests, Thresholds(terms.fail_on, terms.min_score, dict(terms.category_min)), terms.baseline, first.configuration)
    merged.portfolio = rows(merged.manifests)
    return merged


def _terms(report: Report) -> str:
    gate = report.gate
    return f"fail on {gate.fail_on}, minimum score {gate.min_score}, category minimums {gate.category_min}, baseline {gate.baseline}"


def default_category(paths: list[str]) -> str:
    """The code scanning category when none is given: ``readiness`` for the whole repository, else
    ``readiness-`` and the audited paths from the repository root, so two jobs auditing different
    folders (or the same folder name from different working folders) keep their alerts apart."""
    named = sorted({posixpath.normpath(path).strip("/") for path in paths} - {"", "."})
    if not named:
        return "readiness"
    return "readiness-" + re.sub(r"[^0-9A-Za-z._-]+", "-", "+".join(named)).strip("-")[:100]


def repository_prefix(working: Path, root: Path) -> str:
    """The working folder relative to the repository root, as a path prefix: ``""`` or ``"services/"``."""
    try:
        relative = working.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return ""
    return "" if relative == "." else relative + "/"
