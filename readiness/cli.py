"""The command line: ``readiness audit`` and its companions.

Exit codes: 0 the gate passed · 1 the gate failed (not ready) · 2 usage, config or input
error (nothing was audited) · 3 an internal error (a bug in readiness or a plugin, never a
verdict) · 130 interrupted · 143 terminated. Errors are one line each on stderr, never a
traceback (``READINESS_DEBUG=1`` prints the traceback of an internal error).
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import shutil
import sys
from pathlib import Path
from typing import List, Optional

import typer

from . import __version__
from .errors import InputError
from .exits import EXIT_GATE, EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_OK, EXIT_TERMINATED, INTERRUPTED, Commands, Terminated, guarded, report_internal_error, terminate
from .outputs import check_format, emit, parse_outputs, use_color, write_atomic, write_outputs

app = typer.Typer(
    name="readiness",
    cls=Commands,
    help="Is this AI deployment ready for production? Audit a manifest against a launch checklist.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

SEVERITY_CHOICES = ("critical", "high", "medium", "low")


def parse_date(value: Optional[str], option: str) -> dt.date:
    if value is None:
        return dt.date.today()
    from .dates import parse_date as parse_iso_date

    date = parse_iso_date(value)
    if date is None:
        raise InputError(f"{option}: expected a date YYYY-MM-DD, found {value!r}")
    return date


def parse_score(value: Optional[str], option: str) -> Optional[float]:
    """A score from 0 to 100, or None when the option was not given."""
    if value is None:
        return None
    try:
        score = float(value)
    except ValueError:
        score = -1.0
    if not 0 <= score <= 100:
        raise InputError(f"{option}: expected a number from 0 to 100, found {value!r}")
    return score


def comma_list(values: List[str], lower: bool = True) -> list[str]:
    """A repeatable option that also takes comma lists: ``--kind llm --kind rag`` = ``--kind llm,rag``."""
    parts = [part.strip() for value in values for part in value.split(",") if part.strip()]
    return [part.lower() for part in parts] if lower else parts


@app.command(help="Audit manifests and print a scored readiness report.")
def audit(
    paths: List[Path] = typer.Argument(None, metavar="[PATH]...", help="Manifests, or folders to search for readiness.yaml / *.readiness.yaml. Default: the current folder."),
    output_format: str = typer.Option("terminal", "--format", "-f", help="Output format for stdout."),
    outputs: List[str] = typer.Option([], "--output", "-o", help="Also write FORMAT:PATH (repeatable), e.g. json:report.json."),
    fail_on: Optional[str] = typer.Option(None, "--fail-on", help="Fail the gate on findings of this severity or worse: critical, high, medium, low. Default: high (the verdict)."),
    min_score: Optional[str] = typer.Option(None, "--min-score", metavar="N", help="Fail the gate when a manifest scores below N (0 to 100)."),
    category_min: List[str] = typer.Option([], "--category-min", metavar="CATEGORY=N", help="Fail the gate when a category scores below N (repeatable)."),
    exit_zero: bool = typer.Option(False, "--exit-zero", help="Exit 0 even when the gate fails (input errors still exit 2)."),
    baseline: Optional[Path] = typer.Option(None, "--baseline", metavar="REPORT.json", help="Gate only on findings not in this earlier JSON report."),
    config_path: Optional[Path] = typer.Option(None, "--config", help="Config file (.readiness.yaml or pyproject.toml); default: found from the current folder up."),
    policy_path: Optional[Path] = typer.Option(None, "--policy", help="Organisation policy: floors the config and command line cannot lower (default: $READINESS_POLICY)."),
    as_of: Optional[str] = typer.Option(None, "--as-of", help="Judge dates as of this day (YYYY-MM-DD); default today."),
    root: Optional[Path] = typer.Option(None, "--root", metavar="FOLDER", help="Cited paths must stay inside this folder. Default: the enclosing git work tree, else the manifest's folder."),
    select: List[str] = typer.Option([], "--select", help="Only these rules: id, id prefix or category (repeatable, or a comma list)."),
    ignore: List[str] = typer.Option([], "--ignore", help="Skip these rules: id, id prefix or category (repeatable, or a comma list)."),
    rule_packs: List[Path] = typer.Option([], "--rules", help="Extra rule pack: a YAML file or a folder of them (repeatable)."),
    frameworks: List[str] = typer.Option([], "--framework", help="Also show a framework view: ml-test-score, owasp-llm, nist-ai-rmf, eu-ai-act or all (repeatable, or a comma list)."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="List passes and not-applicable rules too."),
    color: str = typer.Option("auto", "--color", help="auto, always or never."),
    full: bool = typer.Option(False, "--full", help="Markdown and the job summary: the whole review document, not the report sized for one PR comment."),
    category: Optional[str] = typer.Option(None, "--category", help="Code scanning category (SARIF automationDetails.id); default: readiness, or readiness-PATHS when paths are given."),
    shard: Optional[str] = typer.Option(None, "--shard", metavar="K/N", help="Audit only shard K of N of the manifests found (stable across machines: by path); merge the shards' JSON with `readiness report`."),
) -> None:

    def body() -> int:
        from . import audit as auditing, config, policy
        from .frameworks import parse_frameworks
        from .loader import display_path
        from .portfolio import default_category, parse_shard
        from .plugins import load as load_plugins

        project_config = config.load(config_path)
        extensions = load_plugins(project_config.get("disable_plugins", ()))
        check_format(output_format, extensions.formats)
        if fail_on is not None and fail_on not in SEVERITY_CHOICES:
            raise InputError(f"--fail-on: expected one of {', '.join(SEVERITY_CHOICES)}, found {fail_on!r}")
        if color not in ("auto", "always", "never"):
            raise InputError(f"--color: expected auto, always or never, found {color!r}")
        request = auditing.AuditRequest(
            comma_list(select, lower=False), comma_list(ignore, lower=False), rule_packs, fail_on, parse_score(min_score, "--min-score"), category_min,
            parse_date(as_of, "--as-of") if as_of is not None else None, outputs, baseline, parse_frameworks(comma_list(frameworks)), root,
        )
        plan = auditing.plan(project_config, request, policy.load(policy_path), extensions)
        targets = parse_outputs(plan.outputs, extensions.formats)
        if shard is not None:
            plan.options.shard = parse_shard(shard)
        audited = list(paths or [Path(".")])
        report = auditing.run(audited, plan.rules, plan.options)
        report.category = check_category(category) if category is not None else default_category([report.repository_prefix + display_path(path) for path in audited])
        write_outputs(report, targets, output_format, verbose, full, color, extensions.formats)
        return EXIT_OK if report.gate.passed or exit_zero else EXIT_GATE

    guarded(body)


def check_category(category: str) -> str:
    if not category.strip() or any(not character.isprintable() for character in category):
        raise InputError(f"--category: expected a name such as readiness-services, found {category!r}")
    return category.strip().rstrip("/")


@app.command(help="Check manifests against the schema only (shape and types); fast, for editors and pre-commit.")
def validate(
    paths: List[Path] = typer.Argument(None, metavar="[PATH]...", help="Manifests, or folders to search for readiness.yaml / *.readiness.yaml. Default: the current folder."),
    config_path: Optional[Path] = typer.Option(None, "--config", help="Config file (for its limits); default: found from the current folder up."),
) -> None:

    def body() -> int:
        from . import config
        from .audit import discover, load_all

        files = discover(list(paths or [Path(".")]))
        load_all(files, config.load(config_path).limits())
        emit(f"{len(files)} manifest(s) valid\n")
        return EXIT_OK

    guarded(body)


@app.command(help="Print the manifest JSON Schema (for editors: yaml-language-server).")
def schema(
    report: bool = typer.Option(False, "--report", help="Print the JSON report's schema instead."),
    rule_pack: bool = typer.Option(False, "--rule-pack", help="Print the rule pack schema instead (for writing your own rules)."),
    config_file: bool = typer.Option(False, "--config", help="Print the schema of .readiness.yaml instead."),
    policy_file: bool = typer.Option(False, "--policy", help="Print the schema of an organisation policy file instead."),
) -> None:

    def body() -> int:
        from .config import CONFIG_SCHEMA
        from .policy import POLICY_SCHEMA
        from .schema import MANIFEST, REPORT, RULE_PACK, load_schema

        chosen = [name for flag, name in ((report, REPORT), (rule_pack, RULE_PACK), (config_file, CONFIG_SCHEMA), (policy_file, POLICY_SCHEMA)) if flag]
        if len(chosen) > 1:
            raise InputError("schema: give at most one of --report, --rule-pack, --config, --policy")
        emit(json.dumps(load_schema(chosen[0] if chosen else MANIFEST), indent=2) + "\n")
        return EXIT_OK

    guarded(body)


@app.command("report", help="Render saved JSON reports in any format, merged into one report when several are given.")
def rerender(
    report_files: List[Path] = typer.Argument(..., metavar="REPORT.json...", help="Reports saved with --format json or --output json:PATH; several (CI shards, one per folder) are merged into one."),
    output_format: str = typer.Option("terminal", "--format", "-f", help="Output format for stdout."),
    outputs: List[str] = typer.Option([], "--output", "-o", help="Also write FORMAT:PATH (repeatable), e.g. html:review.html, as audit does."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="List passes and not-applicable rules too."),
    color: str = typer.Option("auto", "--color", help="auto, always or never."),
    full: bool = typer.Option(False, "--full", help="Markdown and the job summary: the whole review document, not the report sized for one PR comment."),
    category: Optional[str] = typer.Option(None, "--category", help="Code scanning category for the SARIF output; default: the saved report's."),
    check_gate: bool = typer.Option(False, "--gate", help="Exit 1 when the gate failed (judged again over the merged reports); default: exit 0."),
) -> None:

    def body() -> int:
        from .plugins import load as load_plugins
        from .portfolio import merge, rows
        from .report_file import load_report

        formats = load_plugins().formats
        check_format(output_format, formats)
        if color not in ("auto", "always", "never"):
            raise InputError(f"--color: expected auto, always or never, found {color!r}")
        targets = parse_outputs(outputs, formats)
        loaded = [(path.as_posix(), load_report(path)) for path in report_files]
        report = merge(loaded) if len(loaded) > 1 else loaded[0][1]
        if not report.portfolio:  # a report saved before the overview was recorded
            report.portfolio = rows(report.manifests)
        if category is not None:
            report.category = check_category(category)
        write_outputs(report, targets, output_format, verbose, full, color, formats)
        return EXIT_GATE if check_gate and not report.gate.passed else EXIT_OK

    guarded(body)


@app.command(help="List the checklist: every rule with its id, category, severity and title.")
def rules(
    rule_packs: List[Path] = typer.Option([], "--rules", help="Extra rule pack (repeatable)."),
    config_path: Optional[Path] = typer.Option(None, "--config", help="Config file (for its rule packs); default: found from the current folder up."),
    output_format: str = typer.Option("table", "--format", "-f", help="table or json."),
    categories: List[str] = typer.Option([], "--category", "-c", help="Only these categories (repeatable, or a comma list)."),
    severities: List[str] = typer.Option([], "--severity", "-s", help="Only these default severities (repeatable, or a comma list)."),
    kinds: List[str] = typer.Option([], "--kind", "-k", help="Only rules that apply to these kinds: ml, llm, rag, agent (repeatable, or a comma list)."),
    color: str = typer.Option("auto", "--color", help="auto, always or never."),
    check_examples: Optional[Path] = typer.Option(None, "--check-examples", metavar="PACK", help="Run every rule of PACK (a file or folder) against its own examples; exit 1 if any misbehaves."),
) -> None:

    def body() -> int:
        from . import config
        from .plugins import load as load_plugins

        project_config = config.load(config_path)
        extensions = load_plugins(project_config.get("disable_plugins", ()))
        if check_examples is not None:
            from .examples import check_pack

            count, problems = check_pack(check_examples, extensions.functions)
            emit("".join(f"{problem}\n" for problem in problems))
            emit(f"{len(problems)} problem(s) in the examples of {count} rule(s)\n" if problems else f"{count} rule(s): every example behaves as expected\n")
            return EXIT_GATE if problems else EXIT_OK
        from .explain import filter_rules, rules_json, rules_table

        if output_format not in ("table", "json"):
            raise InputError(f"--format: expected table or json, found {output_format!r}")
        if color not in ("auto", "always", "never"):
            raise InputError(f"--color: expected auto, always or never, found {color!r}")
        chosen = filter_rules(config.catalog(project_config, rule_packs, extensions).rules, comma_list(categories), comma_list(severities), comma_list(kinds))
        if output_format == "json":
            emit(rules_json(chosen))
        else:
            emit(rules_table(chosen, use_color(color), shutil.get_terminal_size().columns if sys.stdout.isatty() else None))
        return EXIT_OK

    guarded(body)


@app.command(help="Everything about one rule: what it checks, why, how to fix it, its examples.")
def explain(
    rule_id: Optional[str] = typer.Argument(None, help="A rule id, e.g. REL002."),
    scoring: bool = typer.Option(False, "--scoring", help="Explain the score, the verdict, the gate and the ML Test Score instead."),
    functions: bool = typer.Option(False, "--functions", help="List the check functions rules can use, with their options."),
    rule_packs: List[Path] = typer.Option([], "--rules", help="Extra rule pack (repeatable)."),
    config_path: Optional[Path] = typer.Option(None, "--config", help="Config file (for its rule packs); default: found from the current folder up."),
) -> None:

    def body() -> int:
        from . import config, explain as explaining
        from .plugins import load as load_plugins

        if sum((rule_id is not None, scoring, functions)) != 1:
            raise InputError("explain: give one of a rule id, --scoring or --functions")
        project_config = config.load(config_path)
        extensions = load_plugins(project_config.get("disable_plugins", ()))
        if scoring:
            emit(explaining.explain_scoring())
        elif functions:
            emit(explaining.explain_functions(extensions.functions))
        else:
            catalog = config.catalog(project_config, rule_packs, extensions)
            rule = catalog.get(rule_id)
            if rule is None:
                raise explaining.unknown_rule(rule_id, catalog.rules)
            emit(explaining.explain_rule(rule))
        return EXIT_OK

    guarded(body)


@app.command(help="Write a commented starter manifest whose failing rules are the launch to-do list.")
def init(
    kind: str = typer.Option(..., "--kind", "-k", help="ml, llm, rag or agent."),
    output: str = typer.Option("readiness.yaml", "--output", "-o", help="Where to write it; - for stdout."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing file."),
) -> None:

    def body() -> int:
        from .starter import check_kind, starter_manifest

        text = starter_manifest(check_kind(kind))
        if output == "-":
            emit(text)
            return EXIT_OK
        target = Path(output)
        if target.exists() and not force:
            raise InputError(f"{output} already exists; use --force to overwrite it")
        write_atomic(target, text)
        typer.echo(f"wrote {output} ({kind} starter); fill in the TODOs, then run: readiness audit {output}", err=True)
        return EXIT_OK

    guarded(body)


@app.command("import", help="Write a starter manifest from the deployment files a team already keeps, citing them as sources.")
def import_sources(
    files: List[Path] = typer.Argument(..., metavar="FILE...", help="KServe, Seldon, BentoML, MLflow, model card, LiteLLM or promptfoo files."),
    output: Path = typer.Option(Path("readiness.yaml"), "--output", "-o", help="Where to write the manifest."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing file."),
    root: Optional[Path] = typer.Option(None, "--root", metavar="FOLDER", help="The files must be inside this folder. Default: the git work tree enclosing the output, else its folder."),
) -> None:

    def body() -> int:
        from .config import existing_folder
        from .sources.importer import import_files

        write_atomic(output, import_files(list(files), output, force, root=existing_folder(root, "--root") if root else None))
        typer.echo(f"wrote {output} from {len(files)} file(s); review it, then run: readiness audit {output}", err=True)
        return EXIT_OK

    guarded(body)


def version_callback(value: bool) -> None:
    if value:
        typer.echo(f"readiness {__version__}")
        raise typer.Exit()


@app.callback()
def root(version: bool = typer.Option(False, "--version", callback=version_callback, is_eager=True, help="Print the version and exit.")) -> None:
    """readiness: is this AI deployment ready for production, and if not, what exactly is missing?"""


def main() -> None:
    """The ``readiness`` command. The cycle collector stays off for the run, as it does around the
    audit itself (batch.cyclic_gc_paused: a run makes no garbage that reference counting leaves),
    and everything is frozen before the interpreter exits, whose final collection would otherwise
    walk every object of the run to free nothing (18 ms of a 150 ms audit; benchmarks/run.py)."""
    import signal

    gc.disable()
    signal.signal(signal.SIGTERM, terminate)
    if hasattr(sys.stderr, "reconfigure"):  # a message naming a file must not crash on a cp1252 console
        sys.stderr.reconfigure(errors="backslashreplace")
    try:
        app()
    except KeyboardInterrupt:
        typer.echo(INTERRUPTED, err=True)
        sys.exit(EXIT_INTERRUPTED)
    except Terminated:
        typer.echo("readiness: terminated", err=True)
        sys.exit(EXIT_TERMINATED)
    except Exception as error:  # outside a command body: option parsing, plugin loading at start-up
        report_internal_error(error)
        sys.exit(EXIT_INTERNAL)
    finally:
        gc.freeze()
