"""Evidence reading pinned where mutation testing found it unpinned (docs/testing.md): how citations
resolve (and how cheaply), what a results file may hold, and every message a bad one gets."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from readiness.evidence import Evidence, EvidenceProblem


def test_citations_resolve_the_filesystem_once_per_run_not_once_per_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Monorepos cite thousands of files: the folders resolved once are reused, a file costs one lstat."""
    for folder in ("a", "b", "c", "d", "e"):
        (tmp_path / "evals" / folder).mkdir(parents=True)
        (tmp_path / "evals" / folder / "report.md").write_text(f"# {folder}\n")
    evidence = Evidence(tmp_path, tmp_path)
    resolved: list[str] = []
    real_resolve = Path.resolve
    monkeypatch.setattr(Path, "resolve", lambda self, strict=False: resolved.append(str(self)) or real_resolve(self, strict))

    contents = [evidence.read(f"evals/{folder}/report.md") for folder in ("a", "b", "c", "d", "e")]

    assert contents == [f"# {folder}\n".encode() for folder in ("a", "b", "c", "d", "e")]
    assert len(resolved) <= 1  # the filesystem root, once; every folder under it comes from its parent


def test_a_symlinked_file_or_folder_is_resolved_in_full_and_confined(tmp_path: Path):
    project, outside = tmp_path / "project", tmp_path / "outside"
    (project / "docs").mkdir(parents=True)
    outside.mkdir()
    (outside / "secret.md").write_text("secret\n")
    (project / "docs" / "real.md").write_text("real\n")
    (project / "docs" / "link.md").symlink_to(project / "docs" / "real.md")
    (project / "docs" / "escape.md").symlink_to(outside / "secret.md")
    (project / "elsewhere").symlink_to(outside)
    evidence = Evidence(project, project)

    assert evidence.read("docs/real.md") == b"real\n"  # its folder is now known: the next two take the short way
    assert evidence.read("docs/link.md") == b"real\n"
    with pytest.raises(EvidenceProblem, match="'docs/escape.md' resolves outside the project root"):
        evidence.read("docs/escape.md")
    with pytest.raises(EvidenceProblem, match="'elsewhere/secret.md' resolves outside the project root"):
        evidence.read("elsewhere/secret.md")
    assert evidence.read("./docs/real.md") == b"real\n"
    assert evidence.read("docs/../docs/real.md") == b"real\n"


@pytest.mark.parametrize(
    ("cited", "message"),
    [
        ("https://example.com/card.md", "'https://example.com/card.md' is a URL; readiness never fetches: cite a file in the repository"),
        ("mailto:ml-oncall@example.com", "'mailto:ml-oncall@example.com' is a URL; readiness never fetches: cite a file in the repository"),
        ("www.example.com/card.md", "'www.example.com/card.md' is a URL; readiness never fetches: cite a file in the repository"),
        ("/etc/passwd", "'/etc/passwd' is an absolute path; cite files relative to the manifest"),
        ("\\\\server\\share\\card.md", "'\\\\\\\\server\\\\share\\\\card.md' is an absolute path; cite files relative to the manifest"),
        ("~/card.md", "'~/card.md' is an absolute path; cite files relative to the manifest"),
        ("C:card.md", "'C:card.md' is an absolute path; cite files relative to the manifest"),
        ("C:", "'C:' is an absolute path; cite files relative to the manifest"),
        ("docs/card\x00.md", "a cited path contains a NUL character"),
    ],
)
def test_a_citation_that_is_not_a_project_file_is_refused_with_its_reason(tmp_path: Path, cited: str, message: str):
    with pytest.raises(EvidenceProblem) as problem:
        Evidence(tmp_path, tmp_path).read(cited)
    assert str(problem.value) == message


def test_one_character_citations_are_relative_files(tmp_path: Path):
    (tmp_path / "c").write_text("x")
    assert Evidence(tmp_path, tmp_path).read("c") == b"x"


from readiness.evidence import parse_results  # noqa: E402

RESULTS_PROBLEMS = {
    "empty": (b"  \n", "r.json:1: the file is empty; expected a JSON object with 'metrics', or JSONL records"),
    "not UTF-8": (b'{"metrics":\n {"acc": 0.9, "name": "\xff"}}', "r.json:2: not UTF-8 text"),
    "invalid JSON": (b'{"metrics": {\n"acc": ,\n}}', "r.json:2: not valid JSON: Expecting value"),
    "no metrics": (b'{"evaluated": {}}', "r.json:1: expected an object with a 'metrics' object of name → value (or a promptfoo, lm-evaluation-harness or Inspect AI results file)"),
    "metrics a list": (b'{"metrics": [0.9]}', "r.json:1: expected an object with a 'metrics' object of name → value (or a promptfoo, lm-evaluation-harness or Inspect AI results file)"),
    "a text value": (b'{\n "metrics": {\n  "acc": "0.9"\n }\n}', "r.json:3: metrics.acc: expected a finite number, found string '0.9'"),
    "a boolean value": (b'{"metrics": {"acc": true}}', "r.json:1: metrics.acc: expected a finite number, found boolean true"),
    "a huge integer": (b'{"metrics": {"acc": ' + b"9" * 400 + b"}}", "r.json:1: metrics.acc: expected a finite number, found a number of 400 digits"),
    "slices a list": (b'{"metrics": {},\n "slices": []}', "r.json:2: 'slices' must be an object of slice → {metric: value}"),
    "a slice a number": (b'{"metrics": {},\n "slices": {\n  "billing": 0.9}}', "r.json:3: slices.billing must be an object of metric → value"),
    "a slice value": (b'{"metrics": {},\n "slices": {\n  "billing": {\n   "acc": null}}}', "r.json:4: slices.billing.acc: expected a finite number, found null"),
    "evaluated a list": (b'{"metrics": {},\n "evaluated": []}', "r.json:2: 'evaluated' must be an object, found a list of 0"),
    "old layout version": (b'{"metrics": {},\n\n "model_version": ["v1"]}', "r.json:3: evaluated.model_version must be a string, found a list of 1"),
    "parameters text": (b'{"metrics": {},\n "evaluated": {"parameters": "t=0"}}', "r.json:2: evaluated.parameters must be an object of name → value, found string 't=0'"),
    "not UTF-8 after a blank line": (b'\n{"metrics": {"\xff": 1}}', "r.json:2: not UTF-8 text"),
    "a non-ASCII slice": ('{"metrics": {},\n "slices": {\n  "café": {\n   "acc": "x"}}}'.encode(), "r.json:4: slices.café.acc: expected a finite number, found string 'x'"),
    # a key written with escapes cannot be found in the text: the message points at line 1
    "escaped metric": (b'{\n "metrics": {"caf\\u00e9": "x"}}', "r.json:1: metrics.caf\u00e9: expected a finite number, found string 'x'"),
    "escaped slice": (b'{"metrics": {},\n "slices": {"caf\\u00e9": 3}}', "r.json:1: slices.caf\u00e9 must be an object of metric \u2192 value"),
    "escaped slices": (b'{"metrics": {},\n "\\u0073lices": 3}', "r.json:1: 'slices' must be an object of slice \u2192 {metric: value}"),
    "escaped evaluated": (b'{"metrics": {},\n "\\u0065valuated": 3}', "r.json:1: 'evaluated' must be an object, found number 3"),
    "escaped model_version": (b'{"metrics": {},\n "\\u006dodel_version": ["v1"]}', "r.json:1: evaluated.model_version must be a string, found a list of 1"),
    "a slice named slices": (b'{"metrics": {},\n "slices": {"x": {"acc": 1},\n  "slices": {\n   "acc": "bad"}}}', "r.json:4: slices.slices.acc: expected a finite number, found string 'bad'"),
    "a blank first line": (b'\n{"metrics": {"acc": "x"}}', "r.json:2: metrics.acc: expected a finite number, found string 'x'"),
    "prompts a list": (b'{"metrics": {},\n "evaluated": {"prompts": ["9f2c"]}}', "r.json:2: evaluated.prompts must be an object of name → value, found a list of 1"),
}


@pytest.mark.parametrize("case", sorted(RESULTS_PROBLEMS))
def test_a_bad_json_results_file_is_refused_with_file_line_and_what_was_expected(case: str):
    content, message = RESULTS_PROBLEMS[case]
    with pytest.raises(EvidenceProblem) as problem:
        parse_results(content, "r.json")
    assert str(problem.value) == message


@pytest.mark.parametrize("key", ["model_version", "model_digest", "config_sha256", "index_version", "embedding_version", "fallback_version", "fallback_digest", "date"])
def test_every_identity_field_of_a_run_must_be_text(key: str):
    with pytest.raises(EvidenceProblem, match=rf"^r.jsonl:2: evaluated.{key} must be a string, found a mapping$"):
        parse_results(b'{"metric": "acc", "value": 1}\n{"evaluated": {"%s": {"v": 1}}}\n' % key.encode(), "r.jsonl")
    assert parse_results(b'{"evaluated": {"%s": 12}}\n' % key.encode(), "r.jsonl").evaluated == {key: 12}  # a number is a version too


def test_a_json_results_file_gives_values_by_metric_and_slice_and_what_it_evaluated():
    text = b'\xef\xbb\xbf{\n "evaluated": {"model_version": "m-1", "prompts": {"answer": "9f2c"}},\n "metrics": {"acc": 0.9, "n": 3},\n "slices": {"billing": {"acc": 0.8}}\n}'
    results = parse_results(text, "r.json")
    assert results.metrics == {("acc", None): 0.9, ("n", None): 3.0, ("acc", "billing"): 0.8}
    assert results.evaluated == {"model_version": "m-1", "prompts": {"answer": "9f2c"}}
    assert results.place("prompts", "answer") == "r.json:2"
    assert results.place("date") == "r.json"  # not recorded: the file alone


def test_the_layout_before_evaluated_still_names_the_model_and_where():
    results = parse_results(b'{\n "metrics": {"acc": 0.9},\n "model_version": "m-0"\n}', "r.json")
    assert results.evaluated == {"model_version": "m-0"}
    assert results.place("model_version") == "r.json:3"
    both = parse_results(b'{"metrics": {}, "model_version": "old", "evaluated": {"model_version": "new"}}', "r.json")
    assert both.evaluated == {"model_version": "new"}  # the evaluated record wins


def test_a_jsonl_results_file_skips_blank_lines_and_reads_slices():
    text = b'\n{"evaluated": {"date": "2026-11-20"}}\n\n   \n{"metric": "acc", "value": 0.9}\n{"metric": "acc", "value": 0.7, "slice": "billing"}\n{"metric": "n", "value": 3, "slice": 7}\n'
    results = parse_results(text, "r.jsonl")
    assert results.metrics == {("acc", None): 0.9, ("acc", "billing"): 0.7, ("n", None): 3.0}  # a slice that is not a name is the whole set
    assert results.evaluated == {"date": "2026-11-20"}
    assert results.place("date") == "r.jsonl:2"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (b'{"metric": "acc", "value": 0.9}\n{"metric": "acc",\n', "r.jsonl:2: not valid JSON: Expecting property name enclosed in double quotes"),
        (b'{"metric": "acc", "value": 0.9}\n\n[1, 2]\n', "r.jsonl:3: expected an object with 'metric' and 'value', or the {\"evaluated\": {...}} record"),
        (b'{"metric": 7, "value": 0.9}\n', "r.jsonl:1: expected an object with 'metric' and 'value', or the {\"evaluated\": {...}} record"),
        (b'{"metric": "acc"}\n', "r.jsonl:1: expected a finite number, found null"),  # no value: read as null
        (b'{"metric": "acc", "value": "high"}\n', "r.jsonl:1: expected a finite number, found string 'high'"),
        (b'{"evaluated": {"date": "2026-11-20"}}\n{"metric": "acc", "value": 1}\n{"evaluated": {}}\n', "r.jsonl:3: a second 'evaluated' record (the first is on line 1)"),
        (b'{"evaluated": "gpt-4o"}\n', "r.jsonl:1: 'evaluated' must be an object, found string 'gpt-4o'"),
    ],
)
def test_a_bad_jsonl_line_is_refused_with_its_line(text: bytes, message: str):
    with pytest.raises(EvidenceProblem) as problem:
        parse_results(text, "r.jsonl")
    assert str(problem.value) == message


def test_a_record_with_both_evaluated_and_metric_is_a_measurement():
    results = parse_results(b'{"evaluated": {"date": "x"}, "metric": "acc", "value": 0.5}\n', "r.jsonl")
    assert results.metrics == {("acc", None): 0.5} and results.evaluated == {} and results.evaluated_line is None


def test_a_json_object_in_a_jsonl_file_is_read_line_by_line():
    with pytest.raises(EvidenceProblem, match=r"^r.jsonl:1: expected an object with 'metric'"):
        parse_results(b'{"metrics": {"acc": 0.9}}\n', "r.jsonl")


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (PermissionError(13, "Permission denied"), "'card.md' cannot be read: permission denied"),
        (OSError(5, "Input/output error"), "'card.md' cannot be read: Input/output error"),
        (OSError("disk gone"), "'card.md' cannot be read: disk gone"),
    ],
)
def test_a_file_that_cannot_be_read_is_a_problem_naming_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: OSError, message: str):
    import readiness.evidence as evidence_module

    (tmp_path / "card.md").write_text("# Card\n")

    def refuse(*args, **kwargs):
        raise error

    monkeypatch.setattr(evidence_module, "open", refuse, raising=False)
    with pytest.raises(EvidenceProblem) as problem:
        Evidence(tmp_path, tmp_path).read("card.md")
    assert str(problem.value) == message


def test_a_directory_or_a_file_over_the_limit_is_refused(tmp_path: Path):
    (tmp_path / "evals").mkdir()
    (tmp_path / "big.json").write_bytes(b"x" * 11)
    (tmp_path / "fits.json").write_bytes(b"x" * 10)
    evidence = Evidence(tmp_path, tmp_path, max_bytes=10)
    with pytest.raises(EvidenceProblem, match=r"^'evals' is a directory, expected a file$"):
        evidence.read("evals")
    with pytest.raises(EvidenceProblem, match=r"^'big.json' is larger than the evidence limit of 10 bytes$"):
        evidence.read("big.json")
    assert evidence.read("fits.json") == b"x" * 10


def test_a_key_of_evaluated_is_placed_inside_evaluated_not_where_the_same_word_comes_first():
    text = b'{"notes": {"prompts": "see below", "answer": "x"},\n "metrics": {},\n "evaluated": {"prompts": {"answer": "9f2c"}}}'
    assert parse_results(text, "r.json").place("prompts", "answer") == "r.json:3"


def test_a_results_file_without_evaluated_is_placed_at_its_first_line():
    assert parse_results(b'{"metrics": {}}', "r.json").place() == "r.json:1"


@pytest.mark.parametrize("cited", ["https://example.com/card.md", "/etc/passwd", "C:card.md"])
def test_rule_examples_refuse_the_citations_a_manifest_may_not_make(cited: str):
    """The evidence of a rule's own examples (and of library callers) is held to the same citations as files on disk."""
    from readiness.evidence import MemoryEvidence

    with pytest.raises(EvidenceProblem) as problem:
        MemoryEvidence({cited: "text"}).read(cited)
    with pytest.raises(EvidenceProblem) as on_disk:
        Evidence(Path("."), Path(".")).read(cited)
    assert str(problem.value) == str(on_disk.value)


def test_the_root_named_in_a_message_keeps_its_whole_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    root = tmp_path / "svcX"
    root.mkdir()
    monkeypatch.chdir(tmp_path)
    assert Evidence(root, root).describe_root().startswith("svcX/ (the manifest's folder, as no git work tree encloses it;")
