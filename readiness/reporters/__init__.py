"""Output formats: one small module per format, each rendering a finished :class:`Report`.

Reporters are imported only when used, so that start-up pays for one format at most.
:data:`FORMATS` holds the built-in formats; a run's formats, plugins' included, are
:attr:`readiness.plugins.Extensions.formats`, passed to :func:`get` by whoever renders.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import Any, Callable, Mapping, Protocol

from ..report import Report


@dataclass(frozen=True)
class RenderOptions:
    color: bool = False
    verbose: bool = False
    width: int = 100
    wrap: bool = False  # terminal: break prose at ``width`` (on a terminal; piped output keeps one line per message)
    full: bool = False  # markdown: the whole review document, not the comment-sized report


class Reporter(Protocol):
    """Renders a report; a reporter may also have ``write(report, options, write)``, which hands
    the same text to ``write`` piece by piece (the JSON and SARIF reporters do, for large fleets)."""

    def render(self, report: Report, options: RenderOptions) -> str: ...


def write_to(reporter: Reporter, report: Report, options: RenderOptions, write: Callable[[str], Any]) -> None:
    """The reporter's text handed to ``write``: piece by piece when the reporter can, else whole."""
    streaming = getattr(reporter, "write", None)
    if streaming is not None:
        streaming(report, options, write)
    else:
        write(reporter.render(report, options))


FORMATS: dict[str, "str | Reporter"] = {  # the built-in formats: name → module
    "terminal": "readiness.reporters.terminal",
    "json": "readiness.reporters.json",
    "markdown": "readiness.reporters.markdown",
    "sarif": "readiness.reporters.sarif",
    "junit": "readiness.reporters.junit",
    "github": "readiness.reporters.github",
    "gitlab": "readiness.reporters.gitlab",
    "html": "readiness.reporters.html",
}


def get(name: str, formats: Mapping[str, "str | Reporter"] = FORMATS) -> Reporter:
    """The reporter for a format name of ``formats`` (the run's; default the built-ins): a built-in
    module's ``REPORTER``, or a plugin's reporter object."""
    target = formats[name]
    return import_module(target).REPORTER if isinstance(target, str) else target
