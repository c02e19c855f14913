"""Errors a person can act on.

Everything the user can get wrong (a missing file, a bad date, an update smuggled into a
query) is raised as :class:`UserError`: one line saying what is wrong and where. The CLI
prints it without a traceback and exits 2, the code pyshacl and most Unix tools use for bad
input.
"""

from __future__ import annotations


class UserError(Exception):
    """Bad input or usage: printed as one line, exit code 2."""

    exit_code = 2

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None,
                 column: int | None = None) -> None:
        self.file, self.line, self.column = file, line, column
        where = ""
        if file is not None:
            where = file
            if line is not None:
                where += f":{line}"
                if column is not None:
                    where += f":{column}"
            where += ": "
        super().__init__(where + message)


class StoreBusy(UserError):
    """Another process holds the write lock longer than we were willing to wait."""
