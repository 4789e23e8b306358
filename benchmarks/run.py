"""How fast is ``readiness audit``? Cold start, folders of 1 to 1,000 manifests, one huge manifest.

Plain Python (standard library only); run it from anywhere with the interpreter whose
environment has readiness installed::

    python benchmarks/run.py                 # 5 runs of each measurement, median reported
    python benchmarks/run.py --runs 9 --json bench.json
    python benchmarks/run.py --quick         # 1 run, tiny sizes: a smoke test, not a measurement

It generates realistic manifests of about 200 lines in a temporary folder: copies of
``sample_configs/support-assistant`` with its evidence files, each with its own name, numbers,
ten more alerts and, for about a third of them, a failure or two. Then it runs every measurement as a fresh
subprocess (after one uncounted warm-up round, and with bytecode caches allowed, as for an
installed package) and records its wall time, CPU time and peak resident memory (from
``os.wait4``). Rounds are interleaved (floor, json, terminal, floor, …) so that a slow moment
on the machine hits every measurement alike.

(a) cold ``readiness audit one.yaml`` (``--format json`` and the default terminal format)
    against the import floor of its own dependencies, ``python -c "import typer, yaml,
    jsonschema"``, measured in the same run; the ratio is audit ÷ floor;
(b) ``readiness audit DIR`` on folders of 1, 100 and 1,000 manifests: wall, peak memory and
    milliseconds per manifest (overall, and marginal over the previous size);
(c) one manifest with 10,000 alerts;
(d) ``readiness audit DIR --format json`` on the largest folder: the canonical report of a
    fleet, written manifest by manifest (its peak memory must not grow with the fleet).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import sys
import sysconfig
import tempfile
import time
from dataclasses import asdict, astuple, dataclass
from pathlib import Path

AS_OF = "2026-11-25"
FLOOR_CODE = "import typer, yaml, jsonschema"
FLOOR_LABEL = "import floor (typer, yaml, jsonschema)"
# What typer itself costs a command with one option: typer validates option values with pydantic.
TYPER_CODE = "import typer\napp = typer.Typer()\n@app.command()\ndef main(name: str = 'x') -> None:\n    pass\napp(['--name', 'y'])"
TYPER_LABEL = "typer floor (a command with one str option)"

SAMPLE = Path(__file__).resolve().parent.parent / "sample_configs" / "support-assistant"
EXTRA_ALERTS = 10  # block-style alerts added to the sample's, for a manifest of about 200 lines
SIGNALS = ("answer_correctness_sampled", "thumbs_down_rate", "p95_latency", "error_rate", "guardrail_block_rate", "refusal_rate")
RUNBOOKS = ("quality-drop", "latency", "rollback", "safety")


def alert_lines(name: str, index: int) -> list[str]:
    return [
        f"    - name: {name}-alert-{index:05d}",
        f"      signal: {SIGNALS[index % len(SIGNALS)]}",
        f'      condition: "> {index % 97 + 1} for {index % 50 + 5}m"',
        f"      severity: {'page' if index % 3 else 'ticket'}",
        "      owner: platform-oncall",
        f"      runbook: runbooks/{RUNBOOKS[index % len(RUNBOOKS)]}.md",
    ]


def vary(text: str, pattern: str, replacement: str) -> str:
    """Replace the first match of ``pattern`` (a line of the sample); the sample must still have it."""
    varied, count = re.subn(pattern, replacement, text, count=1, flags=re.MULTILINE)
    if not count:
        raise SystemExit(f"benchmark: the sample manifest no longer has a line matching {pattern!r}; update benchmarks/run.py")
    return varied


def write_service(folder: Path, index: int, alerts: int = EXTRA_ALERTS) -> None:
    """One service: the support-assistant sample with its evidence, renamed and varied by ``index``,
    with ``alerts`` more alerts. About a third of the services have a failure or two (a floating
    model version, a stale rollback drill, a missing runbook, a changed prompt, a budget too small),
    as a real fleet does."""
    shutil.copytree(SAMPLE, folder)
    name = f"service-{index:04d}"
    text = (folder / "readiness.yaml").read_text(encoding="utf-8").replace("support-assistant", name)
    risk = ("high", "medium", "low")[index % 4 % 3]
    text = vary(text, r"^  risk: high$", f"  risk: {risk}")
    if risk != "high":  # a tier below high turns rules off and says why (GOV019)
        text = vary(text, r"^  rationale:$", '  rationale:\n    risk: "Answers from public help-centre articles; refunds and account changes stay with human agents"')
    text = vary(text, r"^  traffic: \{requests_per_day: \d+", f"  traffic: {{requests_per_day: {20000 + index * 37 % 20000}")
    text = vary(text, r"^  retention_days: \d+$", f"  retention_days: {30 + index % 4 * 15}")
    text = vary(text, r"time_to_rollback_minutes: \d+", f"time_to_rollback_minutes: {index % 10 + 3}")
    text = vary(text, r"human_agreement: [\d.]+", f"human_agreement: {0.8 + index % 15 / 100:.2f}")
    if index % 13 == 7:
        text = vary(text, r"^  version: gpt-4o-2024-08-06$", "  version: latest")
    if index % 7 == 4:
        text = vary(text, r"last_drill: [\d-]+", "last_drill: 2026-05-02")
    if index % 9 == 2:
        text = vary(text, r"monthly_usd: \d+", "monthly_usd: 9000")
    if index % 11 == 5:
        (folder / "runbooks" / "latency.md").unlink()
    if index % 17 == 3:
        with (folder / "prompts" / "answer.md").open("a", encoding="utf-8") as prompt:
            prompt.write("\nAn edit nobody re-hashed.\n")
    lines = text.splitlines()
    last_alert = max(number for number, line in enumerate(lines) if line.startswith("    - {name: ") and "runbook:" in line)
    lines[last_alert + 1 : last_alert + 1] = [line for alert in range(alerts) for line in alert_lines(name, alert)]
    (folder / "readiness.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


@dataclass
class Sample:
    wall_ms: float
    cpu_ms: float
    peak_mib: float


@dataclass
class Row:
    section: str
    label: str
    manifests: int
    wall_ms: float
    cpu_ms: float
    peak_mib: float
    runs: int
    ratio: float | None = None
    per_manifest_ms: float | None = None
    marginal_ms: float | None = None


# As installed: Python may write and use bytecode caches, as it does for the dependencies.
CHILD_ENVIRONMENT = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def readiness_command() -> list[str]:
    """The ``readiness`` script beside this interpreter, else ``python -m readiness``."""
    script = Path(sysconfig.get_path("scripts")) / "readiness"
    return [str(script)] if script.exists() else [sys.executable, "-m", "readiness"]


def measure(argv: list[str], cwd: Path) -> Sample:
    """Run ``argv`` once as a fresh process (stdout to /dev/null): its wall time, its CPU time
    (user + system, worker processes included) and its peak RSS (the largest of its processes)."""
    with open(os.devnull, "wb") as devnull, tempfile.TemporaryFile() as stderr:
        actions = [(os.POSIX_SPAWN_DUP2, devnull.fileno(), 1), (os.POSIX_SPAWN_DUP2, stderr.fileno(), 2)]
        previous = os.getcwd()
        os.chdir(cwd)  # so the reports name files relative to the benchmark folder
        try:
            start = time.perf_counter()
            pid = os.posix_spawn(argv[0], argv, CHILD_ENVIRONMENT, file_actions=actions)
            _, status, usage = os.wait4(pid, 0)
            wall = time.perf_counter() - start
        finally:
            os.chdir(previous)
        code = os.waitstatus_to_exitcode(status)
        if code not in (0, 1):
            stderr.seek(0)
            raise SystemExit(f"benchmark: {' '.join(argv)} exited {code}:\n{stderr.read().decode(errors='replace')}")
    return Sample(wall * 1000, (usage.ru_utime + usage.ru_stime) * 1000, usage.ru_maxrss / 1024)


def interleaved(commands: dict[str, list[str]], cwd: Path, runs: int) -> dict[str, Sample]:
    """The median wall, CPU and memory of each command over ``runs`` rounds of all of them in turn,
    after one round not counted (it writes the bytecode caches and warms the file cache)."""
    for argv in commands.values():
        measure(argv, cwd)
    samples: dict[str, list[Sample]] = {label: [] for label in commands}
    for _ in range(runs):
        for label, argv in commands.items():
            samples[label].append(measure(argv, cwd))
    return {
        label: Sample(*(statistics.median(getattr(sample, name) for sample in values) for name in ("wall_ms", "cpu_ms", "peak_mib")))
        for label, values in samples.items()
    }


def generate(root: Path, counts: list[int], alerts: int) -> dict[str, Path]:
    """The benchmark inputs under ``root``: a folder per fleet size, one manifest, and the huge one."""
    (root / ".git").mkdir()  # the project root that evidence is confined to
    for count in counts:
        for index in range(count):
            write_service(root / f"fleet-{count}" / f"svc-{index:04d}", index)
    write_service(root / "one", 0)
    write_service(root / "huge", 1, alerts=alerts)
    return inputs_under(root, counts)


def generate_apart(root: Path, counts: list[int], alerts: int) -> dict[str, Path]:
    """:func:`generate` in a forked child, so that this process stays small. Linux starts a spawned
    process's peak-memory count at its spawner's (the high-water mark of the memory they share until
    exec), so a benchmark grown by generating 1,000 services would report its own 26 MiB as the
    peak of every small run."""
    pid = os.fork()
    if pid == 0:  # the child: generate, then leave without running this process's cleanup
        code = 1
        try:
            generate(root, counts, alerts)
            code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit("benchmark: generating the manifests failed (see above)")
    return inputs_under(root, counts)


def inputs_under(root: Path, counts: list[int]) -> dict[str, Path]:
    return {**{f"fleet-{count}": root / f"fleet-{count}" for count in counts}, "one": root / "one" / "readiness.yaml", "huge": root / "huge" / "readiness.yaml"}


def measure_all(root: Path, runs: int, counts: list[int], alerts: int) -> list[Row]:
    inputs = generate_apart(root, counts, alerts)
    audit = [*readiness_command(), "audit", "--as-of", AS_OF]
    cold = interleaved(
        {
            FLOOR_LABEL: [sys.executable, "-c", FLOOR_CODE],
            TYPER_LABEL: [sys.executable, "-c", TYPER_CODE],
            "audit one.yaml --format json": [*audit, "--format", "json", str(inputs["one"])],
            "audit one.yaml (terminal)": [*audit, str(inputs["one"])],
        },
        root,
        runs,
    )
    floor = cold[FLOOR_LABEL].wall_ms
    rows = [Row("a", label, 0 if label in (FLOOR_LABEL, TYPER_LABEL) else 1, *astuple(sample), runs, ratio=sample.wall_ms / floor) for label, sample in cold.items()]
    previous: Row | None = None
    for count in counts:
        sample = interleaved({"dir": [*audit, str(inputs[f"fleet-{count}"])]}, root, runs)["dir"]
        marginal = (sample.wall_ms - previous.wall_ms) / (count - previous.manifests) if previous and count > previous.manifests else None
        previous = Row("b", f"audit DIR of {count:,}", count, *astuple(sample), runs, per_manifest_ms=sample.wall_ms / count, marginal_ms=marginal)
        rows.append(previous)
    sample = interleaved({"huge": [*audit, "--format", "json", str(inputs["huge"])]}, root, runs)["huge"]
    rows.append(Row("c", f"audit one manifest of {alerts:,} alerts --format json", 1, *astuple(sample), runs))
    largest = max(counts)
    sample = interleaved({"json": [*audit, "--format", "json", str(inputs[f"fleet-{largest}"])]}, root, runs)["json"]
    rows.append(Row("d", f"audit DIR of {largest:,} --format json", largest, *astuple(sample), runs, per_manifest_ms=sample.wall_ms / largest))
    return rows


def table(rows: list[Row]) -> str:
    def number(value: float | None, digits: int = 0, suffix: str = "") -> str:
        return "" if value is None else f"{value:,.{digits}f}{suffix}"

    lines = [
        "| | measurement | wall ms (median) | CPU ms | peak MiB | ratio to floor | ms per manifest | marginal ms per manifest |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        cells = [row.section, row.label, number(row.wall_ms), number(row.cpu_ms), number(row.peak_mib, 1), number(row.ratio, 2, "×"), number(row.per_manifest_ms, 2), number(row.marginal_ms, 2)]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__.split("\n\n", 1)[1])
    parser.add_argument("--runs", type=int, default=5, help="runs of each measurement; the median is reported (default 5)")
    parser.add_argument("--counts", default="1,100,1000", help="fleet sizes for (b), comma-separated (default 1,100,1000)")
    parser.add_argument("--alerts", type=int, default=10_000, help="alerts in the huge manifest of (c) (default 10000)")
    parser.add_argument("--quick", action="store_true", help="smoke test: 1 run, fleets of 1 and 10, 200 alerts")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the results as JSON")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="generate into DIR (emptied first) and keep it")
    args = parser.parse_args(argv)
    try:
        runs, counts, alerts = (1, [1, 10], 200) if args.quick else (args.runs, [int(c) for c in args.counts.split(",")], args.alerts)
    except ValueError:
        parser.error("--counts takes numbers separated by commas")
    if runs < 1 or min(counts) < 1 or alerts < 1:
        parser.error("--runs, --counts and --alerts take positive numbers")
    root = args.keep or Path(tempfile.mkdtemp(prefix="readiness-bench-"))
    if args.keep:
        shutil.rmtree(root, ignore_errors=True)
        root.mkdir(parents=True)
    load_before = os.getloadavg()[0]
    try:
        rows = measure_all(root, runs, counts, alerts)
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    load_after = os.getloadavg()[0]
    print(table(rows))
    print(
        f"\n{runs} run(s) of each, median. Python {platform.python_version()}, {os.cpu_count()} CPU(s), load average {load_before:.1f} before, "
        f"{load_after:.1f} after. CPU ms is user + system time of the run and its workers; peak MiB is the largest process's ru_maxrss."
    )
    if args.json:
        machine = {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count(), "command": readiness_command(), "load_average": [load_before, load_after]}
        args.json.write_text(json.dumps({"machine": machine, "runs": runs, "rows": [asdict(row) for row in rows]}, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
