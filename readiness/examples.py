"""Run a rule against its own examples: each ``pass`` example must pass, each ``fail`` must fail.

This is how a rule proves it can do both (the test suite runs it on every built-in rule;
``readiness rules --check-examples PACK`` runs it on a team's pack). Examples are judged as
of :data:`EXAMPLES_AS_OF` unless they set ``as_of``, and see only the files they declare.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Mapping

from . import schema
from .dates import parse_date
from .engine import Settings, evaluate_rule
from .evidence import MemoryEvidence
from .functions import REGISTRY, Function
from .loader import Document
from .report import FAIL, PASS
from .rules import Example, Rule, load_pack, pack_files
from .sources import read_sources

EXAMPLES_AS_OF = dt.date(2026, 12, 1)


def run_example(rule: Rule, example: Example) -> tuple[str, str]:
    """(status, message) of ``rule`` on one example."""
    data = {"readiness": 1, **example.manifest}
    evidence = MemoryEvidence(example.files)
    document = read_sources(Document("<example>", data, {(): (1, 1)}), evidence)
    as_of = (parse_date(example.as_of) or EXAMPLES_AS_OF) if example.as_of else EXAMPLES_AS_OF
    result = evaluate_rule(rule, document, Settings(as_of), evidence)
    return result.status, result.message


def check_examples(rule: Rule) -> list[str]:
    """Problems with a rule's examples; empty when every example behaves."""
    problems = []
    for expected, examples in ((PASS, rule.pass_examples), (FAIL, rule.fail_examples)):
        for index, example in enumerate(examples):
            invalid = schema.validate(Document("<example>", {"readiness": 1, **example.manifest}, {(): (1, 1)}))
            if invalid:
                problems.append(f"{rule.id} {expected} example {index + 1} is not a valid manifest: {invalid[0].message}")
                continue
            status, message = run_example(rule, example)
            if status != expected:
                problems.append(f"{rule.id} {expected} example {index + 1} gave {status}" + (f": {message}" if message else ""))
    return problems


def check_pack(path: Path, functions: Mapping[str, Function] = REGISTRY) -> tuple[int, list[str]]:
    """``readiness rules --check-examples PACK``: every rule of a pack file (or a folder of packs),
    read against ``functions`` (the run's vocabulary), against its own examples. How many rules
    ran, and each problem after the rule's file:line."""
    rules = [rule for file in pack_files(path) for rule in load_pack(file, functions=functions)]
    return len(rules), [f"{rule.source}: {problem}" for rule in rules for problem in check_examples(rule)]
