"""garak report (``garak.<uuid>.report.jsonl``): the model it probed, and the probes whose attacks got through.

Facts: one ``red_team`` record (every probe/detector ``eval`` entry with failures is one open finding;
garak grades no severity, so each counts as high) and one ``eval_runs`` record naming the target model.
The reading is in :mod:`.tool_outputs`, shared with the red-team check that reads the same file when it
is cited as ``security.red_team.findings``.
"""

from __future__ import annotations

from . import Facts, Source
from .tool_outputs import garak_run, is_garak
from .tool_runs import add_read_run

EXPECTED = "a garak report (JSON lines with entry_type: start_run setup, attempt, eval…)"


def detect(source: Source) -> bool:
    return is_garak(source.text)


def extract(source: Source, facts: Facts) -> None:
    add_read_run(source, facts, lambda: garak_run(source.text, source.file))
