"""Score, verdict and gate: computed once per manifest, before anything is rendered.

The formula, the verdict and the gate are described in :data:`EXPLANATION` (``readiness explain
--scoring``): text kept as data, so that it is there under ``python -OO`` too.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .report import (
    AT_RISK,
    BLOCKING,
    ERROR,
    FAIL,
    NEW,
    NOT_READY,
    PASS,
    READY,
    SEVERITIES,
    STATUSES,
    UNCHANGED,
    WAIVER_BEYOND_HORIZON,
    WAIVER_EXPIRED,
    WAIVER_FORBIDDEN,
    WAIVER_NO_OWNER,
    WAIVER_NOT_WAIVABLE,
    WAIVER_REFUSED,
    CategoryScore,
    Configuration,
    Gate,
    ManifestReport,
    Result,
    category_title,
)

DEFAULT_WEIGHTS = {"critical": 10.0, "high": 7.5, "medium": 5.0, "low": 2.5}
EXPLANATION = """\
Score, verdict and gate: computed once per manifest, before anything is rendered.

Every rule yields pass, fail, error, waived (a valid waiver covers a failure) or skipped
(not applicable to this kind, risk tier or manifest). A rule's severity is its default,
or its severity_by_risk entry for the system's risk tier (the strictest entry when the
tier is not declared), or a config override. Weights by severity: critical 10, high 7.5,
medium 5, low 2.5 (configurable).

    score(category) = 100 × Σ weight(severity) × credit / Σ weight(severity)

summed over the category's pass, fail and error results: credit 1 for a pass, 0 for a fail
or an error, and for a rule with partial credit the share of its checks that passed.
Waived and skipped rules are out of the denominator: not applicable is never zero. Every
report also shows the score and the verdict without waivers (each waived rule counted as the
failure it is), so that a waiver never hides how far a manifest is from ready. The
overall score is the same sum over all of the manifest's rules (not an average of the
categories); the report also names the weakest category. No scored rule: n/a.

How much of the score rests on declarations alone: the share of the earned credit,
Σ weight × credit over the scored rules, that comes from rules whose checks all take the
manifest's word (``verifies: declaration``) rather than read a cited file.

Verdict: not ready if a critical or high rule fails or errors, or the score or a category
score is below a configured minimum; ready with risks if only medium or low rules fail;
ready otherwise.

Gate (exit 1 when it fails): a fail or error of the --fail-on severity (default high) or
worse, or a score below --min-score or below a category minimum. With --baseline only
findings that are new since the baseline count; score minimums always do. Beside its verdict
the gate names every change of the config or the command line that hides, lowers or excuses
a critical or high rule or loosens the gate; an organisation policy's floors cannot be lowered.
"""
# Why a waiver written for a failing rule does not count, as the gate says it: one wording per WAIVER_REFUSED kind
_REFUSAL = {
    WAIVER_EXPIRED: "expired",
    WAIVER_FORBIDDEN: "is not allowed on {severity} rules",
    WAIVER_NOT_WAIVABLE: "cannot waive a rule that polices waivers",
    WAIVER_BEYOND_HORIZON: "reaches beyond the waiver horizon",
    WAIVER_NO_OWNER: "names no accountable owner",
}


@dataclass
class Thresholds:
    fail_on: str = "high"
    min_score: float | None = None
    category_min: dict[str, float] = field(default_factory=dict)


def weighted_score(results: list[Result], weights: dict[str, float]) -> float | None:
    scored = [r for r in results if r.status in (PASS, FAIL, ERROR)]
    total = sum(weights[r.severity] for r in scored)
    if not total:
        return None
    return round(100 * sum(weights[r.severity] * r.credit for r in scored) / total, 1)


def declared_share(results: list[Result], declaration_only: set[str], weights: dict[str, float]) -> float | None:
    """Percent of the earned score that comes from rules reading no evidence; None when nothing was earned."""
    earned = [(weights[r.severity] * r.credit, r.rule in declaration_only) for r in results if r.status in (PASS, FAIL, ERROR)]
    total = sum(credit for credit, _ in earned)
    if not total:
        return None
    return round(100 * sum(credit for credit, declared in earned if declared) / total, 1)


def categories(results: list[Result], category_of: dict[str, str], weights: dict[str, float]) -> list[CategoryScore]:
    order: list[str] = []
    for result in results:
        if category_of[result.rule] not in order:
            order.append(category_of[result.rule])
    scores = []
    for category in order:
        members = [r for r in results if category_of[r.rule] == category]
        counts = {status: sum(1 for r in members if r.status == status) for status in STATUSES}
        failed = [SEVERITIES.index(r.severity) for r in members if r.status in (FAIL, ERROR)]
        scores.append(CategoryScore(category, category_title(category), weighted_score(members, weights), counts, SEVERITIES[min(failed)] if failed else None))
    return scores


def weakest(scores: list[CategoryScore]) -> str | None:
    scored = [c for c in scores if c.score is not None]
    return min(scored, key=lambda c: c.score).category if scored else None  # type: ignore[arg-type, return-value]


def threshold_misses(score: float | None, scores: list[CategoryScore], thresholds: Thresholds) -> list[str]:
    misses = []
    if thresholds.min_score is not None and score is not None and score < thresholds.min_score:
        misses.append(f"score {score:g} is below the minimum of {thresholds.min_score:g}")
    for item in scores:
        minimum = thresholds.category_min.get(item.category)
        if minimum is not None and item.score is not None and item.score < minimum:
            misses.append(f"{item.category} score {item.score:g} is below its minimum of {minimum:g}")
    return misses


def verdict(results: list[Result], misses: list[str]) -> str:
    failing = [r for r in results if r.status in (FAIL, ERROR)]
    if misses or any(r.severity in BLOCKING for r in failing):
        return NOT_READY
    return AT_RISK if failing else READY


def gate(manifests: list[ManifestReport], thresholds: Thresholds, baseline: str | None = None, configuration: Configuration | None = None) -> Gate:
    """Did the run pass the gate? Every reason it did not, in file order.

    With a baseline only new findings count (score thresholds still do: a baseline excuses
    findings, not scores). A finding whose waiver does not count names the waiver and why.
    """
    limit = SEVERITIES.index(thresholds.fail_on)
    reasons = []
    for manifest in manifests:
        unwaived = {note.rule: note for note in manifest.notes if note.kind in WAIVER_REFUSED}
        for result in manifest.results:
            if result.status in (FAIL, ERROR) and SEVERITIES.index(result.severity) <= limit and result.baseline != UNCHANGED:
                reason = f"{manifest.file}: {result.rule} ({result.severity}) {'failed' if result.status == FAIL else 'could not be checked'}"
                if result.baseline == NEW:
                    reason += ", new since the baseline"
                note = unwaived.get(result.rule)
                if note and note.location:
                    reason += f"; its waiver ({note.location.file}:{note.location.line}) " + _REFUSAL[note.kind].format(severity=result.severity)
                reasons.append(reason)
        reasons.extend(f"{manifest.file}: {miss}" for miss in threshold_misses(manifest.score, manifest.categories, thresholds))
    loosened = [f"{change.source} {change.message}" for change in configuration.changes if change.loosens] if configuration else []
    return Gate(thresholds.fail_on, thresholds.min_score, not reasons, reasons, dict(thresholds.category_min), baseline, loosened)
