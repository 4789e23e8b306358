"""Framework views: the ML Test Score and coverage of OWASP LLM Top 10, NIST AI RMF and EU AI Act.

ML Test Score: see :data:`MTS_EXPLANATION` (kept as data, so that ``readiness explain --scoring``
has it under ``python -OO`` too).

Coverage: an item of a framework is addressed by the rules whose references name it
(``owasp:LLM06``, ``nist:MG-2.4``, ``eu:art-14``). Its status is the worst status of those
rules that apply to this system (fail, error, waived, pass); an item no applicable rule
addresses is ``not_covered``.

Both views are computed during the audit and carried in the report; reporters only render.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from functools import lru_cache

from .capabilities import effective_kinds
from .errors import InputError
from .report import (
    ERROR,
    FAIL,
    NOT_COVERED,
    SKIPPED,
    STATUSES,
    WAIVED,
    Coverage,
    CoverageItem,
    Frameworks,
    MlTestScore,
    MtsSection,
    MtsTest,
    Result,
    RuleStatus,
)

MTS_EXPLANATION = """\
ML Test Score (Breck et al., IEEE Big Data 2017, §VI.A), from ml_test_score.tests in the
manifest: each of the 28 tests earns 0 points when not done, 0.5 when it is run manually
with its results documented, 1 when a system runs it automatically on a repeated basis. A
test declared manual or automated without evidence text earns 0 (and is reported); so does
a claim the audit contradicts: a rule that references the test (``mts:infra-7``) fails,
errs or is waived (the view names the rules). An undeclared test earns 0.
Each section (Data, Model, Infrastructure, Monitoring) sums its seven tests (0 to 7);
the final score is the minimum of the four sections, read against the paper's Table V.
For each test the view also lists the rules that reference it with their status in this
audit, so that claimed evidence can be checked against what readiness found."""

ML_TEST_SCORE, OWASP_LLM, NIST_AI_RMF, EU_AI_ACT = "ml-test-score", "owasp-llm", "nist-ai-rmf", "eu-ai-act"
FRAMEWORK_TITLES = {
    ML_TEST_SCORE: "ML Test Score (Breck et al., 2017)",
    OWASP_LLM: "OWASP Top 10 for LLM Applications 2025",
    NIST_AI_RMF: "NIST AI RMF 1.0",
    EU_AI_ACT: "EU AI Act (Regulation (EU) 2024/1689)",
}
REFERENCE_PREFIX = {ML_TEST_SCORE: "mts", OWASP_LLM: "owasp", NIST_AI_RMF: "nist", EU_AI_ACT: "eu"}

MTS_SECTIONS = {"data": "Data", "model": "Model", "infra": "Infrastructure", "monitor": "Monitoring"}
# Short titles of the 28 tests, Tables I–IV of the 2017 paper.
MTS_TESTS = {
    "data-1": "Feature expectations are captured in a schema",
    "data-2": "All features are beneficial",
    "data-3": "No feature's cost is too much",
    "data-4": "Features adhere to meta-level requirements",
    "data-5": "The data pipeline has appropriate privacy controls",
    "data-6": "New features can be added quickly",
    "data-7": "All input feature code is tested",
    "model-1": "Model specs are reviewed and submitted",
    "model-2": "Offline and online metrics correlate",
    "model-3": "All hyperparameters have been tuned",
    "model-4": "The impact of model staleness is known",
    "model-5": "A simpler model is not better",
    "model-6": "Model quality is sufficient on important data slices",
    "model-7": "The model is tested for considerations of inclusion",
    "infra-1": "Training is reproducible",
    "infra-2": "Model specs are unit tested",
    "infra-3": "The ML pipeline is integration tested",
    "infra-4": "Model quality is validated before serving",
    "infra-5": "The model is debuggable",
    "infra-6": "Models are canaried before serving",
    "infra-7": "Serving models can be rolled back",
    "monitor-1": "Dependency changes result in notification",
    "monitor-2": "Data invariants hold for inputs",
    "monitor-3": "Training and serving are not skewed",
    "monitor-4": "Models are not too stale",
    "monitor-5": "Models are numerically stable",
    "monitor-6": "Computing performance has not regressed",
    "monitor-7": "Prediction quality has not regressed",
}
MTS_POINTS = {"none": 0.0, "manual": 0.5, "automated": 1.0}
# Table V of the 2017 paper: (upper bound of the final score, the band as printed, interpretation).
MTS_BANDS = (
    (0.0, "0", "More of a research project than a productionized system."),
    (1.0, "(0, 1]", "Not totally untested, but it is worth considering the possibility of serious holes in reliability."),
    (2.0, "(1, 2]", "There's been first pass at basic productionization, but additional investment may be needed."),
    (3.0, "(2, 3]", "Reasonably tested, but it's possible that more of those tests and procedures may be automated."),
    (5.0, "(3, 5]", "Strong levels of automated testing and monitoring, appropriate for mission-critical systems."),
    (7.0, "> 5", "Exceptional levels of automated testing and monitoring."),
)

OWASP_LLM_ITEMS = {
    "LLM01": "Prompt Injection",
    "LLM02": "Sensitive Information Disclosure",
    "LLM03": "Supply Chain",
    "LLM04": "Data and Model Poisoning",
    "LLM05": "Improper Output Handling",
    "LLM06": "Excessive Agency",
    "LLM07": "System Prompt Leakage",
    "LLM08": "Vector and Embedding Weaknesses",
    "LLM09": "Misinformation",
    "LLM10": "Unbounded Consumption",
}
NIST_FUNCTIONS = {"GV": "GOVERN", "MP": "MAP", "MS": "MEASURE", "MG": "MANAGE"}
# Subcategories of the AI RMF Core (NIST AI 100-1), shortened.
NIST_SUBCATEGORIES = {
    "GV-1.1": "Legal and regulatory requirements on AI are documented",
    "GV-1.3": "Risk management level follows risk tolerance",
    "GV-1.4": "Risk management runs on transparent policies and controls",
    "GV-1.5": "Risk management is monitored and periodically reviewed",
    "GV-1.6": "AI systems are inventoried",
    "GV-1.7": "AI systems can be decommissioned and phased out safely",
    "GV-2.1": "Roles, responsibilities and communication are documented",
    "GV-2.3": "Executive leadership owns AI risk decisions",
    "GV-3.2": "Roles for human-AI configurations and oversight are set",
    "GV-4.3": "Practices enable testing, incident finding and sharing",
    "GV-5.1": "Feedback from outside the team is collected and used",
    "GV-6.1": "Policies address third-party AI, data and software risks",
    "GV-6.2": "Contingency plans cover failures of third-party data or AI",
    "MP-1.1": "Intended purpose and deployment context are documented",
    "MP-2.2": "Knowledge limits and human use of output are documented",
    "MP-3.5": "Human oversight processes are defined and documented",
    "MP-4.1": "Legal and technology risks of components are mapped",
    "MP-4.2": "Risk controls for components (incl. third-party) exist",
    "MS-1.1": "Metrics for the most significant risks are selected",
    "MS-2.1": "Test sets, metrics and TEVV tools are documented",
    "MS-2.3": "Performance is measured in deployment-like conditions",
    "MS-2.4": "Functionality and behaviour are monitored in production",
    "MS-2.5": "Validity and reliability are shown; limits documented",
    "MS-2.6": "The system is evaluated regularly for safety risks",
    "MS-2.7": "Security and resilience are evaluated and documented",
    "MS-2.8": "Transparency and accountability risks are examined",
    "MS-2.9": "The model is explained, validated and documented",
    "MS-2.10": "Privacy risk is examined and documented",
    "MS-2.11": "Fairness and bias are evaluated and documented",
    "MS-2.13": "The effectiveness of TEVV metrics is evaluated",
    "MS-3.1": "Existing, unanticipated and emergent risks are tracked",
    "MS-3.3": "End users can report problems and appeal outcomes",
    "MS-4.1": "Measurement is connected to the deployment context",
    "MS-4.2": "Results in deployment are validated with domain experts",
    "MS-4.3": "Performance improvements or declines are documented",
    "MG-1.1": "A go/no-go decision is made before deployment",
    "MG-1.3": "Responses to high-priority risks are planned",
    "MG-2.1": "Resources to manage risks and non-AI alternatives considered",
    "MG-2.2": "Mechanisms sustain the value of deployed AI systems",
    "MG-2.3": "Procedures respond to and recover from unknown risks",
    "MG-2.4": "A misbehaving system can be disengaged or deactivated",
    "MG-3.1": "Risks and benefits of third-party resources are monitored",
    "MG-3.2": "Pre-trained models are monitored during maintenance",
    "MG-4.1": "Post-deployment monitoring plans are implemented",
    "MG-4.2": "Continual improvement is built into updates",
    "MG-4.3": "Incidents and errors are communicated and tracked",
}
EU_ARTICLES = {
    "4": "AI literacy",
    "5": "Prohibited AI practices",
    "6": "Classification rules for high-risk AI systems",
    "9": "Risk management system",
    "10": "Data and data governance",
    "11": "Technical documentation",
    "12": "Record-keeping",
    "13": "Transparency and provision of information to deployers",
    "14": "Human oversight",
    "15": "Accuracy, robustness and cybersecurity",
    "17": "Quality management system",
    "18": "Documentation keeping",
    "19": "Automatically generated logs",
    "20": "Corrective actions and duty of information",
    "26": "Obligations of deployers of high-risk AI systems",
    "27": "Fundamental rights impact assessment",
    "50": "Transparency obligations for certain AI systems",
    "53": "Obligations of providers of general-purpose AI models",
    "72": "Post-market monitoring",
    "73": "Reporting of serious incidents",
}
_EU_ARTICLE = re.compile(r"art-(\d+)", re.IGNORECASE)


def parse_frameworks(names: Iterable[str]) -> list[str]:
    """``--framework`` names (or ``all``) as the framework names they select, in a stable order."""
    chosen: set[str] = set()
    for name in names:
        if name == "all":
            chosen.update(FRAMEWORK_TITLES)
        elif name in FRAMEWORK_TITLES:
            chosen.add(name)
        else:
            close = difflib.get_close_matches(name, list(FRAMEWORK_TITLES), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise InputError(f"--framework: unknown framework {name!r}{hint} (expected {', '.join(FRAMEWORK_TITLES)} or all)")
    return [name for name in FRAMEWORK_TITLES if name in chosen]


def split_reference(reference: str) -> tuple[str, str]:
    """``"owasp:llm06"`` → ``("owasp", "LLM06")``: the prefix and the item id as the framework spells it."""
    prefix, _, item = reference.partition(":")
    prefix = prefix.lower()
    if prefix in ("owasp", "nist"):
        return prefix, item.upper()
    return prefix, item.lower()


def reference_title(reference: str) -> str | None:
    """The name of the item a rule reference points to (``mts:infra-7`` → "Serving models can be rolled back")."""
    prefix, item = split_reference(reference)
    if prefix == "mts":
        return MTS_TESTS.get(item)
    if prefix == "owasp":
        return OWASP_LLM_ITEMS.get(item)
    if prefix == "nist":
        return NIST_SUBCATEGORIES.get(item)
    if prefix == "eu":
        article = _EU_ARTICLE.match(item)
        return EU_ARTICLES.get(article.group(1)) if article else None
    return None


def mts_band(final: float) -> str:
    """The paper's Table V interpretation of a final score."""
    return next((text for bound, _, text in MTS_BANDS if final <= bound), MTS_BANDS[-1][2])


Citations = dict[tuple[str, str], list[str]]  # (prefix, item) → the rules whose references name it, in rule order


def citations(references: dict[str, list[str]]) -> Citations:
    """The rules' references indexed by item; built once per rule set, shared by every manifest (read only)."""
    return _citations(tuple((rule, tuple(refs)) for rule, refs in references.items()))


@lru_cache(maxsize=8)
def _citations(references: tuple[tuple[str, tuple[str, ...]], ...]) -> Citations:
    index: Citations = {}
    for rule, refs in references:
        for key in dict.fromkeys(map(split_reference, refs)):
            index.setdefault(key, []).append(rule)
    return index


def _statuses_citing(prefix: str, item: str, cited: Citations, results: dict[str, Result]) -> tuple[tuple[str, str], ...]:
    """(rule, status) of each rule in this audit whose references name the item."""
    return tuple((rule, results[rule].status) for rule in cited.get((prefix, item), ()) if rule in results)


def _rules_citing(prefix: str, item: str, cited: Citations, results: dict[str, Result]) -> list[RuleStatus]:
    return [_rule_status(rule, status) for rule, status in _statuses_citing(prefix, item, cited, results)]


@lru_cache(maxsize=None)
def _rule_status(rule: str, status: str) -> RuleStatus:
    """One RuleStatus per (rule, status), shared (read only): the views of every manifest cite the same
    few hundred pairs, about 190 times per manifest, so sharing saves memory and pickling."""
    return RuleStatus(rule, status)


def ml_test_score(manifest: dict, results: dict[str, Result], cited: Citations) -> MlTestScore:
    section = manifest.get("ml_test_score") if isinstance(manifest.get("ml_test_score"), dict) else {}
    declared = section.get("tests") if isinstance(section.get("tests"), dict) else {}
    sections = []
    for key, title in MTS_SECTIONS.items():
        tests = [_mts_test(test_id, declared.get(test_id) or {}, results, cited) for test_id in MTS_TESTS if test_id.startswith(f"{key}-")]
        sections.append(MtsSection(key, title, sum(test.points for test in tests), tests))
    final = min(item.score for item in sections)
    return MlTestScore(final, mts_band(final), sections)


def _mts_test(test_id: str, claim: dict, results: dict[str, Result], cited: Citations) -> MtsTest:
    mode = claim.get("mode", "none")
    evidence = (claim.get("evidence") or "").strip() or None
    points, problem = MTS_POINTS.get(mode, 0.0), None
    if points and evidence is None:
        points, problem = 0.0, f"declared {mode} but cites no evidence, so it earns 0"
    rules = _rules_citing("mts", test_id, cited, results)
    contradicted = [item.rule for item in rules if points and item.status in (FAIL, ERROR, WAIVED)]
    if contradicted:
        points, problem = 0.0, f"claimed {mode}, but {', '.join(contradicted)} did not pass in this audit, so it earns 0"
    return MtsTest(test_id, MTS_TESTS[test_id], mode, points, evidence, problem, rules, contradicted)


def worst_status(rules: list[RuleStatus]) -> str:
    applicable = [item.status for item in rules if item.status != SKIPPED]
    return min(applicable, key=STATUSES.index) if applicable else NOT_COVERED


def _numbers(item: str) -> list[int]:
    """Sort key by the numbers in an id, so that GV-1.10 follows GV-1.9 and art-9 precedes art-10."""
    return [int(number) for number in re.findall(r"\d+", item)]


def _items(framework: str, cited: Citations) -> list[tuple[str, str, str | None]]:
    """(id, name, group) of every item a view lists: the whole OWASP list, the NIST and EU items rules cite."""
    if framework == OWASP_LLM:
        return [(item, name, None) for item, name in OWASP_LLM_ITEMS.items()]
    prefix = REFERENCE_PREFIX[framework]
    named = {item for cited_prefix, item in cited if cited_prefix == prefix}
    if framework == NIST_AI_RMF:
        order = list(NIST_FUNCTIONS)
        ranked = sorted(named, key=lambda item: (order.index(item[:2]) if item[:2] in order else len(order), _numbers(item), item))
        return [(item, NIST_SUBCATEGORIES.get(item, ""), NIST_FUNCTIONS.get(item[:2], "other")) for item in ranked]
    return [(item, reference_title(f"eu:{item}") or "", None) for item in sorted(named, key=lambda item: (_numbers(item), item))]


def coverage(framework: str, results: dict[str, Result], cited: Citations) -> Coverage:
    prefix = REFERENCE_PREFIX[framework]
    items = []
    for item, name, group in _items(framework, cited):
        items.append(_coverage_item(item, name, group, _statuses_citing(prefix, item, cited, results)))
    return Coverage(framework, FRAMEWORK_TITLES[framework], items)


@lru_cache(maxsize=4096)
def _coverage_item(item: str, name: str, group: str | None, statuses: tuple[tuple[str, str], ...]) -> CoverageItem:
    """One CoverageItem per distinct (item, rule statuses), shared (read only) by every manifest that
    covers the item alike, as most of a fleet does."""
    rules = [_rule_status(rule, status) for rule, status in statuses]
    return CoverageItem(item, name, worst_status(rules), group, rules)


def framework_views(manifest: dict, results: list[Result], references: dict[str, list[str]], requested: list[str]) -> Frameworks:
    """Every coverage view (the OWASP LLM list only for LLM-based systems) and, when requested, the ML Test Score."""
    by_rule = {result.rule: result for result in results}
    views = [OWASP_LLM, NIST_AI_RMF, EU_AI_ACT] if effective_kinds(manifest) != ("ml",) else [NIST_AI_RMF, EU_AI_ACT]
    cited = citations(references)
    score = ml_test_score(manifest, by_rule, cited) if ML_TEST_SCORE in requested else None
    return Frameworks(list(requested), [coverage(view, by_rule, cited) for view in views], score)
