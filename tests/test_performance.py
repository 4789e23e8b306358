"""The fast paths give the same bytes as the slow ones they replace (speed itself is measured by
benchmarks/run.py, never asserted here)."""

from __future__ import annotations

import io

from hypothesis import given, settings, strategies as st
from rich.console import Console
from rich.text import Text

from readiness.reporters.terminal import PlainConsole


def rich_output(lines: list[Text | None]) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=False, no_color=True, width=100, highlight=False, emoji=False, soft_wrap=True)
    for line in lines:
        console.print() if line is None else console.print(line)
    return buffer.getvalue()


def plain_output(lines: list[Text | None]) -> str:
    buffer = io.StringIO()
    console = PlainConsole(Console(file=buffer, force_terminal=False, no_color=True, width=100, highlight=False, emoji=False, soft_wrap=True), buffer)
    for line in lines:
        console.print(line)
    return buffer.getvalue()


TRICKY = ["\t", "\r", "\n", "\x07", "\x1b[31m", "é", "漢字", "😀", "\u200b", "[bold]x[/]", ":smile:", " " * 150, "x" * 150]
lines = st.one_of(
    st.none(),
    st.builds(
        lambda parts, style: Text("".join(parts), style=style),
        st.lists(st.one_of(st.sampled_from(TRICKY), st.text(max_size=20)), max_size=6),
        st.sampled_from(["", "dim", "bold red", "green"]),
    ),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(lines, max_size=8))
def test_plain_console_writes_what_rich_writes(texts: list[Text | None]) -> None:
    assert plain_output(texts) == rich_output(texts)


def test_plain_console_expands_tabs_like_rich() -> None:
    texts = [Text("a\tb"), Text("漢\tx"), None, Text("plain")]
    assert plain_output(texts) == rich_output(texts) == "a       b\n漢      x\n\nplain\n"
