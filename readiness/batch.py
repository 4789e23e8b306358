"""One function over many items, results in input order: in worker processes when there are
enough items to pay for them, with a progress bar on a terminal for long runs.

Results come back in input order whatever finishes first, so a parallel run's report is
byte-identical to a serial one. Workers are forked from the process that has already loaded
the rules, so nothing is loaded twice or pickled on the way in; only results travel back.
Fork is used on Linux only: macOS offers it but Python documents it as unsafe there (system
libraries may hold locks across it), and Windows has none; elsewhere everything runs in this
process (the same report, serially).
``READINESS_WORKERS=N`` sets the number of processes (1: no workers).
"""

from __future__ import annotations

import gc
import os
import signal
import sys
from contextlib import contextmanager
from typing import Any, Callable, Iterator, Sequence

from .errors import InputError

PARALLEL_FROM = 100  # items; fewer gain little or nothing from two workers (benchmarks/run.py: 100 manifests 0.69 s instead of 0.88 s)
PROGRESS_FROM = 50  # items; a shorter run ends before a bar is worth drawing
CHUNKS_PER_WORKER = 8  # small enough to balance the load and move the bar, large enough to batch the results
WORKERS_VARIABLE = "READINESS_WORKERS"

_work: Callable[[Any], Any] | None = None  # set before the workers fork; they inherit it


def available_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def worker_count(items: int) -> int:
    """``READINESS_WORKERS`` when set; else one process per CPU for runs of PARALLEL_FROM items or more."""
    setting = os.environ.get(WORKERS_VARIABLE, "").strip()
    if setting and (not setting.isdigit() or int(setting) < 1):
        raise InputError(f"{WORKERS_VARIABLE}: expected a whole number of processes, 1 or more, found {setting!r}")
    wanted = min(int(setting), items) if setting else available_cpus() if items >= PARALLEL_FROM else 1
    if wanted > 1 and not sys.platform.startswith("linux"):
        return 1
    return max(wanted, 1)


def map_in_order(work: Callable[[Any], Any], items: Sequence[Any], description: str) -> list[Any]:
    """``[work(item) for item in items]``, in worker processes when it pays."""
    workers = worker_count(len(items))
    with cyclic_gc_paused():
        if workers == 1:
            return _map_here(work, items, description)
        return _map_in_workers(work, items, description, workers)


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """An audit makes many small objects and no reference cycles (a full collection after 1,000
    manifests finds no garbage), so the cycle collector's passes over the growing reports are pure
    cost: about 15% of the run. Reference counting still frees everything as usual."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _map_here(work: Callable[[Any], Any], items: Sequence[Any], description: str) -> list[Any]:
    results: list[Any] = []
    with progress(len(items), description) as advance:
        for item in items:
            results.append(work(item))
            advance(1)
    return results


def _map_in_workers(work: Callable[[Any], Any], items: Sequence[Any], description: str, workers: int) -> list[Any]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    global _work
    _work = work
    results: list[Any] = []
    size = -(-len(items) // (workers * CHUNKS_PER_WORKER))
    chunks = [items[start : start + size] for start in range(0, len(items), size)]
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"), initializer=_start_worker)
    try:
        pending = pool.map(_run_chunk, chunks)  # forks the workers now, before the progress bar starts a thread
        with progress(len(items), description) as advance:
            for done in pending:
                results.extend(done)
                advance(len(done))
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    finally:
        _work = None
    pool.shutdown()
    return results


def _run_chunk(chunk: Sequence[Any]) -> list[Any]:
    assert _work is not None
    return [_work(item) for item in chunk]


def _start_worker() -> None:
    """Ctrl-C is the parent's to handle (it cancels the work not yet started and stops); the cycle
    collector stays off, as in the parent while it waits."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.disable()


@contextmanager
def progress(total: int, description: str) -> Iterator[Callable[[int], None]]:
    """A transient progress bar on stderr for a long run on a terminal; otherwise nothing."""
    if total < PROGRESS_FROM or not sys.stderr.isatty():
        yield lambda done: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(description, total=total)
        yield lambda done: bar.advance(task, done)
