"""``--format json``: the canonical report, every result with its location (``readiness schema --report``)."""

from __future__ import annotations


from ..report import Report
from . import RenderOptions
from .jsontext import json_text


class JsonReporter:
    def render(self, report: Report, options: RenderOptions) -> str:
        return json_text(report.to_dict())


REPORTER = JsonReporter()
