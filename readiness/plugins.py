"""Python plugins: installed packages that add functions, rule packs and output formats.

A plugin is an entry point in the group ``readiness.plugins`` (see docs/writing-rules.md).
It names an object, usually a module, with any of these attributes:

- ``functions``: a list of :class:`readiness.functions.Function`, added to the run's vocabulary;
- ``rule_packs``: a list of paths (files or folders of YAML packs), added to every run;
- ``reporters``: a mapping of format name to an object with ``render(report, options) -> str``.

Only installed entry points are imported, never a file of the repository being audited.
Plugins load when a command needs them (never for ``--version`` or ``--help``). A plugin that
fails to import, or brings something malformed, or a name that clashes with a built-in or
another plugin, is one input error naming the plugin.

Loading plugins changes nothing global: the built-in vocabulary (:data:`readiness.functions.REGISTRY`)
and output formats (:data:`readiness.reporters.FORMATS`) stay as they are. A run's
:class:`Extensions` (the built-ins plus its plugins' functions, formats and rule packs) is what
the command passes to whatever reads a function or format name: :meth:`readiness.rules.Catalog.load`,
``--format`` and ``--output``, the config's check, ``explain --functions``, ``rules --check-examples``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from importlib.machinery import PathFinder
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Collection, Iterable

from .errors import InputError

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

    from .functions import Function
    from .reporters import Reporter

GROUP = "readiness.plugins"
ATTRIBUTES = ("functions", "rule_packs", "reporters")


@dataclass(frozen=True)
class Plugin:
    name: str
    label: str
    functions: tuple[Function, ...] = ()
    rule_packs: tuple[Path, ...] = ()
    reporters: Mapping[str, "Reporter"] = field(default_factory=dict)


def load(disabled: Collection[str] = ()) -> Extensions:
    """Import every installed plugin, except those the config disables by entry point name (a name
    that is not installed is no error: the config is shared by environments with different
    plugins); what they add to the built-ins, for the run to pass on."""
    return Extensions(tuple(read(entry) for entry in installed_entry_points() if entry.name not in disabled))


def installed_entry_points() -> list[EntryPoint]:
    """The group's entry points, by name; importlib.metadata is asked only if one may exist."""
    if not may_be_declared():
        return []
    from importlib.metadata import entry_points

    return sorted(entry_points(group=GROUP), key=lambda entry: entry.name)


def may_be_declared() -> bool:
    """False only when no distribution on ``sys.path`` can declare the group: no ``entry_points.txt``
    that importlib.metadata would read mentions it. Importing importlib.metadata and listing entry
    points costs about 20 ms (it reads every distribution's metadata); this scan, a fraction of a
    millisecond. What it cannot judge cheaply (a zip file on ``sys.path``, another distribution
    finder) counts as maybe."""
    if any(hasattr(finder, "find_distributions") and finder is not PathFinder for finder in sys.meta_path):
        return True
    marker = GROUP.encode()
    for entry in sys.path:
        if not isinstance(entry, str):
            return True
        try:
            children = os.listdir(entry or ".")
        except NotADirectoryError:  # a zip file: importlib.metadata looks inside
            return True
        except OSError:
            continue
        egg = os.path.basename(entry).lower().endswith(".egg")
        for child in children:
            low = child.lower()
            if low.endswith((".dist-info", ".egg-info")) or (egg and low == "egg-info"):
                try:
                    with open(os.path.join(entry, child, "entry_points.txt"), "rb") as declared:
                        if marker in declared.read():
                            return True
                except (FileNotFoundError, NotADirectoryError):
                    continue
                except OSError:
                    return True
    return False


def label(entry: EntryPoint) -> str:
    dist = entry.dist
    return f"plugin {entry.name!r} ({dist.name} {dist.version})" if dist is not None else f"plugin {entry.name!r} ({entry.value})"


def read(entry: EntryPoint) -> Plugin:
    """Import one entry point and check what it brings, without registering anything yet."""
    name = label(entry)
    try:
        target = entry.load()
    except Exception as error:  # third-party import code can raise anything; report it, no traceback
        raise InputError(f"{name} failed to load: {type(error).__name__}: {error}") from None
    if not any(hasattr(target, attribute) for attribute in ATTRIBUTES):
        raise InputError(f"{name}: {entry.value} has none of the attributes {', '.join(ATTRIBUTES)}")
    return Plugin(entry.name, name, _functions(target, name), _rule_packs(target, name), _reporters(target, name))


def _functions(target: Any, name: str) -> tuple[Function, ...]:
    functions = _items(getattr(target, "functions", ()), name, "functions")
    if not functions:
        return ()
    from jsonschema import Draft202012Validator, SchemaError

    from .functions import Function

    for function in functions:
        if not isinstance(function, Function):
            raise InputError(f"{name}: functions must hold readiness.functions.Function objects, found {function!r}")
        try:
            Draft202012Validator.check_schema(function.options_schema)
        except SchemaError as error:
            raise InputError(f"{name}: the options of function {function.name!r} are not a valid JSON Schema: {error.message}") from None
    return tuple(functions)


def _rule_packs(target: Any, name: str) -> tuple[Path, ...]:
    packs = []
    for item in _items(getattr(target, "rule_packs", ()), name, "rule_packs"):
        if not isinstance(item, (str, os.PathLike)):
            raise InputError(f"{name}: rule_packs must hold paths, found {item!r}")
        path = Path(item)
        if not path.exists():
            raise InputError(f"{name}: rule pack {path} does not exist")
        packs.append(path)
    return tuple(packs)


def _reporters(target: Any, name: str) -> dict[str, "Reporter"]:
    reporters = getattr(target, "reporters", {})
    if not isinstance(reporters, Mapping):
        raise InputError(f"{name}: reporters must be a mapping of format name to reporter, found {type(reporters).__name__}")
    for format_name, reporter in reporters.items():
        if not isinstance(format_name, str) or not callable(getattr(reporter, "render", None)):
            raise InputError(f"{name}: reporter {format_name!r} must be an object with render(report, options) -> str")
    return {format_name: GuardedReporter(reporter, name, format_name) for format_name, reporter in reporters.items()}


@dataclass(frozen=True)
class GuardedReporter:
    """A plugin's reporter: if it raises or returns no text, that is one error naming the plugin
    (exit 2, and no output file is written), not a traceback."""

    reporter: Any
    plugin: str
    format_name: str

    def render(self, report: Any, options: Any) -> str:
        try:
            text = self.reporter.render(report, options)
        except Exception as error:  # third-party code
            raise InputError(f"{self.plugin}: output format {self.format_name!r} failed: {type(error).__name__}: {error}") from None
        if not isinstance(text, str):
            raise InputError(f"{self.plugin}: output format {self.format_name!r} returned {type(text).__name__}, expected text")
        return text


def _items(value: Any, name: str, attribute: str) -> list:
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        raise InputError(f"{name}: {attribute} must be a list, found {type(value).__name__}")
    return list(value)


def builtin_functions() -> Mapping[str, Function]:
    """The built-in vocabulary: the core functions and those over facts read from source files."""
    from .functions import REGISTRY
    from .sources import functions as _source_functions  # noqa: F401 - registers its checks in REGISTRY

    return MappingProxyType(REGISTRY)


def builtin_formats() -> Mapping[str, "str | Reporter"]:
    from .reporters import FORMATS

    return MappingProxyType(FORMATS)


@dataclass(frozen=True)
class Extensions:
    """What one run can name: the built-in functions and output formats plus those of ``plugins``,
    and the plugins' rule packs. Made from the plugins and handed down explicitly; the built-in
    registries are never changed. ``Extensions()`` is the built-ins alone (:data:`BUILT_IN`).

    Made all or nothing: a name already taken by a built-in or by another plugin is an error
    naming both. The vocabulary is imported only when asked for (``readiness report`` has no use for it)."""

    plugins: tuple[Plugin, ...] = ()

    def __post_init__(self) -> None:
        if not self.plugins:
            return
        functions: dict[str, str] = {}
        formats: dict[str, str] = {}
        for plugin in self.plugins:
            for function in plugin.functions:
                _claim(function.name, "function", plugin.label, functions, builtin_functions())
                functions[function.name] = plugin.label
            for format_name in plugin.reporters:
                _claim(format_name, "output format", plugin.label, formats, builtin_formats())
                formats[format_name] = plugin.label

    @cached_property
    def functions(self) -> Mapping[str, Function]:
        """The function vocabulary rule packs are read against (function name → :class:`Function`)."""
        added = {function.name: function for plugin in self.plugins for function in plugin.functions}
        return MappingProxyType({**builtin_functions(), **added}) if added else builtin_functions()

    @cached_property
    def formats(self) -> Mapping[str, "str | Reporter"]:
        """The output formats (name → a built-in reporter's module, or a plugin's reporter), built-ins first."""
        added = {name: reporter for plugin in self.plugins for name, reporter in plugin.reporters.items()}
        return MappingProxyType({**builtin_formats(), **added}) if added else builtin_formats()


BUILT_IN = Extensions()


def _claim(name: str, kind: str, claimant: str, claimed: dict[str, str], builtin: Mapping[str, Any]) -> None:
    if name in claimed:
        raise InputError(f"{claimant} adds the {kind} {name!r}, which {claimed[name]} already adds; uninstall or disable one of them")
    if name in builtin:
        raise InputError(f"{claimant} adds the {kind} {name!r}, which clashes with the built-in {kind} {name!r}")
