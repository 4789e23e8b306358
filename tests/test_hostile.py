"""The hostile corpus (tests/hostile/ and the large cases of hostile_generated.py) through `readiness audit`.

Every file ends in exactly one of two ways: exit 2 with the one line below (file:line:column:
what is wrong) and nothing on stdout, or, where the file is legitimately valid YAML, a report
with exit 0 or 1 and nothing on stderr. scripts/corpus_run.py runs the same files (and the
YAML test suite) in child processes and also checks time and memory.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import AS_OF
from hostile_generated import FILES, FOLDERS
from readiness.schema import MANIFEST, load_schema

HOSTILE = Path(__file__).resolve().parent / "hostile"
SCHEMA_CAP = "more than 50 schema errors; fix these and run again"
TOP_LEVEL_KEYS = ", ".join(load_schema(MANIFEST)["properties"])
MODEL_KEYS = ", ".join(load_schema(MANIFEST)["properties"]["model"]["properties"])

# file name → the exit code of a valid file, or the one line an invalid one prints
EXPECTED: dict[str, int | str] = {
    "alias-as-key.yaml": 'alias-as-key.yaml:3:1: an alias used as a key; keys must be plain strings',
    "alias-bomb-mappings.yaml": 'alias-bomb-mappings.yaml:6:12: aliases expand to more than 10,000 values (limit)',
    "alias-bomb-merge.yaml": 'alias-bomb-merge.yaml:12:74: aliases expand to more than 10,000 values (limit)',
    "alias-bomb.yaml": 'alias-bomb.yaml:6:10: aliases expand to more than 10,000 values (limit)',
    "alias-recursive.yaml": 'alias-recursive.yaml:3:25: alias *self refers to an anchor that is not defined before it',
    "alias-undefined.yaml": 'alias-undefined.yaml:3:8: alias *missing refers to an anchor that is not defined before it',
    "anchor-on-key.yaml": 1,
    "anchor-on-merge-value.yaml": "anchor-on-merge-value.yaml:5:13: unknown key 'kind' in model; expected one of: " + MODEL_KEYS,
    "anchor-redefined.yaml": "anchor-redefined.yaml:4:1: unknown key 'x' at the top level; expected one of: " + TOP_LEVEL_KEYS,
    "bad-indentation.yaml": 'bad-indentation.yaml:4:2: invalid YAML: did not find expected key (while parsing a block mapping)',
    "cr-only.yaml": 1,
    "crlf.yaml": 1,
    "custom-tag-getatt.yaml": 'custom-tag-getatt.yaml:3:8: unsupported tag !GetAtt: manifests hold plain data',
    "custom-tag-ref.yaml": 'custom-tag-ref.yaml:3:15: unsupported tag !Ref: manifests hold plain data (strings, numbers, booleans, null, lists, mappings)',
    "dates-far-future.yaml": 1,
    "dates-invalid.yaml": "dates-invalid.yaml:3:44: release.rollback.last_drill: expected a date YYYY-MM-DD, found string '2026-02-30'",
    "directive-unknown.yaml": 'directive-unknown.yaml:1:5: invalid YAML: found unknown directive name (while scanning a directive)',
    "document-end-then-document.yaml": 'document-end-then-document.yaml:4:1: a second YAML document starts here; a manifest holds exactly one document',
    "document-markers-only.yaml": 'document-markers-only.yaml:1:1: empty file: expected a mapping of manifest sections',
    "document-start-only.yaml": 'document-start-only.yaml:1:1: empty file: expected a mapping of manifest sections',
    "duplicate-keys-flow.yaml": "duplicate-keys-flow.yaml:2:20: duplicate key 'name' (first defined at line 2, column 11)",
    "duplicate-keys-int-and-string.yaml": "duplicate-keys-int-and-string.yaml:3:1: duplicate key '1' (first defined at line 2, column 1)",
    "duplicate-keys-nested.yaml": "duplicate-keys-nested.yaml:5:3: duplicate key 'name' (first defined at line 3, column 3)",
    "duplicate-keys-quoted.yaml": "duplicate-keys-quoted.yaml:2:1: duplicate key 'readiness' (first defined at line 1, column 1)",
    "duplicate-keys.yaml": "duplicate-keys.yaml:4:1: duplicate key 'model' (first defined at line 3, column 1)",
    "empty.yaml": 'empty.yaml:1:1: empty file: expected a mapping of manifest sections',
    "escaped-bidi-override.yaml": 'escaped-bidi-override.yaml:2:17: control character U+202E is not allowed in a value',
    "escaped-escape-sequence.yaml": 'escaped-escape-sequence.yaml:2:17: control character U+001B is not allowed in a value',
    "escaped-nul.yaml": 'escaped-nul.yaml:2:17: control character U+0000 is not allowed in a value',
    "evidence-absolute.yaml": 1,
    "evidence-device.yaml": 1,
    "evidence-directory.yaml": 1,
    "evidence-home.yaml": 1,
    "evidence-parent-escape.yaml": 1,
    "evidence-url.yaml": 1,
    "exponent-without-dot.yaml": "exponent-without-dot.yaml:3:17: cost.budget.monthly_usd: expected a number, found string '1e400'",
    "float-overflow.yaml": "float-overflow.yaml:3:17: cost.budget.monthly_usd: expected a number, found string '1.0e400'",
    "hex-and-octal.yaml": "hex-and-octal.yaml:3:48: cost.traffic.peak_multiplier: expected a number, found string '0o17'",
    "huge-integer.yaml": "huge-integer.yaml:3:36: expected a finite number, found '9999999999999999999999999999999999999...'",
    "inf.yaml": "inf.yaml:3:30: expected a finite number, found '.inf'",
    "integer-beyond-float.yaml": "integer-beyond-float.yaml:3:36: expected a finite number, found '1000000000000000000000000000000000000...'",
    "invalid-utf8-truncated.yaml": 'invalid-utf8-truncated.yaml:3:15: not valid UTF-8: byte 0xe2 cannot start or continue a character',
    "invalid-utf8.yaml": 'invalid-utf8.yaml:3:18: not valid UTF-8: byte 0xe9 cannot start or continue a character',
    "key-is-list.yaml": 'key-is-list.yaml:2:3: a mapping or list used as a key; keys must be plain strings',
    "key-is-mapping.yaml": 'key-is-mapping.yaml:2:1: a mapping or list used as a key; keys must be plain strings',
    "key-is-null.yaml": "key-is-null.yaml:2:1: unknown key '~' at the top level; expected one of: " + TOP_LEVEL_KEYS,
    "key-is-number.yaml": "key-is-number.yaml:2:1: unknown key '1.5' at the top level; expected one of: " + TOP_LEVEL_KEYS,
    "key-multiline.yaml": "key-multiline.yaml:2:3: unknown key 'multi\\nline\\n' at the top level; expected one of: " + TOP_LEVEL_KEYS,
    "large-integer.yaml": 1,
    "latin1.yaml": 'latin1.yaml:2:20: not valid UTF-8: byte 0xe9 cannot start or continue a character',
    "merge-at-root.yaml": 1,
    "merge-duplicate-explicit-key.yaml": "merge-duplicate-explicit-key.yaml:5:3: duplicate key 'name' (first defined at line 3, column 3)",
    "merge-in-sequence.yaml": 1,
    "merge-key-as-value.yaml": 'merge-key-as-value.yaml:3:8: unsupported tag !!merge: manifests hold plain data (strings, numbers, booleans, null, lists, mappings)',
    "merge-of-list-of-scalars.yaml": "merge-of-list-of-scalars.yaml:2:1: a merge key '<<' takes a mapping or a list of mappings",
    "merge-of-null.yaml": "merge-of-null.yaml:3:6: a merge key '<<' takes a mapping or a list of mappings",
    "merge-of-scalar.yaml": "merge-of-scalar.yaml:4:7: a merge key '<<' takes a mapping or a list of mappings",
    "merge-overrides.yaml": 1,
    "nan.yaml": "nan.yaml:3:30: expected a finite number, found '.nan'",
    "negative-inf.yaml": "negative-inf.yaml:3:30: expected a finite number, found '-.Inf'",
    "non-printable-bell.yaml": 'non-printable-bell.yaml:3:16: invalid YAML: control character U+0007 is not allowed',
    "non-printable-c1.yaml": 'non-printable-c1.yaml:3:16: invalid YAML: control character U+009B is not allowed',
    "non-printable-del.yaml": 'non-printable-del.yaml:3:16: invalid YAML: control character U+007F is not allowed',
    "nul-byte.yaml": 'nul-byte.yaml:3:16: invalid YAML: control character U+0000 is not allowed',
    "only-comments.yaml": 'only-comments.yaml:1:1: empty file: expected a mapping of manifest sections',
    "only-whitespace.yaml": 'only-whitespace.yaml:1:1: empty file: expected a mapping of manifest sections',
    "python-name.yaml": 'python-name.yaml:2:10: unsupported tag !!python/name:os.system: manifests hold plain data (strings, numbers, booleans, null, lists, mappings)',
    "python-object-apply.yaml": 'python-object-apply.yaml:2:10: unsupported tag !!python/object/apply:os.system: manifests hold plain data',
    "python-tag-via-directive.yaml": 'python-tag-via-directive.yaml:4:10: unsupported tag !!python/object/apply:os.system: manifests hold plain data',
    "python-verbatim-tag.yaml": 'python-verbatim-tag.yaml:2:10: unsupported tag !!python/object/new:os.system: manifests hold plain data',
    "root-list.yaml": 'root-list.yaml:1:1: expected a mapping of sections at the top level, found a list of 1',
    "root-null.yaml": 'root-null.yaml:1:1: empty file: expected a mapping of manifest sections',
    "root-scalar.yaml": "root-scalar.yaml:1:1: expected a mapping of sections at the top level, found string 'just a string'",
    "several-documents.yaml": 'several-documents.yaml:3:1: a second YAML document starts here; a manifest holds exactly one document',
    "sexagesimal.yaml": 1,
    "tab-indentation.yaml": 'tab-indentation.yaml:3:1: invalid YAML: a tab is used for indentation; YAML allows only spaces there',
    "tabs-in-values.yaml": 1,
    "tag-binary.yaml": 'tag-binary.yaml:3:15: unsupported tag !!binary: manifests hold plain data (strings, numbers, booleans, null, lists, mappings)',
    "tag-int-invalid.yaml": "tag-int-invalid.yaml:3:28: 'twelve' is not a valid value for tag !!int",
    "tag-set.yaml": 'tag-set.yaml:3:8: unsupported tag !!set: manifests hold plain data',
    "tag-str-on-mapping.yaml": 'tag-str-on-mapping.yaml:3:8: unsupported tag !!str: manifests hold plain data',
    "tag-timestamp.yaml": 1,
    "unknown-key-typo.yaml": "unknown-key-typo.yaml:4:3: unknown key 'rollbak' in release; did you mean 'rollback'?",
    "unterminated-flow.yaml": "unterminated-flow.yaml:3:1: invalid YAML: did not find expected ',' or '}' (while parsing a flow mapping)",
    "unterminated-quote.yaml": 'unterminated-quote.yaml:3:1: invalid YAML: found unexpected end of stream (while scanning a quoted scalar)',
    "utf16-be-bom.yaml": 'utf16-be-bom.yaml:1:1: file is UTF-16 encoded; save it as UTF-8',
    "utf16-be-no-bom.yaml": 'utf16-be-no-bom.yaml:1:1: file is UTF-16 encoded; save it as UTF-8',
    "utf16-le-bom.yaml": 'utf16-le-bom.yaml:1:1: file is UTF-16 encoded; save it as UTF-8',
    "utf16-le-no-bom.yaml": 'utf16-le-no-bom.yaml:1:1: file is UTF-16 encoded; save it as UTF-8',
    "utf32-le-bom.yaml": 'utf32-le-bom.yaml:1:1: file is UTF-32 encoded; save it as UTF-8',
    "utf8-bom-twice.yaml": 1,
    "utf8-bom.yaml": 1,
    "utf8-overlong.yaml": 'utf8-overlong.yaml:3:15: not valid UTF-8: byte 0xc0 cannot start or continue a character',
    "utf8-surrogate-bytes.yaml": 'utf8-surrogate-bytes.yaml:3:15: not valid UTF-8: byte 0xed cannot start or continue a character',
    "valid-minimal.yaml": 1,
    "yaml-directive-unsupported.yaml": 'yaml-directive-unsupported.yaml:1:1: invalid YAML: found incompatible YAML document',
}

# what the report says about evidence the manifest may not cite
EVIDENCE_FINDINGS = {
    "evidence-absolute.yaml": "release.rollback.runbook: '/etc/passwd' is an absolute path; cite files relative to the manifest",
    "evidence-home.yaml": "release.rollback.runbook: '~/runbook.md' is an absolute path; cite files relative to the manifest",
    "evidence-parent-escape.yaml": "release.rollback.runbook: '../../../../../../etc/passwd' resolves outside the project root",
    "evidence-device.yaml": "release.rollback.runbook: '../../../../../../dev/zero' resolves outside the project root",
    "evidence-directory.yaml": "release.rollback.runbook: '.' is a directory, expected a file",
    "evidence-url.yaml": "release.rollback.runbook: 'https://example.com/runbook.md' is a URL; readiness never fetches: cite a file in the repository",
}

# generated case → its first line of output on stderr (exit 2), or an exit code (a valid file)
GENERATED: dict[str, int | str] = {
    "over-size-limit.yaml": "over-size-limit.yaml: file is larger than the limit of 10,485,760 bytes",
    "long-line.yaml": 1,
    "long-unknown-key.yaml": "long-unknown-key.yaml:3:3: unknown key 'kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk...' at the top level; expected one of: " + TOP_LEVEL_KEYS,
    "deep-flow-sequence.yaml": "deep-flow-sequence.yaml:3:1007: invalid YAML: exceeded maximum nesting depth (while increasing flow level)",
    "deep-flow-mapping.yaml": "deep-flow-mapping.yaml:3:260: nesting deeper than the limit of 64 levels",
    "deep-block-mapping.yaml": "deep-block-mapping.yaml:67:65: nesting deeper than the limit of 64 levels",
    "deep-block-sequence.yaml": "deep-block-sequence.yaml:4:127: nesting deeper than the limit of 64 levels",
    "many-unknown-keys.yaml": "many-unknown-keys.yaml:3:1: unknown key 'key0' at the top level; expected one of: " + TOP_LEVEL_KEYS,
    "many-type-errors.yaml": "many-type-errors.yaml:4:13: tracing.records[0]: expected a string, found a mapping",
    "many-list-items.yaml": "many-list-items.yaml:4:13: tracing.records[0]: expected a field name in lower snake_case ",
    "many-mixed-items.yaml": "many-mixed-items.yaml:4:16: monitoring.dashboards[0]: expected a string, found a mapping",
    "many-aliases.yaml": "many-aliases.yaml:4:40019: aliases expand to more than 10,000 values (limit)",
    "many-anchors.yaml": "many-anchors.yaml:4:13: tracing.records[0]: expected a field name in lower snake_case ",
    "many-documents.yaml": "many-documents.yaml:3:1: a second YAML document starts here; a manifest holds exactly one document",
    "many-prompts.yaml": 1,
}
CAPPED = {"many-unknown-keys.yaml", "many-type-errors.yaml", "many-list-items.yaml", "many-mixed-items.yaml", "many-anchors.yaml"}


def test_every_hostile_file_has_an_expectation():
    on_disk = {path.name for path in HOSTILE.iterdir() if not path.name.startswith(".")}
    assert on_disk == set(EXPECTED)
    assert set(GENERATED) == set(FILES)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_hostile_file(name, cli, project):
    shutil.copyfile(HOSTILE / name, project.root / name)
    run = cli("audit", name, "--as-of", AS_OF)
    expected = EXPECTED[name]
    if isinstance(expected, str):
        assert (run.exit_code, run.stderr, run.stdout) == (2, expected + "\n", "")
    else:
        assert (run.exit_code, run.stderr) == (expected, "")
        assert "readiness" in run.stdout and "Gate " in run.stdout
    if name in EVIDENCE_FINDINGS:
        assert EVIDENCE_FINDINGS[name] in run.stdout


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_generated_hostile_file(name, cli, project):
    (project.root / name).write_bytes(FILES[name]())
    run = cli("audit", name, "--as-of", AS_OF)
    expected = GENERATED[name]
    if isinstance(expected, int):
        assert (run.exit_code, run.stderr) == (expected, "")
        return
    lines = run.stderr.splitlines()
    assert run.exit_code == 2 and run.stdout == ""
    assert lines[0].startswith(expected) if expected.endswith(" ") else lines[0] == expected
    if name in CAPPED:
        assert len(lines) == 51 and lines[-1] == f"{name}: {SCHEMA_CAP}"
    else:
        assert len(lines) == 1


def test_evidence_over_the_size_limit_is_a_finding_not_a_crash(cli, project):
    FOLDERS["evidence-over-limit"](project.root)
    run = cli("audit", "readiness.yaml", "--as-of", AS_OF)
    assert (run.exit_code, run.stderr) == (1, "")
    assert "evaluation.last_run.results: 'evals/results.json' is larger than the evidence limit of 10,485,760 bytes" in run.stdout


def test_python_tags_never_run_code(cli, project, tmp_path_factory):
    marker = tmp_path_factory.mktemp("marker") / "pwned"
    for name in ("python-object-apply.yaml", "python-tag-via-directive.yaml", "python-verbatim-tag.yaml"):
        text = (HOSTILE / name).read_text().replace("/tmp/readiness-pwned", str(marker)).replace('["true"]', f'["touch {marker}"]')
        project(name, text)
        assert cli("audit", name, "--as-of", AS_OF).exit_code == 2
    assert not marker.exists()


@pytest.mark.parametrize("name", ["evil\n::warning::forged.readiness.yaml", "evil\x1b[2J.readiness.yaml", "evil\u202eymal.readiness.yaml"])
def test_a_manifest_name_that_could_forge_report_lines_is_refused(cli, project, name):
    project(name, (HOSTILE / "valid-minimal.yaml").read_text())
    run = cli("audit", ".", "--as-of", AS_OF)
    assert (run.exit_code, run.stdout) == (2, "")
    assert run.stderr == f"readiness: the file name {name!r} has a control character; rename the file\n"


HOSTILE_JSON = {
    "deep.json": ("[" * 100_000, "nested too deeply"),
    "long-number.json": ('{"schema_version": ' + "9" * 5000 + "}", "a number has too many digits"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE_JSON))
def test_hostile_json_reports_and_baselines(cli, project, name):
    text, problem = HOSTILE_JSON[name]
    project(name, text)
    project("readiness.yaml", (HOSTILE / "valid-minimal.yaml").read_text())
    run = cli("report", name)
    assert (run.exit_code, run.stdout, run.stderr) == (2, "", f"{name}:1:1: not valid JSON: {problem}\n")
    run = cli("audit", "readiness.yaml", "--as-of", AS_OF, "--baseline", name)
    assert (run.exit_code, run.stdout, run.stderr) == (2, "", f"{name}:1:1: --baseline: not valid JSON: {problem}\n")


@pytest.mark.parametrize("name", sorted(HOSTILE_JSON))
def test_hostile_eval_results_file_is_a_finding(cli, project, name):
    text, problem = HOSTILE_JSON[name]
    project("evals/results.json", text.replace('"schema_version"', '"metrics"'))
    project("readiness.yaml", (HOSTILE / "valid-minimal.yaml").read_text() + "evaluation: {metrics: [{name: acc, method: automated, threshold: 0.9}], last_run: {date: 2026-11-20, results: evals/results.json}}\n")
    run = cli("audit", "readiness.yaml", "--as-of", AS_OF, "--select", "EVL001")
    assert run.exit_code == 1 and run.stderr == ""
    assert f"evaluation.last_run.results: evals/results.json:1: not valid JSON: {problem}" in run.stdout


@pytest.mark.parametrize(
    ("value", "problem"),
    [("[" * 100_000 + "]" * 100_000, "nested too deeply"), ("9" * 5000, "a number has too many digits")],
)
def test_hostile_pyproject_config(cli, project, value, problem):
    project("pyproject.toml", f"[tool.readiness]\nmin_score = {value}\n")
    project("readiness.yaml", (HOSTILE / "valid-minimal.yaml").read_text())
    run = cli("audit", "readiness.yaml", "--as-of", AS_OF)
    assert (run.exit_code, run.stdout, run.stderr) == (2, "", f"pyproject.toml: invalid TOML: {problem}\n")
