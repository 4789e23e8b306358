"""The finished report: what every reporter renders and what ``--format json`` writes.

Plain dataclasses with a JSON round trip (``to_dict`` / ``from_dict``), so that a saved JSON
report can be rendered again in any format (``readiness report``) without the rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from functools import cache
from operator import attrgetter
from typing import Any, Callable, Iterable, Iterator

SCHEMA_VERSION = 1
PASS, FAIL, WAIVED, SKIPPED, ERROR = "pass", "fail", "waived", "skipped", "error"
STATUSES = (FAIL, ERROR, WAIVED, PASS, SKIPPED)
READY, AT_RISK, NOT_READY = "ready", "ready_with_risks", "not_ready"
VERDICT_TEXT = {READY: "Ready", AT_RISK: "Ready with risks", NOT_READY: "Not ready"}
# Note.kind for waivers that do not count as written (readiness.waivers)
WAIVER_EXPIRED, WAIVER_STALE, WAIVER_UNKNOWN, WAIVER_FORBIDDEN, WAIVER_DUPLICATE = "waiver_expired", "waiver_stale", "waiver_unknown_rule", "waiver_forbidden", "waiver_duplicate"
WAIVER_NOT_WAIVABLE, WAIVER_BEYOND_HORIZON, WAIVER_NO_OWNER = "waiver_not_waivable", "waiver_beyond_horizon", "waiver_no_owner"
# Notes of these kinds name a waiver that was written for a failing rule and does not count: the gate says why
WAIVER_REFUSED = (WAIVER_EXPIRED, WAIVER_FORBIDDEN, WAIVER_NOT_WAIVABLE, WAIVER_BEYOND_HORIZON, WAIVER_NO_OWNER)
# Note.kind for failing rules that the declared risk tier judges less severe than an undeclared tier would (readiness.engine)
RISK_LOWERED = "risk_lowered"
# Result.baseline: how a finding compares with --baseline (readiness.baseline)
NEW, UNCHANGED, FIXED = "new", "unchanged", "fixed"
NOT_COVERED = "not_covered"  # a framework item no applicable rule addresses
# The rule vocabulary a report is written in; here, not in readiness.rules, so that rendering a
# saved report (``readiness report``) does not import the rule loader and PyYAML.
SEVERITIES = ("critical", "high", "medium", "low")
BLOCKING = ("critical", "high")  # a failure of these severities makes a manifest not ready
CATEGORIES = {
    "versioning": "Versioning & reproducibility",
    "data": "Data",
    "evaluation": "Evaluation",
    "release": "Release & rollback",
    "monitoring": "Monitoring & observability",
    "cost": "Cost",
    "security": "Security & safety",
    "governance": "Governance & ownership",
}


def category_title(category: str) -> str:
    return CATEGORIES.get(category, category.replace("_", " ").capitalize())


def covered_kinds(declared: Iterable[str]) -> set[str]:
    """The kinds a declaration covers: those it names, and llm when it names rag or agent (readiness.capabilities)."""
    covered = set(declared)
    return covered | {"llm"} if covered & {"rag", "agent"} else covered


class Compact:
    """For the slots dataclasses a report holds by the hundred: pickled as (class, field values),
    twice as fast both ways as the default slots state (worker processes send reports back)."""

    __slots__ = ()

    def __reduce__(self) -> tuple:
        return type(self), _field_values(type(self))(self)


@cache
def _field_values(cls: type) -> Callable[[Any], tuple]:
    names = cls.__slots__
    return attrgetter(*names) if len(names) > 1 else lambda item: (getattr(item, names[0]),)


@dataclass(slots=True)
class Location(Compact):
    file: str
    pointer: str
    line: int
    column: int


@dataclass
class RuleInfo:
    id: str
    title: str
    category: str
    category_title: str
    severity: str
    remediation: str
    why: str
    references: list[str] = field(default_factory=list)


@dataclass
class Waiver:
    reason: str
    owner: str
    expires: str
    location: Location | None = None


@dataclass(frozen=True, slots=True)
class Result(Compact):
    """One rule's outcome for one manifest; frozen, because one result may be shared by many manifests
    (a skip with the same reason): change one with :func:`dataclasses.replace`."""

    rule: str
    status: str
    severity: str
    message: str
    location: Location | None = None
    credit: float = 0.0
    waiver: Waiver | None = None
    baseline: str | None = None  # with --baseline, for a fail or error: NEW or UNCHANGED
    remediation: str | None = None  # for a fail or error: the rule's remediation for this system's kind, when it has its own


@dataclass
class Note:
    """Something the report must say that is not a rule result (a stale waiver, say)."""

    message: str
    location: Location | None = None
    kind: str = ""  # WAIVER_* for waiver notes
    rule: str | None = None


@dataclass(slots=True)
class TurnedOff(Compact):
    """A rule that a declaration turned off (``service.kind``, ``handles_pii: false``, …), and the reason given."""

    rule: str
    declaration: str  # the declared field, e.g. service.handles_pii
    value: Any
    rationale: str | None = None  # the team's reason (service.rationale.<flag>), if any
    location: Location | None = None


@dataclass
class CategoryScore:
    category: str
    title: str
    score: float | None
    counts: dict[str, int]
    failing: str | None = None  # the most severe severity among its failed or errored rules, if any


@dataclass(slots=True)
class RuleStatus(Compact):
    """One rule's status in this audit, as a framework view cites it."""

    rule: str
    status: str


@dataclass
class MtsTest:
    """One ML Test Score test: the credit the manifest's evidence earns, and the rules that map to it."""

    id: str
    title: str
    mode: str
    points: float
    evidence: str | None = None
    problem: str | None = None
    rules: list[RuleStatus] = field(default_factory=list)
    contradicted_by: list[str] = field(default_factory=list)


@dataclass
class MtsSection:
    section: str
    title: str
    score: float
    tests: list[MtsTest]


@dataclass
class MlTestScore:
    final: float
    band: str
    sections: list[MtsSection]


@dataclass(slots=True)
class CoverageItem(Compact):
    id: str
    name: str
    status: str
    group: str | None = None
    rules: list[RuleStatus] = field(default_factory=list)


@dataclass
class Coverage:
    """One framework (OWASP LLM Top 10, NIST AI RMF, EU AI Act): its items and how this audit covers them."""

    framework: str
    title: str
    items: list[CoverageItem]


@dataclass
class Frameworks:
    requested: list[str]
    coverage: list[Coverage]
    ml_test_score: MlTestScore | None = None


@dataclass
class ManifestReport:
    file: str
    service: str | None
    kind: str | None  # the declared kind, or kinds joined by ", "
    risk: str | None
    verdict: str
    score: float | None
    weakest: str | None
    categories: list[CategoryScore]
    results: list[Result]
    notes: list[Note] = field(default_factory=list)
    fixed: list[Result] = field(default_factory=list)  # with --baseline: its findings that are gone (status FIXED)
    frameworks: Frameworks | None = None
    score_without_waivers: float | None = None  # every waived rule counted as the failure it is
    verdict_without_waivers: str | None = None  # None in a report saved before waivers were shown this way
    declared_share: float | None = None  # percent of the earned score from rules that take the manifest's word (scoring.declared_share)

    capabilities: list[str] = field(default_factory=list)  # the kinds whose rules applied: declared ∪ inferred from the facts
    turned_off: list[TurnedOff] = field(default_factory=list)


@dataclass
class ConfigChange:
    """One thing the configuration, the command line or the organisation policy changed about the audit."""

    kind: str  # checklist, deselected, severity, options, waivers, gate, weights, as_of or policy_floor
    source: str  # the config or policy file, or "the command line"
    message: str
    rules: list[str] = field(default_factory=list)
    loosens: bool = False  # hides, lowers or excuses a critical or high rule, or loosens the gate


@dataclass
class Configuration:
    """What the run was told beyond the rules: the files it read, and every change they made."""

    config: str | None = None
    policy: str | None = None
    changes: list[ConfigChange] = field(default_factory=list)


@dataclass
class Gate:
    fail_on: str
    min_score: float | None
    passed: bool
    reasons: list[str] = field(default_factory=list)
    category_min: dict[str, float] = field(default_factory=dict)
    baseline: str | None = None  # the baseline report: only new findings fail the gate
    loosened_by: list[str] = field(default_factory=list)  # "SOURCE change" for every change that loosens the audit


@dataclass
class PortfolioRow:
    """One service in the overview a multi-service review opens with (:func:`readiness.portfolio.rows`)."""

    file: str
    service: str | None
    kind: str | None
    risk: str | None
    verdict: str
    score: float | None
    weakest: str | None  # the weakest category's title
    weakest_score: float | None
    blockers: int  # failed or errored critical and high rules
    failures: int  # every failed or errored rule
    waivers: int


@dataclass
class Report:
    tool_version: str
    as_of: str
    rules: dict[str, RuleInfo]
    manifests: list[ManifestReport]
    gate: Gate
    weights: dict[str, float]
    configuration: Configuration = field(default_factory=Configuration)
    schema_version: int = SCHEMA_VERSION
    portfolio: list[PortfolioRow] = field(default_factory=list)  # one row per manifest, worst first
    category: str = "readiness"  # the code scanning category (SARIF automationDetails.id is CATEGORY/)
    repository_prefix: str = ""  # the folder the paths are relative to, relative to the repository root ("services/")

    def remediation(self, result: Result) -> str:
        """How to fix ``result``: the advice for its system's kind when the rule has one, else the rule's."""
        return result.remediation or self.rules[result.rule].remediation

    def to_dict(self, manifests: Callable[[Iterator[dict[str, Any]]], Any] | None = None) -> dict[str, Any]:
        """The report as JSON-shaped data; read only: equal parts may be one shared object.

        With ``manifests``, the manifests' data is made one manifest at a time as ``manifests``
        consumes the iterator it is given (the JSON writer streams them), so that the data of a
        fleet is never all in memory at once."""
        if manifests is None:
            return _as_dict(self, {})
        converted: dict[int, dict] = {}
        return {
            name: manifests(_as_dict(manifest, {}) for manifest in self.manifests) if name == "manifests" else _as_dict(getattr(self, name), converted)
            for name in _field_names(Report)
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Report":
        return _build(cls, data)


def _as_dict(value: Any, converted: dict[int, dict]) -> Any:
    """``dataclasses.asdict`` for a report, in a quarter of the time: its leaves are str, numbers, booleans
    and None, which asdict's deep copy returns as they are, so this copies nothing but containers
    (and returns a leaf before any other test: most of a report is leaves).
    The small records a report holds by the hundred (:class:`Compact`) are often one object shared
    by many manifests (a skip, a coverage item): each is converted once, by ``id`` in ``converted``."""
    kind = value.__class__
    if kind in _LEAVES:
        return value
    names = _field_names(kind)
    if names:
        if isinstance(value, Compact):
            known = converted.get(id(value))
            if known is None:
                known = converted[id(value)] = _fields_as_dict(value, names, converted)
            return known
        return _fields_as_dict(value, names, converted)
    if isinstance(value, list):
        return [item if item.__class__ in _LEAVES else _as_dict(item, converted) for item in value]
    if isinstance(value, dict):
        return {_as_dict(key, converted): _as_dict(item, converted) for key, item in value.items()}
    if isinstance(value, tuple):
        return tuple(_as_dict(item, converted) for item in value)
    return value


def _fields_as_dict(value: Any, names: tuple[str, ...], converted: dict[int, dict]) -> dict[str, Any]:
    return {name: item if (item := getattr(value, name)).__class__ in _LEAVES else _as_dict(item, converted) for name in names}


_LEAVES = frozenset({str, int, float, bool, type(None)})


@cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(item.name for item in fields(cls)) if hasattr(cls, "__dataclass_fields__") else ()


_NESTED: dict[str, Any] = {}


def _build(kind: Any, data: Any) -> Any:
    """Rebuild a dataclass tree from its ``asdict`` form (types from the field annotations)."""
    values = {}
    for item in fields(kind):
        if item.name not in data:
            continue
        value = data[item.name]
        target = _NESTED.get(f"{kind.__name__}.{item.name}")
        if target is None or value is None:
            values[item.name] = value
        elif isinstance(value, list):
            values[item.name] = [_build(target, v) for v in value]
        elif item.name == "rules":
            values[item.name] = {k: _build(target, v) for k, v in value.items()}
        else:
            values[item.name] = _build(target, value)
    return kind(**values)


_NESTED.update({
    "Report.rules": RuleInfo,
    "Report.manifests": ManifestReport,
    "Report.gate": Gate,
    "Report.configuration": Configuration,
    "Report.portfolio": PortfolioRow,
    "Configuration.changes": ConfigChange,
    "ManifestReport.categories": CategoryScore,
    "ManifestReport.results": Result,
    "ManifestReport.notes": Note,
    "Result.location": Location,
    "Result.waiver": Waiver,
    "Waiver.location": Location,
    "ManifestReport.fixed": Result,
    "Note.location": Location,
    "ManifestReport.turned_off": TurnedOff,
    "TurnedOff.location": Location,
    "ManifestReport.frameworks": Frameworks,
    "Frameworks.coverage": Coverage,
    "Frameworks.ml_test_score": MlTestScore,
    "MlTestScore.sections": MtsSection,
    "MtsSection.tests": MtsTest,
    "MtsTest.rules": RuleStatus,
    "Coverage.items": CoverageItem,
    "CoverageItem.rules": RuleStatus,
})
