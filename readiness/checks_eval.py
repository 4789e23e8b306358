"""Check functions over evaluation runs: the results meet every threshold, the run evaluated what
ships, and each quality dimension is measured by a method that can measure it.

A run is ``evaluation.last_run`` or ``evaluation.fallback_run``: a date and a cited results file
(JSON or JSONL, read by :func:`readiness.evidence.parse_results`; see docs/results-format.md).
Every problem with the file is a failure naming the file and line, never a crash.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any

from . import evidence as ev
from .dates import parse_date, recorded_day
from .files import describe
from .functions import Call, function
from .loader import JsonPath
from .paths import display

_RUN = {"enum": ["last_run", "fallback_run"]}
_PARTS = ("model", "prompts", "config", "parameters", "retrieval", "fallback", "date")


def _read_run(evaluation: Any, run: str, call: Call) -> tuple[ev.Results | None, str | None]:
    """The parsed results file of ``evaluation[run]``, or the reason there is none."""
    if not isinstance(evaluation, dict):
        return None, f"{call.where} is {describe(evaluation)}, expected the evaluation section"
    cited = (evaluation.get(run) or {}).get("results")
    if not isinstance(cited, str):
        return None, f"{call.where}.{run}.results is missing: cite the results file of the run"
    try:
        return call.evidence.parsed(cited, ev.parse_results), None
    except ev.EvidenceProblem as problem:
        return None, f"{call.where}.{run}.results: {problem}"


def _meets(value: float, threshold: float, lower_is_better: bool) -> bool:
    return value <= threshold if lower_is_better else value >= threshold


# Words that make a metric's name read as lower is better, unless a word of the other list is there too
# (error_free_rate, jailbreak_block_rate): then the name does not say, and the default stands.
_LOWER_WORDS = frozenset({
    "latency", "ms", "seconds", "duration", "ttft", "cost", "usd", "price", "error", "errors", "failure", "failures",
    "unsafe", "toxic", "toxicity", "harm", "harmful", "hallucination", "hallucinations", "leak", "leakage", "violation",
    "violations", "jailbreak", "injection", "attack", "drift", "loss", "perplexity", "mae", "mse", "rmse", "mape", "wer",
    "cer", "fpr", "fnr", "false", "regret", "ece",
})
_HIGHER_WORDS = frozenset({
    "free", "met", "within", "under", "saved", "savings", "reduction", "avoided", "caught", "detected", "detection", "block",
    "blocked", "prevented", "prevention", "resistance", "robustness", "recall", "precision", "accuracy", "f1", "auc",
    "coverage", "pass", "success", "correct", "correctness", "compliance", "adherence",
})


def direction_problem(name: Any, direction: Any) -> str | None:
    """Why a metric's comparison is ambiguous, to follow its name in a message: no ``direction`` is
    declared, so it is compared as higher is better, but its name reads as lower is better
    (``unsafe_action_rate``, ``p95_latency_ms``). None when a direction is declared or the name does not say."""
    if direction is not None or not isinstance(name, str):
        return None
    words = set(re.split(r"[^a-z0-9]+", name.lower()))
    lower = sorted(words & _LOWER_WORDS)
    if not lower or words & _HIGHER_WORDS:
        return None
    return (f"declares no direction, so it is compared as higher is better, but its name reads as lower is better ({', '.join(lower)}): "
            "declare direction: lower_is_better or higher_is_better")


def _label(metric: dict) -> str:
    return f"{metric.get('name')}[{metric['slice']}]" if metric.get("slice") else str(metric.get("name"))


@function("results_meet_thresholds", options={"tolerance": {"type": "number", "minimum": 0}, "run": _RUN}, reads_evidence=True)
def results_meet_thresholds(value: Any, options: dict, call: Call) -> str | None:
    """The value is the ``evaluation`` section: it declares metrics, every one with a threshold; the results
    file of ``run`` (``last_run``, the default, or ``fallback_run``) has a value for each that meets it; every
    metric the file measures is one the manifest gates; and any ``score`` the manifest declares equals the
    measured value (within ``tolerance``, default 0.005)."""
    metrics = [metric for metric in (value.get("metrics") if isinstance(value, dict) else None) or [] if isinstance(metric, dict)]
    if not metrics:
        return f"{call.where}.metrics declares no metric, so no result can fail: declare each metric with its threshold"
    run = options.get("run", "last_run")
    results, problem = _read_run(value, run, call)
    if results is None:
        return problem
    tolerance = options.get("tolerance", 0.005)
    problems = []
    for metric in metrics:
        label, measured = _label(metric), results.metrics.get((metric.get("name"), metric.get("slice")))
        if not isinstance(metric.get("threshold"), (int, float)):
            if run == "last_run":  # reported once, by the rule over the last run
                found = f" ({results.cited} says {measured})" if measured is not None else ""
                problems.append(f"{label} has no threshold, so its result{found} can never fail: declare one")
        elif measured is None:
            problems.append(f"{label} has no value in {results.cited}")
        elif ambiguous := direction_problem(metric.get("name"), metric.get("direction")):
            problems.append(f"{label} ({measured} against {metric['threshold']}) {ambiguous}")
        else:
            if run == "last_run" and "score" in metric and not math.isclose(metric["score"], measured, abs_tol=tolerance):
                problems.append(f"{label} is declared as {metric['score']} but {results.cited} says {measured}")
            if not _meets(measured, metric["threshold"], metric.get("direction") == "lower_is_better"):
                problems.append(f"{label} measured {measured} misses its threshold {metric['threshold']}")
    if not any(isinstance(metric.get("threshold"), (int, float)) for metric in metrics):
        problems.insert(0, f"no metric in {call.where}.metrics has a threshold, so the run meets nothing")
    problems += _coverage_problems(value, results, call.where)
    declared = {metric.get("name") for metric in metrics}
    for name in sorted({name for name, _ in results.metrics if name not in declared}):
        shown = results.metrics.get((name, None), next(v for (n, _), v in results.metrics.items() if n == name))
        problems.append(f"{results.cited} measures {name} ({shown}), which no metric in {call.where}.metrics gates: declare it with a threshold, or record a number about the run itself (the judge's cost, its duration) outside metrics")
    return "; ".join(problems) or None


MIN_SHARE_EVALUATED = 0.9  # a run may lose a few examples to errors; one on a tenth of the data measured something else


def _coverage_problems(evaluation: dict, results: ev.Results, where: str) -> list[str]:
    """The run evaluated the data the manifest declares: a results file that names a dataset
    ``evaluation.datasets`` does not declare, or that counts far fewer samples than the declared size,
    met its thresholds on other data (a 3-example smoke test)."""
    datasets = [item for item in evaluation.get("datasets") or [] if isinstance(item, dict) and isinstance(item.get("name"), str)]
    if not datasets:
        return []
    problems = []
    target = datasets[0] if len(datasets) == 1 else None
    if results.dataset is not None:
        target = next((item for item in datasets if results.dataset in _names(item)), None)
        if target is None:
            declared = ", ".join(item["name"] for item in datasets)
            problems.append(f"{results.cited} says it ran on dataset {results.dataset!r}, which {where}.datasets does not declare ({declared})")
    size = target.get("size") if target is not None else None
    if results.samples is not None and isinstance(size, int) and not isinstance(size, bool) and results.samples < size * MIN_SHARE_EVALUATED:
        problems.append(f"{results.cited} says it evaluated {results.samples} samples, but {target['name']} holds {size}: "
                        "the thresholds were met on part of it; evaluate all of it, or declare the dataset the run used, with its size")
    return problems


def _names(dataset: dict) -> set[str]:
    """The names a results file may give a declared dataset: ``golden``, or with its version (``golden-v3``, ``golden@3``)."""
    name, version = dataset["name"], dataset.get("version")
    if version is None or isinstance(version, bool):
        return {name}
    return {name, f"{name}-v{version}", f"{name}-{version}", f"{name}@{version}", f"{name}:{version}", f"{name}_v{version}"}


@dataclass(frozen=True)
class _Shipped:
    """One fact of what ships, the key under ``evaluated`` that must record it, and where the manifest says it."""

    keys: tuple[str, ...]
    value: Any
    where: str
    what: str  # e.g. "model.version", "the SHA-256 of prompts/answer.md"
    both: bool = False  # the declared hash and the file's own, which agree
    day: bool = False  # a date: the run may record it as a timestamp of that day


def _text(value: Any) -> str:
    return str(value).strip().lower().removeprefix("sha256:")


_HASH = re.compile(r"^(sha256:)?[0-9a-fA-F]{64}$")


def _shown(value: Any) -> str:
    """A value for a message; a SHA-256 by its first 12 digits, as ``sha256sum`` output is compared by eye."""
    return f"{str(value).removeprefix('sha256:')[:12]}…" if isinstance(value, str) and _HASH.match(value) else repr(value)


def _same(recorded: Any, shipped: Any) -> bool:
    if isinstance(shipped, bool) or isinstance(recorded, bool):
        return recorded is shipped
    if isinstance(shipped, (int, float)) and isinstance(recorded, (int, float)):
        return math.isclose(recorded, shipped, rel_tol=1e-9)
    return _text(recorded) == _text(shipped)


def _same_fact(recorded: Any, fact: _Shipped) -> bool:
    """Whether the run records ``fact``; a date matches a timestamp of the same calendar day (2026-11-30T17:43:12Z)."""
    if fact.day:
        shipped_day, day = parse_date(fact.value), recorded_day(recorded)
        if shipped_day is not None and day is not None:
            return shipped_day == day
    return _same(recorded, fact.value)


def _mapping(node: Any) -> dict:
    return node if isinstance(node, dict) else {}


def _file_hash(declared: dict, path: JsonPath, keys: tuple[str, ...], call: Call) -> tuple[list[_Shipped], str | None]:
    """A cited file's identity as it ships: its declared sha256 and the hash of the file itself when it can be read."""
    facts = []
    if isinstance(declared.get("sha256"), str):
        facts.append(_Shipped(keys, declared["sha256"], call.place((*path, "sha256")), f"{display(path)}.sha256"))
    cited = declared.get("path")
    if isinstance(cited, str):
        try:
            actual = ev.sha256(call.evidence.read(cited))
        except ev.EvidenceProblem:
            actual = None  # an unreadable file is the hash and file rules' finding; the declared hash still ships
        if actual is not None and facts and _text(facts[0].value) == actual:
            facts[0] = _Shipped(keys, actual, facts[0].where, f"{facts[0].what} and the SHA-256 of {cited}", both=True)
        elif actual is not None:
            facts.append(_Shipped(keys, actual, call.place((*path, "path")), f"the SHA-256 of {cited}"))
    if not facts:
        return [], f"{display(path)} has neither a sha256 nor a readable file, so what ships cannot be compared with the run"
    return facts, None


def _model(model: dict, path: JsonPath, prefix: str, call: Call) -> list[_Shipped]:
    return [
        _Shipped((f"{prefix}_{key}",), model[key], call.place((*path, key)), display((*path, key)))
        for key in ("version", "digest") if isinstance(model.get(key), (str, int, float)) and not isinstance(model.get(key), bool)
    ]


def _shipped(part: str, run: str, call: Call) -> tuple[list[_Shipped], list[str]]:
    """What ships for one part, and the problems that keep it from being known."""
    root, model = call.root, _mapping(call.root.get("model"))
    facts: list[_Shipped] = []
    problems: list[str] = []
    if part == "model":
        fallback_run = run == "fallback_run"
        facts = _model(_mapping(model.get("fallback")) if fallback_run else model, ("model", "fallback") if fallback_run else ("model",), "model", call)
        if not facts:
            problems.append(f"{'model.fallback' if fallback_run else 'model'} declares neither a version nor a digest, so the run cannot be shown to have evaluated it")
    elif part == "fallback":
        facts = _model(_mapping(model.get("fallback")), ("model", "fallback"), "fallback", call)
    elif part == "prompts":
        for index, prompt in enumerate(root.get("prompts") or []):
            if isinstance(prompt, dict):
                found, problem = _file_hash(prompt, ("prompts", index), ("prompts", str(prompt.get("id"))), call)
                facts += found
                problems += [problem] if problem else []
    elif part == "config" and isinstance(model.get("config"), dict):
        found, problem = _file_hash(model["config"], ("model", "config"), ("config_sha256",), call)
        facts, problems = found, [problem] if problem else []
    elif part == "parameters":
        parameters = _mapping(model.get("parameters"))
        facts = [_Shipped(("parameters", name), setting, call.place(("model", "parameters", name)), f"model.parameters.{name}") for name, setting in parameters.items() if setting is not None]
    elif part == "retrieval":
        retrieval = _mapping(_mapping(root.get("data")).get("retrieval"))
        if "version" in retrieval:
            facts.append(_Shipped(("index_version",), retrieval["version"], call.place(("data", "retrieval", "version")), "data.retrieval.version"))
        if "version" in _mapping(retrieval.get("embedding_model")):
            path = ("data", "retrieval", "embedding_model", "version")
            facts.append(_Shipped(("embedding_version",), retrieval["embedding_model"]["version"], call.place(path), display(path)))
    elif part == "date":
        date = _mapping(_mapping(root.get("evaluation")).get(run)).get("date")  # None: recorded all the same, EVL001 asks for it
        facts = [_Shipped(("date",), date, call.place(("evaluation", run, "date")), f"evaluation.{run}.date", day=True)]
    return facts, problems


def _recorded(evaluated: dict, keys: tuple[str, ...]) -> Any:
    node: Any = evaluated
    for key in keys:
        node = node.get(key) if isinstance(node, dict) else None
    return node


def _shape(missing: list[_Shipped]) -> str:
    shape: dict = {}
    for fact in missing:
        node = shape
        for key in fact.keys[:-1]:
            node = node.setdefault(key, {})
        node[fact.keys[-1]] = "YYYY-MM-DD" if fact.value is None else fact.value
    return json.dumps(shape, default=str)


@function(
    "run_evaluated_what_ships",
    options={"run": _RUN, "parts": {"type": "array", "items": {"enum": list(_PARTS)}, "minItems": 1, "uniqueItems": True}},
    required=("parts",),
    reads_evidence=True,
)
def run_evaluated_what_ships(value: Any, options: dict, call: Call) -> str | None:
    """The value is the ``evaluation`` section: the results file of ``run`` (``last_run``, the default, or
    ``fallback_run``) records in its ``evaluated`` object the identity of everything in ``parts`` that the
    manifest declares, and each equals what ships: ``model`` (model.version / model.digest; the fallback's
    for ``fallback_run``), ``prompts`` (each prompts[*].sha256 and the prompt file's own hash), ``config``
    (model.config.sha256 and the config file's own hash), ``parameters`` (model.parameters), ``retrieval``
    (data.retrieval.version and embedding_model.version), ``fallback`` (model.fallback, compared when the run
    records it) and ``date`` (the run's date in the manifest; the file may record it as an ISO 8601 timestamp
    of that day, ``2026-11-30T17:43:12Z``)."""
    run = options.get("run", "last_run")
    results, problem = _read_run(value, run, call)
    if results is None:
        return problem
    problems, missing = [], []
    for part in options["parts"]:
        facts, unknown = _shipped(part, run, call)
        problems += unknown
        for fact in facts:
            recorded = _recorded(results.evaluated, fact.keys)
            if recorded is None:
                if part != "fallback" and all(fact.keys != known.keys for known in missing):
                    missing.append(fact)
            elif fact.value is not None and not _same_fact(recorded, fact):
                problems.append(f"{fact.what} ({fact.where}) {'are' if fact.both else 'is'} {_shown(fact.value)} but {results.place(*fact.keys)} records evaluated.{'.'.join(fact.keys)} {_shown(recorded)}")
    declared = _mapping(value.get(run)).get("model_version") if "model" in options["parts"] else None
    recorded_version = results.evaluated.get("model_version")
    if declared is not None and recorded_version is not None and _text(declared) != _text(recorded_version):
        problems.append(f"evaluation.{run}.model_version ({call.place(('evaluation', run, 'model_version'))}) is {declared!r} but {results.place('model_version')} records {recorded_version!r}")
    if missing:
        known = "records nothing about what it evaluated" if not results.evaluated else f"does not record {', '.join('evaluated.' + '.'.join(fact.keys) for fact in missing)}"
        problems.append(f"{results.cited} {known}: add to its \"evaluated\" object {_shape(missing)}")
    return "; ".join(problems) or None


_SUBJECTIVE_DIMENSIONS = frozenset({"quality", "correctness", "groundedness", "relevance", "safety", "helpfulness", "tone"})
_SUBJECTIVE_WORDS = ("correct", "grounded", "faithful", "helpful", "relevan", "tone", "coheren", "fluen", "quality", "harm", "toxic", "hallucinat", "safe", "unsafe", "polite", "empath")
_OBJECTIVE_WORDS = (
    "exact", "match", "recall", "precision", "accuracy", "f1", "auc", "ndcg", "mrr", "hit", "bleu", "rouge", "latency", "cost", "token",
    "valid", "schema", "format", "pars", "success", "action", "tool", "ms", "ece",
)
_OBJECTIVE_DIMENSIONS = frozenset({"format", "latency", "cost"})


def _subjectivity(metric: dict) -> str | None:
    """``"name"`` when a metric's name says it is a judgement call (correctness of an answer, groundedness,
    tone…), ``"dimension"`` when only its dimension does, None when it measures something a program checks."""
    words = [word for word in re.split(r"[^a-z0-9]+", str(metric.get("name", "")).lower()) if word]
    if any(word.startswith(_OBJECTIVE_WORDS) for word in words):
        return None
    if any(word.startswith(_SUBJECTIVE_WORDS) for word in words):
        return "name"
    return "dimension" if metric.get("dimension") in _SUBJECTIVE_DIMENSIONS else None


def _scored_by_program(metric: dict, call: Call) -> bool:
    """A metric whose name says nothing subjective may show that a program computes it (it counts tool
    calls without a confirmation, say) by citing that program as ``scorer``: a file in the repository."""
    scorer = metric.get("scorer")
    if not isinstance(scorer, str):
        return False
    try:
        call.evidence.read(scorer)
    except ev.EvidenceProblem:
        return False
    return True


def _metrics(value: Any) -> list[dict]:
    return [metric for metric in value if isinstance(metric, dict)] if isinstance(value, list) else []


@function("subjective_metrics_judged")
def subjective_metrics_judged(value: Any, options: dict, call: Call) -> str | None:
    """The value is ``evaluation.metrics``: every metric of a subjective dimension (correctness, groundedness,
    relevance, helpfulness, safety, tone, quality, or a name that says so, such as ``answer_correctness``) is
    judged by an LLM judge (``method: llm_judge``) or by people (``human``), whatever else its label says; a
    name that says it measures something a program checks (exact match, recall, latency, tool calls…) is
    objective, and so is a metric subjective by its dimension only that cites the program computing it as
    ``scorer`` (a file in the repository), such as an unsafe-action count over an agent's tool calls."""
    problems = []
    for metric in _metrics(value):
        subjectivity = _subjectivity(metric)
        if subjectivity is None or metric.get("method") in ("llm_judge", "human"):
            continue
        if subjectivity == "dimension" and _scored_by_program(metric, call):
            continue
        way_out = "" if subjectivity == "name" else "; if a program computes it (it counts tool calls, say), cite that program as scorer: PATH"
        problems.append(
            f"{_label(metric)} ({metric.get('dimension') or 'by its name'}) is a judgement, but its method is {metric.get('method', 'not declared')}: "
            f"score it with a calibrated llm_judge or with human review{way_out}"
        )
    return "; ".join(problems) or None


@function("objective_metrics_automated")
def objective_metrics_automated(value: Any, options: dict, call: Call) -> str | None:
    """The value is ``evaluation.metrics``: at least one metric is ``method: automated``, and every metric of an
    objective dimension (format, latency, cost) is automated rather than judged."""
    metrics = _metrics(value)
    problems = [
        f"{_label(metric)} measures {metric['dimension']}, which a program measures: set method: automated"
        for metric in metrics if metric.get("dimension") in _OBJECTIVE_DIMENSIONS and metric.get("method") in ("llm_judge", "human")
    ]
    if not any(metric.get("method") == "automated" for metric in metrics):
        problems.insert(0, f"{call.where} has no metric with method: automated")
    return "; ".join(problems) or None
