#!/usr/bin/env python3
"""Mutation testing: change the code one small step at a time and see whether a test notices.

Usage (from the repository root, outside CI)::

    python scripts/mutate.py readiness/evidence.py readiness/paths.py [--jobs 2] [--tests tests]
                             [--trace FILE] [--json FILE] [--retry FILE] [--verbose]

1. Mutants are generated with :mod:`ast`: comparison operators swapped (``<`` ↔ ``<=``, ``==`` ↔ ``!=``,
   ``in`` ↔ ``not in``, ``is`` ↔ ``is not``), ``and`` ↔ ``or``, ``not`` removed, arithmetic and
   augmented-assignment operators swapped, constants changed (numbers + 1, booleans flipped, strings
   wrapped in ``XX``; defaults included), ``return X`` → ``return None``, and expression statements,
   ``raise``, ``+=`` and ``break``/``continue`` removed. Docstrings and annotations are left alone.
2. One run of the tests (``--tests``, default ``tests``) records, with the interpreter's own line
   tracing (no dependency), which tests execute each line of the mutated modules.
3. Each mutant runs only the tests that execute its lines (fastest first, ``-x -q -p no:cacheprovider``,
   a timeout of ``base + factor × their traced time``) in a forked worker that imports the mutated
   module from memory: the files on disk are never changed, so workers run in parallel (``--jobs``).
   A mutant at module level (a constant, a default value, a decorator) runs the tests that execute
   the code using it: the function's body, or the lines naming the constant.
   ``--trace FILE`` keeps the line map for the next run (delete it when the tests change);
   ``--retry RESULTS`` (a ``--json`` file of an earlier run) runs only the mutants that were not
   killed then, the others keep their outcome: killing is monotonic while tests are only added.
4. A mutant is killed when a test fails, errors, or times out; it survives when they all pass or no
   test executes its lines. Equivalent mutants (no behaviour can tell them apart) are listed in
   EQUIVALENT below, each with its reason, and excluded from the score.

Prints killed/survived per module and every survivor as ``file:line: mutation | source line``;
exits 0 (the score is information, not a gate). POSIX only (``os.fork``). See docs/testing.md.
"""

from __future__ import annotations

import argparse
import ast
import copy
import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

@dataclass(frozen=True)
class Equivalent:
    path: str  # relative to the root, with /
    line: str  # the source line, stripped
    mutation: str  # as printed
    reason: str


EQUIVALENT: list[Equivalent] = [
    Equivalent("readiness/evidence.py", "content = read_at_most(stream, self.max_bytes + 1)", "1 → 2",
               "reading one byte more than max_bytes + 1 changes no verdict: a file over the limit is over it either way"),
    Equivalent("readiness/evidence.py", "offset = found + 1", "1 → 2",
               "the next key is searched from inside the quoted key just found: a JSON key's second character is "
               "never the opening quote of another key, nor a newline (escaped in JSON), so the line is the same"),
    Equivalent("readiness/evidence.py", "offset = 0", "0 → 1",
               "_key_line searches a JSON document, which starts with '{' or a space, never with the quoted key"),
    Equivalent("readiness/evidence.py", "if found < 0:", "0 → 1",
               "for the same reason a key is never found at position 0: found is -1 or at least 1"),
    Equivalent("readiness/functions.py", 'Check = Callable[[Any, dict, Call], "str | None"]', "'str | None' → 'XXstr | NoneXX'",
               "a forward reference in a type alias: nothing evaluates it at run time"),
    Equivalent("readiness/evidence.py", "if found < 0:", "`<` → `<=`", "as above: found is never 0"),
    Equivalent("readiness/evidence.py", "text: str = field(repr=False)", "False → True",
               "only repr(Results) changes (the file's text shown in it): no report, message or file shows a repr"),
    Equivalent("readiness/waivers.py", "close = difflib.get_close_matches(rule_id, sorted(policy.catalog), n=1)", "1 → 2",
               "only the first match is used: the best of one and the first of the best two are the same rule id "
               "(ties are broken on the id itself, and the catalog's ids are unique)"),
    Equivalent("readiness/engine.py", "@dataclass(frozen=True)", "True → False",
               "Skip is private to the engine: made in _not_applicable, read once in _evaluate_rule, never changed "
               "nor hashed"),
    Equivalent("readiness/engine.py", "@lru_cache(maxsize=4096)", "4096 → 4097",
               "the cache only decides which equal skip results share one object once 4096 distinct skips are "
               "cached: every report is the same"),
    Equivalent("readiness/evidence.py", 'T = TypeVar("T")', "'T' → 'XXTXX'",
               "a type variable's name is read by type checkers only"),
    Equivalent("readiness/evidence.py", 'known = self.__dict__.setdefault("_parsed", {})', "'_parsed' → 'XX_parsedXX'",
               "the name of a private cache attribute that only this line reads and writes"),
    Equivalent("readiness/functions.py", "close = difflib.get_close_matches(name, list(self.options), n=1)", "1 → 2",
               "only the first match is used: the best of one and the first of the best two are the same option name"),
]

COMPARE_SWAPS: dict[type, type] = {
    ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt,
    ast.In: ast.NotIn, ast.NotIn: ast.In, ast.Is: ast.IsNot, ast.IsNot: ast.Is,
}
BINARY_SWAPS: dict[type, type] = {
    ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult, ast.FloorDiv: ast.Div,
    ast.Mod: ast.FloorDiv, ast.Pow: ast.Mult, ast.BitOr: ast.BitAnd, ast.BitAnd: ast.BitOr,
}
SYMBOLS: dict[type, str] = {
    ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.In: "in",
    ast.NotIn: "not in", ast.Is: "is", ast.IsNot: "is not", ast.Add: "+", ast.Sub: "-", ast.Mult: "*",
    ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%", ast.Pow: "**", ast.BitOr: "|", ast.BitAnd: "&",
    ast.And: "and", ast.Or: "or",
}
REMOVABLE = (ast.Expr, ast.AugAssign, ast.Raise, ast.Break, ast.Continue)
FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)

Edit = Callable[[], None]
UNCOVERED_TESTS = 100


@dataclass(frozen=True)
class Context:
    """Where a node is: in a function's body (its lines run in tests), in a top-level function's
    signature or decorators (run at import: the body's tests use it), or at module/class level."""

    kind: str  # "body" | "signature" | "module"
    owner: ast.AST | None  # the function, or the module/class-level statement


@dataclass
class Mutant:
    path: str
    node_index: int
    choice: int
    line: int
    end_line: int
    description: str
    source: str
    anchor_lines: set[int] = field(default_factory=set)
    at_import: bool = False  # a constant, default or decorator: evaluated when the module is imported
    outcome: str = ""  # killed | timeout | survived | uncovered | equivalent
    tests: int = 0
    reason: str = ""


# --- generating mutants ------------------------------------------------------------------------------


def _is_docstring(node: ast.AST) -> bool:
    return isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)


def _children(node: ast.AST, context: Context) -> Iterator[tuple[ast.AST, Context]]:
    for name, value in ast.iter_fields(node):
        if name in ("annotation", "returns", "format_spec", "type_comment"):
            continue
        if isinstance(node, ast.Module) or (isinstance(node, ast.ClassDef) and name == "body" and context.kind == "module"):
            for statement in value:
                if not _is_docstring(statement):
                    yield statement, Context("module", statement)
            continue
        child_context = context
        if isinstance(node, FUNCTIONS) and context.kind == "module":
            child_context = Context("body" if name == "body" else "signature", node)
        for child in value if isinstance(value, list) else [value]:
            if isinstance(child, ast.AST) and not _is_docstring(child):
                yield child, child_context


def walk(tree: ast.AST) -> Iterator[tuple[ast.AST, Context]]:
    """Every node that may be mutated, with its context, in an order that a copy of the tree repeats."""
    stack: list[tuple[ast.AST, Context]] = [(tree, Context("module", None))]
    while stack:
        node, context = stack.pop()
        yield node, context
        stack.extend(reversed(list(_children(node, context))))


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _constant_edits(node: ast.Constant) -> list[tuple[str, Edit]]:
    value = node.value
    if isinstance(value, bool):
        return [(f"{value} → {not value}", lambda: setattr(node, "value", not value))]
    if isinstance(value, (int, float)):
        return [(f"{value!r} → {value + 1!r}", lambda: setattr(node, "value", value + 1))]
    if isinstance(value, (str, bytes)):
        mark = "XX" if isinstance(value, str) else b"XX"
        changed = mark + value + mark
        return [(f"{_shown(value)} → {_shown(changed)}", lambda: setattr(node, "value", changed))]
    return []


def edits(node: ast.AST) -> list[tuple[int, int, str, Edit]]:
    """The mutations of one node: (first line, last line, description, the edit applying it in place)."""
    found: list[tuple[int, int, str, Edit]] = []

    def add(where: ast.AST, description: str, edit: Edit) -> None:
        found.append((where.lineno, where.end_lineno or where.lineno, description, edit))

    if isinstance(node, ast.Compare):
        for position, operator in enumerate(node.ops):
            swapped = COMPARE_SWAPS[type(operator)]
            add(node, f"`{SYMBOLS[type(operator)]}` → `{SYMBOLS[swapped]}`",
                lambda position=position, swapped=swapped: node.ops.__setitem__(position, swapped()))
    elif isinstance(node, ast.BoolOp):
        other = ast.Or if isinstance(node.op, ast.And) else ast.And
        add(node, f"`{SYMBOLS[type(node.op)]}` → `{SYMBOLS[other]}`", lambda: setattr(node, "op", other()))
    elif isinstance(node, (ast.BinOp, ast.AugAssign)) and type(node.op) in BINARY_SWAPS:
        swapped = BINARY_SWAPS[type(node.op)]
        suffix = "=" if isinstance(node, ast.AugAssign) else ""
        add(node, f"`{SYMBOLS[type(node.op)]}{suffix}` → `{SYMBOLS[swapped]}{suffix}`", lambda: setattr(node, "op", swapped()))
    elif isinstance(node, ast.Constant) and hasattr(node, "lineno"):
        for description, edit in _constant_edits(node):
            add(node, description, edit)
    elif isinstance(node, ast.Return) and node.value is not None and not (isinstance(node.value, ast.Constant) and node.value.value is None):
        add(node, "return None", lambda: setattr(node, "value", ast.Constant(None)))
    for name, value in ast.iter_fields(node):
        items = value if isinstance(value, list) else [value]
        for position, child in enumerate(items):
            if isinstance(child, ast.UnaryOp) and isinstance(child.op, ast.Not):
                replace = (lambda value=value, position=position, child=child: value.__setitem__(position, child.operand)) if isinstance(value, list) \
                    else (lambda name=name, child=child: setattr(node, name, child.operand))
                add(child, "`not` removed", replace)
            if isinstance(child, REMOVABLE) and not _is_docstring(child) and name in ("body", "orelse", "finalbody"):
                statement = ast.unparse(child).splitlines()[0]
                add(child, f"removed `{_shown(statement)[1:-1]}`",
                    lambda value=value, position=position, child=child: value.__setitem__(position, ast.copy_location(ast.Pass(), child)))
    return found


def _defined_names(statement: ast.AST | None) -> set[str]:
    if statement is None:
        return set()
    if isinstance(statement, (*FUNCTIONS, ast.ClassDef)):
        return {statement.name}
    names: set[str] = set()
    targets = statement.targets if isinstance(statement, ast.Assign) else [getattr(statement, "target", None)]
    for target in targets:
        for node in ast.walk(target) if target is not None else ():
            if isinstance(node, ast.Name):
                names.add(node.id)
    return names


def _anchor_lines(tree: ast.Module, context: Context, first: int, last: int) -> set[int]:
    """The lines whose tests can see a mutation: its own, or for import-time code the code that uses it."""
    if context.kind == "body":
        return set(range(first, last + 1))
    if context.kind == "signature":
        function = context.owner
        assert isinstance(function, FUNCTIONS)
        return set(range(function.body[0].lineno, (function.end_lineno or function.lineno) + 1))
    names = _defined_names(context.owner)
    lines: set[int] = set()
    for node, where in walk(tree):
        if (isinstance(node, ast.Name) and node.id in names and isinstance(node.ctx, ast.Load)) or (isinstance(node, ast.Attribute) and node.attr in names):
            lines |= _anchor_lines(tree, where, node.lineno, node.lineno) if where.kind == "signature" else {node.lineno}
    return lines


SOURCES: dict[str, str] = {}  # path → the text mutated: read once, so that editing the file mid-run changes nothing


def _source(root: Path, path: str) -> str:
    if path not in SOURCES:
        SOURCES[path] = (root / path).read_text(encoding="utf-8")
    return SOURCES[path]


def generate(root: Path, path: str) -> list[Mutant]:
    source = _source(root, path)
    lines = source.splitlines()
    tree = ast.parse(source)
    mutants: list[Mutant] = []
    for index, (node, context) in enumerate(walk(tree)):
        for choice, (first, last, description, _) in enumerate(edits(node)):
            mutants.append(Mutant(path, index, choice, first, last, description, lines[first - 1].strip(),
                                  _anchor_lines(tree, context, first, last), context.kind != "body"))
    return mutants


def mutated_tree(root: Path, mutant: Mutant) -> ast.Module:
    tree = ast.parse(_source(root, mutant.path))
    for index, (node, _) in enumerate(walk(tree)):
        if index == mutant.node_index:
            edits(node)[mutant.choice][3]()
            return ast.fix_missing_locations(tree)
    raise LookupError(f"{mutant.path}: node {mutant.node_index} not found")


# --- which tests execute which lines -----------------------------------------------------------------


class LineTracer:
    """A pytest plugin recording, per test, the lines of ``files`` it executes (setup and teardown included)."""

    def __init__(self, files: set[str]):
        self.files = files
        self.tests: list[str] = []
        self.durations: list[float] = []
        self.hits: dict[str, dict[int, list[int]]] = {name: defaultdict(list) for name in files}
        self.failing: set[str] = set()
        self._lines: set[tuple[str, int]] = set()

    def _global(self, frame: Any, event: str, arg: Any) -> Any:
        return self._local if frame.f_code.co_filename in self.files else None

    def _local(self, frame: Any, event: str, arg: Any) -> Any:
        if event == "line":
            self._lines.add((frame.f_code.co_filename, frame.f_lineno))
        return self._local

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self, item: Any, nextitem: Any) -> Iterator[None]:
        self._lines = set()
        started = time.perf_counter()
        threading.settrace(self._global)
        sys.settrace(self._global)
        try:
            yield
        finally:
            sys.settrace(None)
            threading.settrace(None)  # type: ignore[arg-type]
        test = len(self.tests)
        self.tests.append(item.nodeid)
        self.durations.append(time.perf_counter() - started)
        for filename, line in self._lines:
            self.hits[filename][line].append(test)

    def pytest_runtest_logreport(self, report: Any) -> None:
        if report.failed:
            self.failing.add(report.nodeid)


def trace_main(root: Path, paths: list[str], tests: list[str], output: Path) -> int:
    """Run the tests once in this process, writing the lines each test executed to ``output`` (JSON)."""
    os.chdir(root)
    sys.path.insert(0, str(root))
    files = {str((root / path).resolve()): path for path in paths}
    tracer = LineTracer(set(files))
    code = pytest.main([*tests, "-q", "-p", "no:cacheprovider", "-o", "addopts="], plugins=[tracer])
    installed = os.path.realpath(sys.prefix)
    preload = sorted(name for name, module in list(sys.modules.items()) if name != "__main__" and _outside_project(module, str(root), installed))
    output.write_text(json.dumps({
        "exit_code": int(code), "tests": tracer.tests, "failing": sorted(tracer.failing), "durations": tracer.durations, "preload": preload,
        "lines": {files[name]: {str(line): ids for line, ids in lines.items()} for name, lines in tracer.hits.items()},
    }), encoding="utf-8")
    return int(code)


def _outside_project(module: Any, root: str, installed: str) -> bool:
    """A module of the standard library or an installed package (it may be preloaded), not of the project."""
    filename = os.path.realpath(getattr(module, "__file__", None) or "")
    return not filename.startswith(os.path.join(root, "")) or filename.startswith(os.path.join(installed, ""))


def merge_traces(traces: list[dict]) -> dict:
    """One line map from several (an earlier full run, then the new test files): the same test twice counts once."""
    merged: dict[str, Any] = {"exit_code": max(trace["exit_code"] for trace in traces), "tests": [], "durations": [], "failing": [], "preload": [], "lines": {}}
    index: dict[str, int] = {}
    for trace in traces:
        renumber = []
        for test, seconds in zip(trace["tests"], trace["durations"]):
            if test not in index:
                index[test] = len(merged["tests"])
                merged["tests"].append(test)
                merged["durations"].append(seconds)
            renumber.append(index[test])
        merged["failing"] = sorted(set(merged["failing"]) | set(trace["failing"]))
        merged["preload"] = sorted(set(merged["preload"]) | set(trace["preload"]))
        for path, lines in trace["lines"].items():
            target = merged["lines"].setdefault(path, {})
            for line, tests in lines.items():
                target[line] = sorted(set(target.get(line, [])) | {renumber[test] for test in tests})
    return merged


# --- running mutants ---------------------------------------------------------------------------------


class _MutantLoader(importlib.machinery.SourceFileLoader):
    def __init__(self, fullname: str, path: str, code: Any):
        super().__init__(fullname, path)
        self.code = code

    def get_code(self, fullname: str) -> Any:
        return self.code


class _MutantFinder(importlib.abc.MetaPathFinder):
    def __init__(self, fullname: str, path: str, code: Any):
        self.fullname, self.path, self.code = fullname, path, code

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        if fullname != self.fullname:
            return None
        return importlib.util.spec_from_file_location(fullname, self.path, loader=_MutantLoader(fullname, self.path, self.code))


def module_name(path: str) -> str:
    return path.removesuffix(".py").replace("/", ".")


def _run_child(root: Path, mutant: Mutant, test_ids: list[str]) -> int:
    os.setpgid(0, 0)  # its own process group: a timeout kills the tests' own subprocesses too
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    sys.dont_write_bytecode = True
    filename = str(root / mutant.path)
    code = compile(mutated_tree(root, mutant), filename, "exec")
    sys.meta_path.insert(0, _MutantFinder(module_name(mutant.path), filename, code))
    return int(pytest.main([*test_ids, "-x", "-q", "-p", "no:cacheprovider", "-o", "addopts="]))


def own_tests(path: str, tests: list[str]) -> set[int]:
    """The tests in the module's own test files: ``tests/test_functions*.py`` for ``readiness/functions.py``."""
    prefix = "test_" + Path(path).stem
    return {index for index, test in enumerate(tests) if Path(test.split("::")[0]).name.startswith(prefix)}


def run_mutants(root: Path, mutants: list[Mutant], coverage: dict, jobs: int, base: float, factor: float, verbose: bool, slowest: float) -> None:
    lines = coverage["lines"]
    durations: list[float] = coverage["durations"]
    failing = {index for index, test in enumerate(coverage["tests"]) if test in set(coverage["failing"])}
    if slowest:  # tests slower than that under tracing are left out (a faster, possibly lower score)
        failing |= {index for index, seconds in enumerate(durations) if seconds > slowest}
    pending: list[tuple[Mutant, list[str], float]] = []
    for mutant in mutants:
        if mutant.outcome:
            continue
        chosen = {test for line in mutant.anchor_lines for test in lines.get(mutant.path, {}).get(str(line), [])}
        if mutant.at_import:  # what import-time code sets up (a function's options schema) is tested without running it
            chosen |= own_tests(mutant.path, coverage["tests"])
        selected = sorted(chosen - failing, key=lambda test: (durations[test], test))
        if not selected:  # code run at import only (a decorator factory, a constant used there): the module's fastest tests
            selected = sorted({test for tests in lines.get(mutant.path, {}).values() for test in tests} - failing,
                              key=lambda test: (durations[test], test))[:UNCOVERED_TESTS]
            mutant.reason = f"no test executes its lines: ran the module's {UNCOVERED_TESTS} fastest tests"
        mutant.tests = len(selected)
        if not selected:
            mutant.outcome, mutant.reason = "uncovered", "no test executes this module"
            continue
        timeout = base + factor * sum(durations[test] for test in selected)
        pending.append((mutant, [coverage["tests"][test] for test in selected], timeout))
    running: dict[int, tuple[Mutant, float]] = {}
    done, total = 0, len(pending)
    try:
        while pending or running:
            while pending and len(running) < jobs:
                mutant, test_ids, timeout = pending.pop(0)
                pid = os.fork()
                if pid == 0:
                    status = 70
                    try:
                        status = _run_child(root, mutant, test_ids)
                    finally:
                        os._exit(status)
                running[pid] = (mutant, time.monotonic() + timeout)
            pid, status = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                now = time.monotonic()
                for child, (mutant, deadline) in list(running.items()):
                    if now > deadline and not mutant.outcome:
                        mutant.outcome = "timeout"
                        os.killpg(child, signal.SIGKILL)
                time.sleep(0.02)
                continue
            mutant, _ = running.pop(pid)
            code = os.waitstatus_to_exitcode(status)
            if not mutant.outcome:
                mutant.outcome = "survived" if code == 0 else "killed"
                # every test id was found unmutated: 2, 4 (ids not found) or 5 mean the mutant broke an import
                mutant.reason = mutant.reason or {0: "", 1: "a test failed", 2: "collection failed", 4: "collection failed", 5: "collection failed"}.get(code, f"exit {code}")
            done += 1
            if verbose or mutant.outcome == "survived":
                print(f"[{done}/{total}] {mutant.outcome:8} {mutant.path}:{mutant.line}: {mutant.description} ({mutant.tests} tests) | {mutant.source}", file=sys.stderr, flush=True)
            elif done % 25 == 0:
                print(f"  {done}/{total} mutants run", file=sys.stderr, flush=True)
    finally:
        for child in running:
            try:
                os.killpg(child, signal.SIGKILL)
            except ProcessLookupError:
                pass


def mark_equivalents(mutants: list[Mutant], equivalents: list[Equivalent]) -> None:
    for mutant in mutants:
        for known in equivalents:
            if (known.path, known.line, known.mutation) == (mutant.path, mutant.source, mutant.description):
                mutant.outcome, mutant.reason = "equivalent", known.reason


def _keys(items: list[tuple[str, str, str]]) -> list[tuple[str, str, str, int]]:
    """(path, mutation, source line, which occurrence of the three): stable when lines move."""
    seen: dict[tuple[str, str, str], int] = defaultdict(int)
    keys = []
    for item in items:
        keys.append((*item, seen[item]))
        seen[item] += 1
    return keys


def keep_earlier_kills(mutants: list[Mutant], earlier: list[dict]) -> None:
    earlier_keys = _keys([(item["path"], item["description"], item["source"]) for item in earlier])
    killed = {key: item for key, item in zip(earlier_keys, earlier) if item["outcome"] in ("killed", "timeout")}
    for key, mutant in zip(_keys([(mutant.path, mutant.description, mutant.source) for mutant in mutants]), mutants):
        before = killed.get(key)
        if before and not mutant.outcome:
            mutant.outcome, mutant.reason = before["outcome"], before["reason"] + " (earlier run)"


def report(paths: list[str], mutants: list[Mutant]) -> str:
    out = [f"{'module':40} {'mutants':>8} {'equiv.':>7} {'killed':>7} {'survived':>9} {'score':>7}"]
    for path in paths:
        own = [mutant for mutant in mutants if mutant.path == path]
        equivalent = sum(mutant.outcome == "equivalent" for mutant in own)
        killed = sum(mutant.outcome in ("killed", "timeout") for mutant in own)
        survived = len(own) - equivalent - killed
        counted = len(own) - equivalent
        score = f"{100 * killed / counted:.1f}%" if counted else "-"
        out.append(f"{path:40} {len(own):8} {equivalent:7} {killed:7} {survived:9} {score:>7}")
    survivors = [mutant for mutant in mutants if mutant.outcome in ("survived", "uncovered")]
    if survivors:
        out.append("\nsurvivors:")
        for mutant in survivors:
            note = " (no test executes it)" if mutant.outcome == "uncovered" else ""
            out.append(f"{mutant.path}:{mutant.line}: {mutant.description}{note} | {mutant.source}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+", help="modules to mutate, relative to --root")
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="the project root (default: the current folder)")
    parser.add_argument("--tests", action="append", help="test files or folders for the coverage run (default: tests)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--timeout-base", type=float, default=10.0, help="seconds every mutant gets (default 10)")
    parser.add_argument("--timeout-factor", type=float, default=3.0, help="times the traced time of its tests (default 3)")
    parser.add_argument("--json", type=Path, help="also write every mutant and its outcome here")
    parser.add_argument("--trace", type=Path, action="append",
                        help="a line map of the tests: read if it exists, else traced (--tests) and written there; "
                             "repeat it to add the map of new test files to an earlier one")
    parser.add_argument("--retry", type=Path, help="a --json file of an earlier run: its killed mutants are not run again")
    parser.add_argument("--max-test-seconds", type=float, default=0.0, help="leave out tests slower than this under tracing (0: none)")
    parser.add_argument("--verbose", action="store_true", help="print each mutant's outcome as it comes")
    parser.add_argument("--trace-to", type=Path, help=argparse.SUPPRESS)  # internal: the coverage run
    args = parser.parse_args(argv)
    root = args.root.resolve()
    paths = [Path(path).as_posix() for path in args.paths]
    tests = args.tests or ["tests"]
    if args.trace_to:
        return trace_main(root, paths, tests, args.trace_to)

    mutants = [mutant for path in paths for mutant in generate(root, path)]
    mark_equivalents(mutants, EQUIVALENT)
    if args.retry:
        keep_earlier_kills(mutants, json.loads(args.retry.read_text(encoding="utf-8")))
    started = time.perf_counter()
    traces = []
    for trace_file in args.trace or [None]:
        if trace_file is not None and trace_file.exists():
            traces.append(json.loads(trace_file.read_text(encoding="utf-8")))
            continue
        print(f"{len(mutants)} mutants in {len(paths)} modules; tracing which tests run which lines...", file=sys.stderr, flush=True)
        with tempfile.TemporaryDirectory() as scratch:
            written = trace_file.resolve() if trace_file else Path(scratch) / "lines.json"
            subprocess.run([sys.executable, os.path.abspath(__file__), *paths, "--root", str(root), "--trace-to", str(written),
                            *(f"--tests={test}" for test in tests)], cwd=root, stdout=subprocess.DEVNULL, check=False)
            if not written.exists():
                print("the coverage run did not finish", file=sys.stderr)
                return 2
            traces.append(json.loads(written.read_text(encoding="utf-8")))
    coverage = merge_traces(traces)
    missing = [path for path in paths if path not in coverage["lines"]]
    if missing:
        print(f"the trace does not cover {', '.join(missing)}: trace again (another --trace file)", file=sys.stderr)
        return 2
    if coverage["exit_code"] not in (0, 1):
        print(f"the tests could not run (pytest exit {coverage['exit_code']})", file=sys.stderr)
        return 2
    if coverage["failing"]:  # they cannot tell a mutant from the original: left out, and said so
        print(f"{len(coverage['failing'])} tests fail without any mutation and are left out: {', '.join(coverage['failing'][:5])}"
              + (" ..." if len(coverage["failing"]) > 5 else ""), file=sys.stderr)
    print(f"{len(coverage['tests'])} tests traced in {time.perf_counter() - started:.0f} s; running mutants with {args.jobs} workers...", file=sys.stderr, flush=True)
    os.chdir(root)
    sys.path.insert(0, str(root))
    for name in coverage["preload"]:  # imported once here, before forking: each worker starts warm
        try:
            importlib.import_module(name)
        except BaseException:  # noqa: BLE001 - a module that will not import alone is simply not preloaded
            pass
    started = time.perf_counter()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # like Ctrl-C: the workers' process groups are killed on the way out
    run_mutants(root, mutants, coverage, max(1, args.jobs), args.timeout_base, args.timeout_factor, args.verbose, args.max_test_seconds)
    print(report(paths, mutants))
    print(f"\n{len(mutants)} mutants in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    if args.json:
        args.json.write_text(json.dumps([{key: value for key, value in vars(mutant).items() if key not in ("anchor_lines", "at_import")} for mutant in mutants], indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
