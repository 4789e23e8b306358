"""How a command ends: its exit code and, for every error, one line on stderr, never a usage box
or a traceback (``READINESS_DEBUG=1`` prints the traceback of an internal error)."""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from typing import Any, Callable, Iterator, List, Optional

import typer
from typer.core import TyperGroup

from .errors import InputError, InputErrors

EXIT_OK, EXIT_GATE, EXIT_INPUT, EXIT_INTERNAL = 0, 1, 2, 3
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report it
EXIT_TERMINATED = 143  # 128 + SIGTERM
INTERRUPTED = "readiness: interrupted"


class Commands(TyperGroup):
    """Usage errors (a missing argument or option value, an unknown option or command) are one line
    on stderr and exit 2 like every other input error, not a usage box."""

    def make_context(self, info_name: Optional[str], args: List[str], parent: Optional[typer.Context] = None, **extra: Any) -> typer.Context:
        with one_line_usage_errors(None):
            return super().make_context(info_name, args, parent=parent, **extra)

    def invoke(self, ctx: typer.Context) -> Any:
        with one_line_usage_errors(ctx):
            return super().invoke(ctx)


@contextmanager
def one_line_usage_errors(group: Optional[typer.Context]) -> Iterator[None]:
    # typer (pinned below 0.29) vendors click since 0.26 and does not re-export these
    from typer._click.exceptions import MissingParameter, NoArgsIsHelpError, UsageError

    try:
        yield
    except NoArgsIsHelpError:  # plain `readiness`: the help
        raise
    except UsageError as error:
        context = error.ctx or group  # the option parser does not say which command it was parsing
        message = " ".join(error.format_message().split()).rstrip(".")
        message = message[:1].lower() + message[1:]
        param_help = getattr(error.param, "help", None) if isinstance(error, MissingParameter) else None
        if param_help:  # what the missing value is: "ml, llm, rag or agent"
            message += f" ({param_help.rstrip('.')})"
        command = " ".join(filter(None, (context.command_path, context.invoked_subcommand))) if context else "readiness"
        typer.echo(f"readiness: {message}{' ' if message.endswith('?') else '; '}see '{command} --help'", err=True)
        raise typer.Exit(EXIT_INPUT) from None


def report_error(error: InputError) -> None:
    typer.echo(str(error) if error.path else f"readiness: {error}", err=True)


def guarded(action: Callable[[], int]) -> None:
    """Run a command body: input errors become one line each and exit 2; Ctrl-C one line and 130."""
    try:
        code = action()
    except KeyboardInterrupt:
        typer.echo(INTERRUPTED, err=True)
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except InputErrors as errors:
        for error in errors.errors:
            report_error(error)
        raise typer.Exit(EXIT_INPUT) from None
    except InputError as error:
        report_error(error)
        raise typer.Exit(EXIT_INPUT) from None
    except Exception as error:  # a bug is not a failed gate: CI must be able to tell them apart
        report_internal_error(error)
        raise typer.Exit(EXIT_INTERNAL) from None
    raise typer.Exit(code)


def report_internal_error(error: BaseException) -> None:
    """One line, or the traceback with ``READINESS_DEBUG=1``."""
    if os.environ.get("READINESS_DEBUG", "") not in ("", "0"):
        import traceback

        traceback.print_exception(type(error), error, error.__traceback__, file=sys.stderr)
    reason = " ".join(str(error).split())[:200]
    typer.echo(
        f"readiness: internal error ({type(error).__name__}{': ' + reason if reason else ''}); this is a bug, not a verdict. "
        f"Set READINESS_DEBUG=1 for the traceback and report it (exit {EXIT_INTERNAL})",
        err=True,
    )


class Terminated(BaseException):
    """SIGTERM (a cancelled CI job): unwinds like Ctrl-C, so no temporary output file is left."""


def terminate(signum: int, frame: object) -> None:
    raise Terminated()
