"""Prometheus alerting rules: a rule file (``groups[].rules[]``) or a ``PrometheusRule`` (``monitoring.coreos.com``).

Facts: one ``alerts`` record per alerting rule: its name, group, expression, ``for``, the ``severity``
label, the runbook (``annotations.runbook_url``, or ``runbook``) and whether the expression compares
with a threshold (``> 0.2``, ``< bool 0.9``…). Recording rules (``record:``) are not alerts.
"""

from __future__ import annotations

import re
from typing import Any

from . import Facts, Source, listing, mapping

EXPECTED = "Prometheus alerting rules: groups with rules (alert, expr), or a PrometheusRule (monitoring.coreos.com) with spec.groups"
_THRESHOLD = re.compile(r"(>=|<=|==|!=|>|<)\s*(bool\s+)?[-+]?(\d|\.\d)")
_RUNBOOK_KEYS = ("runbook_url", "runbook", "runbookUrl", "runbook_link")


def _groups(data: Any) -> tuple[list, tuple]:
    data = mapping(data)
    if str(data.get("apiVersion", "")).startswith("monitoring.coreos.com/") and data.get("kind") == "PrometheusRule":
        return listing(mapping(data.get("spec")).get("groups")), ("spec", "groups")
    return listing(data.get("groups")), ("groups",)


def _is_rules(data: Any) -> bool:
    groups, _ = _groups(data)
    rules = [mapping(rule) for group in groups for rule in listing(mapping(group).get("rules"))]
    return bool(rules) and all("expr" in rule and ("alert" in rule or "record" in rule) for rule in rules)


def detect(source: Source) -> bool:
    return any(_is_rules(document.data) for document in source.mappings)


def extract(source: Source, facts: Facts) -> None:
    for document in source.mappings:
        if not _is_rules(document.data):
            continue
        groups, at = _groups(document.data)
        for group_index, group in enumerate(groups):
            for rule_index, rule in enumerate(listing(mapping(group).get("rules"))):
                rule = mapping(rule)
                if "alert" not in rule:
                    continue
                rule_at = at + (group_index, "rules", rule_index)
                annotations = mapping(rule.get("annotations"))
                record: dict[str, Any] = {"name": str(rule["alert"]), "source": source.cited, "group": str(mapping(group).get("name", "")), "expr": str(rule.get("expr", "")),
                                          "threshold": bool(_THRESHOLD.search(str(rule.get("expr", ""))))}
                fields = {"name": source.at(document, rule_at + ("alert",)), "expr": source.at(document, rule_at + ("expr",))}
                if "for" in rule:
                    record["for"] = str(rule["for"])
                if "severity" in mapping(rule.get("labels")):
                    record["severity"] = str(rule["labels"]["severity"])
                key = next((key for key in _RUNBOOK_KEYS if isinstance(annotations.get(key), str) and annotations[key].strip()), None)
                if key:
                    record["runbook"] = annotations[key].strip()
                    fields["runbook"] = source.at(document, rule_at + ("annotations", key))
                facts.add("alerts", record, source.at(document, rule_at), fields)
