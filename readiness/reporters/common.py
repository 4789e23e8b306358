"""What several formats share: finding order, fingerprints, levels, remediation blocks, framework views.

Everything here reads the finished report; nothing scores or judges.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
import textwrap
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterator

from ..report import BLOCKING, ERROR, FAIL, NOT_COVERED, PASS, SEVERITIES, SKIPPED, VERDICT_TEXT, WAIVED, ConfigChange, Coverage, Frameworks, Gate, Location, ManifestReport, MtsTest, Report, Result, RuleStatus, TurnedOff, covered_kinds

FINGERPRINT_KEY = "readinessFinding/v1"

# SARIF result levels; GitHub workflow commands use the same words except ``notice`` for ``note``.
LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}
# How an ML Test Score test is done, in words (the manifest says ``none`` for not done).
MODE_TEXT = {"none": "not done", "manual": "manual", "automated": "automated"}
# A framework item's status as markdown and HTML show it (the terminal has its own marks).
STATUS_MARK = {PASS: "✅", FAIL: "❌", ERROR: "⛔", WAIVED: "🟡", SKIPPED: "➖", NOT_COVERED: "⬜"}
NO_ITEMS = "No rule in this audit cites this framework."  # a NIST or EU view with no item


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


def overview_title(report: Report) -> str:
    """What was audited and how it came out: ``Readiness: support-assistant — Not ready`` or
    ``Readiness: 8 services — 5 not ready, 2 ready with risks, 1 ready``."""
    if not report.manifests:
        return "Readiness: no manifests audited"
    if len(report.manifests) == 1:
        manifest = report.manifests[0]
        return f"Readiness: {manifest.service or manifest.file} — {VERDICT_TEXT[manifest.verdict]}"
    counts = [(sum(1 for m in report.manifests if m.verdict == verdict), text.lower()) for verdict, text in VERDICT_TEXT.items()]
    return f"Readiness: {len(report.manifests)} services — " + ", ".join(f"{count} {text}" for count, text in reversed(counts) if count)


def where(manifest: ManifestReport, result: Result) -> Location:
    """The result's location; the top of its manifest when it has none (a hand-edited report)."""
    return result.location or Location(manifest.file, "", 1, 1)


_ABSOLUTE = re.compile(r"^(?:[A-Za-z]:)?[\\/]+|^(?:\.\./)+")


def repository_path(report: Report, path: str) -> str:
    """``path`` (relative to the folder readiness ran in) relative to the repository root, with ``/``,
    as code scanning, annotations and Code Quality resolve it. Never absolute, never a drive letter:
    a file outside the repository keeps the part of its path below the root or the drive."""
    path = path.replace("\\", "/")
    if not _ABSOLUTE.match(path):
        path = posixpath.normpath(report.repository_prefix + path)
    while _ABSOLUTE.match(path):
        path = _ABSOLUTE.sub("", path, count=1)
    return path or "."


def repository_location(report: Report, location: Location) -> Location:
    """``location`` with its file relative to the repository root (:func:`repository_path`)."""
    return Location(repository_path(report, location.file), location.pointer, location.line, location.column)


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


def coverage_shown(views: Frameworks | None, every: bool) -> list[Coverage]:
    """The coverage views to render: those named with ``--framework``, or all of them when ``every``."""
    if views is None:
        return []
    return [view for view in views.coverage if every or view.framework in views.requested]


def coverage_summary(view: Coverage) -> str:
    """``"3 of 10 addressed · 1 failing"``, counted from the items' statuses."""
    addressed = [item for item in view.items if item.status != NOT_COVERED]
    failing = sum(1 for item in addressed if item.status in (FAIL, ERROR))
    return f"{len(addressed)} of {len(view.items)} addressed" + (f" · {failing} failing" if failing else "")


def cited_rules(rules: list[RuleStatus]) -> list[RuleStatus]:
    """The rules to list beside a framework item: those that apply to this system, or every one
    when none does (so that the reader sees which rules exist but do not apply)."""
    return [item for item in rules if item.status != SKIPPED] or rules


def item_status(status: str) -> str:
    """``"⬜ not covered"``: a framework item's status, marked."""
    return f"{STATUS_MARK.get(status, '')} {status.replace('_', ' ')}".strip()


def rule_statuses(rules: list[RuleStatus]) -> str:
    """``"TST001 (fail), TST004 (pass)"``: the rules beside a framework item (see :func:`cited_rules`)."""
    return ", ".join(f"{item.rule} ({item.status})" for item in cited_rules(rules)) or "no rule"


def mts_warnings(test: MtsTest) -> list[str]:
    """What a reviewer must know about an ML Test Score test's claim: no evidence, or rules that disagree."""
    warnings = [test.problem] if test.problem else []
    if test.contradicted_by and not test.problem:  # a report saved before contradicted claims earned 0
        warnings.append(f"claims credit, but {', '.join(test.contradicted_by)} did not pass in this audit")
    return warnings


def without_waivers(manifest: ManifestReport) -> str | None:
    """``"without waivers: 63.6/100, not ready"`` when a waiver counts in this manifest; else None."""
    if manifest.verdict_without_waivers is None or not any(result.status == WAIVED for result in manifest.results):
        return None
    score = "n/a" if manifest.score_without_waivers is None else f"{manifest.score_without_waivers:g}/100"
    return f"without waivers: {score}, {VERDICT_TEXT[manifest.verdict_without_waivers].lower()}"


def declared_share_line(manifest: ManifestReport) -> str | None:
    """``"41.2% of the score rests on declarations alone"``: the trust level of the score (scoring.declared_share)."""
    if manifest.declared_share is None:
        return None
    return f"{manifest.declared_share:g}% of the score rests on declarations alone (rules that read no cited file)"


def change_line(change: ConfigChange) -> str:
    """``".readiness.yaml sets REL002 to low (from critical)"``: one change, with who made it."""
    return f"{change.source} {change.message}"


def configuration_heading(report: Report) -> str:
    """``"Configuration: .readiness.yaml · policy: org.yaml"``: the files that changed the audit."""
    configuration = report.configuration
    files = ([f"config {configuration.config}"] if configuration.config else []) + ([f"policy {configuration.policy}"] if configuration.policy else [])
    return "What the configuration changed" + (f" ({', '.join(files)})" if files else "")


GATE_LOOSENED = "The configuration hides, lowers or excuses critical or high rules, or loosens the gate:"


@dataclass(frozen=True)
class Declared:
    """One declaration and the rules it turned off (``ManifestReport.turned_off``, grouped)."""

    declaration: str
    value: str
    rationale: str | None
    location: Location | None
    rules: tuple[str, ...]

    @property
    def reason(self) -> str:
        if self.rationale:
            return f"because: {self.rationale}"
        if self.declaration == "service.kind":  # the kinds the facts show are already among those audited
            return "no fact shows another kind"
        return "no reason given"

    def summary(self) -> str:
        """``service.handles_pii: false turned off DAT005, SEC002``."""
        return f"{self.declaration}: {self.value} turned off {', '.join(self.rules)}"


def declared_value(value: Any) -> str:
    """A declared value as a report shows it: ``false``, ``llm, rag``, ``not declared``."""
    if value is None:
        return "not declared"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list):
        return ", ".join(map(str, value))
    if isinstance(value, dict):  # release.first_launch: {rationale: …}; the reason is shown on its own
        return "declared"
    return str(value)


def turned_off_by(manifest: ManifestReport) -> list[Declared]:
    """The rules each declaration turned off, one entry per declaration, in the order they first turned one off."""
    grouped: dict[str, list[TurnedOff]] = {}
    for item in manifest.turned_off:
        grouped.setdefault(item.declaration, []).append(item)
    return [Declared(name, declared_value(items[0].value), items[0].rationale, items[0].location, tuple(item.rule for item in items)) for name, items in grouped.items()]


def service_facts(manifest: ManifestReport) -> str:
    """``llm + rag from its facts, risk high``: the declared kind, the kinds its facts added, the risk tier."""
    declared = manifest.kind.split(", ") if manifest.kind else []
    added = [kind for kind in manifest.capabilities if kind not in covered_kinds(declared)] if declared else []
    kind = f"{manifest.kind} + {', '.join(added)} from its facts" if added else manifest.kind
    return ", ".join(part for part in (kind, f"risk {manifest.risk}" if manifest.risk else None) if part)


# Markdown text, for the markdown report and the SARIF rule help.
# Markup characters, ``_`` only at a word edge (GFM never emphasises inside a word), ``&`` only
# where it would start an entity.
_SPECIAL = re.compile(r"([\\`*\[\]<>|~]|(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])|&(?=#?\w+;))")
# Text at the start of a line that would make it a heading, list item, rule or setext underline.
_BLOCK_MARK = re.compile(r"^([#+=-])")
_ORDERED_MARK = re.compile(r"^(\d+)([.)])")
# What GitHub turns into a notification or a link in a comment: @user or @org/team, #123 or
# owner/repo#123. A zero-width space after the sign keeps the text and drops the link.
_NOTIFIES = re.compile(r"(?<![0-9A-Za-z])@(?=[0-9A-Za-z])|#(?=[0-9])")
ZERO_WIDTH_SPACE = "&#8203;"


@lru_cache(maxsize=4096)  # a fleet's reports repeat the same rule titles, statuses and skip reasons
def escape(text: str) -> str:
    """Plain text safe inside a markdown line or a table cell: one line, no markup, no mention or reference."""
    return _NOTIFIES.sub(lambda sign: sign.group() + ZERO_WIDTH_SPACE, _SPECIAL.sub(r"\\\1", " ".join(text.split())))


def escape_block(text: str) -> str:
    """Plain text safe at the start of a paragraph or a list item as well."""
    return _ORDERED_MARK.sub(r"\1\\\2", _BLOCK_MARK.sub(r"\\\1", escape(text)))


def code_span(text: str) -> str:
    """Inline code that survives backticks and table pipes inside ``text``."""
    text = " ".join(text.split()).replace("|", "\\|")
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    padding = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{padding}{text}{padding}{fence}"


def code_block(text: str, language: str = "") -> str:
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{language}\n{text}\n{fence}"


def remediation_markdown(remediation: str) -> str:
    """Prose as escaped paragraphs, indented YAML snippets as fenced ``yaml`` blocks."""
    return "\n\n".join(code_block(body, "yaml") if kind == "code" else escape_block(body) for kind, body in remediation_blocks(remediation))


def heading_anchor(heading: str) -> str:
    """The id GitHub gives a markdown heading: its text lower-cased, without punctuation, spaces as hyphens."""
    text = re.sub(r"&#?\w+;|\\", "", heading.replace("`", "")).lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")
