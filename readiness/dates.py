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


# An RFC 3339 / ISO 8601 date-time as tools write it: 2026-11-30T17:43:12Z, …T17:43:12.123+01:00, …T17:43
# (no offset), a space for the T; the day, hours, minutes, seconds (60 for a leap second) and offset are checked.
_TIMESTAMP = re.compile(
    r"(\d{4}-\d{2}-\d{2})[Tt ]([01]\d|2[0-3]):[0-5]\d(?::(?:[0-5]\d|60)(?:[.,]\d+)?)?(?:[Zz]|[+-](?:[01]\d|2[0-3])(?::?[0-5]\d)?)?",
    re.ASCII,
)


def recorded_day(value: Any) -> dt.date | None:
    """The day an evidence file (a results file a tool wrote) records: ``YYYY-MM-DD``, or an ISO 8601 / RFC 3339
    timestamp read as the calendar day written in it (``2026-11-30T23:10:00-08:00`` is 2026-11-30, the day
    where the run was, not converted to UTC). None for anything else. Manifest dates and ``--as-of`` stay
    strictly ``YYYY-MM-DD`` (:func:`parse_date`): a person writes those, and one form is read everywhere."""
    if isinstance(value, str):
        stamp = _TIMESTAMP.fullmatch(value)
        return parse_date(stamp.group(1) if stamp else value)
    return None
