"""A team's own YAML rule packs: they behave like built-ins, and every mistake is one clear error.

Covers ``--rules`` and config ``rules:``, ``extends`` (builtin / none / other packs), rule id
clashes, malformed packs, ``readiness rules --check-examples`` and docs/writing-rules.md.
"""

from __future__ import annotations

import json
import re

import pytest

from conftest import AS_OF, REPO
from readiness.functions import REGISTRY
from readiness.reporters import FORMATS

RESIDENCY_PACK = """pack: acme
rules:
  - id: ACME001
    title: EU-serving models declare a data residency region
    category: data_residency
    severity: high
    given: x-acme
    then:
      - {field: data_residency, function: pattern, options: {match: "^eu-"}}
    remediation: |
      Say where EU data lives:
        x-acme: {data_residency: eu-central-1}
    why: GDPR chapter V restricts transfers of personal data outside the EU.
    references: [gdpr:art-44]
    examples:
      pass: [{x-acme: {data_residency: eu-central-1}}]
      fail: [{x-acme: {data_residency: us-east-1}}]
"""

MANIFEST = """readiness: 1
service: {name: support-bot, kind: llm, risk: high}
x-acme: {data_residency: us-east-1}
"""


def rule_pack(rules: str, header: str = "") -> str:
    """A pack file: optional header lines (``extends: ...``) then ``rules:``."""
    return header + rules[rules.index("rules:"):]


def test_a_custom_rule_shows_in_rules_explain_and_every_report_format(cli, project):
    pack = project("acme.yaml", RESIDENCY_PACK)
    manifest = project("readiness.yaml", MANIFEST)

    listed = cli("rules", "--rules", pack)
    assert listed.exit_code == 0
    assert re.search(r"ACME001\s+data_residency\s+high\s+.*EU-serving models declare a data residency region", listed.stdout)
    explained = cli("explain", "ACME001", "--rules", pack)
    assert explained.exit_code == 0 and "EU-serving models declare a data residency region" in explained.stdout

    run = cli("audit", manifest, "--rules", pack, "--as-of", AS_OF, "--format", "json")
    report = json.loads(run.stdout)
    assert report["rules"]["ACME001"]["category_title"] == "Data residency"
    assert report["rules"]["ACME001"]["references"] == ["gdpr:art-44"]
    result = next(r for r in report["manifests"][0]["results"] if r["rule"] == "ACME001")
    assert result["status"] == "fail" and result["location"]["line"] == 3
    assert "x-acme.data_residency is string 'us-east-1', which does not match '^eu-'" in result["message"]
    assert any(c["category"] == "data_residency" and c["score"] == 0 for c in report["manifests"][0]["categories"])
    sarif = json.loads(cli("audit", manifest, "--rules", pack, "--as-of", AS_OF, "--format", "sarif").stdout)
    described = {rule["id"]: rule for rule in sarif["runs"][0]["tool"]["driver"]["rules"]}
    assert described["ACME001"]["shortDescription"]["text"] == "EU-serving models declare a data residency region"
    for name in FORMATS:
        only = ("--select", "ACME001") if name == "github" else ()  # annotations: GitHub shows 10 errors, the critical ones come first
        rendered = cli("audit", manifest, "--rules", pack, "--as-of", AS_OF, "--format", name, *only)
        assert rendered.exit_code == 1, (name, rendered.stderr)
        assert "ACME001" in rendered.stdout, name


def test_the_terminal_report_titles_a_custom_category_and_scores_it(cli, project):
    pack = project("acme.yaml", RESIDENCY_PACK)
    manifest = project("readiness.yaml", MANIFEST)
    run = cli("audit", manifest, "--rules", pack, "--as-of", AS_OF, "--select", "ACME001")
    assert run.exit_code == 1
    assert re.search(r"^  Data residency +\.{20}   0\.0  0 pass · 1 fail", run.stdout, re.MULTILINE), run.stdout
    assert "✗ ACME001  EU-serving models declare a data residency region" in run.stdout
    assert "at readiness.yaml:3:10" in run.stdout
    passing = project("passing.readiness.yaml", MANIFEST.replace("us-east-1", "eu-central-1"))
    assert cli("audit", passing, "--rules", pack, "--as-of", AS_OF, "--select", "ACME001").exit_code == 0


def test_a_long_custom_category_title_keeps_the_score_bars_aligned(cli, project):
    long_category = RESIDENCY_PACK.replace("category: data_residency", "category: customer_data_protection_requirements")
    pack = project("acme.yaml", long_category)
    run = cli("audit", project("readiness.yaml", MANIFEST), "--rules", pack, "--as-of", AS_OF, "--select", "ACME001", "--select", "VER001")
    bars = [line for line in run.stdout.splitlines() if "." * 20 in line]
    assert [line.split("  ")[1] for line in bars] == ["Versioning & reproducibility", "Customer data protection requirements"], run.stdout
    assert bars[0].index("." * 20) == bars[1].index("." * 20) == len("  Customer data protection requirements  ")


def test_config_rules_key_loads_a_pack_like_the_command_line(cli, project):
    project("packs/acme.yaml", RESIDENCY_PACK)
    project(".readiness.yaml", "rules: [packs]\n")
    manifest = project("readiness.yaml", MANIFEST)
    run = cli("audit", manifest, "--as-of", AS_OF, "--select", "ACME001", "--format", "json")
    assert [r["status"] for r in json.loads(run.stdout)["manifests"][0]["results"]] == ["fail"]


def test_a_rule_id_that_clashes_with_a_built_in_names_both_files(cli, project):
    pack = project("acme.yaml", RESIDENCY_PACK.replace("ACME001", "VER001"))
    run = cli("rules", "--rules", pack)
    assert run.exit_code == 2 and run.stdout == ""
    line = run.stderr.strip()
    assert re.fullmatch(r"acme\.yaml:3: duplicate rule id VER001: already defined at \S+checks/versioning\.yaml:\d+ \(built-in checklist\)", line), line


def test_a_rule_id_defined_in_two_custom_packs_names_both(cli, project):
    first = project("a.yaml", RESIDENCY_PACK)
    second = project("b.yaml", RESIDENCY_PACK)
    run = cli("audit", project("readiness.yaml", MANIFEST), "--rules", first, "--rules", second)
    assert run.exit_code == 2
    assert run.stderr.strip() == "b.yaml:3: duplicate rule id ACME001: already defined at a.yaml:3"


def test_an_unknown_function_gets_its_place_and_a_did_you_mean(cli, project):
    pack = project("acme.yaml", RESIDENCY_PACK.replace("function: pattern", "function: patern"))
    run = cli("rules", "--rules", pack)
    assert run.exit_code == 2
    assert run.stderr.strip() == "acme.yaml:9:33: unknown function 'patern'; did you mean 'pattern'?"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("severity: high", "severity: urgent"), "acme.yaml:6:5: rules[0].severity: expected one of critical, high, medium, low, found string 'urgent'"),
        (("    given: x-acme\n", "    given: x-acme\n    giv: x\n"), "acme.yaml:8:5: unknown key 'giv' in rules[0]; did you mean 'given'?"),
        (("{match: \"^eu-\"}", "{match: 3}"), "acme.yaml:9:52: options of pattern: match: 3 is not of type 'string'"),
        (("id: ACME001", "id: acme-1"), "acme.yaml:3:5: rules[0].id: expected Stable id: a prefix of letters and digits then three digits, e.g. VER001, found string 'acme-1'"),
        (("pack: acme\n", "pack: [acme\n"), "acme.yaml:2:6: invalid YAML: did not find expected ',' or ']'"),
        (("given: x-acme", "given: x-acme..b"), "acme.yaml:7:5: invalid path 'x-acme..b' at character 8"),
    ],
)
def test_a_malformed_pack_is_one_error_with_file_line_and_column(cli, project, change, message):
    pack = project("acme.yaml", RESIDENCY_PACK.replace(*change))
    run = cli("audit", project("readiness.yaml", MANIFEST), "--rules", pack)
    assert run.exit_code == 2 and run.stdout == ""
    assert run.stderr.startswith(message) and run.stderr.count("\n") == 1, run.stderr
    assert "Traceback" not in run.stderr


def test_a_missing_pack_or_an_empty_folder_is_an_error(cli, project):
    assert cli("rules", "--rules", "nope.yaml").stderr.strip() == "nope.yaml: no such file"
    (project.root / "empty").mkdir()
    assert cli("rules", "--rules", "empty").stderr.strip() == "empty: no rule packs (*.yaml, *.yml) in this folder"


def rule_ids(cli, *args: str) -> list[str]:
    run = cli("rules", "--format", "json", *args)
    assert run.exit_code == 0, run.stderr
    return [rule["id"] for rule in json.loads(run.stdout)]


def test_extends_none_leaves_out_the_built_in_checklist(cli, project):
    builtin = rule_ids(cli)
    assert len(builtin) > 50 and "ACME001" not in builtin
    assert rule_ids(cli, "--rules", project("acme.yaml", RESIDENCY_PACK)) == builtin + ["ACME001"]
    assert rule_ids(cli, "--rules", project("alone.yaml", rule_pack(RESIDENCY_PACK, "extends: none\n"))) == ["ACME001"]
    assert rule_ids(cli, "--rules", project("explicit.yaml", rule_pack(RESIDENCY_PACK, "extends: builtin\n"))) == builtin + ["ACME001"]


def test_extends_a_pack_by_path_relative_to_the_file(cli, project):
    project("org/base.yaml", rule_pack(RESIDENCY_PACK, "extends: none\n"))
    team = project("team/pack.yaml", rule_pack(RESIDENCY_PACK.replace("ACME001", "TEAM001"), "extends: ../org/base.yaml\n"))
    assert rule_ids(cli, "--rules", team) == ["ACME001", "TEAM001"]
    # a base reached twice (directly and through extends) loads once
    assert rule_ids(cli, "--rules", team, "--rules", "org/base.yaml") == ["ACME001", "TEAM001"]


def test_config_extends_none_and_a_pack_base(cli, project):
    project("org/base.yaml", rule_pack(RESIDENCY_PACK, "extends: none\n"))
    project(".readiness.yaml", "extends: org/base.yaml\n")
    assert rule_ids(cli) == ["ACME001"]
    project(".readiness.yaml", "extends: none\nrules: [team.yaml]\n")
    project("team.yaml", RESIDENCY_PACK.replace("ACME001", "TEAM001"))
    assert rule_ids(cli) == ["TEAM001"]


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"a.yaml": rule_pack(RESIDENCY_PACK, "extends: [none, builtin]\n")}, "a.yaml:1:11: extends: none stands alone; it cannot be combined with other bases"),
        ({"a.yaml": rule_pack(RESIDENCY_PACK, "extends: [builtin, missing.yaml]\n")}, "a.yaml:1:20: extends 'missing.yaml': no such rule pack file or folder (missing.yaml)"),
        (
            {"a.yaml": rule_pack(RESIDENCY_PACK, "extends: none\n"), ".readiness.yaml": "extends: builtin\nrules: [a.yaml]\n"},
            "a.yaml:1:1: extends: none leaves out the built-in checklist, but .readiness.yaml:1:1 extends builtin; keep one",
        ),
        ({"a.yaml": rule_pack(RESIDENCY_PACK, "extends: 3\n")}, "a.yaml:1:1: extends: expected a string or a list, found number 3"),
    ],
)
def test_extends_mistakes_are_named(cli, project, files, message):
    for name, text in files.items():
        project(name, text)
    run = cli("rules", "--rules", "a.yaml")
    assert run.exit_code == 2
    assert run.stderr.strip() == message


def test_extends_that_loops_is_an_error_not_a_hang(cli, project):
    project("a.yaml", "extends: b.yaml\nrules: []\n")
    project("b.yaml", "extends: a.yaml\nrules: []\n")
    run = cli("rules", "--rules", "a.yaml")
    assert run.exit_code == 2
    assert re.fullmatch(r"a\.yaml: extends loops back on itself: \S+/a\.yaml → \S+/b\.yaml → \S+/a\.yaml", run.stderr.strip()), run.stderr


def test_check_examples_passes_a_pack_whose_rules_prove_themselves(cli, project):
    pack = project("acme.yaml", RESIDENCY_PACK)
    run = cli("rules", "--check-examples", pack)
    assert run.exit_code == 0
    assert run.stdout == "1 rule(s): every example behaves as expected\n"
    assert cli("rules", "--check-examples", REPO / "checks").exit_code == 0


def test_check_examples_prints_each_misbehaving_example(cli, project):
    broken = RESIDENCY_PACK.replace("pass: [{x-acme: {data_residency: eu-central-1}}]", "pass: [{x-acme: {data_residency: eu-central-1}}, {x-acme: {data_residency: asia-east1}}]")
    broken = broken.replace("fail: [{x-acme: {data_residency: us-east-1}}]", "fail: [{x-acme: {data_residency: eu-west-1}}]")
    pack = project("acme.yaml", broken)
    run = cli("rules", "--check-examples", pack)
    assert run.exit_code == 1
    assert run.stdout.splitlines() == [
        "acme.yaml:3: ACME001 pass example 2 gave fail: x-acme.data_residency is string 'asia-east1', which does not match '^eu-'",
        "acme.yaml:3: ACME001 fail example 1 gave pass",
        "2 problem(s) in the examples of 1 rule(s)",
    ]


def test_check_examples_on_a_malformed_pack_exits_2(cli, project):
    pack = project("acme.yaml", RESIDENCY_PACK.replace("function: pattern", "function: patern"))
    run = cli("rules", "--check-examples", pack)
    assert run.exit_code == 2 and run.stdout == ""
    assert run.stderr.startswith("acme.yaml:9:33: unknown function 'patern'")


def test_the_rule_writing_guide_documents_every_function():
    guide = (REPO / "docs" / "writing-rules.md").read_text(encoding="utf-8")
    undocumented = [name for name in REGISTRY if f"`{name}`" not in guide]
    assert not undocumented, f"docs/writing-rules.md does not document: {', '.join(undocumented)}"


def test_the_guide_s_example_pack_loads_and_proves_itself(cli, project):
    guide = (REPO / "docs" / "writing-rules.md").read_text(encoding="utf-8")
    example = re.search(r"```yaml\n(# acme-rules\.yaml\n.*?)```", guide, re.DOTALL)
    assert example, "the first example pack of docs/writing-rules.md moved"
    pack = project("acme-rules.yaml", example.group(1))
    run = cli("rules", "--check-examples", pack)
    assert (run.exit_code, run.stdout) == (0, "1 rule(s): every example behaves as expected\n"), run.stderr


def test_schema_rule_pack_prints_the_pack_schema_for_editors(cli):
    run = cli("schema", "--rule-pack")
    assert run.exit_code == 0
    printed = json.loads(run.stdout)
    assert printed["title"] == "readiness rule pack" and "extends" in printed["properties"]
    both = cli("schema", "--rule-pack", "--report")
    assert (both.exit_code, both.stderr) == (2, "readiness: schema: give at most one of --report, --rule-pack, --config, --policy\n")
