"""Facts from a tool's run (:class:`.tool_outputs.Run`): ``eval_runs`` and ``red_team`` records, located in the file."""

from __future__ import annotations

import json
from typing import Any, Callable

from ..errors import InputError
from ..evidence import EvidenceProblem
from . import Facts, Source
from .tool_outputs import Run


def _line(source: Source, key: str) -> int:
    found = source.text.find(json.dumps(key))
    return source.text.count("\n", 0, found) + 1 if found >= 0 else 1


def add_read_run(source: Source, facts: Facts, read: Callable[[], Run]) -> None:
    """The run ``read`` takes from a tool's output file, added as facts; a file that is not one is an input error naming it."""
    try:
        run = read()
    except EvidenceProblem as problem:
        raise InputError(str(problem).removeprefix(f"{source.file}: "), source.file) from None
    add_run(source, facts, run)


def add_run(source: Source, facts: Facts, run: Run) -> None:
    origin = (source.file, "", 1, 1)
    record: dict[str, Any] = {"tool": run.tool, "name": source.name, "model": run.model, **run.evaluated, "metrics": run.metrics}
    if run.tests is not None:
        record.update({"tests": run.tests, "failed": run.failed})
    fields = {key: (source.file, "", _line(source, tool_key), 1) for key, tool_key in run.where.items()}
    if run.red_team is None:  # a red-team run is judged by what got through, not as an eval of the model
        facts.add("eval_runs", record, origin, fields)
    else:
        facts.add("red_team", {"tool": run.tool, "name": source.name, "model": run.model, "findings": run.red_team.findings,
                               "attempts": run.red_team.attempts, "open": run.red_team.open_by_severity}, origin)
