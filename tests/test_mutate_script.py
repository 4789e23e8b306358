"""scripts/mutate.py (the mutation-testing run, docs/testing.md) works on a tiny project, so it cannot rot."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "scripts" / "mutate.py"

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="the script forks its workers (POSIX only)")


def load_script():
    spec = importlib.util.spec_from_file_location("mutate_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def test_kills_the_mutant_a_test_notices_and_reports_the_one_it_does_not(tmp_path: Path):
    (tmp_path / "tiny.py").write_text("def clamp(x, limit=10):\n    return min(x, limit)\n", encoding="utf-8")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_tiny.py").write_text("from tiny import clamp\n\n\ndef test_small_values_pass_through():\n    assert clamp(3) == 3\n", encoding="utf-8")

    result = subprocess.run([sys.executable, str(SCRIPT), "tiny.py", "--root", str(tmp_path), "--jobs", "2"],
                            capture_output=True, text=True, timeout=120)

    assert result.returncode == 0, result.stderr
    summary = next(line for line in result.stdout.splitlines() if line.startswith("tiny.py "))
    assert summary.split() == ["tiny.py", "2", "0", "1", "1", "50.0%"]  # mutants, equivalent, killed, survived
    assert "tiny.py:1: 10 → 11 | def clamp(x, limit=10):" in result.stdout  # the default no test pins
    assert "return None" not in result.stdout.split("survivors:")[1]  # killed: the test reads the result


def test_every_kind_of_mutation_is_generated_and_equivalents_leave_the_score(tmp_path: Path):
    mutate = load_script()
    (tmp_path / "m.py").write_text(
        '"""Docstrings and annotations are never mutated."""\n'
        "def f(a: int, b: bool = True) -> int:\n"
        "    if a < 1 and not b:\n"
        "        raise ValueError('small')\n"
        "    a += 2 * a\n"
        "    return a\n",
        encoding="utf-8",
    )
    mutants = mutate.generate(tmp_path, "m.py")
    by_line = {(mutant.line, mutant.description) for mutant in mutants}
    assert by_line == {
        (2, "True → False"), (3, "`<` → `<=`"), (3, "1 → 2"), (3, "`and` → `or`"), (3, "`not` removed"),
        (4, "'small' → 'XXsmallXX'"), (4, "removed `raise ValueError('small')`"), (5, "`+=` → `-=`"),
        (5, "removed `a += 2 * a`"), (5, "2 → 3"), (5, "`*` → `/`"), (6, "return None"),
    }
    default = next(mutant for mutant in mutants if mutant.line == 2)
    assert default.anchor_lines == {3, 4, 5, 6}  # a default runs the tests of the function's body

    for mutant in mutants:
        mutant.outcome = "killed"
    mutate.mark_equivalents(mutants, [mutate.Equivalent("m.py", "a += 2 * a", "`*` → `/`", "test only")])
    assert "m.py  12  1  11  0  100.0%".split() == mutate.report(["m.py"], mutants).splitlines()[1].split()


def test_line_maps_merge_so_new_test_files_add_to_an_earlier_run():
    mutate = load_script()
    earlier = {"exit_code": 1, "tests": ["t.py::a", "t.py::b"], "durations": [0.1, 0.2], "failing": ["t.py::b"], "preload": ["json"],
               "lines": {"m.py": {"3": [0, 1]}}}
    new = {"exit_code": 0, "tests": ["u.py::c", "t.py::a"], "durations": [0.3, 0.1], "failing": [], "preload": ["re"],
           "lines": {"m.py": {"3": [0], "4": [0, 1]}}}
    merged = mutate.merge_traces([earlier, new])
    assert merged["tests"] == ["t.py::a", "t.py::b", "u.py::c"]
    assert merged["lines"] == {"m.py": {"3": [0, 1, 2], "4": [0, 2]}}
    assert merged["failing"] == ["t.py::b"] and merged["exit_code"] == 1 and merged["preload"] == ["json", "re"]
