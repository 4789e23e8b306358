"""Configuration: ``.readiness.yaml`` or ``[tool.readiness]`` in ``pyproject.toml``.

The config is found by walking up from the current folder to the first folder holding
either file (``.readiness.yaml`` first), stopping at a folder with ``.git`` or at the
filesystem root; ``--config PATH`` names one explicitly. It is validated against
``schemas/config.schema.json`` (unknown keys get a "did you mean"), then against the loaded
rules (rule ids, option names, categories, formats), so a typo is an error with its place:
``file:line:column`` for YAML, ``file:line:column: [tool.readiness] key`` for pyproject (tomllib keeps
no positions: :func:`toml_positions` finds the keys' lines).

Paths in the config are relative to the config file. The command line wins: a scalar
given on the command line replaces the config's; ``--select``, ``--ignore`` and ``--output``
replace the config's list when given; ``--category-min`` replaces one category's minimum;
``--rules`` packs are added to the config's ``rules`` (the config's overrides may name
their rules). pyproject.toml is read with tomllib (``tomli``, a dependency, on Python 3.10).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from . import schema
from .errors import InputError, InputErrors
from .files import decimal, number
from .loader import Document, Limits, display_path, load_text, read_text
from .paths import display
from .plugins import BUILT_IN, Extensions
from .rules import Base, Catalog, Rule, bases

if TYPE_CHECKING:
    from .policy import Policy

YAML_CONFIG = ".readiness.yaml"
PYPROJECT = "pyproject.toml"
CONFIG_SCHEMA = "config"
_TABLE = re.compile(r"^\s*\[\s*tool\s*\.\s*readiness\s*[\].]", re.MULTILINE)
_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")
_COMMENT_LINE = re.compile(r"^\s*#.*$", re.MULTILINE)
_TOML_HEADER = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(#.*)?$")
_TOML_KEY = re.compile(r"""^\s*((?:"[^"]*"|'[^']*'|[A-Za-z0-9_-]+)(?:\s*\.\s*(?:"[^"]*"|'[^']*'|[A-Za-z0-9_-]+))*)\s*=""")


@dataclass
class Config:
    """The validated config; empty (``source`` None) when there is none."""

    values: dict[str, Any] = field(default_factory=dict)
    source: str | None = None  # the file, as messages name it
    folder: Path = Path(".")  # paths in the config are relative to this
    document: Document | None = None  # YAML only: positions for messages

    def error(self, key_path: tuple, message: str) -> InputError:
        line, column = self.document.locate(key_path) if self.document is not None else (None, None)
        table = "[tool.readiness] " if self.source and self.source.endswith(".toml") else ""
        return InputError(f"{table}{display(key_path)}: {message}", self.source, line, column)

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def rule_packs(self) -> list[Path]:
        return [self.folder / pack for pack in self.get("rules", [])]

    def extends(self) -> tuple[Base, ...]:
        """What the checklist builds on: ``builtin`` (the default), ``none`` or packs."""
        return bases(self.document or Document(self.source or "", self.values), self.folder)

    def limits(self) -> Limits:
        return Limits(**self.get("limits", {}))

    def root(self, given: Path | None = None) -> tuple[Path | None, str | None]:
        """The project root and who set it: ``--root`` (``given``), else ``root:`` here, else (None, None)
        so that each manifest's enclosing git work tree, or its folder, is its root."""
        if given is not None:
            return existing_folder(given, "--root"), "--root"
        if self.get("root") is None:
            return None, None
        folder = self.folder / self.get("root")
        if not folder.is_dir():
            raise self.error(("root",), f"no such folder {folder.as_posix()!r} (paths are relative to the config file)")
        if not folder.resolve().is_relative_to(self.folder.resolve()):  # the config is as untrusted as the manifests
            raise self.error(("root",), f"{self.get('root')!r} is above the config file's folder; a config may set the root only at or below it (--root on the command line may go higher)")
        return folder, f"root: in {self.source}"


def existing_folder(path: Path, option: str) -> Path:
    """``path`` when it is a folder; an input error naming ``option`` otherwise."""
    if not path.is_dir():
        raise InputError(f"{option}: {'not a folder' if path.exists() else 'no such folder'} {path.as_posix()!r}")
    return path


def load(explicit: Path | None = None, start: Path | None = None) -> Config:
    """The config named by ``--config``, or the one found from ``start`` (the current folder) up."""
    path = explicit if explicit is not None else find(start or Path.cwd())
    if path is None:
        return Config()
    if not path.is_file():
        raise InputError("not a file, expected a config file" if path.exists() else "no such config file", path.as_posix())
    return read(path)


def find(start: Path) -> Path | None:
    for folder in (start.resolve(), *start.resolve().parents):
        if (folder / YAML_CONFIG).is_file():
            return folder / YAML_CONFIG
        pyproject = folder / PYPROJECT
        if pyproject.is_file() and _TABLE.search(read_text(pyproject, pyproject.as_posix(), Limits())):
            return pyproject
        if (folder / ".git").exists():
            return None
    return None


def read(path: Path) -> Config:

    shown = display_path(path)
    folder = Path(display_path(path.parent))
    if path.suffix == ".toml":
        text = read_text(path, shown, Limits())
        document = Document(shown, _read_pyproject(text, shown), toml_positions(text))
        config = Config(document.data, shown, folder, document)
        problems = [InputError(f"[tool.readiness] {e.message}", shown, e.line, e.column) for e in schema.validate(document, CONFIG_SCHEMA)]
    else:
        text = read_text(path, shown, Limits())
        if only_comments(text):
            return Config({}, shown, folder)  # an empty .readiness.yaml: defaults
        document = load_text(text, shown)
        config = Config(document.data, shown, folder, document)
        problems = schema.validate(document, CONFIG_SCHEMA)
    if problems:
        raise InputErrors(problems)
    return config


def only_comments(text: str) -> bool:
    """A YAML file with nothing but blank lines and comments."""
    return not _COMMENT_LINE.sub("", text).strip()


def toml_positions(text: str) -> dict[tuple, tuple[int, int]]:
    """Line and column of the keys of ``[tool.readiness]`` and its sub-tables (tomllib keeps no
    positions): enough to point a message at the line; a value inside an inline table or array
    is located at its key."""
    positions: dict[tuple, tuple[int, int]] = {(): (1, 1)}
    table: tuple | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        header = _TOML_HEADER.match(line)
        if header:
            names = _toml_key(header.group(1))
            table = names[2:] if names[:2] == ("tool", "readiness") else None
            if table is not None:
                for depth in range(len(table) + 1):
                    positions.setdefault(table[:depth], (number, 1))
            continue
        key = _TOML_KEY.match(line)
        if table is not None and key:
            positions.setdefault(table + _toml_key(key.group(1)), (number, key.start(1) + 1))
    return positions


def _toml_key(text: str) -> tuple:
    return tuple(part.strip().strip("\"'") for part in text.split("."))


def _read_pyproject(text: str, shown: str) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # a declared dependency on 3.10
        import tomli as tomllib
    try:
        data = tomllib.loads(text, parse_float=_finite_float)
        table = _plain(data.get("tool", {}).get("readiness"))
    except NotFinite as error:
        raise InputError(f"invalid TOML: expected a finite number, found {error}", shown) from None
    except tomllib.TOMLDecodeError as error:
        position = _TOML_POSITION.search(str(error))
        message = _TOML_POSITION.sub("", str(error)).strip()
        raise InputError(f"invalid TOML: {message}", shown, *(map(int, position.groups()) if position else ())) from None
    except RecursionError:
        raise InputError("invalid TOML: nested too deeply", shown) from None
    except ValueError:  # int() refuses more than 4,300 digits
        raise InputError("invalid TOML: a number has too many digits", shown) from None
    if not isinstance(table, dict):
        raise InputError("no [tool.readiness] table", shown)
    return table


class NotFinite(ValueError):
    """A TOML number that is not a number (``nan``) or beyond a double's range (``inf``, ``1e400``, 400 digits)."""


def _finite_float(text: str) -> float:
    value = decimal(text)
    if value is None:
        raise NotFinite(text)
    return value


def _plain(value: Any) -> Any:
    """TOML dates as the ISO strings a YAML config holds, so one schema fits both; numbers within a
    double's range, as the YAML loader has them."""
    if isinstance(value, int) and not isinstance(value, bool) and number(value) is None:
        raise NotFinite(f"a number of {len(str(value))} digits")
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value.isoformat() if isinstance(value, (dt.date, dt.time)) else value


def catalog(config: Config, extra_packs: Sequence[Path] = (), extensions: Extensions = BUILT_IN) -> Catalog:
    """Built-in rules, the config's packs, ``--rules`` packs and the packs of the run's plugins
    (``extensions``, whose functions the packs may use), with the config checked against them."""

    missing = [config.error(("rules", index), f"no such file or folder {pack.as_posix()!r} (paths are relative to the config file)") for index, pack in enumerate(config.rule_packs()) if not pack.exists()]
    if missing:
        raise InputErrors(missing)
    loaded = Catalog.load(config.rule_packs() + list(extra_packs), config.extends(), extensions)
    problems = check(config, loaded, extensions.formats)
    if problems:
        raise InputErrors(problems)
    return loaded


def check(config: Config, loaded: Catalog, formats: Mapping[str, object]) -> list[InputError]:
    """What the schema cannot know: do rule ids, options, categories and formats (of the run's ``formats``) exist?"""
    problems = []
    rule_ids = [rule.id for rule in loaded.rules]
    for key in ("select", "ignore"):
        problems += [config.error((key, i), f"{token!r} matches no rule id, prefix or category") for i, token in enumerate(config.get(key, [])) if not any(r.matches(token) for r in loaded.rules)]
    for key in ("severity", "options"):
        problems += [config.error((key, rule_id), f"no rule {rule_id!r}; {_hint(rule_id.upper(), rule_ids, '`readiness rules` lists them')}") for rule_id in config.get(key, {}) if loaded.get(rule_id) is None]
    for rule_id, overrides in config.get("options", {}).items():
        rule = loaded.get(rule_id)
        if rule is not None:
            problems += option_problems(rule, overrides, lambda path, message: config.error(("options", rule_id, *path), message))
    problems += [config.error(("allow_waivers", config.get("allow_waivers").index(severity)), f"{severity} is both allowed and forbidden (forbid_waivers); keep one") for severity in config.get("allow_waivers", []) if severity in config.get("forbid_waivers", [])]
    categories = sorted({rule.category for rule in loaded.rules})
    problems += [config.error(("category_min", name), f"no category {name!r}; {_hint(name, categories)}") for name in config.get("category_min", {}) if name not in categories]
    for index, item in enumerate(config.get("outputs", [])):
        if item.partition(":")[0] not in formats:
            problems.append(config.error(("outputs", index), f"unknown format {item.partition(':')[0]!r}; expected one of {', '.join(formats)}"))
    return problems


def option_problems(rule: Rule, overrides: dict[str, Any], error: Any) -> list[InputError]:
    """Each override must be an option of one of the rule's checks, with a value that check accepts."""
    functions = {clause.function.name: clause.function for clause in rule.then}
    accepted = sorted({name for function in functions.values() for name in function.options})
    problems = []
    for name in overrides:
        if name not in accepted:
            takes = f"its checks ({', '.join(functions)}) take {', '.join(accepted)}" if accepted else f"its checks ({', '.join(functions)}) take no options"
            close = difflib.get_close_matches(name, accepted, n=1)
            problems.append(error((name,), f"{rule.id} has no option {name!r}; " + (f"did you mean {close[0]!r}?" if close else takes)))
    found: dict[str, str] = {}  # problem → the override it is about; two checks of one function find it once
    for clause in rule.then:  # an override replaces the clause's own value of that option
        relevant = {name: value for name, value in overrides.items() if name in clause.function.options}
        problem = clause.function.option_problem({**clause.options, **relevant}) if relevant else None
        if problem:
            found.setdefault(problem, next(iter(relevant)))
    return problems + [error((name,), problem) for problem, name in found.items()]


def category_minimums(items: list[str], loaded: Catalog) -> dict[str, float]:
    """``--category-min CATEGORY=N`` (repeatable)."""
    categories = sorted({rule.category for rule in loaded.rules})
    minimums = {}
    for item in items:
        name, _, number = item.partition("=")
        try:
            value = float(number)
        except ValueError:
            value = -1.0
        if not 0 <= value <= 100:
            raise InputError(f"--category-min {item!r}: expected CATEGORY=N with N from 0 to 100")
        if name not in categories:
            raise InputError(f"--category-min {item!r}: no category {name!r}; {_hint(name, categories)}")
        minimums[name] = value
    return minimums


def _hint(name: str, known: list[str], otherwise: str = "") -> str:
    close = difflib.get_close_matches(name, known, n=1)
    return f"did you mean {close[0]!r}?" if close else otherwise or f"expected one of: {', '.join(known)}"
