"""The loader: positions for every value, and one clear error for every kind of bad YAML."""

from __future__ import annotations

import pytest

from readiness.errors import InputError
from readiness.loader import Limits, load_file, load_text


def test_values_keep_their_line_and_column():
    document = load_text("readiness: 1\nrelease:\n  rollback:\n    last_drill: 2026-11-02\n  steps: [5, 25]\n")
    assert document.data == {"readiness": 1, "release": {"rollback": {"last_drill": "2026-11-02"}, "steps": [5, 25]}}
    assert document.locate(("release", "rollback", "last_drill")) == (4, 5)
    assert document.locate(("release", "steps", 1)) == (5, 14)
    assert document.locate(("release", "missing", "deeper")) == (2, 1)


def test_dates_stay_text_and_yaml11_booleans_resolve():
    document = load_text("a: 2026-11-02\nb: yes\nc: ~\nd: '007'\ne: 0x1F\n")
    assert document.data == {"a": "2026-11-02", "b": True, "c": None, "d": "007", "e": 31}


def test_merge_keys_and_aliases_are_supported():
    document = load_text("base: &b {owner: ml, runbook: r.md}\nalert:\n  <<: *b\n  owner: sre\n")
    assert document.data["alert"] == {"owner": "sre", "runbook": "r.md"}


ERRORS = [
    ("a: 1\na: 2\n", "m.yaml:2:1: duplicate key 'a' (first defined at line 1, column 1)"),
    ("{a: 1, a: 2}\n", "m.yaml:1:8: duplicate key 'a' (first defined at line 1, column 2)"),
    ("", "m.yaml:1:1: empty file: expected a mapping of manifest sections"),
    ("# only a comment\n", "m.yaml:1:1: empty file: expected a mapping of manifest sections"),
    ("- a\n- b\n", "m.yaml:1:1: expected a mapping of sections at the top level, found a list of 2"),
    ("just text\n", "m.yaml:1:1: expected a mapping of sections at the top level, found string 'just text'"),
    ("a: 1\n---\nb: 2\n", "m.yaml:2:1: a second YAML document starts here; a manifest holds exactly one document"),
    ("a: !!python/object/apply:os.system [ls]\n", "m.yaml:1:4: unsupported tag !!python/object/apply:os.system: manifests hold plain data"),
    ("a: !Ref Bucket\n", "m.yaml:1:4: unsupported tag !Ref: manifests hold plain data (strings, numbers, booleans, null, lists, mappings)"),
    ("a: .nan\n", "m.yaml:1:4: expected a finite number, found '.nan'"),
    ("a: [1, 2\n", "m.yaml:2:1: invalid YAML: did not find expected ',' or ']' (while parsing a flow sequence)"),
    ("a:\n\tb: 1\n", "m.yaml:2:1: invalid YAML: a tab is used for indentation; YAML allows only spaces there"),
    ("a: [1, \x60b\x60]\n", "m.yaml:1:8: invalid YAML: found character that cannot start any token (while scanning for the next token)"),
    ("a: \x00\n", "m.yaml:1:4: invalid YAML: control character U+0000 is not allowed"),
    ("? [a]\n: 1\n", "m.yaml:1:3: a mapping or list used as a key; keys must be plain strings"),
    ("a: *nowhere\n", "m.yaml:1:4: alias *nowhere refers to an anchor that is not defined before it"),
]


@pytest.mark.parametrize("text, message", ERRORS, ids=[m.split(": ", 1)[1][:40] for _, m in ERRORS])
def test_bad_yaml_is_one_clear_error(text, message):
    with pytest.raises(InputError) as caught:
        load_text(text, "m.yaml")
    assert str(caught.value).startswith(message)


def test_billion_laughs_fails_fast_at_the_alias_limit():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 10)]
    with pytest.raises(InputError, match=r"m.yaml:\d+:\d+: aliases expand to more than 10,000 values \(limit\)"):
        load_text("\n".join(lines) + "\n", "m.yaml")


def test_nesting_beyond_the_limit_is_rejected():
    with pytest.raises(InputError, match=r"m.yaml:1:\d+: nesting deeper than the limit of 64 levels"):
        load_text("a: " + "[" * 200 + "]" * 200 + "\n", "m.yaml")
    assert load_text("a: " + "[" * 60 + "]" * 60 + "\n").data["a"]


def test_node_limit_counts_values():
    with pytest.raises(InputError, match="more than 10 values in one file"):
        load_text("a: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]\n", "m.yaml", Limits(max_nodes=10))


def test_files_over_the_size_limit_are_refused(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text("a: " + "x" * 200 + "\n")
    with pytest.raises(InputError, match="big.yaml: file is larger than the limit of 100 bytes"):
        load_file(path, "big.yaml", Limits(max_bytes=100))


def test_non_utf8_bytes_name_their_position(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"service:\n  name: caf\xe9\n")
    with pytest.raises(InputError) as caught:
        load_file(path, "latin1.yaml")
    assert str(caught.value) == "latin1.yaml:2:12: not valid UTF-8: byte 0xe9 cannot start or continue a character"


def test_utf16_is_named(tmp_path):
    path = tmp_path / "wide.yaml"
    path.write_bytes("a: 1\n".encode("utf-16"))
    with pytest.raises(InputError, match="wide.yaml:1:1: file is UTF-16 encoded; save it as UTF-8"):
        load_file(path, "wide.yaml")


def test_utf8_bom_is_accepted(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbfa: 1\n")
    assert load_file(path).data == {"a": 1}


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(InputError, match="nope.yaml: no such file"):
        load_file(tmp_path / "nope.yaml", "nope.yaml")
    with pytest.raises(InputError, match="is a directory, expected a YAML file"):
        load_file(tmp_path, "dir")
