"""Checks for the incident classes of issue 14: capacity at the forecast peak, model retirement,
provider-side retention, licences, incident-derived eval cases, fine-tuned and self-hosted models,
feature denylists, feature tests and the simpler baseline.

Each function says whether it reads the file the manifest cites (``reads_evidence``) or takes the
manifest's word; a fact it needs and cannot find is named in its finding, never passed.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Callable, Iterator

from . import checks_cost, checks_eval, evidence_checks, evidence_formats as formats
from .dates import parse_date
from .evidence import EvidenceProblem, parse_results
from .files import describe, load_json, number
from .functions import MISSING, Call, function
from .placeholders import bare, is_placeholder

# Model APIs whose weights the provider serves: there is no artifact, remote code or base model of the team's to check.
HOSTED_APIS = frozenset({"openai", "azure", "azure_openai", "anthropic", "google", "vertex", "vertex_ai", "gemini", "bedrock", "aws_bedrock", "mistral", "cohere"})
# Licence identifiers (SPDX ids and common names) that forbid or restrict commercial use.
NON_COMMERCIAL = re.compile(r"(^|[-_ ])(nc|non[-_ ]?commercial|research([-_ ]only)?|academic|evaluation[-_ ]only|personal[-_ ]use)($|[-_ ])|^cc-by-nc", re.IGNORECASE)
INCIDENT_FIELDS = ("incident", "incident_id", "postmortem")


def _mapping(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def shipped_version(root: dict) -> tuple[str | None, str]:
    """The version that ships: ``release.version``, else ``model.version``; and where it was read."""
    for section, key in (("release", "version"), ("model", "version")):
        value = _mapping(root.get(section)).get(key)
        if isinstance(value, (str, int, float)) and not isinstance(value, bool) and str(value).strip():
            return str(value), f"{section}.{key}"
    return None, "release.version"


@function("load_test_at_peak", reads_evidence=True)
def load_test_at_peak(value: Any, options: dict, call: Call) -> str | None:
    """The value is ``release.load_test``: its ``peak_rps`` reaches the forecast peak (cost.traffic:
    requests_per_day / 86400 × peak_multiplier), its ``p95_ms`` is within ``monitoring.slo.latency_p95_ms``,
    and it ran against the version that ships: ``version`` equals ``release.version`` (else
    ``model.version``) and the cited ``report`` names that version in its text."""
    if not isinstance(value, dict):
        return f"{call.where} is {describe(value)}, expected the load test"
    problems = []
    rates, lacking = checks_cost.peak_rates(_mapping(call.root.get("cost")))
    tested = number(value.get("peak_rps"))
    if tested is None:
        problems.append(f"{call.where}.peak_rps is missing")
    if lacking:
        problems.append("cannot size the forecast peak without " + ", ".join(f"cost.{item}" for item in lacking))
    elif tested is not None and tested < rates["requests"] / 60:
        problems.append(f"{call.where}.peak_rps is {tested:g}, below the forecast peak of {rates['requests'] / 60:.2f} requests/second")
    p95, objective = number(value.get("p95_ms")), number(_mapping(_mapping(call.root.get("monitoring")).get("slo")).get("latency_p95_ms"))
    if p95 is None:
        problems.append(f"{call.where}.p95_ms is missing")
    elif objective is None:
        problems.append("monitoring.slo.latency_p95_ms is missing, so the tested p95 has no objective to meet")
    elif p95 > objective:
        problems.append(f"{call.where}.p95_ms is {p95:g}, over the latency SLO of {objective:g} ms")
    problems.extend(_tested_version(value, call))
    return "; ".join(problems) or None


def _tested_version(load_test: dict, call: Call) -> list[str]:
    ships, source = shipped_version(call.root)
    tested = load_test.get("version")
    if ships is None:
        return [f"{source} is missing, so nothing says which version must be load-tested"]
    if tested is None or str(tested) != ships:
        shown = "missing" if tested is None else repr(str(tested))
        return [f"{call.where}.version is {shown}, not the version that ships ({source}: {ships})"]
    content, problem = evidence_checks._read(load_test.get("report"), call, f"{call.where}.report")
    if problem:
        return [problem]
    try:
        text = formats.text_of(content, load_test["report"])
    except EvidenceProblem as error:
        return [str(error)]
    if _names_version(text, ships):
        return []
    start = text.find(ships)
    longer = _token_around(text, start, start + len(ships)).rstrip(".") if start >= 0 else ships
    seen = f": it names {longer!r}, another version" if longer != ships else ""
    return [f"{load_test['report']} does not name the version it tested ({ships}){seen}"]


# Around a version found in a text (fixed patterns: a version differs per manifest, and compiling a pattern
# for each costs more than the whole rule): what continues a longer version, what makes a bare number read as
# a version, how a registry writes app@9.
_VERSION_CHAR = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-")
_CONTINUES = re.compile(r"[A-Za-z0-9_-]|\.[A-Za-z0-9_-]")
_READS_AS_VERSION = re.compile(r"(?:(?<![A-Za-z0-9])[vV]|[@/#]|\b(?i:version|release|revision|build)\b[^.\n]{0,30}?[\s:#])$")
_REGISTRY_SEPARATOR = re.compile(r"[:/]|\s+(?i:version)\s+|\s+[vV]")


def _names_version(text: str, version: str) -> bool:
    """Whether the text names the version as a whole token: not inside a longer version (``app@91`` or
    ``app@9.1`` do not name ``app@9``); sentence punctuation after it (``app@9.``, ``app@9,``) is fine.
    ``app@9`` may be written as a registry does (``app:9``, ``models:/app/9``, ``app v9``, ``app version 9``).
    A bare number (``23``) names the version only where it reads as one (``v23``, ``version 23``,
    ``Model version under test: 23``, ``…/23``): "23 pods" does not."""
    if re.fullmatch(r"\d[\d.]*", version):
        return any(_READS_AS_VERSION.search(text, max(0, start - 48), start) for start, _ in _whole(text, version, lambda start: True))
    digit_first = version[:1].isdigit()  # "v14" names version 14
    if next(_whole(text, version, lambda start: _starts_token(text, start - 1 if digit_first and text[start - 1:start] in "vV" else start)), None):
        return True
    name, at, number = version.rpartition("@")
    if not (at and name and number):
        return False
    for start, end in _whole(text, name, lambda start: _starts_token(text, start), whole=False):
        separator = _REGISTRY_SEPARATOR.match(text, end)
        if separator and text.startswith(number, separator.end()) and not _CONTINUES.match(text, separator.end() + len(number)):
            return True
    return False


def _whole(text: str, token: str, starts: Callable[[int], bool], whole: bool = True) -> Iterator[tuple[int, int]]:
    """(start, end) of each occurrence of ``token`` that ``starts`` accepts and, with ``whole``, that no
    version character continues."""
    start = text.find(token)
    while start >= 0:
        end = start + len(token)
        if starts(start) and not (whole and _CONTINUES.match(text, end)):
            yield start, end
        start = text.find(token, start + 1)


def _starts_token(text: str, start: int) -> bool:
    return start <= 0 or text[start - 1] not in _VERSION_CHAR


def _token_around(text: str, start: int, end: int) -> str:
    """The version-like token that holds ``text[start:end]`` (``app@141`` around ``app@14``)."""
    while start > 0 and text[start - 1] in _VERSION_CHAR:
        start -= 1
    while end < len(text) and text[end] in _VERSION_CHAR:
        end += 1
    return text[start:end]


@function("retirement_beyond_horizon", options={"horizon_days": {"type": "integer", "minimum": 0}})
def retirement_beyond_horizon(value: Any, options: dict, call: Call) -> str | None:
    """The value is ``model.retirement``: the provider's retirement ``date`` for the pinned model falls
    more than ``horizon_days`` days (default 180) after ``release.launch_date`` (else the audit date), or
    more than the longer horizon the retirement itself declares; with no date announced, a ``watch``
    channel names where the provider's deprecation notices are followed. Takes the manifest's word for the date."""
    if not isinstance(value, dict):
        return f"{call.where} is {describe(value)}, expected the model's retirement date or a watch channel"
    date = parse_date(value.get("date"))
    if value.get("date") is not None and date is None:
        return f"{call.where}.date is {describe(value.get('date'))}, expected a date YYYY-MM-DD"
    if date is None:
        watch = value.get("watch")
        return None if isinstance(watch, str) and watch.strip() else f"{call.where} has neither the provider's retirement date nor a watch channel for deprecation notices"
    launch = parse_date(_mapping(call.root.get("release")).get("launch_date")) or call.as_of
    declared = value.get("horizon_days")
    horizon = options.get("horizon_days", 180)
    if isinstance(declared, int) and not isinstance(declared, bool):
        horizon = max(horizon, declared)  # a team may look further ahead, never less far
    if date <= launch + dt.timedelta(days=horizon):
        return f"the model retires on {date}, {(date - launch).days} days after {launch} (launch), inside the {horizon}-day horizon: migrate and re-evaluate before launch"
    return None


@function("provider_retention", options={"max_days": {"type": "integer", "minimum": 0}}, reads_evidence=True)
def provider_retention(value: Any, options: dict, call: Call) -> str | None:
    """The value is ``data.retention``: ``provider_logs_days`` (how long the model provider keeps prompts
    and outputs) is declared and at most ``max_days`` (default 30); zero retention is backed by the
    agreement it rests on, ``zero_retention_agreement``, a real document (see ``document``)."""
    if not isinstance(value, dict):
        return f"{call.where} is {describe(value)}, expected the retention section"
    days = value.get("provider_logs_days")
    limit = options.get("max_days", 30)
    if not isinstance(days, int) or isinstance(days, bool):
        return f"{call.where}.provider_logs_days is {describe(days) if days is not None else 'missing'}: say how long the provider keeps prompts and outputs"
    if days > limit:
        return f"{call.where}.provider_logs_days is {days}, over {limit} days"
    if days == 0:
        agreement = value.get("zero_retention_agreement", MISSING)
        if agreement is MISSING:
            return f"{call.where}.provider_logs_days is 0 but {call.where}.zero_retention_agreement does not cite the agreement that grants it"
        inner = Call(call.root, value, call.node_path, call.value_path + ("zero_retention_agreement",), call.as_of, call.evidence, call.document)
        return evidence_checks.document(agreement, {"min_words": 20}, inner)
    return None


@function("commercial_licences")
def commercial_licences(value: Any, options: dict, call: Call) -> str | None:
    """The value is the manifest: ``model.license`` is declared, and so is the ``license`` of the
    training and fine-tuning data it declares; unless ``service.commercial`` is false, none of them is a
    non-commercial or research-only licence (CC BY-NC, "research-only"…). Takes the manifest's word."""
    model, data = _mapping(value.get("model")), _mapping(value.get("data"))
    declared = [("model.license", model.get("license"))]
    if "training" in data:
        declared.append(("data.training.license", _mapping(data["training"]).get("license")))
    if "fine_tuning" in model:
        declared.append(("model.fine_tuning.data.license", _mapping(_mapping(model["fine_tuning"]).get("data")).get("license")))
    problems = [f"{where} is missing" for where, licence in declared if not (isinstance(licence, str) and licence.strip())]
    if _mapping(value.get("service")).get("commercial") is not False:
        problems += [
            f"{where} is {licence!r}, which does not allow commercial use (service.commercial is not false)"
            for where, licence in declared
            if isinstance(licence, str) and NON_COMMERCIAL.search(licence.strip())
        ]
    return "; ".join(problems) or None


@function("incident_cases", options={"min": {"type": "integer", "minimum": 1}}, reads_evidence=True)
def incident_cases(value: Any, options: dict, call: Call) -> str | None:
    """The value is the path of an eval set (CSV, JSON or JSONL) holding at least ``min`` (default 1)
    cases that name the incident they came from (an ``incident``, ``incident_id`` or ``postmortem`` field); a
    placeholder there (TBD, n/a, none, -, INC-XXXX) names no incident and does not count."""
    content, problem = evidence_checks._read(value, call, call.where)
    if problem:
        return problem
    try:
        found, _ = formats.records(content, value)
    except EvidenceProblem as error:
        return f"{call.where}: {error}"
    named, placeholders = [], []
    for _, record in found:
        given = [str(record.get(name) or "").strip() for name in INCIDENT_FIELDS]
        if any(text and not _placeholder_incident(text) for text in given):
            named.append(record)
        elif any(given):
            placeholders.extend(text for text in given if text)
    minimum = options.get("min", 1)
    if len(named) < minimum:
        shown = f"; {len(placeholders)} case(s) give a placeholder ({', '.join(map(repr, dict.fromkeys(placeholders[:5])))}) instead of the incident's id, which does not count" if placeholders else ""
        return f"{call.where}: {value} has {len(named)} case(s) naming an incident (field incident, incident_id or postmortem), expected at least {minimum}{shown}"
    return None


# Incident references that name no incident: a case "from production" whose incident is TBD is not traceable to one.
_PLACEHOLDER_INCIDENTS = frozenset({"no", "false", "pending", "incident", "inc"})


def _placeholder_incident(text: str) -> bool:
    """Whether an incident reference is a placeholder (TBD, n/a, none, -, ?, INC-XXXX), whatever its case and punctuation."""
    return is_placeholder(text, _PLACEHOLDER_INCIDENTS) or re.fullmatch(r"[a-z]*x{3,}", bare(text)) is not None


@function("denylist_unused", reads_evidence=True)
def denylist_unused(value: Any, options: dict, call: Call) -> str | None:
    """The value is ``data.features``: ``denylist`` names the features the model must never use, and
    none of them is a property of the serving input schema (``data.input_schema.path``, JSON Schema),
    which is read to check."""
    if not isinstance(value, dict):
        return f"{call.where} is {describe(value)}, expected the features section"
    denied = value.get("denylist")
    if not isinstance(denied, list) or not denied:
        return f"{call.where}.denylist is {describe(denied) if denied is not None else 'missing'}: name the features that must never be used (protected attributes, their proxies, leaky fields)"
    cited = _mapping(_mapping(call.root.get("data")).get("input_schema")).get("path")
    content, problem = evidence_checks._read(cited, call, "data.input_schema.path")
    if problem:
        return f"cannot check the denylist against the inputs: {problem}"
    try:
        schema = load_json(formats.text_of(content, cited))
    except (EvidenceProblem, ValueError) as error:
        return f"data.input_schema.path: {cited} is not a JSON Schema: {error}"
    used = sorted(set(map(str, denied)) & set(_properties(schema)))
    return f"{cited} takes denylisted feature(s) as input: {', '.join(used)}" if used else None


def _properties(schema: Any) -> set[str]:
    """Every property name declared anywhere in a JSON Schema."""
    names: set[str] = set()
    if isinstance(schema, dict):
        if isinstance(schema.get("properties"), dict):
            names |= set(schema["properties"])
        for child in schema.values():
            names |= _properties(child)
    elif isinstance(schema, list):
        for child in schema:
            names |= _properties(child)
    return names


@function("beats_baseline", reads_evidence=True)
def beats_baseline(value: Any, options: dict, call: Call) -> str | None:
    """The value is ``model.training.baseline``: a simpler model (``name``) was scored on the same metric
    (``metric``) and the model beats its ``score`` (lower is better when ``direction: lower_is_better``).
    The model's own score is read from the last eval run's results file when it measures that metric (a
    declared ``model_score`` must then agree with it); otherwise the declared ``model_score`` is taken.
    The baseline's score is taken as declared."""
    if not isinstance(value, dict):
        return f"{call.where} is {describe(value)}, expected the simpler baseline model and both scores"
    measured, cited = _measured_score(value.get("metric"), call)
    lacking = [key for key in ("name", "metric", "score", *(() if measured is not None else ("model_score",))) if value.get(key) is None]
    if lacking:
        return f"{call.where} lacks " + ", ".join(lacking)
    baseline, declared = number(value["score"]), number(value.get("model_score"))
    if baseline is None or (declared is None and measured is None):
        return f"{call.where}.score and model_score must be numbers"
    if measured is not None and declared is not None and abs(measured - declared) > 0.005:
        return f"{call.where}.model_score is {declared:g} but {cited} measured {value['metric']} {measured:g}: declare what the run measured"
    ambiguous = checks_eval.direction_problem(value["metric"], value.get("direction"))
    if ambiguous:
        return f"{call.where}: {value['metric']} {ambiguous}"
    model = measured if measured is not None else declared
    lower = value.get("direction") == "lower_is_better"
    if (model >= baseline) if lower else (model <= baseline):
        return f"the simpler model {value['name']} scores {baseline:g} on {value['metric']}, and the model {model:g}: it does not beat its baseline"
    return None


def _measured_score(metric: Any, call: Call) -> tuple[float | None, str | None]:
    """The value of ``metric`` in the results file ``evaluation.last_run.results`` cites, when it can be read."""
    cited = _mapping(_mapping(call.root.get("evaluation")).get("last_run")).get("results")
    if not isinstance(metric, str) or not isinstance(cited, str):
        return None, None
    try:
        results = call.evidence.parsed(cited, parse_results)
    except EvidenceProblem:  # EVL001 reports an unreadable results file
        return None, None
    return results.metrics.get((metric, None)), cited


def _declares(model: dict, keys: tuple[str, ...]) -> bool:
    return any(model.get(key) not in (None, "", {}) for key in keys)


@function("self_hosted_model", accepts_missing=True)
def self_hosted_model(value: Any, options: dict, call: Call) -> str | None:
    """For ``when``: the value (``model``) is a model whose weights the team serves: it declares
    ``weights``, ``fine_tuning`` or ``trust_remote_code``, or its provider is not a hosted model API
    (OpenAI, Anthropic, Google, Bedrock, Azure, Mistral, Cohere). A model with no provider counts as self-hosted."""
    model = _mapping(value)
    provider = model.get("provider")
    if _declares(model, ("weights", "fine_tuning", "trust_remote_code")) or not isinstance(provider, str) or provider.lower() not in HOSTED_APIS:
        return None
    return f"model.provider is {provider}, a hosted model API that serves its own weights"


@function("fine_tuned_model", accepts_missing=True)
def fine_tuned_model(value: Any, options: dict, call: Call) -> str | None:
    """For ``when``: the value (``model``) is fine-tuned: it declares ``fine_tuning``, or its version or
    name is a fine-tune id (``ft:…``, OpenAI's convention)."""
    model = _mapping(value)
    if "fine_tuning" in model or any(str(model.get(key, "")).startswith("ft:") for key in ("version", "name")):
        return None
    return "the model declares no fine_tuning and its version is not a fine-tune id (ft:…)"


def _captures_feedback(root: dict) -> bool:
    records = _mapping(root.get("tracing")).get("records")
    signals = _mapping(root.get("monitoring")).get("signals")
    return (
        (isinstance(records, list) and any(isinstance(item, str) and "feedback" in item for item in records))
        or (isinstance(signals, list) and any(_mapping(signal).get("type") == "feedback" for signal in signals))
        or _mapping(_mapping(root.get("evaluation")).get("online")).get("feedback") is True
    )


@function("feedback_captured", accepts_missing=True)
def feedback_captured(value: Any, options: dict, call: Call) -> str | None:
    """For ``when``: the system captures user feedback: ``tracing.records`` records it, a monitoring
    signal has ``type: feedback``, or ``evaluation.online.feedback`` is true. The value is not used."""
    return None if _captures_feedback(call.root) else "no user feedback is captured (tracing.records, a feedback signal or evaluation.online.feedback)"


@function("document_mentions", options={"words": {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1}}, required=("words",), reads_evidence=True)
def document_mentions(value: Any, options: dict, call: Call) -> str | None:
    """The value is the path of a text document that mentions at least one of ``words`` (case-insensitive)."""
    content, problem = evidence_checks._read(value, call, call.where)
    if problem:
        return problem
    try:
        text = formats.text_of(content, value).lower()
    except EvidenceProblem as error:
        return f"{call.where}: {error}"
    if any(word.lower() in text for word in options["words"]):
        return None
    return f"{call.where}: {value} does not mention {' or '.join(options['words'])}"
