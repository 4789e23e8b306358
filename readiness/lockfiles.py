"""Dependency lockfiles: does a cited lockfile pin at least one dependency?

A hash proves a file did not change, not that it is a lockfile: a 0-byte file or one reading ``TODO``
has a SHA-256 too. :func:`pinned_count` recognises the lockfiles of the common tools by their content,
whatever the file is called (a ``requirements.lock`` may be pip-compile, rye or uv output), and counts
the dependencies they pin to one version. It is generous to every real format and strict on
empty, placeholder and template content: a line counts only in a recognised pinned form, with a
version that starts with a digit.
"""

from __future__ import annotations

import json
import re
from typing import Any

# The forms recognised, as a finding names them.
EXPECTED = ("expected at least one dependency pinned to a version: name==1.2.3 (pip requirements, pip-compile), "
            "[[package]] with name and version (uv.lock, poetry.lock, Cargo.lock), or a Pipfile.lock, package-lock.json, "
            "composer.lock, yarn.lock, pnpm-lock.yaml, go.sum, conda lock or pinned environment file, or Gemfile.lock")

_VERSION = r"v?\d[\w.+!*-]*"
# Each pattern is matched at the start of one line, and none can backtrack more than linearly: a hostile
# file (one 200 kB line of "@", a million blank lines) costs what reading it costs.
# pip / pip-compile / rye / uv pip compile: ``name==1.2.3`` or ``name===1.2.3`` (extras, markers and --hash may
# follow), or a direct reference ``name @ https://…`` / ``name @ git+https://…``.
_PIP = re.compile(rf"[ \t]*[A-Za-z0-9][\w.-]*(\[[\w,\t .-]*\])?[ \t]*(===?[ \t]*{_VERSION}|@[ \t]*[\w+]+://)")
# TOML lockfiles (uv, poetry, pdm, Cargo): one ``[[package]]`` table per dependency, with its name and version.
_TOML_NAME = re.compile(r"name[ \t]*=[ \t]*[\"'][^\"'\s]+[\"']")
_TOML_VERSION = re.compile(rf"version[ \t]*=[ \t]*[\"']{_VERSION}[\"']")
# go.sum: ``module v1.2.3 h1:<base64>=`` (and the ``/go.mod`` line of each).
_GO_SUM = re.compile(r"[^\s]+[ \t]+v\d[^\s]*[ \t]+h1:[A-Za-z0-9+/]+=*[ \t]*$")
# Gemfile.lock: a resolved spec under ``specs:``, four spaces in: ``    rails (7.1.3)``.
_GEM_SPEC = re.compile(r" {4}[A-Za-z0-9][\w.-]* \(\d[^)]*\)[ \t]*$")
# pnpm-lock.yaml: ``/name@1.2.3:`` (v5/v6) or ``name@1.2.3:`` (v9), scoped names too, quoted or not.
_PNPM = re.compile(r" {2}['\"]?/?(@[\w.-]+/)?[\w.-]+[@/]v?\d[^\s'\":]*(:[^\s'\":]+)*['\"]?:[ \t]*$")
# yarn.lock (classic and berry): an entry ``"name@^1.0.0":`` then, indented, its ``version "1.2.3"`` / ``version: 1.2.3``.
_INDENTED_VERSION = re.compile(rf"[ \t]+(-[ \t]+)?version:?[ \t]+[\"']?{_VERSION}[\"']?[ \t]*$")
# conda: an environment file's pins ``- numpy=1.26.4=py311h_0`` / ``- numpy==1.26`` (pip section too), and
# conda-lock's ``- name: numpy`` followed by ``version: 1.26.4``.
_CONDA_PIN = re.compile(rf"[ \t]*-[ \t]+[A-Za-z0-9][\w.:/-]*(\[[^\]]*\])?[ \t]*={{1,2}}[ \t]*{_VERSION}(=[^\s]+)?[ \t]*$")
_YAML_NAME = re.compile(r"[ \t]*(-[ \t]+)?name:[ \t]*[\"']?[^\s\"']+")
# ``conda list --explicit``: ``https://…/numpy-1.26.4-py311h64a7726_0.conda#md5``.
_CONDA_PACKAGE = re.compile(r"[\w.]+\.(conda|tar\.bz2)")
# Gradle dependency locks (``group:artifact:1.2.3=classpaths``) and Elixir's mix.lock (``"name": {:hex, :name, "1.2.3", …``).
_GRADLE = re.compile(rf"[\w.-]+:[\w.-]+:{_VERSION}=[^\s]*[ \t]*$")
_MIX = re.compile(rf"[ \t]*\"[\w-]+\":[ \t]*\{{:(hex|git),[ \t]*(:[\w-]+,[ \t]*\"{_VERSION}\"|\"[^\s\"]+\")")
_ONE_LINE = (_PIP, _GO_SUM, _GEM_SPEC, _PNPM, _CONDA_PIN, _GRADLE, _MIX)
# A pip requirement that does not pin: a bare name or a range (``fastapi``, ``openai>=1.0``, ``httpx~=0.27``).
_PIP_UNPINNED = re.compile(r"([A-Za-z0-9][\w.-]*)(\[[\w,\t .-]*\])?[ \t]*((~=|!=|>=|<=|>|<)[^;#]*)?(;[^#]*)?(#.*)?$")
_DIGIT_VERSION = re.compile(rf"[=\s]*{_VERSION}$")


def pinned_count(text: str) -> int:
    """How many dependencies the lockfile text pins in a recognised form (0 when none: empty, a
    placeholder, a template of comments)."""
    if text.lstrip().startswith(("{", "[")):
        try:
            document = json.loads(text)
        except (ValueError, RecursionError):
            document = None
        if document is not None:
            try:
                return _json_pins(document, 0)
            except RecursionError:  # nested deeper than any lockfile
                return 0
    count = 0
    toml_package = toml_name = toml_version = False
    yarn_entry = yaml_name = False
    for line in text.splitlines():
        if not line or line.isspace():
            continue
        if line.startswith("[[package]]"):
            count += toml_package and toml_name and toml_version
            toml_package, toml_name, toml_version = True, False, False
            continue
        if toml_package:
            toml_name = toml_name or _TOML_NAME.match(line) is not None
            toml_version = toml_version or _TOML_VERSION.match(line) is not None
        if line[:1] not in ("", " ", "\t", "#"):  # a top-level key: a yarn entry when it names name@range
            yarn_entry = line.rstrip().endswith(":") and "@" in line and not line.startswith("__metadata")
        if _YAML_NAME.match(line):
            yaml_name = True
        elif (yarn_entry or yaml_name) and _INDENTED_VERSION.match(line):
            count += 1
            yarn_entry = yaml_name = False
        if line.startswith(("http://", "https://")):
            filename = line.split("#", 1)[0].rstrip().rsplit("/", 1)[-1]
            parts = filename.rsplit("-", 2)
            count += len(parts) == 3 and parts[1][:1].isdigit() and _CONDA_PACKAGE.fullmatch(parts[2]) is not None
            continue
        count += any(pattern.match(line) for pattern in _ONE_LINE)
    return count + (toml_package and toml_name and toml_version)


def pinned_names(text: str) -> set[str]:
    """The names of the packages a pip-format, TOML (uv, poetry, pdm, Cargo) or npm/Pipfile JSON lockfile pins,
    normalised as :func:`package_name` does; empty for the other formats, whose names are not read."""
    if text.lstrip().startswith(("{", "[")) and not text.lstrip().startswith("[["):
        try:
            document = json.loads(text)
        except (ValueError, RecursionError):
            return set()
        if not isinstance(document, dict):
            return set()
        names = {key.rsplit("node_modules/", 1)[-1] for key in (document.get("packages") or {}) if isinstance(key, str) and key} if isinstance(document.get("packages"), dict) else set()
        for section in ("default", "develop"):  # Pipfile.lock
            if isinstance(document.get(section), dict):
                names |= set(document[section])
        return {package_name(name) for name in names}
    names = set()
    for line in text.splitlines():
        pinned = _PIP.match(line)
        if pinned:
            names.add(line.strip().split("[", 1)[0].split("=", 1)[0].split("@", 1)[0].split(" ", 1)[0])
        elif (toml := _TOML_NAME.match(line)):
            names.add(toml.group(0).split("=", 1)[1].strip(" \t\"'"))
    return {package_name(name) for name in names if name}


def package_name(name: str) -> str:
    """A package name compared across an SBOM and a lockfile: lower case, runs of ``-``, ``_`` and ``.`` as one ``-`` (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name.strip().lower())


def unpinned(text: str) -> list[str]:
    """The requirements a pip-format lockfile leaves unpinned (``fastapi``, ``openai>=1.0``): a file that
    pins some dependencies with ``==`` and not others locks only part of what ships. Other formats pin
    every entry they hold, so nothing is reported for them."""
    lines = [line.strip() for line in text.splitlines()]
    if not any(_PIP.match(line) for line in lines):
        return []
    return [match.group(1) for line in lines if line and (match := _PIP_UNPINNED.match(line))]


def _json_pins(node: Any, depth: int) -> int:
    """Packages with a concrete version in a JSON lockfile: Pipfile.lock (``default``/``develop``),
    package-lock.json / npm-shrinkwrap.json (``packages``, ``dependencies``), composer.lock
    (``packages``), NuGet packages.lock.json (``resolved``). The document's own name and version (the
    project, not a dependency) and package-lock's root entry ``""`` do not count."""
    count = 0
    if isinstance(node, dict):
        if depth > 0 and _has_version(node):
            count += 1
        for key, child in node.items():
            if key != "":
                count += _json_pins(child, depth + 1)
    elif isinstance(node, list):
        count += sum(_json_pins(item, depth + 1) for item in node)
    return count


def _has_version(entry: dict) -> bool:
    for key in ("version", "resolved"):
        value = entry.get(key)
        if isinstance(value, str) and _DIGIT_VERSION.match(value.strip()):
            return True
    ref = entry.get("ref")  # Pipfile.lock: a VCS dependency pinned to a commit
    return isinstance(ref, str) and re.fullmatch(r"[0-9a-f]{7,64}", ref) is not None
