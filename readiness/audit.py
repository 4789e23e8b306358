"""The audit, end to end: plan → find → load → validate → evaluate → score → :class:`Report`.

The plan (:func:`plan`) turns the config, the command line and the organisation policy into the
rules and the :class:`AuditOptions` of the run.

Every manifest is loaded, validated and evaluated in turn, then let go: memory holds reports,
not documents. One bad file stops the run with the input errors of all files (exit 2) and no
report. Large runs are shared among worker processes (:mod:`readiness.batch`), in file order.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any, TYPE_CHECKING

from . import __version__, portfolio, schema
from .baseline import Baseline, compare as compare_with_baseline
from .capabilities import KINDS, declared_kinds, effective_kinds
from .config import Config, catalog, category_minimums
from .dates import parse_date
from .engine import Settings, evaluate
from .errors import InputError, InputErrors
from .evidence import Evidence, find_project_root
from .files import excerpt
from .frameworks import framework_views
from .loader import Document, Limits, display_path, load_file
from .plugins import BUILT_IN, Extensions
from .report import WAIVED, Configuration, ManifestReport, Report, RuleInfo, category_title
from .rules import DECLARATION, Rule
from .sources import read_sources
from .scoring import DEFAULT_WEIGHTS, Thresholds, categories, declared_share, gate, threshold_misses, verdict, weakest, weighted_score
from .waivers import without_waivers

if TYPE_CHECKING:
    from .policy import Policy

MANIFEST_NAMES = ("readiness.yaml", "readiness.yml")
MANIFEST_SUFFIXES = (".readiness.yaml", ".readiness.yml")
SKIPPED_FOLDERS = {"node_modules", "__pycache__", "venv", "site-packages"}


@dataclass
class AuditOptions:
    settings: Settings
    thresholds: Thresholds = field(default_factory=Thresholds)
    weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    limits: Limits = field(default_factory=Limits)
    root: Path | None = None  # None: each manifest's enclosing git work tree, else its folder
    root_set_by: str | None = None  # "--root" or the config that set ``root``, for messages
    frameworks: list[str] = field(default_factory=list)
    baseline: Baseline | None = None
    configuration: Configuration = field(default_factory=Configuration)  # what config, command line and policy changed
    shard: tuple[int, int] | None = None  # --shard K/N: audit only the K-th of N shares of the manifests found


def is_manifest_name(name: str) -> bool:
    """``readiness.yaml`` or ``NAME.readiness.yaml`` in any case (``Readiness.yaml`` on a case-insensitive
    file system is the same file); not ``.readiness.yaml``, the config file."""
    name = name.lower()
    return name in MANIFEST_NAMES or (name.endswith(MANIFEST_SUFFIXES) and not name.startswith(MANIFEST_SUFFIXES))


def discover(paths: list[Path]) -> list[Path]:
    """Files named on the command line, plus manifests found by name under folders."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            matches = []
            for folder, subfolders, files in os.walk(path):
                subfolders[:] = sorted(d for d in subfolders if not d.startswith(".") and d not in SKIPPED_FOLDERS)
                matches.extend(Path(folder) / name for name in sorted(files) if is_manifest_name(name))
            if not matches:
                raise InputError(f"no manifests found (looked for {', '.join(MANIFEST_NAMES)} and *{MANIFEST_SUFFIXES[0]})", display_path(path))
            found.extend(matches)
        elif path.exists() or path.is_symlink():
            found.append(path)
        else:
            raise InputError("no such file or folder", display_path(path))
    for path in found:  # a name is printed with every finding: no line breaks, controls or bidi overrides
        if not path.as_posix().isprintable():
            raise InputError(f"the file name {excerpt(path.as_posix(), 80)} has a control character; rename the file")
    return list(dict.fromkeys(found))


def load_checked(file: Path, limits: Limits) -> Document | list[InputError]:
    """One manifest, loaded and valid against the schema; else its input errors."""
    try:
        document = load_file(file, display_path(file), limits)
    except InputError as error:
        return [error]
    return schema.validate(document) or document


def load_all(files: list[Path], limits: Limits) -> list[Document]:
    checked = [load_checked(file, limits) for file in files]
    errors = [error for item in checked if isinstance(item, list) for error in item]
    if errors:
        raise InputErrors(errors)
    return checked  # type: ignore[return-value]


def audit_file(file: Path, rules: list[Rule], options: AuditOptions) -> ManifestReport | list[InputError] | InputError:
    """One manifest loaded, validated and audited: its report; else its input errors (a list), or the
    input error that stopped its audit (raised only if no file has input errors, as if audited later)."""
    checked = load_checked(file, options.limits)
    if isinstance(checked, list):
        return checked
    try:
        return audit_document(checked, file, rules, options)
    except InputError as error:
        return error


def audit_all(files: list[Path], rules: list[Rule], options: AuditOptions) -> list[ManifestReport]:
    from .batch import map_in_order

    outcomes = map_in_order(partial(audit_file, rules=rules, options=options), files, "Auditing")
    errors = [error for outcome in outcomes if isinstance(outcome, list) for error in outcome]
    if errors:
        raise InputErrors(errors)
    stopped = next((outcome for outcome in outcomes if isinstance(outcome, InputError)), None)
    if stopped is not None:
        raise stopped
    return outcomes


def audit_document(document: Document, file: Path, rules: list[Rule], options: AuditOptions) -> ManifestReport:
    base = file.resolve().parent
    evidence = Evidence(base, options.root or find_project_root(base), options.limits.max_evidence_bytes, options.root_set_by if options.root else None)
    document = read_sources(document, evidence, options.limits)
    results, notes, turned_off = evaluate(rules, document, options.settings, evidence)
    category_of = {rule.id: rule.category for rule in rules}
    scores = categories(results, category_of, options.weights)
    overall = weighted_score(results, options.weights)
    judged = verdict(results, threshold_misses(overall, scores, options.thresholds))
    unwaived_score, unwaived_verdict = overall, judged
    if any(result.status == WAIVED for result in results):
        unwaived = without_waivers(results)
        unwaived_score = weighted_score(unwaived, options.weights)
        unwaived_verdict = verdict(unwaived, threshold_misses(unwaived_score, categories(unwaived, category_of, options.weights), options.thresholds))
    service = document.data.get("service") if isinstance(document.data.get("service"), dict) else {}
    return ManifestReport(
        file=document.path,
        service=service.get("name"),
        kind=", ".join(declared_kinds(service.get("kind"))) or None,
        risk=service.get("risk"),
        verdict=judged,
        score=overall,
        weakest=weakest(scores),
        categories=scores,
        results=results,
        notes=notes,
        frameworks=framework_views(document.data, results, {rule.id: list(rule.references) for rule in rules}, options.frameworks),
        score_without_waivers=unwaived_score,
        verdict_without_waivers=unwaived_verdict,
        declared_share=declared_share(results, {rule.id for rule in rules if rule.verifies == DECLARATION}, options.weights),
        capabilities=list(effective_kinds(document.data) or KINDS),
        turned_off=turned_off,
    )


def run(paths: list[Path], rules: list[Rule], options: AuditOptions) -> Report:
    files = discover(paths)
    if options.shard:
        files = portfolio.take_shard(files, options.shard, [display_path(file) for file in files])
    manifests = audit_all(files, rules, options)
    if options.baseline:
        for manifest in manifests:
            compare_with_baseline(manifest, options.baseline)
    overrides = options.settings.severity_overrides
    return Report(
        tool_version=__version__,
        as_of=options.settings.as_of.isoformat(),
        rules={rule.id: replace(rule_info(rule), severity=overrides.get(rule.id, rule.severity)) for rule in rules},
        manifests=manifests,
        gate=gate(manifests, options.thresholds, options.baseline.path if options.baseline else None, options.configuration),
        weights=options.weights,
        configuration=options.configuration,
        portfolio=portfolio.rows(manifests),
        repository_prefix=portfolio.repository_prefix(Path.cwd(), options.root or find_project_root(Path.cwd().resolve())),
    )


def rule_info(rule: Rule) -> RuleInfo:
    return RuleInfo(rule.id, rule.title, rule.category, category_title(rule.category), rule.severity, rule.remediation, rule.why, list(rule.references))


@dataclass
class AuditRequest:
    """What the command line said; None or empty means "not given", so the config applies."""

    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    rule_packs: list[Path] = field(default_factory=list)
    fail_on: str | None = None
    min_score: float | None = None
    category_min: list[str] = field(default_factory=list)
    as_of: dt.date | None = None
    outputs: list[str] = field(default_factory=list)
    baseline: Path | None = None
    frameworks: list[str] = field(default_factory=list)
    root: Path | None = None


@dataclass
class AuditPlan:
    rules: list[Rule]
    options: AuditOptions
    outputs: list[str]  # FORMAT:PATH


def plan(config: Config, request: AuditRequest, policy: Policy | None = None, extensions: Extensions = BUILT_IN) -> AuditPlan:
    """The run's settings: the organisation policy's floors over command line over config over defaults.
    The checklist is the built-in one, the config's and the command line's packs and those of the run's
    plugins (``extensions``; default: no plugin), read against the functions these bring."""
    from . import baseline, changes, policy as policies
    from .waivers import CRITICAL_NOT_ALLOWED, DEFAULT_HORIZON_DAYS, WaiverPolicy

    policy = policy or policies.Policy()
    loaded = catalog(config, request.rule_packs, extensions)
    policies.check(policy, loaded)
    source = config.source or changes.COMMAND_LINE
    select, select_source = (request.select, changes.COMMAND_LINE) if request.select else (config.get("select", []), source)
    ignore, ignore_source = (request.ignore, changes.COMMAND_LINE) if request.ignore else (config.get("ignore", []), source)
    selected, rules = loaded.select(select), loaded.select(select, ignore)
    selected_ids, chosen_ids = {rule.id for rule in selected}, {rule.id for rule in rules}
    allowed = config.get("allow_waivers", [])
    forbidden = {"critical": CRITICAL_NOT_ALLOWED} if "critical" not in allowed else {}
    forbidden.update({severity: f"{source} forbids waivers on {severity} rules (forbid_waivers)" for severity in config.get("forbid_waivers", ())})
    wanted = policies.Wanted(
        rules=rules,
        deselected=[(select_source, [rule for rule in loaded.rules if rule.id not in selected_ids]), (ignore_source, [rule for rule in selected if rule.id not in chosen_ids])],
        severity={rule_id.upper(): severity for rule_id, severity in config.get("severity", {}).items()},
        severity_source=source,
        forbid_waivers=forbidden,
        max_waiver_days=config.get("max_waiver_days", DEFAULT_HORIZON_DAYS),
        max_waiver_days_source=source,
        fail_on=request.fail_on or config.get("fail_on", changes.DEFAULT_FAIL_ON),
        fail_on_source=changes.COMMAND_LINE if request.fail_on else source,
        min_score=request.min_score if request.min_score is not None else config.get("min_score"),
        min_score_source=changes.COMMAND_LINE if request.min_score is not None else source,
    )
    floors = policies.enforce(policy, loaded, wanted)
    configuration = Configuration(config.source, policy.source, changes.describe(loaded, wanted, config) + floors)
    as_of = request.as_of or (parse_date(config.get("as_of")) if config.get("as_of") else dt.date.today())
    overridden = {rule.id: rule for rule in loaded.rules if rule.id in wanted.severity}
    waivers = WaiverPolicy(wanted.forbid_waivers, wanted.max_waiver_days, frozenset(rule.id for rule in loaded.rules), frozenset(rule.id for rule in loaded.rules if not rule.waivable), overridden)
    settings = Settings(
        as_of,
        severity_overrides=wanted.severity,
        option_overrides=_with_waiver_horizon({rule_id.upper(): options for rule_id, options in config.get("options", {}).items()}, wanted.max_waiver_days),
        waivers=waivers,
    )
    root, root_set_by = config.root(request.root)
    thresholds = Thresholds(wanted.fail_on, wanted.min_score, {**config.get("category_min", {}), **category_minimums(request.category_min, loaded)})
    options = AuditOptions(
        settings,
        thresholds,
        weights={**DEFAULT_WEIGHTS, **config.get("weights", {})},
        limits=config.limits(),
        root=root,
        root_set_by=root_set_by,
        frameworks=request.frameworks,
        baseline=baseline.load(request.baseline) if request.baseline else None,
        configuration=configuration,
    )
    outputs = request.outputs or [_relative_output(config, item) for item in config.get("outputs", [])]
    return AuditPlan(wanted.rules, options, outputs)


def _with_waiver_horizon(overrides: dict[str, dict[str, Any]], horizon: int) -> dict[str, dict[str, Any]]:
    """The waiver horizon (max_waiver_days, or the policy's) is also the time box the waiver rule checks, so a
    waiver further out both does not count and fails that rule; an explicit option override still wins."""
    from .waivers import WAIVER_RULE

    return {**overrides, WAIVER_RULE: {"max_days": horizon, **overrides.get(WAIVER_RULE, {})}}


def _relative_output(config: Config, item: str) -> str:
    name, _, target = item.partition(":")
    return f"{name}:{(config.folder / target).as_posix()}"
