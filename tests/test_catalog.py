"""The built-in checklist: every rule proves it can pass and fail, and carries its fix, reason and sources."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from readiness.examples import check_examples, run_example
from readiness.report import CATEGORIES
from readiness.rules import Catalog, Example

CATALOG = Catalog.load()
RULES = {rule.id: rule for rule in CATALOG.rules}
REFERENCE = re.compile(r"^(mts:(data|model|infra|monitor)-[1-7]|owasp:LLM(0[1-9]|10)|nist:(GV|MP|MS|MG)-\d+\.\d+|eu:art-\d+|sre:[a-z0-9-]+)$")


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_rule_passes_and_fails_on_its_own_examples(rule_id):
    assert check_examples(RULES[rule_id]) == []


def test_catalog_has_at_least_50_rules_in_the_8_categories():
    assert len(CATALOG.rules) >= 50
    assert set(CATEGORIES) <= {rule.category for rule in CATALOG.rules}


@pytest.mark.parametrize("category", list(CATEGORIES))
def test_every_category_has_several_rules(category):
    assert sum(rule.category == category for rule in CATALOG.rules) >= 5


def test_rule_ids_are_unique_across_packs():
    ids = [rule.id for rule in CATALOG.rules]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_rule_has_a_fix_a_reason_and_sources(rule_id):
    rule = RULES[rule_id]
    assert rule.remediation.strip() and rule.why.strip()
    assert rule.references, f"{rule_id} cites no source"
    assert ":" in rule.remediation and "\n" in rule.remediation, f"{rule_id}: the remediation should carry a YAML snippet"
    bad = [ref for ref in rule.references if not REFERENCE.match(ref)]
    assert not bad, f"{rule_id} has references outside the mts:/owasp:/nist:/eu:/sre: conventions: {bad}"


def test_owasp_llm_top_10_is_covered_by_the_catalog():
    cited = {ref for rule in CATALOG.rules for ref in rule.references if ref.startswith("owasp:")}
    assert cited >= {f"owasp:LLM{n:02d}" for n in range(1, 11)}


def test_prompt_and_agent_rules_do_not_apply_to_classic_models():
    for rule_id in ("VER003", "EVL004", "SEC001", "SEC008", "SEC009", "CST001"):
        assert "ml" not in RULES[rule_id].kinds, rule_id
        assert RULES[rule_id].kinds, rule_id


def test_high_risk_systems_get_a_stricter_bar():
    stricter = [rule.id for rule in CATALOG.rules if rule.severity_by_risk.get("high") == "critical"]
    high_only = [rule.id for rule in CATALOG.rules if rule.risks == ("high",)]
    assert {"REL001", "SEC001", "SEC014", "VER009"} <= set(stricter)
    assert "GOV005" in high_only


def test_a_missing_parent_is_reported_once_not_per_clause():
    status, message = run_example(RULES["GOV014"], Example({"service": {"kind": "llm", "risk": "low"}}, {}, None))
    assert status == "fail"
    assert message == "The EU AI Act obligations of this system are unknown: service.eu_ai_act is missing"


def test_docs_catalog_lists_every_rule_of_the_category_packs():
    text = (Path(__file__).resolve().parent.parent / "docs" / "catalog.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| ([A-Z]{3}\d{3}) \|", text, re.MULTILINE))
    packs = {f"{category}.yaml" for category in CATEGORIES}
    expected = {rule.id for rule in CATALOG.rules if Path(rule.source.rsplit(":", 1)[0]).name in packs}
    assert listed == expected


def test_docs_catalog_maps_every_ml_test_score_test_and_owasp_item_as_the_checklist_does():
    script = Path(__file__).resolve().parent.parent / "scripts" / "catalog_mapping.py"
    spec = importlib.util.spec_from_file_location("catalog_mapping", script)
    mapping = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mapping)
    text = mapping.CATALOG_DOC.read_text(encoding="utf-8")
    assert mapping.updated(text, CATALOG.rules) == text, "docs/catalog.md is out of date: run python scripts/catalog_mapping.py"
    assert "| model-5 | A simpler model is not better | EVL031 (evidence) | reads evidence |" in text
    assert "| infra-3 | The ML pipeline is integration tested | REL005 (declaration) | **only declared** |" in text
    assert "| data-2 | All features are beneficial | — | not checked |" in text
