"""How fast is ``readiness audit``? Cold start, folders of 1 to 1,000 manifests, one huge manifest.

Plain Python (standard library only); run it from anywhere with the interpreter whose
environment has readiness installed::

    python benchmarks/run.py                 # 5 runs of each measurement, median reported
    python benchmarks/run.py --runs 9 --json bench.json
    python benchmarks/run.py --quick         # 1 run, tiny sizes: a smoke test, not a measurement

It generates realistic manifests of about 200 lines (modelled on
``sample_configs/support-assistant``, each with its own evidence files and its own names,
numbers and a few failures) in a temporary folder, then runs every measurement as a fresh
subprocess and records its wall time and its peak resident memory (``ru_maxrss`` of that
child, from ``os.wait4``). Rounds are interleaved (floor, json, terminal, floor, …) so that
a slow moment on the machine hits every measurement alike.

(a) cold ``readiness audit one.yaml`` (``--format json`` and the default terminal format)
    against the import floor of its own dependencies, ``python -c "import typer, yaml,
    jsonschema"``, measured in the same run; the ratio is audit ÷ floor;
(b) ``readiness audit DIR`` on folders of 1, 100 and 1,000 manifests: wall, peak memory and
    milliseconds per manifest (overall, and marginal over the previous size);
(c) one manifest with 10,000 alerts.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import statistics
import sys
import sysconfig
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

AS_OF = "2026-11-25"
FLOOR_CODE = "import typer, yaml, jsonschema"

PROMPT = """# Answer prompt for {name}

You answer customer questions for {product} using only the help-centre articles provided.
Cite the article id for every claim. If the articles do not answer the question, say so and
offer a hand-off to a human agent. Never promise refunds; never ask for card numbers.
Respond in the customer's language.
"""
GENERATION = "temperature: {temperature}\nmax_output_tokens: {max_tokens}\nstop: ['</answer>']\n"
RUNBOOK = "# {title} — {name}\n\n1. Check the dashboard grafana/{name}.\n2. Page the owner if the signal stays red for 15 minutes.\n3. Roll back with `deploy rollback {name}`.\n"
RESULTS = {
    "metrics": {"format_adherence": 0.996, "answer_correctness": 0.88, "groundedness": 0.93, "p95_latency_ms": 2310, "refusal_rate": 0.02},
    "slices": {"billing": {"answer_correctness": 0.87}, "refunds": {"answer_correctness": 0.86}, "non_english": {"answer_correctness": 0.84}},
}
RUNBOOKS = ("quality-drop", "latency", "errors", "cost", "drift", "rollback")


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def alert_lines(name: str, index: int, runbook: str) -> list[str]:
    signal = ("answer_correctness_sampled", "p95_latency", "error_rate", "thumbs_down_rate", "cost_per_day")[index % 5]
    return [
        f"    - name: {name}-alert-{index:05d}",
        f"      signal: {signal}",
        f'      condition: "> {index % 97 + 1} for {index % 50 + 5}m"',
        f"      severity: {'page' if index % 3 else 'ticket'}",
        "      owner: platform-oncall",
        f"      runbook: runbooks/{runbook}.md",
    ]


def write_service(folder: Path, index: int, alerts: int = 6) -> None:
    """One service: its manifest (about 200 lines) and the evidence it cites, varied by ``index``.

    Roughly a third of the services have a failure or two (a floating model version, a stale
    rollback drill, a missing runbook, a changed prompt, a budget too small), as a real fleet does.
    """
    name = f"service-{index:04d}"
    kind = ("llm", "rag", "agent")[index % 3]
    risk = ("high", "medium", "low")[index % 4 % 3]
    prompt = PROMPT.format(name=name, product=f"product {index}")
    generation = GENERATION.format(temperature=round(0.1 + index % 5 / 10, 1), max_tokens=500 + index % 7 * 50)
    write(folder / "prompts" / "answer.md", prompt)
    write(folder / "prompts" / "rewrite.md", prompt.replace("Answer", "Rewrite"))
    write(folder / "config" / "generation.yaml", generation)
    write(folder / "evals" / "results.json", json.dumps(RESULTS, indent=2))
    for runbook in RUNBOOKS:
        if not (index % 11 == 5 and runbook == "latency"):  # a missing runbook
            write(folder / "runbooks" / f"{runbook}.md", RUNBOOK.format(title=runbook.replace("-", " ").capitalize(), name=name))
    version = "latest" if index % 13 == 7 else "gpt-4o-2024-08-06"
    prompt_hash = sha256(prompt) if index % 17 != 3 else sha256(prompt + "edited")
    drill = "2026-05-02" if index % 7 == 4 else f"2026-11-{index % 20 + 1:02d}"
    budget = 9000 if index % 9 == 2 else 30000 + index % 10 * 1000
    requests = 20000 + index * 37 % 30000
    lines = [
        f"# Launch manifest for {name} (generated by benchmarks/run.py).",
        "readiness: 1",
        "",
        "service:",
        f"  name: {name}",
        f"  description: Answers questions about product {index} from its help-centre articles.",
        f"  kind: {kind}",
        f"  risk: {risk}",
        "  user_facing: true",
        f"  handles_pii: {'true' if index % 2 else 'false'}",
        "  owners:",
        f"    team: team-{index % 40:02d}",
        f"    accountable: owner{index}@acme.example",
        f'    oncall: "pagerduty:team-{index % 40:02d}"',
        '    escalation: "pagerduty:platform-sre"',
        "",
        "model:",
        "  provider: openai",
        "  name: gpt-4o",
        f"  version: {version}",
        "  parameters:",
        f"    temperature: {round(0.1 + index % 5 / 10, 1)}",
        f"    max_output_tokens: {500 + index % 7 * 50}",
        "  config:",
        "    path: config/generation.yaml",
        f"    sha256: {sha256(generation)}",
        "  fallback:",
        "    provider: openai",
        "    name: gpt-4o-mini",
        "    version: gpt-4o-mini-2024-07-18",
        "",
        "prompts:",
        "  - id: answer",
        "    path: prompts/answer.md",
        f"    version: {index % 30 + 1}",
        f"    sha256: {prompt_hash}",
        f"    owner: team-{index % 40:02d}",
        "  - id: rewrite",
        "    path: prompts/rewrite.md",
        f"    version: {index % 12 + 1}",
        f"    sha256: {sha256(prompt.replace('Answer', 'Rewrite'))}",
        f"    owner: team-{index % 40:02d}",
        "",
        "tracing:",
        "  enabled: true",
        "  backend: langfuse (self-hosted)",
        "  sample_rate: 1.0",
        "  records: [request_id, model_version, prompt_version, config_version, input, output, retrieved_documents, latency, tokens, cost, user_feedback]",
        f"  retention_days: {30 + index % 4 * 15}",
        "  pii_redaction:",
        "    enabled: true",
        "    method: presidio",
        "    applies_to: [logs, traces, eval_exports]",
        "",
        "monitoring:",
        "  dashboards:",
        f"    - grafana/{name}",
        f"    - grafana/{name}-cost",
        "  signals:",
    ]
    for signal, kind_of, threshold in (
        ("answer_correctness_sampled", "quality", 0.85), ("thumbs_down_rate", "feedback", 0.08), ("p95_latency", "latency", 4000),
        ("error_rate", "error_rate", 0.02), ("cost_per_day", "cost", budget / 30), ("refusal_rate", "refusal_rate", 0.05),
    ):
        lines += [f"    - name: {signal}", f"      type: {kind_of}", f"      threshold: {round(threshold, 2)}"]
    lines += [
        "  drift:",
        "    input:",
        "      method: embedding centroid distance",
        f"      threshold: {round(0.1 + index % 10 / 100, 2)}",
        "      window: 1d",
        "    baseline: golden-v3",
        "  slo:",
        "    latency_p95_ms: 4000",
        "    error_rate: 0.02",
        "    availability: 99.5",
        "  alerts:",
    ]
    for alert in range(alerts):
        lines += alert_lines(name, alert, RUNBOOKS[alert % len(RUNBOOKS)])
    lines += [
        "",
        "evaluation:",
        "  datasets:",
        "    - name: golden-v3",
        "      path: evals/results.json",
        f"      size: {1000 + index % 500}",
        "      slices: [billing, refunds, non_english]",
        "  metrics:",
    ]
    for metric, method, dimension, threshold, extra in (
        ("format_adherence", "automated", "format", 0.99, ""), ("p95_latency_ms", "automated", "latency", 3000, "lower_is_better"),
        ("answer_correctness", "llm_judge", "correctness", 0.85, ""), ("groundedness", "llm_judge", "groundedness", 0.9, ""),
    ):
        lines += [f"    - name: {metric}", f"      method: {method}", f"      dimension: {dimension}", f"      threshold: {threshold}"]
        if extra:
            lines.append(f"      direction: {extra}")
    lines += [
        "    - name: answer_correctness",
        "      slice: non_english",
        "      method: llm_judge",
        "      dimension: correctness",
        f"      threshold: {0.8 if index % 19 != 6 else 0.9}",
        "  judge:",
        "    model: gpt-4o",
        "    version: gpt-4o-2024-08-06",
        "    calibration:",
        f"      human_agreement: {round(0.8 + index % 15 / 100, 2)}",
        "      statistic: agreement",
        f"      labels: {200 + index % 100}",
        "      date: 2026-10-20",
        "  human_review:",
        "    required_for: [refund disputes, legal threats]",
        "    sample_size: 50",
        "    reviewers: support team leads",
        "    cadence: weekly",
        "  regression_gate:",
        f"    baseline: {name}@13",
        "    max_regression: 0.01",
        "    blocking: true",
        "    job: ci/eval-gate",
        "  online:",
        "    sample_rate: 0.05",
        "    metrics: [answer_correctness, groundedness]",
        "    alert: quality_drop",
        "  last_run:",
        f"    date: 2026-11-{index % 20 + 5:02d}",
        "    results: evals/results.json",
        "    model_version: gpt-4o-2024-08-06",
        "",
        "release:",
        "  strategy: canary",
        "  canary:",
        "    initial_percent: 5",
        "    steps: [5, 25, 50, 100]",
        "    duration: 24h per step",
        "    promotion:",
        '      - "answer_correctness_sampled >= 0.85 for 24h"',
        '      - "thumbs_down_rate <= 1.1x baseline"',
        "    abort:",
        '      - "error_rate > 2% for 10m"',
        '      - "any critical safety flag"',
        "  rollback:",
        f"    previous_version: {name}@13",
        "    runbook: runbooks/rollback.md",
        f"    last_drill: {drill}",
        f"    time_to_rollback_minutes: {index % 10 + 3}",
        "  kill_switch:",
        f'    mechanism: "feature flag {name}.enabled"',
        "    fallback: help-centre search and a ticket to a human agent",
        "    last_tested: 2026-11-02",
        "",
        "cost:",
        "  budget:",
        f"    monthly_usd: {budget}",
        "    alert_at_percent: [50, 80, 100]",
        "    on_exhaustion: fallback",
        f"    owner: team-{index % 40:02d}",
        "  traffic:",
        f"    requests_per_day: {requests}",
        "    peak_multiplier: 3",
        "  tokens:",
        f"    input_per_request: {1200 + index % 9 * 100}",
        "    output_per_request: 350",
        "  prices:",
        "    input_per_million_usd: 2.5",
        "    output_per_million_usd: 10",
        "    as_of: 2026-11-01",
        "    source: provider price page",
        "  limits:",
        "    max_input_tokens: 6000",
        "    max_output_tokens: 700",
        "    timeout_seconds: 30",
        "  rate_limits:",
        "    authenticated: true",
        "    per_user_rpm: 10",
        "    per_tenant_tpm: 400000",
    ]
    write(folder / "readiness.yaml", "\n".join(lines) + "\n")


@dataclass
class Sample:
    wall_ms: float
    peak_mib: float


@dataclass
class Row:
    section: str
    label: str
    manifests: int
    wall_ms: float
    peak_mib: float
    runs: int
    ratio: float | None = None
    per_manifest_ms: float | None = None
    marginal_ms: float | None = None


def readiness_command() -> list[str]:
    """The ``readiness`` script beside this interpreter, else ``python -m readiness``."""
    script = Path(sysconfig.get_path("scripts")) / "readiness"
    return [str(script)] if script.exists() else [sys.executable, "-m", "readiness"]


def measure(argv: list[str], cwd: Path) -> Sample:
    """Run ``argv`` once as a fresh process: wall time and that child's peak RSS."""
    stderr = tempfile.TemporaryFile()
    with open(os.devnull, "wb") as devnull:
        actions = [(os.POSIX_SPAWN_DUP2, devnull.fileno(), 1), (os.POSIX_SPAWN_DUP2, stderr.fileno(), 2)]
        previous = os.getcwd()
        os.chdir(cwd)
        try:
            start = time.perf_counter()
            pid = os.posix_spawn(shutil.which(argv[0]) or argv[0], argv, dict(os.environ), file_actions=actions)
            _, status, usage = os.wait4(pid, 0)
            wall = time.perf_counter() - start
        finally:
            os.chdir(previous)
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        stderr.seek(0)
        raise SystemExit(f"benchmark: {' '.join(argv)} exited {code}:\n{stderr.read().decode(errors='replace')}")
    return Sample(wall * 1000, usage.ru_maxrss / 1024)


def median_of(samples: list[Sample]) -> tuple[float, float]:
    return statistics.median(s.wall_ms for s in samples), statistics.median(s.peak_mib for s in samples)


def interleaved(commands: dict[str, list[str]], cwd: Path, runs: int) -> dict[str, tuple[float, float]]:
    """Median wall and peak memory of each command, over ``runs`` rounds of all of them in turn."""
    samples: dict[str, list[Sample]] = {label: [] for label in commands}
    for _ in range(runs):
        for label, argv in commands.items():
            samples[label].append(measure(argv, cwd))
    return {label: median_of(values) for label, values in samples.items()}


def generate(root: Path, counts: list[int], alerts: int) -> dict[str, Path]:
    """The benchmark inputs under ``root``: a folder per fleet size, and the huge manifest."""
    (root / ".git").mkdir()  # the project root that evidence is confined to
    folders = {}
    for count in counts:
        folder = root / f"fleet-{count}"
        for index in range(count):
            write_service(folder / f"svc-{index:04d}", index)
        folders[f"fleet-{count}"] = folder
    write_service(root / "one", 0)
    write_service(root / "huge", 1, alerts=alerts)
    folders["one"] = root / "one" / "readiness.yaml"
    folders["huge"] = root / "huge" / "readiness.yaml"
    return folders


def run(runs: int, counts: list[int], alerts: int, keep: Path | None) -> list[Row]:
    root = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="readiness-bench-"))
    if keep and root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True, exist_ok=True)
    try:
        inputs = generate(root, counts, alerts)
        audit = [*readiness_command(), "audit", "--as-of", AS_OF]
        rows: list[Row] = []
        cold = interleaved(
            {
                "import floor (typer, yaml, jsonschema)": [sys.executable, "-c", FLOOR_CODE],
                "audit one.yaml --format json": [*audit, "--format", "json", str(inputs["one"])],
                "audit one.yaml (terminal)": [*audit, str(inputs["one"])],
            },
            root,
            runs,
        )
        floor_ms = next(iter(cold.values()))[0]
        for index, (label, (wall, peak)) in enumerate(cold.items()):
            rows.append(Row("a", label, 0 if index == 0 else 1, wall, peak, runs, ratio=wall / floor_ms))
        previous: tuple[int, float] | None = None
        for count in counts:
            (wall, peak), = interleaved({"dir": [*audit, str(inputs[f"fleet-{count}"])]}, root, runs).values()
            marginal = (wall - previous[1]) / (count - previous[0]) if previous and count > previous[0] else None
            rows.append(Row("b", f"audit DIR of {count:,}", count, wall, peak, runs, per_manifest_ms=wall / count, marginal_ms=marginal))
            previous = (count, wall)
        (wall, peak), = interleaved({"huge": [*audit, "--format", "json", str(inputs["huge"])]}, root, runs).values()
        rows.append(Row("c", f"audit one manifest of {alerts:,} alerts --format json", 1, wall, peak, runs))
        return rows
    finally:
        if not keep:
            shutil.rmtree(root, ignore_errors=True)


def table(rows: list[Row]) -> str:
    def number(value: float | None, digits: int = 0) -> str:
        return "" if value is None else f"{value:,.{digits}f}"

    lines = [
        "| | measurement | wall ms (median) | peak MiB | ratio to floor | ms per manifest | marginal ms per manifest |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row.section} | {row.label} | {number(row.wall_ms)} | {number(row.peak_mib, 1)} | {number(row.ratio, 2) + '×' if row.ratio else ''}"
            f" | {number(row.per_manifest_ms, 2)} | {number(row.marginal_ms, 2)} |"
        )
    return "\n".join(lines)


def machine() -> dict:
    return {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count(), "command": readiness_command()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="runs of each measurement; the median is reported (default 5)")
    parser.add_argument("--counts", default="1,100,1000", help="fleet sizes for (b), comma-separated (default 1,100,1000)")
    parser.add_argument("--alerts", type=int, default=10_000, help="alerts in the huge manifest of (c) (default 10000)")
    parser.add_argument("--quick", action="store_true", help="smoke test: 1 run, fleets of 1 and 10, 200 alerts")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the results as JSON")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="generate into DIR (emptied first) and keep it")
    args = parser.parse_args(argv)
    runs, counts, alerts = (1, [1, 10], 200) if args.quick else (args.runs, [int(c) for c in args.counts.split(",")], args.alerts)
    if runs < 1 or not counts or min(counts) < 1 or alerts < 1:
        parser.error("--runs, --counts and --alerts take positive numbers")
    rows = run(runs, counts, alerts, args.keep)
    print(table(rows))
    print(f"\n{runs} run(s) each, median; Python {platform.python_version()}, {os.cpu_count()} CPU(s); peak MiB is the child's ru_maxrss.")
    if args.json:
        args.json.write_text(json.dumps({"machine": machine(), "runs": runs, "rows": [asdict(row) for row in rows]}, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
