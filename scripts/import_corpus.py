"""Import every real descriptor in a corpus folder and print what was extracted, and any failure.

    python scripts/import_corpus.py [FOLDER]     # default: $READINESS_CORPUS, else ../shared/corpora/descriptors

Each file goes through `readiness import` (the same adapters an audit uses); the starter
manifest it yields must validate. Exit 1 when any file fails.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from readiness import schema
from readiness.errors import InputError
from readiness.evidence import Evidence
from readiness.loader import load_text
from readiness.sources import Facts, load_source, read_source
from readiness.sources.importer import import_files

DEFAULT = Path(os.environ.get("READINESS_CORPUS") or Path(__file__).resolve().parent.parent.parent / "shared" / "corpora" / "descriptors")


def summary(facts: dict[str, list[dict]]) -> str:
    """The key facts of one file, in a line."""
    parts = []
    for item in facts.get("artifacts", []):
        parts.append(f"artifact {item['uri']} [{item['pinning']}]")
    for item in facts.get("traffic", []):
        split = "/".join(str(part["percent"]) for part in item.get("split", []))
        parts.append(f"traffic {item['name']}: canary {item.get('canary_percent')}%" + (f" split {split}" if split else ""))
    for item in facts.get("endpoints", []):
        replicas = f" replicas {item.get('min_replicas')}-{item.get('max_replicas')}" if "min_replicas" in item else ""
        logging = {True: "logger " + str(item.get("logger_mode")), False: "no logger"}.get(item.get("request_logging"), "logger n/a")
        parts.append(f"endpoint {item['name']}: {logging}{replicas}" + (" resources" if item.get("resources") else "") + (f" explainer {item['explainer']}" if item.get("explainer") else ""))
    for item in facts.get("detectors", []):
        parts.append(f"{item['kind']} detector {item['name']}")
    for item in facts.get("models", []):
        signature = item["signature"]
        shape = f"signature {len(signature.get('inputs', []))} in/{len(signature.get('outputs', []))} out" if signature else "no signature"
        parts.append(f"mlflow {'+'.join(item['flavors'])} {shape}" + (f" {item['serialization']}" if item.get("serialization") else ""))
    for item in facts.get("model_cards", []):
        splits = sorted({str(result.get("split", "no split")) for result in facts.get("eval_results", [])})
        parts.append(f"card {item['name']}: {item['results']} results" + (" TEMPLATE" if item["template"] else "") + (f" splits {','.join(splits)}" if splits else ""))
    for item in facts.get("gateways", []):
        budget = ", ".join(f"{scope} {value['max_usd']}/{value.get('duration')}" if isinstance(value, dict) else f"{scope} {len(value)}" for scope, value in item.get("budget", {}).items()) or "no budget"
        limits = f"{len(item.get('rate_limits', []))} gateway limits, rpm/tpm on {item['deployments_rate_limited']}"
        parts.append(f"gateway {len(item['routes'])} routes; {budget}; {limits}; {len(item['fallbacks'])} fallbacks; master_key {item.get('master_key', 'none')}")
    secrets = facts.get("secrets", [])
    if secrets:
        parts.append(f"secrets {sum(1 for item in secrets if item['inline'])} inline / {len(secrets)}")
    for item in facts.get("eval_suites", []):
        asserts = facts.get("eval_asserts", [])
        parts.append(f"suite {item['tests']} tests, {len(asserts)} asserts ({sum(1 for a in asserts if not a['gates'])} not gating)" + (" redteam" if item["redteam"] else ""))
    for item in facts.get("eval_runs", []):
        scores = ", ".join(f"{name} {value:g}" for name, value in list(item["metrics"].items())[:3])
        parts.append(f"{item['tool']} run of {item.get('model_version', 'no model')} on {item.get('date', 'no date')}: {scores or 'no scores'}")
    for item in facts.get("red_team", []):
        opened = ", ".join(f"{count} {severity}" for severity, count in item["open"].items() if count) or "none"
        parts.append(f"{item['tool']} red team: {item['attempts']} attempts, open {opened}")
    for item in facts.get("alerts", []):
        parts.append(f"alert {item['name']}" + (" threshold" if item["threshold"] else " no threshold") + (" runbook" if item.get("runbook") else " no runbook"))
    for item in facts.get("rollouts", []):
        parts.append(f"{item['tool']} rollout {item['name']}: steps {'/'.join(map(str, item['steps']))}, analysis {', '.join(item['analysis']) or 'none'}")
    return "; ".join(parts) or "(no facts)"


def run(folder: Path) -> int:
    files = sorted(path for path in folder.rglob("*") if path.is_file() and path.name not in ("README.md", "SOURCES.tsv"))
    evidence = Evidence(folder, folder)
    failures = 0
    print(f"{'file':<70} {'format':<14} key facts")
    for path in files:
        cited = path.relative_to(folder).as_posix()
        facts = Facts()
        try:
            detected = read_source(load_source(cited, cited, evidence), None, facts)
            manifest = import_files([path], folder / "readiness.imported.yaml")
            problems = schema.validate(load_text(manifest, "imported"))
            if problems:
                raise InputError(f"imported manifest does not validate: {problems[0]}")
        except Exception as error:  # the runner reports every failure and goes on
            failures += 1
            print(f"{cited[:70]:<70} {'FAILED':<14} {type(error).__name__}: {error}")
            continue
        print(f"{cited[:70]:<70} {detected:<14} {summary(facts.data)}")
    print(f"\n{len(files)} files, {len(files) - failures} imported, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(run(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT))
