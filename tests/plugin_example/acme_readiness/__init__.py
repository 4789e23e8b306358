"""ACME's readiness plugin: a function, a rule pack that uses it, and a CSV output format."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

from readiness.functions import Call, Function

# Region codes inside the EU, by provider naming scheme: AWS (eu-central-1), GCP (europe-west4),
# Azure (westeurope, germanywestcentral, francecentral, swedencentral, ...).
EU_REGION = re.compile(r"^(eu-[a-z]+-\d+|europe-[a-z]+\d+|(north|west)europe|(germany|france|sweden|italy|poland|spain)[a-z]+)$")


def eu_region(value: Any, options: dict, call: Call) -> str | None:
    """The value is a cloud region inside the EU (AWS ``eu-*``, GCP ``europe-*``, Azure ``westeurope`` and
    the like), or one of ``also`` (regions your legal team has approved)."""
    if not isinstance(value, str):
        return f"{call.where} is {value!r}, expected a region code such as eu-central-1"
    if EU_REGION.match(value) or value in options.get("also", []):
        return None
    return f"{call.where} is {value!r}, a region outside the EU"


class CsvReporter:
    """``--format acme-csv``: one row per result, for ACME's launch tracker spreadsheet."""

    def render(self, report: Any, options: Any) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["file", "rule", "status", "severity", "message"])
        for manifest in report.manifests:
            for result in manifest.results:
                writer.writerow([manifest.file, result.rule, result.status, result.severity, result.message])
        return buffer.getvalue()


functions = [Function("acme_eu_region", eu_region, options={"also": {"type": "array", "items": {"type": "string"}}})]
rule_packs = [Path(__file__).parent / "rules.yaml"]
reporters = {"acme-csv": CsvReporter()}
