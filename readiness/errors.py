"""The one exception type for bad input: it always knows where the problem is."""

from __future__ import annotations


class InputError(Exception):
    """Bad input (manifest, rule pack, config, command line): exit code 2, no traceback.

    ``str()`` gives the one line the CLI prints: ``file:line:column: message``.
    """

    def __init__(self, message: str, path: str | None = None, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.column = column

    def __str__(self) -> str:
        where = [str(part) for part in (self.path, self.line, self.column) if part is not None]
        return ":".join(where) + ": " + self.message if where else self.message


class InputErrors(Exception):
    """Several input errors found before anything was audited."""

    def __init__(self, errors: list[InputError]):
        super().__init__("\n".join(map(str, errors)))
        self.errors = errors
