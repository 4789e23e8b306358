"""The built-in rule packs, read ahead of time: a JSON twin of each, written when the wheel is built.

Reading the nine YAML packs of the built-in checklist costs about 14 ms of every run; their
twins hold what :func:`readiness.loader.load_text` makes of them (``shallow``: the data and the
positions of the top two levels) and load in about 1 ms. A twin names the SHA-256 of the YAML
it was made from and serves only while that still matches, so an edited pack is read from its
YAML again; a missing, unreadable or malformed twin is ignored the same way. A source checkout
has no twins and always reads the YAML. ``hatch_build.py`` writes them with :func:`twin`.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from .files import decode
from .loader import Document, load_text

SUFFIX = ".precompiled.json"


def twin_name(pack: Path) -> str:
    """``cost.yaml`` → ``cost.precompiled.json``."""
    return pack.stem + SUFFIX


def twin(raw: bytes, display: str) -> str:
    """The twin of a pack whose file holds ``raw``."""
    document = load_text(decode(raw, display), display, shallow=True)
    positions = [[list(path), line, column] for path, (line, column) in document.positions.items()]
    record = {"sha256": hashlib.sha256(raw).hexdigest(), "data": document.data, "positions": positions}
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"


def read(pack: Path, display: str) -> Document | None:
    """The pack as its twin beside it has it; None when there is no twin that matches the pack."""
    try:
        stored = json.loads((pack.parent / twin_name(pack)).read_bytes())
        if stored["sha256"] != hashlib.sha256(pack.read_bytes()).hexdigest():
            return None
        positions = {tuple(path): (line, column) for path, line, column in stored["positions"]}
        return Document(display, stored["data"], positions)
    except (OSError, ValueError, KeyError, TypeError):
        return None
