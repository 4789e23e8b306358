"""Read a saved JSON report back (``readiness report REPORT.json --format F``).

The file must be JSON that validates against ``schemas/report.schema.json`` with the
``schema_version`` this readiness writes; anything else is an input error that names the
file, line and column. JSON is valid YAML, so when the file needs explaining the YAML loader
supplies the positions of its values (only then: a valid report is parsed once), and the
schema messages are the manifests' own.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .errors import InputError, InputErrors
from .files import Limits, describe, load_json, read_text
from .report import SCHEMA_VERSION, Report


def load_report(path: Path) -> Report:
    """The report saved in ``path``; :class:`InputError` (or several) when it is not one."""
    from . import schema

    display = path.as_posix()
    text = read_text(path, display, Limits())
    try:
        data = load_json(text)
    except json.JSONDecodeError as error:
        raise InputError(f"not valid JSON: {error.msg}", display, error.lineno, error.colno) from None
    if not isinstance(data, dict):
        raise InputError(f"expected a readiness JSON report (an object), found {describe(data)}", display, 1, 1)
    if "schema_version" not in data or "manifests" not in data:
        raise InputError("not a readiness JSON report: it has no schema_version and manifests (write one with `readiness audit --format json`)", display, 1, 1)
    version = data.get("schema_version")
    valid = version == SCHEMA_VERSION and schema.validator(schema.REPORT).is_valid(data)
    unknown = _unknown_rule(data) if valid else None
    if valid and unknown is None:
        return Report.from_dict(data)
    from .loader import Document  # only to explain a bad file: a valid one never loads the YAML machinery

    document = Document(display, data, _positions(text, display))
    if version != SCHEMA_VERSION:
        line, column = document.locate(("schema_version",))
        raise InputError(f"report schema_version {version!r} is not supported: this readiness reads version {SCHEMA_VERSION} (write the report again with --format json)", display, line, column)
    if unknown is not None:
        line, column = document.locate(unknown[0])
        raise InputError(f"a result names rule {unknown[1]!r}, which is not among the report's rules", display, line, column)
    raise InputErrors(schema.validate(document, schema.REPORT))


def _unknown_rule(data: dict) -> tuple[tuple, str] | None:
    """The first result (path, rule id) whose rule the report does not describe; reporters need it."""
    for index, manifest in enumerate(data["manifests"]):
        for group in ("results", "fixed"):
            for position, result in enumerate(manifest.get(group, [])):
                if result["rule"] not in data["rules"]:
                    return ("manifests", index, group, position, "rule"), result["rule"]
    return None


def _positions(text: str, display: str) -> dict[Any, tuple[int, int]]:
    """Where each value sits in the file; none when the YAML parser reads it differently."""
    from .loader import load_text

    try:
        return load_text(text, display).positions
    except InputError:
        return {}
