"""Dates as every part of readiness reads them: exactly ``YYYY-MM-DD``.

``date.fromisoformat`` accepts ``20261120`` and ``2026-W47-5`` from Python 3.11 on but not on
3.10, so the same manifest would pass on one supported Python and fail on another; readiness
accepts the one form everywhere (the JSON Schema ``full-date`` form).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


def parse_date(value: Any) -> dt.date | None:
    """The date ``value`` names as ``YYYY-MM-DD``; None for any other value or a day that does not exist."""
    if not isinstance(value, str) or not ISO_DATE.fullmatch(value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None
