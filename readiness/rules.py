"""Rules as data: the rule model, rule-pack loading and the catalog.

A rule pack is a YAML file (``checks/*.yaml`` for the built-in checklist) validated against
``schemas/rule-pack.schema.json``. Loading a pack never runs code: functions are looked up
by name in the vocabulary it is given (the built-in :mod:`readiness.functions` by default; a run
passes its :class:`readiness.plugins.Extensions`, plugins' functions included), paths are
parsed, options checked.

A pack (or the config) may say what it builds on, as yamllint's ``extends`` does:
``builtin`` (the default), ``none``, or other packs by path. The built-in checklist is in a
run unless something says ``extends: none``; saying both ``none`` and ``builtin`` is an error.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Iterable, Mapping

from . import precompiled, schema
from .capabilities import KINDS  # noqa: F401 - the kinds a rule applies to, defined with how they are inferred
from .errors import InputError
from .functions import REGISTRY, Function
from .sources import functions as _source_functions  # noqa: F401 - registers the checks over facts from source files (they build on .functions)
from .loader import Document, Limits, display_path, load_file
from .paths import Path as RulePath, PathSyntaxError
from .plugins import BUILT_IN, Extensions
from .report import CATEGORIES

EVIDENCE, PARTLY, DECLARATION = "evidence", "partly", "declaration"  # Rule.verifies
RISKS = ("low", "medium", "high")


@dataclass(frozen=True)
class Clause:
    function: Function
    target: RulePath | None = None
    options: dict = field(default_factory=dict)
    optional: bool = False


@dataclass(frozen=True)
class Example:
    manifest: dict
    files: dict[str, str]
    as_of: str | None


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    category: str
    severity: str
    then: tuple[Clause, ...]
    remediation: str
    why: str
    source: str
    given: RulePath = RulePath("$", ())
    if_missing: str = "fail"
    when: tuple[Clause, ...] = ()
    kinds: tuple[str, ...] = ()
    risks: tuple[str, ...] = ()
    severity_by_risk: dict[str, str] = field(default_factory=dict)
    remediation_by_kind: dict[str, str] = field(default_factory=dict)
    partial_credit: bool = False
    waivable: bool = True
    message: str = ""
    references: tuple[str, ...] = ()
    pass_examples: tuple[Example, ...] = ()
    fail_examples: tuple[Example, ...] = ()
    raw: dict = field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def verifies(self) -> str:
        """``evidence`` when every check reads a cited file, ``declaration`` when none does (the rule takes
        the manifest's word), ``partly`` in between: what ``rules`` and ``explain`` show as its trust level."""
        reading = [clause.function.reads_evidence for clause in self.then]
        return EVIDENCE if all(reading) else DECLARATION if not any(reading) else PARTLY

    def remediation_for(self, kind: str | list[str] | None) -> str | None:
        """The remediation written for a system of this kind, when it differs from ``remediation``:
        one declared kind, or several that all get the same advice; None otherwise."""
        kinds = [kind] if isinstance(kind, str) else kind if isinstance(kind, list) else []
        texts = {self.remediation_by_kind.get(item, self.remediation) for item in kinds}
        text = texts.pop() if len(texts) == 1 else None
        return text if text != self.remediation else None

    def matches(self, token: str) -> bool:
        """Selection by id, id prefix or category (``--select VER``, ``--ignore cost``)."""
        return self.id.startswith(token.upper()) or self.category == token.lower()


def builtin_checks_dir() -> Path:
    """The built-in packs: inside the installed package, or ``checks/`` in a source checkout."""
    installed = Path(__file__).parent / "checks"  # what importlib.resources finds, without its 3.5 ms import
    if installed.is_dir():
        return installed
    return Path(__file__).resolve().parent.parent / "checks"


def pack_files(path: Path) -> list[Path]:
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
        if not files:
            raise InputError("no rule packs (*.yaml, *.yml) in this folder", str(path))
        return files
    return [path]


BUILTIN, NO_BUILTIN = "builtin", "none"


@dataclass(frozen=True)
class Base:
    """One entry of ``extends``: ``builtin``, ``none`` or a pack path relative to ``folder``."""

    name: str
    folder: Path
    file: str
    line: int | None = None  # None in pyproject.toml, which keeps no positions
    column: int | None = None

    @property
    def where(self) -> str:
        return ":".join(str(part) for part in (self.file, self.line, self.column) if part is not None)


def bases(document: Document, folder: Path) -> tuple[Base, ...]:
    """The ``extends`` entries of a loaded pack or config (schema-checked: a string or a list of strings)."""
    value = document.data.get("extends")
    if value is None:
        return ()
    items = [(value, ("extends",))] if isinstance(value, str) else [(item, ("extends", index)) for index, item in enumerate(value)]
    found = tuple(Base(name, folder, document.path, *(document.locate(at) if document.positions else ())) for name, at in items)
    none = next((base for base in found if base.name == NO_BUILTIN), None)
    if none and len(found) > 1:
        raise InputError("extends: none stands alone; it cannot be combined with other bases", none.file, none.line, none.column)
    return found


@dataclass(frozen=True)
class Pack:
    rules: list[Rule]
    extends: tuple[Base, ...]


def read_pack(path: Path, display: str | None = None, builtin: bool = False, functions: Mapping[str, Function] = REGISTRY) -> Pack:
    """A rule pack; a built-in one from its precompiled twin when the wheel shipped one (its schema and
    its functions' options were checked when the twin was written, see :func:`precompiled.twin`).
    Its clauses name functions of ``functions`` (the run's vocabulary; default the built-ins)."""
    display = display if display is not None else display_path(path)
    twin = precompiled.read(path, display) if builtin else None
    try:  # positions below a rule serve error messages only: read them when there is one
        if twin is not None:
            return _pack(twin, path, functions, options_checked=True)
        return checked_pack(load_file(path, display, Limits(), shallow=True), path, functions)
    except InputError:
        return checked_pack(load_file(path, display, Limits()), path, functions)


def checked_pack(document: Document, path: Path, functions: Mapping[str, Function] = REGISTRY) -> Pack:
    """The pack a document read from ``path`` holds, checked as every pack is: against the rule-pack
    schema, then each clause's function and options; the first problem is raised (an InputError)."""
    errors = schema.validate(document, schema.RULE_PACK)
    if errors:
        raise errors[0]
    return _pack(document, path, functions)


def _pack(document: Document, path: Path, functions: Mapping[str, Function], options_checked: bool = False) -> Pack:
    """The pack of a schema-valid document; ``options_checked``: its clauses' options are known to be valid."""
    rules = [_build_rule(raw, index, document, functions, options_checked) for index, raw in enumerate(document.data["rules"])]
    return Pack(rules, bases(document, path.parent))


def load_pack(path: Path, display: str | None = None, functions: Mapping[str, Function] = REGISTRY) -> list[Rule]:
    return read_pack(path, display, functions=functions).rules


def _fail(document: Document, path: tuple, message: str) -> InputError:
    line, column = document.locate(path)
    return InputError(message, document.path, line, column)


def _build_clauses(raw: Any, document: Document, at: tuple, functions: Mapping[str, Function], options_checked: bool = False) -> tuple[Clause, ...]:
    items = raw if isinstance(raw, list) else [raw]
    clauses = []
    for index, item in enumerate(items):
        where = at + (index,) if isinstance(raw, list) else at
        name = item["function"]
        function = functions.get(name)
        if function is None:
            close = difflib.get_close_matches(name, list(functions), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; known functions: {', '.join(sorted(functions))}"
            raise _fail(document, where + ("function",), f"unknown function {name!r}{hint}")
        options = item.get("options", {})
        problem = None if options_checked else function.option_problem(options)
        if problem:
            raise _fail(document, where + ("options",), problem)
        try:
            field_path = RulePath.parse(item["field"]) if "field" in item else None
        except PathSyntaxError as error:
            raise _fail(document, where + ("field",), str(error)) from None
        clauses.append(Clause(function, field_path, options, item.get("optional", False)))
    return tuple(clauses)


def _examples(raw: list, document: Document, at: tuple) -> tuple[Example, ...]:
    examples = []
    for index, item in enumerate(raw):
        if "manifest" in item:
            extra = set(item) - {"manifest", "files", "as_of"}
            if extra or not isinstance(item["manifest"], dict) or not isinstance(item.get("files", {}), dict):
                raise _fail(document, at + (index,), "an example with 'manifest' takes only manifest (a mapping), files (path → text) and as_of")
            examples.append(Example(item["manifest"], {str(k): str(v) for k, v in item.get("files", {}).items()}, item.get("as_of")))
        else:
            examples.append(Example(item, {}, None))
    return tuple(examples)


def _build_rule(raw: dict, index: int, document: Document, functions: Mapping[str, Function], options_checked: bool = False) -> Rule:
    at = ("rules", index)
    line, _ = document.locate(at)
    try:
        given = RulePath.parse(raw.get("given", "$"))
    except PathSyntaxError as error:
        raise _fail(document, at + ("given",), str(error)) from None
    applies = raw.get("applies_to", {})
    return Rule(
        id=raw["id"],
        title=raw["title"],
        category=raw["category"],
        severity=raw["severity"],
        then=_build_clauses(raw["then"], document, at + ("then",), functions, options_checked),
        remediation=raw["remediation"].rstrip(),
        why=raw["why"].strip(),
        source=f"{document.path}:{line}",
        given=given,
        if_missing=raw.get("if_missing", "fail"),
        when=_build_clauses(raw.get("when", []), document, at + ("when",), functions, options_checked),
        kinds=tuple(applies.get("kinds", ())),
        risks=tuple(applies.get("risk", ())),
        severity_by_risk=dict(raw.get("severity_by_risk", {})),
        remediation_by_kind={kind: text.rstrip() for kind, text in raw.get("remediation_by_kind", {}).items()},
        partial_credit=raw.get("partial_credit", False),
        waivable=raw.get("waivable", True),
        message=raw.get("message", ""),
        references=tuple(raw.get("references", ())),
        pass_examples=_examples(raw["examples"]["pass"], document, at + ("examples", "pass")),
        fail_examples=_examples(raw["examples"]["fail"], document, at + ("examples", "fail")),
        raw=raw,
    )


BUILTIN_ORIGIN = "built-in checklist"


def _origin(origin: str | None) -> str:
    return f" ({origin})" if origin else ""


class _PackGraph:
    """The packs of one run, found by following ``extends`` from the roots; each file once; read
    against the run's function vocabulary."""

    def __init__(self, functions: Mapping[str, Function]) -> None:
        self.functions = functions
        self.packs: list[tuple[Pack, str | None]] = []
        self.loaded: set[Path] = set()
        self.builtin: list[Base] = []
        self.no_builtin: list[Base] = []

    def follow(self, extends: tuple[Base, ...], origin: str | None, chain: tuple[Path, ...] = ()) -> None:
        for base in extends:
            if base.name == BUILTIN:
                self.builtin.append(base)
            elif base.name == NO_BUILTIN:
                self.no_builtin.append(base)
            else:
                target = Path(os.path.normpath(base.folder / base.name))
                if not target.exists():
                    raise InputError(f"extends {base.name!r}: no such rule pack file or folder ({target})", base.file, base.line, base.column)
                self.visit(target, origin, chain)

    def visit(self, path: Path, origin: str | None, chain: tuple[Path, ...] = ()) -> None:
        for file in pack_files(path):
            key = file.resolve()
            if key in chain:
                loop = " → ".join(str(step) for step in chain[chain.index(key):] + (key,))
                raise InputError(f"extends loops back on itself: {loop}", str(file))
            if key in self.loaded:
                continue
            self.loaded.add(key)
            pack = read_pack(file, functions=self.functions)
            self.follow(pack.extends, origin, chain + (key,))
            self.packs.append((pack, origin))

    def with_builtin(self) -> list[tuple[Pack, str | None]]:
        """Every pack, the built-in ones first unless something said ``extends: none``."""
        if self.no_builtin and self.builtin:
            none, builtin = self.no_builtin[0], self.builtin[0]
            raise InputError(f"extends: none leaves out the built-in checklist, but {builtin.where} extends builtin; keep one", none.file, none.line, none.column)
        if self.no_builtin:
            return self.packs
        return [(read_pack(file, builtin=True, functions=self.functions), BUILTIN_ORIGIN) for file in pack_files(builtin_checks_dir())] + self.packs


@dataclass
class Catalog:
    """Every loaded rule, in a stable order: category order, then id."""

    rules: list[Rule]

    @classmethod
    def load(cls, extra_packs: Iterable[Path] = (), extends: tuple[Base, ...] = (), extensions: Extensions = BUILT_IN) -> "Catalog":
        """The rules of a run: the built-in checklist (unless something says ``extends: none``),
        the config's ``extends`` bases, ``extra_packs``, the rule packs of the run's plugins
        (``extensions``), and whatever these extend; each file once, its clauses' functions looked
        up in ``extensions.functions`` (default: the built-ins alone). A rule id defined twice is
        an error naming both."""
        graph = _PackGraph(extensions.functions)
        graph.follow(extends, None)
        for path in extra_packs:
            graph.visit(path, None)
        for plugin in extensions.plugins:
            for path in plugin.rule_packs:
                graph.visit(path, plugin.label)
        seen: dict[str, tuple[Rule, str | None]] = {}
        for pack, origin in graph.with_builtin():
            for rule in pack.rules:
                if rule.id in seen:
                    first, first_origin = seen[rule.id]
                    path, line = rule.source.rsplit(":", 1)
                    raise InputError(f"duplicate rule id {rule.id}{_origin(origin)}: already defined at {first.source}{_origin(first_origin)}", path, int(line))
                seen[rule.id] = (rule, origin)
        rules = [rule for rule, _ in seen.values()]
        order = list(CATEGORIES)
        ranked = sorted(rules, key=lambda r: (order.index(r.category) if r.category in order else len(order), r.category, r.id))
        return cls(ranked)

    def get(self, rule_id: str) -> Rule | None:
        return next((rule for rule in self.rules if rule.id == rule_id.upper()), None)

    def select(self, select: Iterable[str] = (), ignore: Iterable[str] = ()) -> list[Rule]:
        select, ignore = list(select), list(ignore)
        for token in select + ignore:
            if not any(rule.matches(token) for rule in self.rules):
                raise InputError(f"--select/--ignore {token!r} matches no rule id, prefix or category")
        chosen = [r for r in self.rules if not select or any(r.matches(t) for t in select)]
        return [r for r in chosen if not any(r.matches(t) for t in ignore)]
