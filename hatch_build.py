"""Wheel build hook: ship each built-in rule pack with its precompiled JSON twin.

An installed readiness then reads the built-in checklist in about 1 ms instead of 14 ms on every
run (see readiness/precompiled.py, which writes and checks the twins). Editable installs read
``checks/`` from the checkout and get no twins.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class PrecompiledPacks(BuildHookInterface):
    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version == "editable":
            return
        sys.path.insert(0, self.root)
        try:
            from readiness import precompiled
        finally:
            sys.path.remove(self.root)
        self.staging = Path(tempfile.mkdtemp(prefix="readiness-twins-"))
        for pack in sorted(path for path in (Path(self.root) / "checks").iterdir() if path.suffix in (".yaml", ".yml")):
            target = self.staging / precompiled.twin_name(pack)
            target.write_text(precompiled.twin(pack.read_bytes(), f"checks/{pack.name}"), encoding="utf-8")
            build_data["force_include"][str(target)] = f"readiness/checks/{target.name}"

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        staging = getattr(self, "staging", None)
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
