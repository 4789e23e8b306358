"""The built-in rule packs' precompiled JSON twins: the same reading as the YAML, or not used at all."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from conftest import REPO
from readiness import precompiled
from readiness.loader import Limits, load_file
from readiness.rules import pack_files, read_pack

PACKS = pack_files(REPO / "checks")


def with_twin(pack: Path, folder: Path) -> Path:
    """A copy of ``pack`` in ``folder`` with the twin a wheel build writes beside it."""
    copy = folder / pack.name
    shutil.copyfile(pack, copy)
    (folder / precompiled.twin_name(copy)).write_text(precompiled.twin(copy.read_bytes(), copy.name), encoding="utf-8")
    return copy


@pytest.mark.parametrize("pack", PACKS, ids=lambda pack: pack.name)
def test_a_twin_reads_as_the_yaml_does(pack: Path, tmp_path: Path) -> None:
    copy = with_twin(pack, tmp_path)
    twin, yaml = precompiled.read(copy, "pack.yaml"), load_file(copy, "pack.yaml", Limits(), shallow=True)
    assert twin is not None
    assert repr(twin.data) == repr(yaml.data)  # repr: True and 1, 1.0 and 1 differ
    assert twin.positions == yaml.positions
    assert read_pack(copy, builtin=True) == read_pack(copy)


def test_a_twin_of_an_edited_pack_is_not_used(tmp_path: Path) -> None:
    copy = with_twin(REPO / "checks" / "cost.yaml", tmp_path)
    before = read_pack(copy, builtin=True)
    copy.write_text(copy.read_text(encoding="utf-8").replace("severity: high", "severity: low", 1), encoding="utf-8")
    assert precompiled.read(copy, "cost.yaml") is None
    after = read_pack(copy, builtin=True)
    assert after == read_pack(copy) and after != before


@pytest.mark.parametrize("content", ["", "not json", "[]", '{"sha256": 1}', '{"data": {}, "positions": []}', '{"sha256": "%s", "data": {}, "positions": [[1]]}'])
def test_a_broken_or_foreign_twin_is_ignored(tmp_path: Path, content: str) -> None:
    copy = with_twin(REPO / "checks" / "cost.yaml", tmp_path)
    (tmp_path / precompiled.twin_name(copy)).write_text(content.replace("%s", hashlib.sha256(copy.read_bytes()).hexdigest()), encoding="utf-8")
    assert precompiled.read(copy, "cost.yaml") is None
    assert read_pack(copy, builtin=True).rules


def test_a_pack_without_a_twin_reads_from_yaml(tmp_path: Path) -> None:
    copy = tmp_path / "cost.yaml"
    shutil.copyfile(REPO / "checks" / "cost.yaml", copy)
    assert precompiled.read(copy, "cost.yaml") is None
    assert [rule.id for rule in read_pack(copy, builtin=True).rules] == [rule.id for rule in read_pack(copy).rules]


@pytest.mark.parametrize("old, new, problem", [
    ("severity: high", "severity: urgent", "severity"),
    ("function: audience, options: {is: shared}", "function: audience, options: {is: everyone}", "options of audience"),
    ("function: any_present,", "function: any_presnt,", "unknown function 'any_presnt'"),
])
def test_a_pack_with_a_problem_gets_no_twin(old: str, new: str, problem: str) -> None:
    """A run trusts a twin's schema, functions and options as checked: a pack with a problem in any of them gets none."""
    from readiness.errors import InputError

    text = (REPO / "checks" / "cost.yaml").read_text(encoding="utf-8")
    assert old in text
    with pytest.raises(InputError, match=problem):
        precompiled.twin(text.replace(old, new, 1).encode("utf-8"), "cost.yaml")


def test_a_twin_validated_against_another_schema_is_not_used(tmp_path: Path) -> None:
    """A twin is trusted to be valid only against the rule-pack schema it was checked with."""
    copy = with_twin(REPO / "checks" / "cost.yaml", tmp_path)
    twin_file = tmp_path / precompiled.twin_name(copy)
    stamp = precompiled._schema_sha256()
    twin_file.write_text(twin_file.read_text(encoding="utf-8").replace(stamp, "0" * 64), encoding="utf-8")
    assert precompiled.read(copy, "cost.yaml") is None
    assert [rule.id for rule in read_pack(copy, builtin=True).rules] == [rule.id for rule in read_pack(copy).rules]
