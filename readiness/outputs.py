"""Writing results: ``--output`` files (all or none, atomically), stdout as UTF-8, the GitHub
job summary, and how a report is rendered for each destination. Format names are those of the
run's ``formats`` (:attr:`readiness.plugins.Extensions.formats`: the built-ins and its plugins'),
always passed in: which formats exist is the plugins' business, not this module's."""

from __future__ import annotations

import errno
import os
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, List, Mapping, Union

from .errors import InputError

if TYPE_CHECKING:
    from .report import Report
    from .reporters import RenderOptions


Output = Union[str, Callable[[Callable[[str], object]], None]]  # the text, or a writer handing it over piece by piece


def write_atomic(path: Path, text: str) -> None:
    """Write all or nothing: a temporary file beside the target, then rename."""
    write_all_atomic([(path, text)])


def write_all_atomic(files: list[tuple[Path, Output]]) -> None:
    """Write every file or none: all are staged as temporary files beside their targets before
    the first is renamed into place, so a full disk or a missing folder for one output leaves
    no other output written."""
    if not files:  # nothing but stdout: tempfile (and random, which it imports) would cost 1 ms of a cold audit
        return
    import tempfile

    staged: list[tuple[str, Path]] = []
    try:
        for path, text in files:
            folder = path.parent if str(path.parent) else Path(".")
            try:
                folder.mkdir(parents=True, exist_ok=True)  # --output sarif:build/readiness.sarif on a fresh checkout
            except FileExistsError:
                raise InputError(f"cannot write {path}: {folder} is a file, not a folder") from None
            except OSError as error:
                raise InputError(f"cannot write {path}: {error.strerror or error}") from None
            try:
                handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
            except OSError as error:
                raise InputError(f"cannot write {path}: {error.strerror or error}") from None
            staged.append((temporary, path))
            try:
                with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
                    if isinstance(text, str):
                        stream.write(text)
                    else:
                        text(stream.write)
                os.chmod(temporary, 0o666 & ~_umask())  # mkstemp makes 0600; a report is an ordinary file
            except OSError as error:
                raise InputError(f"cannot write {path}: {error.strerror or error}") from None
        while staged:
            temporary, path = staged[0]
            try:
                os.replace(temporary, path)
            except OSError as error:
                raise InputError(f"cannot write {path}: {error.strerror or error}") from None
            staged.pop(0)
    finally:
        for temporary, _ in staged:
            Path(temporary).unlink(missing_ok=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def use_color(choice: str) -> bool:
    if choice != "auto":
        return choice == "always"
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


def parse_outputs(outputs: List[str], formats: Mapping[str, Any]) -> list[tuple[str, Path]]:
    """``--output FORMAT:PATH`` items, FORMAT one of ``formats``."""
    parsed = []
    for item in outputs:
        name, _, target = item.partition(":")
        if not target or name not in formats:
            raise InputError(f"--output {item!r}: expected FORMAT:PATH with FORMAT one of {', '.join(formats)}")
        parsed.append((name, Path(target)))
    return parsed


def check_format(output_format: str, formats: Mapping[str, Any]) -> None:
    """``--format``: one of ``formats``."""
    if output_format not in formats:
        raise InputError(f"--format: expected one of {', '.join(formats)}, found {output_format!r}")


def render_options(verbose: bool, full: bool, color: bool = False, stdout: bool = False) -> "RenderOptions":
    """How to render: stdout on a terminal in colour when asked and wrapped to its width; files and pipes plain, unwrapped."""
    from .reporters import RenderOptions

    on_terminal = stdout and sys.stdout.isatty()
    return RenderOptions(color=color, verbose=verbose, width=shutil.get_terminal_size((100, 24)).columns if on_terminal else 100, full=full, wrap=on_terminal)


def write_outputs(report: "Report", targets: list[tuple[str, Path]], output_format: str, verbose: bool, full: bool, color: str,
                  formats: Mapping[str, Any]) -> None:
    """Every ``--output`` file (all or none), then stdout, then the job summary with the github format;
    each rendered by its reporter in ``formats``."""
    from functools import partial

    from .reporters import get, write_to

    write_all_atomic([(target, partial(write_to, get(name, formats), report, render_options(verbose, full))) for name, target in targets])
    emit(partial(write_to, get(output_format, formats), report, render_options(verbose, full, use_color(color), stdout=True)))
    write_job_summary(report, [output_format, *(name for name, _ in targets)], full)


def write_job_summary(report: Report, formats: List[str], full: bool = False) -> None:
    """With the github format, also append the markdown report to ``$GITHUB_STEP_SUMMARY``."""
    if "github" in formats:
        from .reporters.github import write_step_summary

        write_step_summary(report, full=full)


def emit(text: Output) -> None:
    """Print to stdout as UTF-8 with ``\\n`` line ends, whatever the console's encoding and platform:
    the same bytes as ``--output`` writes; a writer's pieces as they come. A closed pipe (``| head``;
    EINVAL on Windows) is not an error."""
    binary = getattr(sys.stdout, "buffer", None)
    write: Callable[[str], object] = sys.stdout.write if binary is None else lambda piece: binary.write(piece.encode("utf-8"))
    try:
        sys.stdout.flush()
        if isinstance(text, str):
            write(text)
        else:
            text(write)
        if binary is not None:
            binary.flush()
        sys.stdout.flush()
    except OSError as error:
        if not isinstance(error, BrokenPipeError) and error.errno != errno.EINVAL:
            raise
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
