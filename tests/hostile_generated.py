"""Hostile inputs too large to commit: written on demand by the tests and scripts/corpus_run.py.

Each case is a function returning the file's bytes; the size-limit cases follow the
current defaults of :class:`readiness.loader.Limits`, so they stay just over the line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from readiness.evidence import MAX_EVIDENCE_BYTES
from readiness.loader import Limits

LIMITS = Limits()
HEADER = "readiness: 1\nservice: {name: hostile, kind: llm, risk: low}\n"


def over_size_limit() -> bytes:
    line = "# padding: a comment line that is exactly sixty-four bytes long.\n"
    return (HEADER + line * (LIMITS.max_bytes // len(line) + 1)).encode()


def long_line() -> bytes:
    return (HEADER.replace("risk: low}", "risk: low, description: " + "x" * (LIMITS.max_bytes - 200) + "}")).encode()


def long_unknown_key() -> bytes:
    return (HEADER + "? " + "k" * 500_000 + "\n: 1\n").encode()


def deep_flow_sequence() -> bytes:
    return (HEADER + "model: " + "[" * 100_000 + "]" * 100_000 + "\n").encode()


def deep_flow_mapping() -> bytes:
    return (HEADER + "model: " + "{a: " * 50_000 + "1" + "}" * 50_000 + "\n").encode()


def deep_block_mapping() -> bytes:
    return (HEADER + "".join(" " * depth + f"k{depth}:\n" for depth in range(500)) + " " * 500 + "k: 1\n").encode()


def deep_block_sequence() -> bytes:
    return (HEADER + "model:\n" + "- " * 50_000 + "x\n").encode()


def many_unknown_keys() -> bytes:
    return (HEADER + "".join(f"key{index}: {index}\n" for index in range(60_000))).encode()


def many_type_errors() -> bytes:
    return (HEADER + "tracing:\n  records: [" + ", ".join(["{a: 1}"] * 60_000) + "]\n").encode()


def many_list_items() -> bytes:
    return (HEADER + "tracing:\n  records: [" + ", ".join(f"Field{index}" for index in range(150_000)) + "]\n").encode()


def many_mixed_items() -> bytes:
    """Unhashable, unsortable items: a naive uniqueness check is quadratic on these."""
    return (HEADER + "monitoring:\n  dashboards: [" + ", ".join(["{a: 1}", "[1]", "x", "1"] * 15_000) + "]\n").encode()


def many_aliases() -> bytes:
    return (HEADER + "tracing:\n  records: [&x a, " + ", ".join(["*x"] * 200_000) + "]\n").encode()


def many_anchors() -> bytes:
    return (HEADER + "tracing:\n  records: [" + ", ".join(f"&a{index} V" for index in range(100_000)) + "]\n").encode()


def many_documents() -> bytes:
    return (HEADER + "---\n" * 200_000).encode()


def many_prompts() -> bytes:
    digest = "ab" * 32
    prompts = ", ".join(f"{{id: p{index}, path: prompts/p{index}.md, version: 1, sha256: '{digest}'}}" for index in range(8_000))
    return (HEADER + "prompts: [" + prompts + "]\n").encode()


def evidence_over_limit(folder: Path) -> None:
    """A manifest citing an eval results file one byte over the evidence limit (sparse file)."""
    (folder / "evals").mkdir(parents=True)
    with open(folder / "evals" / "results.json", "wb") as stream:
        stream.truncate(MAX_EVIDENCE_BYTES + 1)
    (folder / "readiness.yaml").write_text(HEADER + "evaluation: {last_run: {date: 2026-11-20, results: evals/results.json}}\n")


FILES: dict[str, Callable[[], bytes]] = {
    "over-size-limit.yaml": over_size_limit,
    "long-line.yaml": long_line,
    "long-unknown-key.yaml": long_unknown_key,
    "deep-flow-sequence.yaml": deep_flow_sequence,
    "deep-flow-mapping.yaml": deep_flow_mapping,
    "deep-block-mapping.yaml": deep_block_mapping,
    "deep-block-sequence.yaml": deep_block_sequence,
    "many-unknown-keys.yaml": many_unknown_keys,
    "many-type-errors.yaml": many_type_errors,
    "many-list-items.yaml": many_list_items,
    "many-mixed-items.yaml": many_mixed_items,
    "many-aliases.yaml": many_aliases,
    "many-anchors.yaml": many_anchors,
    "many-documents.yaml": many_documents,
    "many-prompts.yaml": many_prompts,
}
FOLDERS: dict[str, Callable[[Path], None]] = {
    "evidence-over-limit": evidence_over_limit,
}


def write_all(folder: Path) -> list[Path]:
    """Write every generated case under ``folder``; return the manifests to audit."""
    written = []
    for name, make in FILES.items():
        (folder / name).write_bytes(make())
        written.append(folder / name)
    for name, make in FOLDERS.items():
        make(folder / name)
        written.append(folder / name / "readiness.yaml")
    return written
