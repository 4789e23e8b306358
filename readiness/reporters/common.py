"""What several formats share: finding order, fingerprints, levels, remediation blocks.

Everything here reads the finished report; nothing scores or judges.
"""

from __future__ import annotations

import hashlib
import textwrap
from typing import Iterator

from ..report import ERROR, FAIL, Gate, Location, ManifestReport, Report, Result
from ..rules import SEVERITIES
from ..scoring import BLOCKING

FINGERPRINT_KEY = "readinessFinding/v1"

# SARIF result levels; GitHub workflow commands use the same words except ``notice`` for ``note``.
LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}


def failing(manifest: ManifestReport) -> list[Result]:
    """Failed and errored results, most severe first (stable within a severity)."""
    return sorted((r for r in manifest.results if r.status in (FAIL, ERROR)), key=lambda r: SEVERITIES.index(r.severity))


def split_blockers(results: list[Result]) -> tuple[list[Result], list[Result]]:
    """(critical and high, the rest): the blockers a launch review reads first."""
    return [r for r in results if r.severity in BLOCKING], [r for r in results if r.severity not in BLOCKING]


def findings(report: Report, statuses: tuple[str, ...] = (FAIL, ERROR)) -> Iterator[tuple[ManifestReport, Result]]:
    """Every result with one of ``statuses``, manifest by manifest, in report order."""
    for manifest in report.manifests:
        for result in manifest.results:
            if result.status in statuses:
                yield manifest, result


def where(manifest: ManifestReport, result: Result) -> Location:
    """The result's location; the top of its manifest when it has none (a hand-edited report)."""
    return result.location or Location(manifest.file, "", 1, 1)


def fingerprint(manifest: ManifestReport, result: Result) -> str:
    """A stable id for a finding: rule, manifest path and JSON pointer — never line numbers,
    so that editing lines above a finding does not make it a new one."""
    key = "\0".join((result.rule, manifest.file, where(manifest, result).pointer))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def one_line(text: str) -> str:
    return " ".join(text.split())


def summary_line(result: Result, title: str) -> str:
    """The message to show for a result: its own message, else the rule title."""
    return one_line(result.message) or title


def remediation_blocks(text: str) -> list[tuple[str, str]]:
    """Split a remediation into ("text", prose) and ("code", snippet) blocks.

    Rule packs write prose flush left and YAML snippets indented below it."""
    blocks: list[tuple[str, list[str]]] = []
    for line in text.splitlines():
        kind = "code" if line[:1].isspace() else "text"
        if not line.strip() and blocks:
            blocks[-1][1].append(line)
            continue
        if not blocks or blocks[-1][0] != kind:
            blocks.append((kind, []))
        blocks[-1][1].append(line)
    return [(kind, textwrap.dedent("\n".join(lines)).strip("\n") if kind == "code" else "\n".join(lines).strip()) for kind, lines in blocks]


def gate_terms(gate: Gate) -> str:
    """What the gate was judged on, in words: "fail on high and above, minimum score 80"."""
    terms = [f"fail on {gate.fail_on} and above"]
    if gate.min_score is not None:
        terms.append(f"minimum score {gate.min_score:g}")
    terms += [f"{category} at least {minimum:g}" for category, minimum in gate.category_min.items()]
    if gate.baseline:
        terms.append(f"only findings new since {gate.baseline}")
    return ", ".join(terms)
