"""Secrets in source files: read from the environment, or written inline.

A setting whose name says it holds a secret (``master_key``, ``api_key``, ``*_secret``,
``*_password``, ``*_token``, ``Authorization``…) is *from the environment* when its value is a
reference (``os.environ/NAME``, ``${NAME}``, ``{{ env.NAME }}``), and *inline* otherwise.
"""

from __future__ import annotations

import re
from typing import Any

from . import Facts, Source

SECRET_NAME = re.compile(r"(^|[_\-.])(key|secret|password|passwd|token|credentials?|authorization)$|^database_url$", re.IGNORECASE)
NOT_SECRET = re.compile(r"public|_id$|budget|header_name|^(num|max|min)_", re.IGNORECASE)
ENV_REFERENCE = re.compile(r"^os\.environ/|\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|\{\{\s*env\.|^env:|^secret:", re.IGNORECASE)


def is_secret_name(name: str) -> bool:
    snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)  # apiKey → api_Key
    return bool(SECRET_NAME.search(snake)) and not NOT_SECRET.search(snake)


def add_secret(source: Source, facts: Facts, document: Any, at: tuple, name: str, value: Any) -> None:
    """Record the setting ``name`` at ``at`` if it holds a secret (a non-empty string under a secret's name)."""
    if not is_secret_name(name) or not isinstance(value, str) or not value.strip():
        return
    inline = not ENV_REFERENCE.search(value.strip())
    origin = source.at(document, at)
    facts.add("secrets", {"setting": name, "inline": inline}, origin, {"inline": origin})


def walk_secrets(source: Source, facts: Facts, document: Any, value: Any, at: tuple = ()) -> None:
    """Every secret setting anywhere under ``value``."""
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, (dict, list)):
                walk_secrets(source, facts, document, item, at + (key,))
            else:
                add_secret(source, facts, document, at + (key,), str(key), item)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            walk_secrets(source, facts, document, item, at + (index,))
