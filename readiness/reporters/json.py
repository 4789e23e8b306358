"""``--format json``: the canonical report, every result with its location (``readiness schema --report``).

Written manifest by manifest (:class:`~readiness.reporters.jsontext.Stream`): the report of a
fleet of any size is never held whole as data or text.
"""

from __future__ import annotations

from typing import Any, Callable

from ..report import Report
from . import RenderOptions
from .jsontext import Stream, write_json


class JsonReporter:
    def render(self, report: Report, options: RenderOptions) -> str:
        chunks: list[str] = []
        self.write(report, options, chunks.append)
        return "".join(chunks)

    def write(self, report: Report, options: RenderOptions, write: Callable[[str], Any]) -> None:
        write_json(report.to_dict(manifests=Stream), write)


REPORTER = JsonReporter()
