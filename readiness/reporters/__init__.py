"""Output formats: one small module per format, each rendering a finished :class:`Report`.

Reporters are imported only when used, so that start-up pays for one format at most.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import Protocol

from ..report import Report


@dataclass(frozen=True)
class RenderOptions:
    color: bool = False
    verbose: bool = False
    width: int = 100


class Reporter(Protocol):
    def render(self, report: Report, options: RenderOptions) -> str: ...


FORMATS: dict[str, str] = {
    "terminal": "readiness.reporters.terminal",
    "json": "readiness.reporters.json",
}


def get(name: str) -> Reporter:
    """The reporter for a format name; a module's ``REPORTER`` attribute."""
    return import_module(FORMATS[name]).REPORTER
