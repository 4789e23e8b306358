"""Inspect AI eval log (``inspect eval … --log-format json``): which model, when, and the scores of each scorer.

Facts: one ``eval_runs`` record with the model (``eval.model``, ``openai/gpt-4o-2024-08-06`` →
``gpt-4o-2024-08-06``), the date (``eval.created``) and every ``scorer/metric`` value; a log whose
``status`` is not ``success`` is refused (the run did not finish). The reading is in
:mod:`.tool_outputs`, shared with the eval checks that read the same file when it is cited as
``evaluation.last_run.results``. The binary ``.eval`` format is not read: write JSON logs.
"""

from __future__ import annotations

from . import Facts, Source
from .tool_outputs import inspect_run, is_inspect
from .tool_runs import add_read_run

EXPECTED = "an Inspect AI JSON log: an object with eval (task, model, created) and results.scores"


def detect(source: Source) -> bool:
    return is_inspect(source.json)


def extract(source: Source, facts: Facts) -> None:
    add_read_run(source, facts, lambda: inspect_run(source.json, source.file))
