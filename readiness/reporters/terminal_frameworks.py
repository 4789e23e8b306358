"""The framework views of the terminal report: ML Test Score and coverage, one line per item.

Shown for the frameworks named with ``--framework``, and every coverage view with
``--verbose``. Everything shown was computed by the audit (:mod:`readiness.frameworks`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..report import ERROR, FAIL, NOT_COVERED, PASS, SKIPPED, WAIVED, Coverage, Frameworks, MlTestScore, RuleStatus
from . import RenderOptions
from .common import MODE_TEXT, cited_rules, coverage_shown, coverage_summary, mts_warnings
from .text import Text

if TYPE_CHECKING:
    from rich.console import Console

MARK = {FAIL: "✗", ERROR: "!", WAIVED: "~", PASS: "✓", SKIPPED: "-", NOT_COVERED: "·"}
STYLE = {FAIL: "red", ERROR: "red", WAIVED: "yellow", PASS: "green", SKIPPED: "dim", NOT_COVERED: "dim"}
NAME_WIDTH = 60


def render(console: Console, views: Frameworks | None, options: RenderOptions) -> None:
    if views is None:
        return
    if views.ml_test_score is not None and "ml-test-score" in views.requested:
        _ml_test_score(console, views.ml_test_score)
    for view in coverage_shown(views, every=options.verbose):
        _coverage(console, view)


def _rules(rules: list[RuleStatus]) -> Text:
    """``VER001 ✓  REL002 ✗``; rules that do not apply are left out unless no rule applies (then they say why)."""
    text = Text()
    for item in cited_rules(rules):
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
            for warning in mts_warnings(test):
                console.print(Text(f"{' ' * 30}! {warning}", style="yellow"))


def _coverage(console: Console, view: Coverage) -> None:
    console.print()
    console.print(Text.assemble("  ", (view.title, "bold"), (f"   {coverage_summary(view)}", "dim")))
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
