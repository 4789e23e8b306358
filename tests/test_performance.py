"""The fast paths give the same answers and bytes as the slow ones they stand in for (speed itself
is measured by benchmarks/run.py, never asserted here)."""

from __future__ import annotations

import collections
import copy
import datetime as dt
import enum
import io
import json
from dataclasses import asdict
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings, strategies as st
from jsonschema import Draft202012Validator, FormatChecker
from rich.console import Console
from rich.text import Text

from readiness import schema
from readiness.errors import InputError
from readiness.evidence import Evidence, EvidenceProblem
from readiness.fastcheck import Unsupported, compile_schema
from readiness.files import read_at_most
from readiness.frameworks import parse_frameworks
from readiness.functions import REGISTRY
from readiness.loader import Limits, _full_reading, load_file, load_text
from readiness.reporters.jsontext import Stream, json_text, orjson_text, python_text, write_json
from readiness.reporters.terminal import PlainConsole
from readiness.reporters.text import Text as TerminalText
from reporting import FRAMEWORKS, OUTPUTS, fixture_report
from test_fuzz import json_values as any_json, yamlish  # the generators of the fuzz tests


def rich_output(lines: list[Text | None]) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=False, no_color=True, width=100, highlight=False, emoji=False, soft_wrap=True)
    for line in lines:
        console.print() if line is None else console.print(line)
    return buffer.getvalue()


def plain_output(lines: list[Text | None]) -> str:
    buffer = io.StringIO()
    console = PlainConsole(buffer, lambda: Console(file=buffer, force_terminal=False, no_color=True, width=100, highlight=False, emoji=False, soft_wrap=True))
    for line in lines:
        console.print(line)
    return buffer.getvalue()


TRICKY = ["\t", "\r", "\n", "\x07", "\x1b[31m", "é", "漢字", "😀", "\u200b", "[bold]x[/]", ":smile:", " " * 150, "x" * 150]
lines = st.one_of(
    st.none(),
    st.builds(
        lambda parts, style: Text("".join(parts), style=style),
        st.lists(st.one_of(st.sampled_from(TRICKY), st.text(max_size=20)), max_size=6),
        st.sampled_from(["", "dim", "bold red", "green"]),
    ),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(lines, max_size=8))
def test_plain_console_writes_what_rich_writes(texts: list[Text | None]) -> None:
    assert plain_output(texts) == rich_output(texts)


def test_plain_console_expands_tabs_like_rich() -> None:
    texts = [Text("a\tb"), Text("漢\tx"), None, Text("plain")]
    assert plain_output(texts) == rich_output(texts) == "a       b\n漢      x\n\nplain\n"


# --- schema validation: the compiled predicate agrees with jsonschema --------------------------

REPO = Path(__file__).resolve().parent.parent
MANIFESTS = sorted(REPO.glob("sample_configs/*/readiness.yaml"))
PACKS = sorted(REPO.glob("checks/*.yaml"))


def agrees(check, validator, value) -> bool:
    return schema.surely_valid(check, value) == validator.is_valid(value)


@pytest.mark.parametrize("name, files", [(schema.MANIFEST, MANIFESTS), (schema.RULE_PACK, PACKS)])
def test_the_shipped_schemas_compile_and_pass_the_shipped_files(name: str, files: list[Path]) -> None:
    check = schema.quick_check(name)
    assert check is not None and files
    for file in files:
        assert check(load_file(file).data), file


def test_a_schema_with_a_keyword_not_compiled_is_left_to_jsonschema() -> None:
    assert compile_schema({"type": "object", "dependentRequired": {"a": ["b"]}}) is None
    assert compile_schema({"$ref": "#/$defs/x", "$defs": {"x": {}}}) is None
    assert compile_schema({"format": "email"}, frozenset({"email"})) is None
    assert compile_schema({"format": "email"}) is not None  # not asserted: an annotation


EDGE_CASES = [
    ({"type": "integer"}, [1, 1.0, 1.5, True, "1", None]),
    ({"type": "number"}, [1, 0.5, True, False, "2"]),
    ({"type": ["string", "null"]}, ["a", None, 0]),
    ({"enum": [1, "a", None]}, [1, 1.0, True, "a", None, "b"]),
    ({"enum": [True]}, [True, 1, 1.0]),
    ({"const": 0}, [0, 0.0, False, None]),
    ({"uniqueItems": True}, [[1, 1.0], [1, True], [0, False], [[1], [True]], [{"a": 1}, {"a": 1.0}], ["a", "b"], ["a", "a"], "aa"]),
    ({"pattern": "^[a-z]+$"}, ["abc", "abc\n", "ABC", 5]),
    ({"format": "date"}, ["2026-11-02", "2026-02-30", "2026-1-02", "2026-11-02\n", "２０２６-11-02", "20261102", 3]),
    ({"minimum": 0, "exclusiveMaximum": 1}, [0, 0.5, 1, -1, True, "x"]),
    ({"minLength": 1, "maxLength": 2}, ["", "a", "abc", "漢字", [], 5]),
    ({"minItems": 1, "maxItems": 2}, [[], [1], [1, 2, 3], {}, "a"]),
    ({"items": {"type": "string"}}, [[], ["a"], ["a", 1], {"a": 1}]),
    ({"oneOf": [{"type": "string"}, {"minLength": 2}]}, ["a", "ab", 5, [1, 2]]),
    ({"anyOf": [{"type": "string"}, {"type": "integer"}]}, ["a", 1, 1.0, 1.5]),
    ({"not": {"type": "string"}}, ["a", 1]),
    (
        {"type": "object", "properties": {"a": {"type": "integer"}}, "patternProperties": {"^x-": {"type": "string"}}, "additionalProperties": False, "required": ["a"]},
        [{"a": 1}, {"a": 1, "x-y": "z"}, {"a": 1, "x-y": 2}, {"a": 1, "b": 2}, {"b": 2}, {}, [], "a"],
    ),
    ({"additionalProperties": {"type": "number"}, "properties": {"a": {}}}, [{"a": "x", "b": 1}, {"b": "x"}, {}]),
    ({}, [None, 1, "a", [1], {"a": 1}]),
    (False, [None, 1]),
]


@pytest.mark.parametrize("case, values", EDGE_CASES)
def test_keywords_mean_what_they_mean_to_jsonschema(case, values) -> None:
    check = compile_schema(case, schema.ASSERTED_FORMATS)
    validator = Draft202012Validator(case, format_checker=FormatChecker(sorted(schema.ASSERTED_FORMATS)))
    assert check is not None
    for value in values:
        assert check(value) == validator.is_valid(value), value


def test_a_value_that_is_not_json_data_is_left_to_jsonschema() -> None:
    check = compile_schema({"enum": ["a"]})
    with pytest.raises(Unsupported):
        check(dt.date(2026, 1, 1))
    assert not schema.surely_valid(check, dt.date(2026, 1, 1))


INTERESTING = st.sampled_from(
    ["", "latest", "llm", "rag", "high", "canary", "2026-11-02", "2026-02-30", "2026-1-01", "AI-0042", "a" * 70, "x-y", "gpt-4o", "ab" * 40]
)
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-5, 200_000), st.sampled_from([0.0, 0.5, 1.0, 1.5, -0.1, 99.5, 100.0, 1e9]), INTERESTING, st.text(max_size=8)),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.one_of(INTERESTING, st.text(max_size=6)), inner, max_size=4)),
    max_leaves=12,
)


def paths_in(data, here=()):
    yield here
    if isinstance(data, dict):
        for key, value in data.items():
            yield from paths_in(value, here + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from paths_in(value, here + (index,))


def mutated(data, path, action, value):
    data = copy.deepcopy(data)
    if not path:
        return value if action == "replace" else data
    parent = data
    for step in path[:-1]:
        parent = parent[step]
    if action == "replace":
        parent[path[-1]] = value
    elif action == "delete":
        del parent[path[-1]]
    elif isinstance(parent, dict):
        parent[f"{path[-1]}_extra" if isinstance(path[-1], str) else "extra"] = value
    else:
        parent.append(value)
    return data


def mutation_test(name: str, files: list[Path]):
    documents = [load_file(file).data for file in files]
    check, validator = schema.quick_check(name), schema.validator(name)

    @settings(max_examples=400, deadline=None)
    @given(st.data())
    def run(data) -> None:
        document = data.draw(st.sampled_from(documents))
        paths = list(paths_in(document))
        path = data.draw(st.sampled_from(paths))
        changed = mutated(document, path, data.draw(st.sampled_from(["replace", "delete", "add"])), data.draw(json_values))
        assert agrees(check, validator, changed)

    return run


test_manifest_mutations_are_judged_as_jsonschema_judges_them = mutation_test(schema.MANIFEST, MANIFESTS)
test_rule_pack_mutations_are_judged_as_jsonschema_judges_them = mutation_test(schema.RULE_PACK, PACKS)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(sorted(REGISTRY)), st.dictionaries(st.sampled_from(["value", "values", "days", "count", "field", "fields", "match", "flags", "min", "other"]), json_values, max_size=3))
def test_function_options_are_judged_as_jsonschema_judges_them(name: str, options: dict) -> None:
    options_schema = REGISTRY[name].options_schema
    expected = [error.message for error in Draft202012Validator(options_schema).iter_errors(options)]
    assert (schema.value_validator(options_schema)(options) == []) == (expected == [])


# --- reading files: sized to the file, same bytes as one read up to the limit --------------------


@pytest.mark.parametrize("size, limit", [(0, 10), (5, 10), (9, 10), (10, 10), (11, 10), (5000, 10), (5000, 100_000)])
def test_read_at_most_reads_what_one_read_up_to_the_limit_reads(tmp_path: Path, size: int, limit: int) -> None:
    file = tmp_path / "f"
    file.write_bytes(bytes(range(256)) * (size // 256) + bytes(size % 256))
    with file.open("rb") as one, file.open("rb") as sized:
        assert read_at_most(sized, limit) == one.read(limit)


def test_read_at_most_reads_a_device_up_to_the_limit() -> None:
    with open("/dev/zero", "rb") as stream:
        assert read_at_most(stream, 100_001) == bytes(100_001)


def test_read_at_most_reads_what_a_file_grew_to(tmp_path: Path) -> None:
    file = tmp_path / "f"
    file.write_bytes(b"abc")
    with file.open("rb") as stream:
        file.write_bytes(b"abcdefgh")  # grows between the size check and the read
        assert read_at_most(stream, 6) == b"abcdef"


def test_the_loader_refuses_exactly_the_characters_outside_yamls_printable_set_and_the_bidi_overrides() -> None:
    import re

    from readiness.yaml_builder import NOT_PRINTABLE

    by_definition = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|[\u202a-\u202e\u2066-\u2069]")
    differing = [code for code in range(0x110000) if bool(NOT_PRINTABLE.fullmatch(chr(code))) != bool(by_definition.fullmatch(chr(code)))]
    assert differing == []


# --- evidence: resolving a citation through known folders equals a full resolve ------------------

CITATIONS = [
    "a.md", "docs/b.md", "docs/sub/c.md", "docs/../a.md", "docs/sub/../b.md", "missing.md", "docs/missing/x.md",
    "linked-docs/b.md", "linked-docs/sub/c.md", "link-to-a.md", "docs/link-up.md", "dangling.md", "loop/x.md", "loop",
    "outside-link/secret.md", "outside-file.md", "../outside/secret.md", "docs/sub/../../a.md", "docs/", "docs/.", "a.md/x",
    "docs//b.md", "./a.md", "docs/./sub/c.md", "../project/a.md", "../project-other/a.md", "..", ".",
]


def outcome(action):
    try:
        return ("ok", action())
    except (EvidenceProblem, RuntimeError, OSError) as error:
        return (type(error).__name__, str(error))


def test_citations_resolve_as_a_full_resolve_would(tmp_path: Path) -> None:
    project, outside = tmp_path / "project", tmp_path / "outside"
    (project / "docs" / "sub").mkdir(parents=True)
    outside.mkdir()
    (outside / "secret.md").write_text("s")
    (project / "a.md").write_text("a")
    (project / "docs" / "b.md").write_text("b")
    (project / "docs" / "sub" / "c.md").write_text("c")
    (project / "linked-docs").symlink_to(project / "docs", target_is_directory=True)
    (project / "link-to-a.md").symlink_to(project / "a.md")
    (project / "docs" / "link-up.md").symlink_to("../a.md")
    (project / "dangling.md").symlink_to(project / "nowhere.md")
    (project / "loop").symlink_to(project / "loop2")
    (project / "loop2").symlink_to(project / "loop")
    (project / "outside-link").symlink_to(outside, target_is_directory=True)
    (project / "outside-file.md").symlink_to(outside / "secret.md")
    for base in (project, project / "docs", project / "linked-docs" / "sub"):
        fast = Evidence(base, project)
        for cited in CITATIONS * 2:  # twice: the second time through the folders already known
            expected = outcome(lambda: (base / cited).resolve())
            if expected[0] == "ok":
                inside = expected[1] == project.resolve() or project.resolve() in expected[1].parents
                expected = ("ok", str(expected[1])) if inside else ("EvidenceProblem", f"{cited!r} resolves outside the project root {fast.describe_root()}")
            assert outcome(lambda: fast._resolve(cited)) == expected, (base, cited)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.sampled_from(["true", "True", "yes", "no", "null", "~", "", "0.05", "1e3", ".inf", "0x1F", "0o17", "2026-11-02", "12:30", "<<", "=", "page"]), st.text(max_size=50)), st.tuples(st.booleans(), st.booleans()))
def test_remembered_implicit_tags_are_pyyamls(value: str, implicit: tuple[bool, bool]) -> None:
    import yaml

    from readiness.yaml_builder import _RESOLVER, _implicit_tag

    assert _implicit_tag(value, implicit) == _implicit_tag(value, implicit) == _RESOLVER.resolve(yaml.ScalarNode, value, implicit)


# --- the lean reading of plain files: the full reading's data, positions and errors -----------

YAML_FILES = sorted({*REPO.glob("checks/*.yaml"), *REPO.glob("sample_configs/**/*.yaml"), *REPO.glob("tests/**/*.yaml")})


def reading(text: str, how: str):
    try:
        if how == "full":
            return _full_reading(text, "pack.yaml", Limits())
        return load_text(text, "pack.yaml", shallow=how == "shallow")
    except InputError as error:
        return str(error)


def assert_lean_readings_agree(text: str) -> None:
    """load_text (the lean loop where it can) and its shallow form against the event builder alone."""
    full, lean, shallow = reading(text, "full"), reading(text, "lean"), reading(text, "shallow")
    if isinstance(full, str) or isinstance(lean, str) or isinstance(shallow, str):
        assert lean == shallow == full
        return
    assert repr(lean.data) == repr(shallow.data) == repr(full.data)
    assert lean.positions == full.positions
    assert {path: position for path, position in full.positions.items() if len(path) <= 2}.items() <= shallow.positions.items() <= full.positions.items()


@pytest.mark.parametrize("file", YAML_FILES, ids=lambda file: str(file.relative_to(REPO)))
def test_the_lean_readings_give_the_full_readings_data_positions_and_errors(file: Path) -> None:
    assert_lean_readings_agree(file.read_bytes().decode("utf-8", errors="replace"))


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.one_of(yamlish(), st.builds(lambda data, flow: yaml.safe_dump({"rules": data}, default_flow_style=flow, allow_unicode=True), json_values, st.sampled_from([False, True, None]))))
def test_the_lean_readings_agree_on_any_yaml(text: str) -> None:
    assert_lean_readings_agree(text)


# --- the terminal report's Text: rich's plain text, and rich's own rendering in colour ----------

STYLES = ["", "dim", "bold", "bold red", "green", "bold white on red"]
text_parts = st.one_of(st.sampled_from(TRICKY), st.text(max_size=12))
styled = st.tuples(text_parts, st.sampled_from(STYLES))
steps = st.lists(st.one_of(st.tuples(st.just("append"), styled), st.tuples(st.just("add"), styled), st.tuples(st.just("rstrip"), st.none())), max_size=5)


def built(text_class, start, parts, program):
    """The same calls on either Text class: a start (Text(text, style) or assemble(parts)), then the steps."""
    text = text_class(*start) if parts is None else text_class.assemble(*(text_class(*part) if index % 3 == 2 else part if index % 3 else part[0] for index, part in enumerate(parts)))
    for action, argument in program:
        if action == "append":
            text.append(*argument)
        elif action == "add":
            text = text + text_class(*argument)
        else:
            text.rstrip()
    return text


def coloured(text) -> str:
    buffer = io.StringIO()
    Console(file=buffer, force_terminal=True, color_system="truecolor", width=100, highlight=False, emoji=False, soft_wrap=True).print(text)
    return buffer.getvalue()


@settings(max_examples=300, deadline=None)
@given(styled, st.one_of(st.none(), st.lists(styled, max_size=4)), steps)
def test_the_terminal_text_is_riches_in_plain_and_in_colour(start, parts, program) -> None:
    ours, theirs = built(TerminalText, start, parts, program), built(Text, start, parts, program)
    assert ours.plain == theirs.plain
    assert coloured(ours) == coloured(theirs)


@pytest.mark.parametrize("folder, frameworks", [(OUTPUTS, []), (FRAMEWORKS, ["all"])])
def test_a_reports_dict_is_dataclasses_asdict(folder: Path, frameworks: list[str]) -> None:
    report = fixture_report(folder, parse_frameworks(frameworks))
    assert report.manifests and report.rules and (report.manifests[0].frameworks.ml_test_score or not frameworks)
    assert report.to_dict() == asdict(report)
    assert json.dumps(report.to_dict()) == json.dumps(asdict(report))


# --- indented JSON: the standard library's bytes, faster --------------------------------------


@settings(max_examples=500, deadline=None)
@given(st.one_of(any_json, json_values))
def test_json_text_is_the_standard_librarys_indented_json(value) -> None:
    assert json_text(value) == json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def test_json_text_takes_tuples_and_subclasses_as_the_standard_library_does() -> None:
    class Level(enum.IntEnum):
        HIGH = 3

    value = {"t": (1, "é", [()]), "ordered": collections.OrderedDict(a=[1, {"b": None}]), "level": Level.HIGH, "big": 10**30, "float": -0.0, "tiny": 5e-324}
    assert json_text(value) == json.dumps(value, indent=2, ensure_ascii=False) + "\n"


@pytest.mark.parametrize("value", [float("nan"), {"x": [float("inf")]}, {1: "a"}, {"x": object()}])
def test_json_text_refuses_what_is_not_json(value) -> None:
    with pytest.raises((ValueError, TypeError)):
        json_text(value)


# Every leaf the JSON writers may meet, and those orjson writes otherwise or refuses: floats with
# an exponent, integers beyond 64 bits, lone surrogates.
writer_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=False, allow_infinity=False),
        st.sampled_from([1e-05, -3.2e-07, 1e-10, 1e16, 1e300, 5e-324, 0.0001, -0.0, 2**63, 2**64]),
        st.text(st.characters(blacklist_categories=())),
        INTERESTING,
    ),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.tuples(inner), st.dictionaries(st.text(st.characters(blacklist_categories=()), max_size=6), inner, max_size=4)),
    max_leaves=16,
)


@settings(max_examples=1000, deadline=None)
@given(writer_values)
def test_both_json_writers_write_the_standard_librarys_bytes(value) -> None:
    expected = json.dumps(value, indent=2, ensure_ascii=False) + "\n"
    assert python_text(value) == expected
    fast = orjson_text(value)
    assert fast is None or fast == expected
    assert json_text(value) == expected


@settings(max_examples=300, deadline=None)
@given(st.lists(writer_values, max_size=4), st.integers(0, 3))
def test_a_streamed_array_is_written_as_the_standard_library_writes_a_list(items, depth) -> None:
    """Each item of a Stream (a manifest's report) is written whole and indented to its place."""

    def nested(array: object) -> object:
        value = {"manifests": array}
        for _ in range(depth):
            value = {"x": [value]}
        return value

    expected = json.dumps(nested(items), indent=2, ensure_ascii=False) + "\n"
    assert python_text(nested(Stream(iter(items)))) == expected
    assert json_text(nested(Stream(iter(items)))) == expected


def test_a_streamed_array_is_handed_over_item_by_item() -> None:
    """A fleet's report is never held whole: each manifest is written before the next is made."""
    written: list[str] = []

    def manifests():
        for number in range(3):
            yield {"manifest": number, "results": ["pass"] * 10}
            assert f'"manifest": {number}' in "".join(written)

    write_json({"manifests": Stream(manifests())}, written.append)
    assert json.loads("".join(written))["manifests"][2]["manifest"] == 2


def test_orjson_writes_a_report() -> None:
    pytest.importorskip("orjson")
    data = fixture_report(FRAMEWORKS, parse_frameworks(["all"])).to_dict()
    assert orjson_text(data) is not None  # the fast path is taken for a report
    assert json_text(data) == python_text(data) == json.dumps(data, indent=2, ensure_ascii=False) + "\n"


@pytest.mark.parametrize("value", [[1e-05], {"x": 2**64}, ["\ud800"], [float("nan")], {"x": collections.OrderedDict(a=1)}, [enum.Enum("E", "A").A], {1: "a"}])
def test_what_orjson_writes_otherwise_or_refuses_goes_the_python_way(value) -> None:
    assert orjson_text(value) is None
