"""Property tests: for any input, a report or one clean input error (exit 2), never a traceback or a hang.

Three generators: YAML-ish text from a small grammar (keys, scalars, indentation, flow
collections, anchors and aliases, tags, comments, document markers) with character-level
damage on top; the sample manifest with random mutations (of its data and of its text);
and random bytes. Targets: the loader, the schema validation, the whole audit with every
reporter, and the CLI.

The normal suite runs a bounded, derandomized number of examples (the file takes well under
20 s). ``READINESS_FUZZ_EXAMPLES=5000 pytest tests/test_fuzz.py`` runs the long mode:
that many random examples per property.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from conftest import AS_OF
from readiness import schema
from readiness.audit import AuditOptions, run
from readiness.errors import InputErrors
from readiness.cli import app
from readiness.engine import Settings
from readiness.errors import InputError
from readiness.loader import load_file, load_text
from readiness.reporters import FORMATS, RenderOptions, get
from readiness.rules import Catalog

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "fuzz" / "readiness.yaml"
LONG_EXAMPLES = int(os.environ.get("READINESS_FUZZ_EXAMPLES", "0"))
_QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]
settings.register_profile("readiness-fuzz", deadline=None, database=None, derandomize=True, suppress_health_check=_QUIET, print_blob=True)
settings.register_profile("readiness-fuzz-long", deadline=None, database=None, max_examples=max(LONG_EXAMPLES, 1), suppress_health_check=_QUIET, print_blob=True)
PROFILE = settings.get_profile("readiness-fuzz-long" if LONG_EXAMPLES else "readiness-fuzz")


def examples(normal: int) -> settings:
    """The profile, with ``normal`` examples in the normal suite (the long mode sets its own)."""
    return settings(PROFILE, max_examples=PROFILE.max_examples if LONG_EXAMPLES else normal)


# --- generators --------------------------------------------------------------------------

WORDS = ["readiness", "service", "model", "name", "kind", "llm", "version", "prompts", "path", "release", "rollback",
         "a", "b", "x-team", "<<", "~", "null", "yes", "on", "1", "0x1F", "0o17", "1_000", "12:30:00", ".nan", "-.inf",
         "1e400", "1.0e400", "2026-11-02", "2026-02-30", "9" * 400, "../../etc/passwd", "/etc/passwd", "https://x.example/a"]
TAGS = ["!!str", "!!int", "!!float", "!!bool", "!!null", "!!map", "!!seq", "!!binary", "!!set", "!!timestamp", "!Ref",
        "!!python/object/apply:os.system", "!<tag:yaml.org,2002:str>", "!"]
ESCAPES = ["\\e", "\\0", "\\a", "\\x1b", "\\u202e", "\\ud800", "\\U0010FFFF", "\\n", "\\t", "\\\"", "\\N", "\\_", "\\L"]

words = st.sampled_from(WORDS) | st.text(alphabet="abcdefghijklmnopqrstuvwxyz_-./ ", min_size=1, max_size=8)
quoted = st.lists(words | st.sampled_from(ESCAPES), max_size=4).map(lambda parts: '"' + "".join(parts) + '"')
single_quoted = words.map(lambda word: "'" + word.replace("'", "''") + "'")
decorations = st.tuples(st.sampled_from(["", "", "&a ", "&b ", "&c "]), st.sampled_from(["", "", "", *[tag + " " for tag in TAGS]]))
scalars = st.one_of(words, quoted, single_quoted, st.integers().map(str), st.floats().map(repr), st.sampled_from(["*a", "*b", "*c", "|\n  text", ">-\n  folded", ""]))


def decorated(text: str, decoration: tuple[str, str]) -> str:
    return decoration[0] + decoration[1] + text


def flow(children: list[str], mapping: bool, keys: list[str]) -> str:
    if mapping:
        return "{" + ", ".join(f"{key}: {child}" for key, child in zip(keys, children)) + "}"
    return "[" + ", ".join(children) + "]"


@st.composite
def flow_nodes(draw: Any, depth: int = 0) -> str:
    if depth > 3 or draw(st.booleans()):
        return decorated(draw(scalars), draw(decorations))
    children = draw(st.lists(flow_nodes(depth + 1), max_size=4))
    keys = draw(st.lists(words, min_size=len(children), max_size=len(children)))
    return decorated(flow(children, draw(st.booleans()), keys), draw(decorations))


@st.composite
def block_lines(draw: Any, indent: int = 0, depth: int = 0) -> list[str]:
    lines = []
    for _ in range(draw(st.integers(1, 4))):
        pad = " " * (indent + (draw(st.sampled_from([0, 0, 0, 1, -1])) if indent else 0))
        kind = draw(st.sampled_from(["pair", "pair", "item", "nested", "comment", "explicit"]))
        key = draw(words)
        if kind == "comment":
            lines.append(pad + "# " + draw(words))
        elif kind == "explicit":
            lines += [pad + "? " + draw(flow_nodes()), pad + ": " + draw(flow_nodes())]
        elif kind == "item":
            lines.append(pad + "- " + draw(flow_nodes()))
        elif kind == "nested" and depth < 3:
            lines.append(pad + decorated(key, draw(decorations)) + ":")
            lines += draw(block_lines(indent + draw(st.sampled_from([2, 4])), depth + 1))
        else:
            lines.append(pad + key + ": " + draw(flow_nodes()) + draw(st.sampled_from(["", "", "  # note"])))
    return lines


@st.composite
def yamlish(draw: Any) -> str:
    """A YAML-like document: mostly well-formed, then perhaps damaged."""
    prefix = draw(st.sampled_from(["", "", "---\n", "%YAML 1.1\n---\n", "%TAG ! tag:yaml.org,2002:python/\n---\n", "\ufeff"]))
    suffix = draw(st.sampled_from(["", "", "...\n", "---\n", "---\nb: 1\n"]))
    text = prefix + "\n".join(draw(block_lines())) + "\n" + suffix
    for _ in range(draw(st.integers(0, 3))):
        position = draw(st.integers(0, len(text)))
        damage = draw(st.sampled_from(["", ":", "- ", "[", "{", "]", "}", "\t", "\n", "  ", "&a ", "*a", "!", "#", "'", '"', "\r\n", "\x00", "\x1b", "\u202e"]))
        text = text[:position] + damage + text[position + draw(st.integers(0, 2)):]
    return text


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=8,
)
manifest_strings = st.sampled_from(["", "latest", "../../../etc/passwd", "/etc/passwd", "https://example.com/x", "runbooks/rollback.md", ".", "evals", "x" * 300, "NAME@v1"]) | st.text(max_size=12)
manifest_numbers = st.sampled_from([0, -1, 1, 0.5, 1e308, -1e308, 5e-324, 2**63, 10**30, 100, 99.9]) | st.integers(-(10**6), 10**6)
manifest_dates = st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)).map(lambda day: day.isoformat())
MANIFEST = load_file(FIXTURE).data


def _paths(value: Any, path: tuple = ()) -> list[tuple]:
    found = [path]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, path + (key,))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _paths(child, path + (index,))
    return found


MANIFEST_PATHS = _paths(MANIFEST)[1:]


def _set(data: Any, path: tuple, value: Any) -> None:
    for step in path[:-1]:
        data = data[step]
    data[path[-1]] = value


def _delete(data: Any, path: tuple) -> None:
    for step in path[:-1]:
        data = data[step]
    del data[path[-1]]


@st.composite
def mutated_manifests(draw: Any) -> str:
    """The sample manifest with a few values replaced (same type or not) or removed, as YAML text."""
    data = json.loads(json.dumps(MANIFEST))
    for _ in range(draw(st.integers(1, 4))):
        paths = _paths(data)[1:]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = data
        for step in path[:-1]:
            parent = parent[step]
        current = parent[path[-1]]
        action = draw(st.sampled_from(["same-type", "same-type", "same-type", "delete", "any", "date"]))
        if action == "delete":
            _delete(data, path)
        elif action == "any":
            _set(data, path, draw(json_values))
        elif action == "date":
            _set(data, path, draw(manifest_dates))
        elif isinstance(current, bool):
            _set(data, path, not current)
        elif isinstance(current, (int, float)):
            _set(data, path, draw(manifest_numbers))
        elif isinstance(current, str):
            _set(data, path, draw(manifest_dates if current[:2] == "20" else manifest_strings))
        elif isinstance(current, list):
            _set(data, path, current[: draw(st.integers(0, len(current)))] * draw(st.integers(0, 3)))
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


@st.composite
def damaged_manifest_text(draw: Any) -> str:
    """The sample manifest's text with lines removed, repeated or shifted."""
    lines = FIXTURE.read_text(encoding="utf-8").splitlines()
    for _ in range(draw(st.integers(1, 3))):
        index = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["drop", "repeat", "indent", "dedent", "truncate"]))
        if action == "drop":
            del lines[index]
        elif action == "repeat":
            lines.insert(index, lines[index])
        elif action == "indent":
            lines[index] = "  " + lines[index]
        elif action == "dedent":
            lines[index] = lines[index].lstrip()
        else:
            lines[index] = lines[index][: draw(st.integers(0, len(lines[index])))]
    return "\n".join(lines) + "\n"


# --- properties --------------------------------------------------------------------------


def assert_clean(error: InputError, display: str) -> None:
    """One line that names the file (and, for YAML problems, the line and column)."""
    text = str(error)
    assert "\n" not in text and text.startswith(display + ":"), text
    assert error.message and not error.message.startswith("Traceback")


def assert_plain(value: Any) -> None:
    """JSON-shaped, finite data: what the schema and the JSON report expect."""
    json.dumps(value, allow_nan=False)


@examples(150)
@given(yamlish())
def test_loader_on_yamlish_text(text):
    try:
        document = load_text(text, "m.yaml")
    except InputError as error:
        assert_clean(error, "m.yaml")
        assert error.line is not None and error.column is not None, str(error)
        return
    assert isinstance(document.data, dict)
    assert_plain(document.data)
    for path in _paths(document.data):
        line, column = document.locate(path)
        assert line >= 1 and column >= 1


@examples(80)
@given(st.one_of(yamlish(), mutated_manifests(), damaged_manifest_text()))
def test_schema_errors_are_located_lines(text):
    try:
        document = load_text(text, "m.yaml")
    except InputError:
        return
    errors = schema.validate(document)
    assert len(errors) <= schema.MAX_ERRORS + 1
    for error in errors:
        assert_clean(error, "m.yaml")


@examples(200)
@given(st.binary(max_size=300) | st.text(max_size=200).map(lambda text: text.encode("utf-16" if text[:1] < "m" else "utf-8")))
def test_loader_on_random_bytes(folder, raw):
    path = folder / "bytes.yaml"
    path.write_bytes(raw)
    try:
        document = load_file(path, "bytes.yaml")
    except InputError as error:
        assert_clean(error, "bytes.yaml")
        return
    assert_plain(document.data)


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("fuzz")
    (root / ".git").mkdir()
    return root


@pytest.fixture(scope="module")
def rules():
    return Catalog.load([]).rules


def audit_and_render(path: Path, rules: list) -> None:
    """The whole audit of one file, then every reporter; input errors are the only exception allowed."""
    try:
        report = run([path], rules, AuditOptions(Settings(dt.date.fromisoformat(AS_OF))))
    except InputErrors as errors:
        for error in errors.errors:
            assert_clean(error, error.path or "")
        return
    except InputError as error:
        assert_clean(error, error.path or "")
        return
    for name in FORMATS:
        assert isinstance(get(name).render(report, RenderOptions(verbose=True)), str)


@examples(40)
@given(st.one_of(mutated_manifests(), damaged_manifest_text()))
def test_audit_of_a_mutated_manifest(folder, rules, text):
    path = folder / "readiness.yaml"
    path.write_text(text, encoding="utf-8")
    audit_and_render(path, rules)


@examples(30)
@given(yamlish())
def test_audit_of_yamlish_text(folder, rules, text):
    path = folder / "readiness.yaml"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    audit_and_render(path, rules)


@examples(12)
@given(st.one_of(st.binary(max_size=200), mutated_manifests().map(str.encode), yamlish().map(lambda text: text.encode("utf-8", "surrogatepass"))))
def test_cli_exits_0_1_or_2_with_clean_lines(folder, raw):
    path = folder / "cli.readiness.yaml"
    path.write_bytes(raw)
    result = CliRunner().invoke(app, ["audit", str(path), "--as-of", AS_OF, "--format", "json"], catch_exceptions=False)
    assert result.exit_code in (0, 1, 2)
    if result.exit_code == 2:
        assert result.stdout == "" and result.stderr
        for line in result.stderr.splitlines():
            assert line.startswith(str(path) + ":") or line.startswith(path.name + ":"), line
    else:
        assert json.loads(result.stdout)["manifests"]
