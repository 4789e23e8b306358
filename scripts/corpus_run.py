#!/usr/bin/env python3
"""Feed YAML corpora through ``readiness audit`` and report anything that is not a clean outcome.

Usage::

    python scripts/corpus_run.py [CORPUS_DIR ...] [--no-hostile] [--jobs N]

With no folder it runs ``../shared/corpora/yaml-test-suite`` (relative to the repository),
when present, and always the hostile corpus: every file in ``tests/hostile/`` plus the large
cases that ``tests/hostile_generated.py`` writes to a temporary folder (too big to commit).

Each document is audited in its own child process (``python -m readiness audit FILE
--as-of 2026-11-26 --output json:TMP``, so both the terminal and the JSON reporter run) and
counts as a failure when:

- stderr contains ``Traceback``;
- the exit code is not 0, 1 or 2 (a crash, a signal, a timeout);
- it uses more than 5 s of CPU time, or is still running after 30 s of wall-clock time
  (then it is killed: a hang);
- its peak resident memory is over 500 MiB.

Time and memory are measured per child: the runner reaps each child with ``os.wait4``,
whose rusage belongs to that one process: ``ru_utime + ru_stime`` is its CPU time and
``ru_maxrss`` its peak resident set size (KiB on Linux). This is exact per child, unlike
deltas of ``getrusage(RUSAGE_CHILDREN)``, whose ``ru_maxrss`` is only the largest child so
far. CPU time rather than wall-clock time is the 5 s criterion because wall-clock time on
a busy machine measures the neighbours; wall-clock time is reported too. The memory figure
includes the interpreter itself (about 50 MiB with the libraries loaded).

Prints a summary table and exits 1 if any document failed.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPOSITORY.parent / "shared" / "corpora" / "yaml-test-suite"
HOSTILE = REPOSITORY / "tests" / "hostile"
AS_OF = "2026-11-26"
MAX_CPU_SECONDS = 5.0
KILL_AFTER_SECONDS = 30.0
MAX_MEMORY_MIB = 500.0
CLEAN_EXIT_CODES = (0, 1, 2)


@dataclass
class Outcome:
    corpus: str
    document: Path
    exit_code: int
    seconds: float
    cpu_seconds: float
    memory_mib: float
    stderr: str

    @property
    def problems(self) -> list[str]:
        found = []
        if "Traceback" in self.stderr:
            found.append("traceback")
        if self.exit_code not in CLEAN_EXIT_CODES:
            found.append(f"exit code {self.exit_code}")
        if self.cpu_seconds > MAX_CPU_SECONDS:
            found.append(f"{self.cpu_seconds:.1f} s of CPU")
        if self.memory_mib > MAX_MEMORY_MIB:
            found.append(f"{self.memory_mib:.0f} MiB")
        return found


def audit(corpus: str, document: Path, scratch: Path) -> Outcome:
    """Audit one document in a child process; measure its time and peak memory."""
    report = scratch / f"{os.getpid()}-{time.monotonic_ns()}.json"
    command = [sys.executable, "-m", "readiness", "audit", str(document), "--as-of", AS_OF, "--output", f"json:{report}"]
    with tempfile.TemporaryFile() as stderr:
        started = time.monotonic()
        child = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr, cwd=REPOSITORY)
        status, usage = _reap(child, started)
        seconds = time.monotonic() - started
        stderr.seek(0)
        text = stderr.read().decode("utf-8", "replace")
    report.unlink(missing_ok=True)
    exit_code = os.waitstatus_to_exitcode(status)
    return Outcome(corpus, document, exit_code, seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, text)


def _reap(child: subprocess.Popen, started: float) -> tuple[int, "os.struct_rusage"]:  # type: ignore[name-defined]
    """Wait for ``child`` with ``os.wait4`` (per-child rusage), killing it after the timeout."""
    while True:
        pid, status, usage = os.wait4(child.pid, os.WNOHANG)
        if pid:
            child.returncode = os.waitstatus_to_exitcode(status)  # reaped here; keep Popen from waiting again
            return status, usage
        if time.monotonic() - started > KILL_AFTER_SECONDS:
            child.send_signal(signal.SIGKILL)
        time.sleep(0.005)


def documents(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file() and not path.name.startswith("."))


def corpora(arguments: argparse.Namespace, scratch: Path) -> list[tuple[str, Path]]:
    folders = [Path(folder) for folder in arguments.corpus] or ([DEFAULT_CORPUS] if DEFAULT_CORPUS.is_dir() else [])
    chosen = [(folder.name, path) for folder in folders for path in documents(folder)]
    if not arguments.no_hostile:
        sys.path.insert(0, str(REPOSITORY / "tests"))
        from hostile_generated import write_all

        generated = scratch / "generated"
        generated.mkdir()
        chosen += [("hostile", path) for path in documents(HOSTILE)]
        chosen += [("hostile-generated", path) for path in write_all(generated)]
    return chosen


def summary(outcomes: list[Outcome]) -> str:
    rows = [("corpus", "documents", "exit 0/1/2", "failures", "max CPU s", "max wall s", "max MiB")]
    for corpus in dict.fromkeys(outcome.corpus for outcome in outcomes):
        group = [outcome for outcome in outcomes if outcome.corpus == corpus]
        exits = "/".join(str(sum(1 for outcome in group if outcome.exit_code == code)) for code in CLEAN_EXIT_CODES)
        failures = sum(1 for outcome in group if outcome.problems)
        rows.append((corpus, str(len(group)), exits, str(failures), f"{max(o.cpu_seconds for o in group):.2f}", f"{max(o.seconds for o in group):.2f}", f"{max(o.memory_mib for o in group):.0f}"))
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    return "\n".join("  ".join(cell.ljust(width) for cell, width in zip(row, widths)) for row in rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", nargs="*", help=f"folders of YAML documents (default: {DEFAULT_CORPUS} if present)")
    parser.add_argument("--no-hostile", action="store_true", help="skip the hostile corpus")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="documents audited at once")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="readiness-corpus-") as folder:
        scratch = Path(folder)
        chosen = corpora(arguments, scratch)
        with ThreadPoolExecutor(max_workers=arguments.jobs) as pool:
            outcomes = list(pool.map(lambda item: audit(item[0], item[1], scratch), chosen))
    failed = [outcome for outcome in outcomes if outcome.problems]
    for outcome in failed:
        last = outcome.stderr.strip().splitlines()[-1:] or [""]
        print(f"FAIL {outcome.document}: {', '.join(outcome.problems)}: {last[0][:200]}")
    print(summary(outcomes))
    slowest = max(outcomes, key=lambda outcome: outcome.cpu_seconds, default=None)
    largest = max(outcomes, key=lambda outcome: outcome.memory_mib, default=None)
    if slowest and largest:
        print(f"slowest: {slowest.document.name} ({slowest.cpu_seconds:.2f} s of CPU) · most memory: {largest.document.name} ({largest.memory_mib:.0f} MiB)")
    print(f"{len(outcomes)} documents, {len(failed)} failures")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
