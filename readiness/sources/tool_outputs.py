"""What the eval and red-team tools teams run wrote: promptfoo results, lm-evaluation-harness results, Inspect AI logs, garak reports.

One reading per format, used in two places: as ``sources:`` facts (``eval_runs``, ``red_team``), and as the
evidence a manifest cites. An eval output cited at ``evaluation.last_run.results`` is read as an eval
results file (docs/results-format.md: its metrics, and an ``evaluated`` identity taken from what the tool
records: the model, the prompts' SHA-256, the date), so the checks that tie an eval to what ships work on
the tool's own file. A red-team output cited at ``security.red_team.findings`` is counted into open
findings by severity like a findings file.

Only documented fields are read:

- promptfoo ``promptfoo eval -o results.json``: ``results.results[]`` (``success``, ``score``,
  ``namedScores``, ``provider``, ``metadata``/``testCase.metadata`` with ``pluginId`` and ``severity`` for
  red-team tests), ``results.prompts[]`` (``raw``, ``label``), ``results.timestamp``;
- lm-evaluation-harness ``results*.json``: ``results`` (task → ``metric,filter`` → value), ``config.model``
  and ``config.model_args`` (``pretrained=…,revision=…``), ``model_name``, ``date`` (a Unix time);
- Inspect AI JSON logs (``--log-format json``): ``status``, ``eval.model``, ``eval.created``,
  ``results.scores[]`` (``name``, ``metrics`` → ``value``), ``results.completed_samples``;
- garak ``*.report.jsonl``: the ``start_run setup`` entry (``plugins.target_name`` or ``plugins.model_name``,
  ``transient.starttime_iso``) and one ``eval`` entry per probe and detector (``passed``, ``fails``,
  ``total_evaluated`` or the older ``total``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

from ..evidence import EvidenceProblem
from ..evidence_formats import SEVERITIES, RedTeam
from ..files import load_json, number

_PROMPT_FILE = re.compile(r"([\w./-]+)\.(txt|md|json|jsonl|yaml|yml|j2|jinja2?|prompt|py|js)\b")
_PROVIDER_MODES = ("chat:", "completion:", "messages:", "embedding:", "embeddings:", "responses:")
UNGRADED = "high"  # the severity of a finding the tool does not grade (garak; a promptfoo plugin without one)


@dataclass
class Run:
    """One eval run as the tool recorded it."""

    tool: str
    model: str | None
    evaluated: dict[str, Any]
    metrics: dict[str, float]
    tests: int | None = None
    failed: int | None = None
    red_team: RedTeam | None = None
    where: dict[str, str] = field(default_factory=dict)  # evaluated key → the JSON key that records it (for its line)


def _mapping(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def is_promptfoo(data: Any) -> bool:
    results = _mapping(_mapping(data).get("results"))
    return isinstance(results.get("results"), list) and (any(key in data for key in ("evalId", "config", "shareableUrl")) or "stats" in results)


def is_lm_eval(data: Any) -> bool:
    data = _mapping(data)
    results = data.get("results")
    return (isinstance(results, dict) and bool(results) and all(isinstance(value, dict) for value in results.values())
            and any(key in data for key in ("config", "versions", "n-shot", "higher_is_better")))


def is_garak(text: str) -> bool:
    first = next((line for line in text.splitlines() if line.strip()), "")
    return first.lstrip().startswith("{") and '"entry_type"' in first


def _day(value: Any) -> str | None:
    if number(value) is not None and value > 0:
        try:
            return dt.datetime.fromtimestamp(value, dt.timezone.utc).date().isoformat()
        except (OverflowError, OSError, ValueError):  # a time no calendar holds
            return None
    if isinstance(value, str) and re.match(r"^\d{4}-\d{2}-\d{2}", value):
        return value[:10]
    return None


def _model_id(provider: str) -> str:
    """``openai:chat:gpt-4o-2024-08-06`` → ``gpt-4o-2024-08-06``; ``bedrock:anthropic.claude-…-v1:0`` keeps its ``:0``."""
    _, colon, rest = provider.partition(":")
    if not colon or rest.startswith("//"):  # a URL target (an HTTP provider) is named by its URL
        return provider
    for mode in _PROVIDER_MODES:
        rest = rest.removeprefix(mode)
    return rest


def _prompt_key(label: str) -> str:
    """A prompt's id: the stem of the file it was read from (``file://prompts/answer.md`` → ``answer``), else its label."""
    found = _PROMPT_FILE.search(label)
    return found.group(1).rsplit("/", 1)[-1] if found else label


def promptfoo_run(data: dict) -> Run:
    results = _mapping(data.get("results"))
    rows = [_mapping(row) for row in _list(results.get("results"))]
    providers = sorted({str(_mapping(row.get("provider")).get("id") or row.get("provider")) for row in rows if row.get("provider")})
    model = providers[0] if len(providers) == 1 else None  # a run over several models is the evidence of none of them
    evaluated: dict[str, Any] = {"models": providers} if len(providers) > 1 else {}
    where = {}
    if model:
        evaluated["model_version"], where["model_version"] = _model_id(model), "provider"
    prompts = {_prompt_key(str(item.get("label") or item.get("raw"))): hashlib.sha256(item["raw"].encode("utf-8")).hexdigest()
               for item in map(_mapping, _list(results.get("prompts"))) if isinstance(item.get("raw"), str)}
    if prompts:
        evaluated["prompts"], where["prompts"] = prompts, "prompts"
    day = _day(results.get("timestamp")) or _day(_mapping(data.get("metadata")).get("timestamp"))
    if day:
        evaluated["date"], where["date"] = day, "timestamp"
    judged = [row for row in rows if isinstance(row.get("success"), bool)]
    failed = sum(1 for row in judged if not row["success"])
    metrics: dict[str, float] = {}
    if judged:
        metrics["pass_rate"] = round((len(judged) - failed) / len(judged), 6)
    scores = [row["score"] for row in rows if number(row.get("score")) is not None]
    if scores:
        metrics["score"] = round(sum(scores) / len(scores), 6)
    named: dict[str, list[float]] = {}
    for row in rows:
        for name, value in _mapping(row.get("namedScores")).items():
            if number(value) is not None:
                named.setdefault(str(name), []).append(value)
    metrics.update({name: round(sum(values) / len(values), 6) for name, values in named.items() if name not in metrics})
    return Run("promptfoo", model, evaluated, metrics, len(judged), failed, _promptfoo_red_team(data, rows), where)


def _plugin(row: dict) -> dict:
    """The red-team metadata of a result: on the result, or on its test case."""
    for metadata in (_mapping(row.get("metadata")), _mapping(_mapping(row.get("testCase")).get("metadata"))):
        if "pluginId" in metadata:
            return metadata
    return {}


def _promptfoo_red_team(data: dict, rows: list[dict]) -> RedTeam | None:
    attacks = [(row, _plugin(row)) for row in rows if _plugin(row)]
    if not attacks:
        return None
    open_by_severity = dict.fromkeys(SEVERITIES, 0)
    for row, plugin in attacks:
        if row.get("success") is False:  # the attack got through
            severity = str(plugin.get("severity", UNGRADED)).lower()
            open_by_severity[severity if severity in SEVERITIES else UNGRADED] += 1
    return RedTeam(sum(open_by_severity.values()), len(attacks), open_by_severity)


def _model_args(args: Any) -> dict[str, str]:
    if isinstance(args, dict):
        return {str(key): str(value) for key, value in args.items()}
    pairs = (part.partition("=") for part in str(args or "").split(","))
    return {key.strip(): value.strip() for key, equals, value in pairs if equals}


def lm_eval_run(data: dict) -> Run:
    config = _mapping(data.get("config"))
    args = _model_args(config.get("model_args"))
    model = args.get("pretrained") or args.get("model") or (data["model_name"] if isinstance(data.get("model_name"), str) else None)
    evaluated: dict[str, Any] = {}
    where = {}
    if args.get("revision") or model:
        evaluated["model_version"] = args.get("revision") or model
        where["model_version"] = "model_args"
    day = _day(data.get("date"))
    if day:
        evaluated["date"], where["date"] = day, "date"
    metrics: dict[str, float] = {}
    for task, values in data["results"].items():
        for key, value in values.items():
            name, _, kind = str(key).partition(",")
            if number(value) is not None and "stderr" not in name and kind:  # ``acc,none``: a metric and its filter
                metrics[f"{task}/{name}" + (f",{kind}" if kind != "none" else "")] = float(value)
    return Run("lm-evaluation-harness", model, evaluated, metrics, where=where)


def is_inspect(data: Any) -> bool:
    header = _mapping(_mapping(data).get("eval"))
    return "task" in header and "model" in header and ("results" in data or "status" in data)


def inspect_run(data: dict, cited: str) -> Run:
    header = _mapping(data.get("eval"))
    if data.get("status") not in (None, "success"):
        raise EvidenceProblem(f"{cited}: the Inspect log's status is {data.get('status')!r}: the run did not finish, so its scores are not the task's")
    model = str(header["model"])
    evaluated: dict[str, Any] = {"model_version": model.partition("/")[2] or model}
    where = {"model_version": "model"}
    day = _day(header.get("created"))
    if day:
        evaluated["date"], where["date"] = day, "created"
    metrics: dict[str, float] = {}
    for score in map(_mapping, _list(_mapping(data.get("results")).get("scores"))):
        for name, metric in _mapping(score.get("metrics")).items():
            value = _mapping(metric).get("value")
            if number(value) is not None and name != "stderr":
                metrics[f"{score.get('name', 'score')}/{name}"] = float(value)
    results = _mapping(data.get("results"))
    tests = results.get("completed_samples") if number(results.get("completed_samples")) is not None else None
    return Run("inspect", model, evaluated, metrics, tests, None, where=where)


def garak_run(text: str, cited: str) -> Run:
    setup: dict = {}
    open_high, pairs, attempts = 0, 0, 0
    for line_number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            entry = load_json(line)
        except json.JSONDecodeError as error:
            raise EvidenceProblem(f"{cited}:{line_number}: not valid JSON: {error.msg}") from None
        entry = _mapping(entry)
        kind = str(entry.get("entry_type", ""))
        if kind.endswith("setup") and not setup:
            setup = entry
        elif kind == "eval":
            passed, total = entry.get("passed"), entry.get("total_evaluated", entry.get("total"))
            if number(passed) is None or number(total) is None:
                raise EvidenceProblem(f"{cited}:{line_number}: an eval entry without numbers for passed and total_evaluated")
            fails = entry["fails"] if number(entry.get("fails")) is not None else total - passed
            pairs += 1
            attempts += int(total)
            open_high += fails > 0
    if not pairs or not attempts:
        raise EvidenceProblem(f"{cited}: a garak report with no evaluated attempts: the run did not finish, so nothing was found or cleared")
    model = setup.get("plugins.target_name") or setup.get("plugins.model_name")
    evaluated = {"model_version": str(model)} if model else {}
    day = _day(setup.get("transient.starttime_iso"))
    if day:
        evaluated["date"] = day
    open_by_severity = {**dict.fromkeys(SEVERITIES, 0), UNGRADED: open_high}
    where = {"model_version": "plugins.target_name" if "plugins.target_name" in setup else "plugins.model_name", "date": "transient.starttime_iso"}
    return Run("garak", str(model) if model else None, evaluated, {}, pairs, open_high, RedTeam(open_high, attempts, open_by_severity),
               {key: value for key, value in where.items() if key in evaluated})


def read(text: str, cited: str) -> Run | None:
    """The run a tool output records, or None when ``text`` is none of these formats."""
    if is_garak(text):
        return garak_run(text, cited)
    if not text.lstrip().startswith("{"):
        return None
    try:
        data = load_json(text)
    except json.JSONDecodeError:
        return None
    if is_promptfoo(data):
        return promptfoo_run(data)
    if is_lm_eval(data):
        return lm_eval_run(data)
    if is_inspect(data):
        return inspect_run(data, cited)
    return None


def results(document: Any, cited: str, text: str) -> Any:
    """An eval output read as an eval results file (:class:`readiness.evidence.Results`), or None when it is not one."""
    from ..evidence import Results  # evidence calls this module when a results file is a tool's own output

    if is_promptfoo(document):
        run = promptfoo_run(document)
    elif is_lm_eval(document):
        run = lm_eval_run(document)
    elif is_inspect(document):
        run = inspect_run(document, cited)
    else:
        return None
    if not run.metrics:
        raise EvidenceProblem(f"{cited}: a {run.tool} output with no scored result to read")
    return Results(cited, {(name, None): value for name, value in run.metrics.items()}, run.evaluated, text)


def red_team(text: str, cited: str) -> RedTeam | None:
    """A red-team output (garak report, promptfoo red-team results) counted into open findings, or None when it is not one."""
    run = read(text, cited)
    if run is None or run.tool in ("lm-evaluation-harness", "inspect"):
        return None
    if run.red_team is None:
        raise EvidenceProblem(f"{cited}: a promptfoo results file with no red-team tests (no pluginId in any result's metadata)")
    return run.red_team
