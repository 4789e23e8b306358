"""The built-in rule packs, read ahead of time: a JSON twin of each, written when the wheel is built.

Reading the nine YAML packs of the built-in checklist costs about 14 ms of every run; their
twins hold what :func:`readiness.loader.load_text` makes of them (``shallow``: the data and the
positions of the top two levels) and load in about 2 ms. A twin is written only from a pack that
is checked as any pack is (its schema, its functions and their options), so a run need not check
it again (4 ms more). It names the SHA-256 of the YAML it was made from and of the schema it was
checked against, and serves only while both still match, so an edited pack is read from its YAML
and checked again; a missing, unreadable or malformed twin is ignored the same way. A source
checkout has no twins and always reads the YAML. ``hatch_build.py`` writes them with :func:`twin`.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path

from . import schema
from .files import decode
from .loader import Document, load_text

try:
    from orjson import loads as _loads  # twice as fast on the 400 kB of twins
except ImportError:  # an installation without it
    from json import loads as _loads

SUFFIX = ".precompiled.json"


def twin_name(pack: Path) -> str:
    """``cost.yaml`` → ``cost.precompiled.json``."""
    return pack.stem + SUFFIX


@cache
def _schema_sha256() -> str:
    return hashlib.sha256(schema.SCHEMAS.joinpath(f"{schema.RULE_PACK}.schema.json").read_bytes()).hexdigest()


def twin(raw: bytes, display: str) -> str:
    """The twin of a pack whose file holds ``raw``; the pack's first error (an InputError: a schema
    error, an unknown function, options a function refuses) if it has one."""
    from .rules import checked_pack  # rules reads the twins this writes

    document = load_text(decode(raw, display), display, shallow=True)
    checked_pack(load_text(decode(raw, display), display), Path(display))
    positions = [[list(path), line, column] for path, (line, column) in document.positions.items()]
    record = {"sha256": hashlib.sha256(raw).hexdigest(), "schema_sha256": _schema_sha256(), "data": document.data, "positions": positions}
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"


def read(pack: Path, display: str) -> Document | None:
    """The pack as its twin beside it has it, valid against the rule-pack schema; None when there is no
    twin that matches the pack and the schema."""
    try:
        stored = _loads((pack.parent / twin_name(pack)).read_bytes())
        if stored["sha256"] != hashlib.sha256(pack.read_bytes()).hexdigest() or stored["schema_sha256"] != _schema_sha256():
            return None
        positions = {tuple(path): (line, column) for path, line, column in stored["positions"]}
        return Document(display, stored["data"], positions)
    except (OSError, ValueError, KeyError, TypeError):
        return None
