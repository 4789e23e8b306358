"""``readiness init``: a commented starter manifest for one kind of system.

The templates ship in ``readiness/templates/``: ``ml.yaml`` for classic models and
``llm.yaml`` for the LLM family (llm, rag, agent). A line of ``llm.yaml`` that ends with a tag
such as ``#[rag]`` or ``#[llm,agent]`` is kept only for those kinds. For ``ml`` an
``ml_test_score`` section listing the 28 tests is appended, generated from the framework table.

A starter validates against the schema, and every placeholder fails the rule that asks for
it (an alias for a version, a file still to write, a commented-out date), so the first
``readiness audit`` reads as the launch to-do list rather than as schema errors. Filled in as
its comments say, with the files it cites written, each kind's starter audits READY
(``tests/test_starters.py`` does exactly that): a rule that demands a fact needs a placeholder here.
"""

from __future__ import annotations

import re
from importlib import resources

from .frameworks import MTS_TESTS
from .rules import KINDS

TEMPLATE = {"ml": "ml.yaml", "llm": "llm.yaml", "rag": "llm.yaml", "agent": "llm.yaml"}
_KIND_TAG = re.compile(r"\s*#\[([a-z,]+)\]$")


def starter_manifest(kind: str) -> str:
    """The starter manifest text for ``kind`` (one of ml, llm, rag, agent)."""
    text = resources.files("readiness").joinpath(f"templates/{TEMPLATE[kind]}").read_text("utf-8")
    lines = []
    for line in text.splitlines():
        tag = _KIND_TAG.search(line)
        if tag is None:
            lines.append(line)
        elif kind in tag.group(1).split(","):
            lines.append(line[: tag.start()])
    if kind == "ml":
        lines.extend(_ml_test_score_section())
    return "\n".join(lines) + "\n"


def _ml_test_score_section() -> list[str]:
    width = max(map(len, MTS_TESTS))
    return [
        "",
        "# ML Test Score evidence (`readiness audit --framework ml-test-score`): for each test, mode",
        "# manual (run by hand, results documented: 0.5) or automated (runs on a schedule: 1) and the",
        "# evidence (report, CI job or monitor). A test marked manual or automated without evidence earns 0.",
        "ml_test_score:",
        "  tests:",
        *(f"    {test_id + ':':<{width + 1}} {{mode: none}}   # TODO: {title}" for test_id, title in MTS_TESTS.items()),
    ]


def check_kind(kind: str) -> str:
    from .errors import InputError

    if kind not in KINDS:
        raise InputError(f"--kind: expected one of {', '.join(KINDS)}, found {kind!r}")
    return kind
