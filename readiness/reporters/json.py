"""``--format json``: the canonical report, every result with its location (``readiness schema --report``)."""

from __future__ import annotations

import json

from ..report import Report
from . import RenderOptions


class JsonReporter:
    def render(self, report: Report, options: RenderOptions) -> str:
        return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"


REPORTER = JsonReporter()
