"""The framework views of the terminal report: ML Test Score and coverage, one line per item.

Shown for the frameworks named with ``--framework``, and every coverage view with
``--verbose``. Everything shown was computed by the audit (:mod:`readiness.frameworks`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from ..report import ERROR, FAIL, NOT_COVERED, PASS, SKIPPED, WAIVED, Coverage, Frameworks, MlTestScore, RuleStatus
from . import RenderOptions

if TYPE_CHECKING:
    from rich.console import Console

MARK = {FAIL: "✗", ERROR: "!", WAIVED: "~", PASS: "✓", SKIPPED: "-", NOT_COVERED: "·"}
STYLE = {FAIL: "red", ERROR: "red", WAIVED: "yellow", PASS: "green", SKIPPED: "dim", NOT_COVERED: "dim"}
NAME_WIDTH = 60
MODE_TEXT = {"none": "not done", "manual": "manual", "automated": "automated"}


def render(console: Console, views: Frameworks | None, options: RenderOptions) -> None:
    if views is None:
        return
    if views.ml_test_score is not None and "ml-test-score" in views.requested:
        _ml_test_score(console, views.ml_test_score)
    for view in views.coverage:
        if options.verbose or view.framework in views.requested:
            _coverage(console, view)


def _rules(rules: list[RuleStatus]) -> Text:
    """``VER001 ✓  REL002 ✗``; rules that do not apply are left out unless no rule applies (then they say why)."""
    applicable = [item for item in rules if item.status != SKIPPED]
    text = Text()
    for item in applicable or rules:
        text.append(f"  {item.rule} ")
        text.append(MARK[item.status], style=STYLE[item.status])
    return text


def _name(name: str, width: int) -> str:
    return name.ljust(width) if len(name) <= width else name[: width - 1] + "…"


def _ml_test_score(console: Console, score: MlTestScore) -> None:
    console.print()
    sections = " · ".join(f"{section.title} {section.score:g}" for section in score.sections)
    console.print(Text.assemble("  ", ("ML Test Score", "bold"), f"  {score.final:g} of 7", (f"   (lowest section of {sections})", "dim")))
    console.print(Text(f"  {score.band}"))
    width = min(NAME_WIDTH, max(len(test.title) for section in score.sections for test in section.tests))
    for section in score.sections:
        console.print(Text(f"  {section.title} {section.score:g}/7", style="bold"))
        for test in section.tests:
            style = "green" if test.points == 1 else "yellow" if test.points else "dim"
            mode = MODE_TEXT.get(test.mode, test.mode)
            line = Text.assemble((f"  {test.points:>3g} ", style), f" {test.id:<9}  {mode:<9}  {_name(test.title, width)}", _rules(test.rules))
            line.rstrip()
            console.print(line)
            if test.problem:
                console.print(Text(f"{' ' * 30}! {test.problem}", style="yellow"))
            if test.contradicted_by:
                console.print(Text(f"{' ' * 30}! claims credit, but {', '.join(test.contradicted_by)} did not pass in this audit", style="yellow"))


def _coverage(console: Console, view: Coverage) -> None:
    console.print()
    addressed = [item for item in view.items if item.status != NOT_COVERED]
    failing = [item for item in addressed if item.status in (FAIL, ERROR)]
    summary = f"   {len(addressed)} of {len(view.items)} addressed" + (f" · {len(failing)} failing" if failing else "")
    console.print(Text.assemble("  ", (view.title, "bold"), (summary, "dim")))
    id_width = max((len(item.id) for item in view.items), default=0)
    width = min(NAME_WIDTH, max((len(item.name) for item in view.items), default=0))
    group = None
    for item in view.items:
        if item.group != group:
            group = item.group
            console.print(Text(f"    {group}", style="bold"))
        rules = _rules(item.rules) if item.rules else Text("  no rule", style="dim")
        line = Text.assemble("  ", (MARK[item.status], STYLE[item.status]), f" {item.id:<{id_width}}  {_name(item.name, width)}", rules)
        line.rstrip()
        console.print(line)
