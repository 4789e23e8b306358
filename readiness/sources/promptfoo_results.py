"""promptfoo results (``promptfoo eval -o results.json``, ``promptfoo redteam eval -o …``): the run and its red-team findings.

Facts: one ``eval_runs`` record (the model and prompts evaluated, the date, pass rate and scores) and,
for red-team results, one ``red_team`` record (open findings by severity). The reading is in
:mod:`.tool_outputs`, shared with the evidence checks that read the same file when it is cited as the
eval results or the red-team findings.
"""

from __future__ import annotations

from . import Facts, Source
from .tool_outputs import is_promptfoo, promptfoo_run
from .tool_runs import add_run

EXPECTED = "a promptfoo results file (promptfoo eval -o results.json): an object with results.results[] and evalId or results.stats"


def detect(source: Source) -> bool:
    return is_promptfoo(source.json)


def extract(source: Source, facts: Facts) -> None:
    add_run(source, facts, promptfoo_run(source.json))
