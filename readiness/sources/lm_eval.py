"""lm-evaluation-harness results (``lm_eval … --output_path``: ``results_<date>.json``): which model, when, and its scores.

Facts: one ``eval_runs`` record with the model (``config.model_args`` ``pretrained``/``revision``, else
``model_name``), the date and every ``task/metric`` score (the filter kept when it is not ``none``).
The reading is in :mod:`.tool_outputs`, shared with the eval checks that read the same file when it
is cited as ``evaluation.last_run.results``.
"""

from __future__ import annotations

from . import Facts, Source
from .tool_outputs import is_lm_eval, lm_eval_run
from .tool_runs import add_run

EXPECTED = "an lm-evaluation-harness results file: an object with results (task → metric,filter → value) and config"


def detect(source: Source) -> bool:
    return is_lm_eval(source.json)


def extract(source: Source, facts: Facts) -> None:
    add_run(source, facts, lm_eval_run(source.json))
