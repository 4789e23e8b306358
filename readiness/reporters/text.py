"""Styled text for the terminal report, without importing rich.text (10 ms of every uncoloured run).

:class:`Text` takes the calls the report makes on :class:`rich.text.Text` — ``Text(text, style)``,
``Text.assemble(*parts)``, ``append(text, style)``, ``rstrip()`` and ``+`` — and keeps them. A rich console
that prints it asks for ``__rich__``, which makes those same calls on a real
:class:`rich.text.Text`: coloured output is rich's own. Uncoloured output needs only
:attr:`plain`, which drops the control characters rich.text drops.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Union

if TYPE_CHECKING:
    import rich.text

Part = Union[str, "Text", tuple]  # a part of assemble: text, Text, or (text, style)
_DROPPED = dict.fromkeys((7, 8, 11, 12, 13))  # BEL, BS, VT, FF, CR: as rich.control.strip_control_codes


class Text:
    __slots__ = ("plain", "_start", "_calls")

    def __init__(self, text: str = "", style: str = "") -> None:
        self.plain = text.translate(_DROPPED)
        self._start: tuple = (text, style)  # (text, style), or (parts,) from assemble
        self._calls: list[tuple] = []  # (method name, arguments) made after the start

    @classmethod
    def assemble(cls, *parts: Part) -> Text:
        text = cls()
        text._start = (tuple(part.copy() if isinstance(part, Text) else part for part in parts),)
        text.plain = "".join(part.plain if isinstance(part, Text) else (part if isinstance(part, str) else part[0]).translate(_DROPPED) for part in parts)
        return text

    def append(self, text: str | Text, style: str | None = None) -> Text:
        self._calls.append(("append", (text.copy() if isinstance(text, Text) else text, style)))
        self.plain += text.plain if isinstance(text, Text) else text.translate(_DROPPED)
        return self

    def rstrip(self) -> None:
        self._calls.append(("rstrip", ()))
        self.plain = self.plain.rstrip()

    def copy(self) -> Text:
        copied = Text()
        copied.plain, copied._start, copied._calls = self.plain, self._start, list(self._calls)
        return copied

    def __add__(self, other: str | Text) -> Text:
        return self.copy().append(other)

    def __rich__(self) -> rich.text.Text:
        from rich.text import Text as RichText

        if len(self._start) == 1:
            text = RichText.assemble(*(part.__rich__() if isinstance(part, Text) else part for part in self._start[0]))
        else:
            text = RichText(*self._start)
        for method, arguments in self._calls:
            getattr(text, method)(*(argument.__rich__() if isinstance(argument, Text) else argument for argument in arguments))
        return text
