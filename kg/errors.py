"""Errors that users see: one line naming file, line, entity and rule, with a hint."""

from __future__ import annotations

from dataclasses import dataclass

#: Exit codes scripts can rely on (documented in the README).
EXIT_OK = 0
EXIT_INVALID = 1  # the data, a query or a parameter is invalid
EXIT_USAGE = 2  # the command line is wrong (click's own code)
EXIT_ENVIRONMENT = 3  # no built store, unreachable endpoint, unwritable directory


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located as precisely as it can be."""

    rule: str
    message: str
    file: str | None = None
    line: int | None = None
    entity: str | None = None
    hint: str | None = None

    def __str__(self) -> str:
        where = self.file or "<graph>"
        if self.line is not None:
            where += f":{self.line}"
        text = f"{where}: error[{self.rule}]"
        if self.entity:
            text += f" {self.entity}:"
        text += f" {self.message}"
        if self.hint:
            text += f" (hint: {self.hint})"
        return " ".join(text.split())  # one line, whatever the message held


class KGError(Exception):
    """An error with a message fit for users and an exit code.

    `hint` speaks the Python API's language (`entity=...`); `cli_hint`, where the command line
    says it otherwise (`--param entity=...`), is what `kg` prints instead.
    """

    exit_code = EXIT_INVALID

    def __init__(self, message: str, *, hint: str | None = None, exit_code: int | None = None,
                 cli_hint: str | None = None):
        super().__init__(message)
        self.hint = hint
        self.cli_hint = cli_hint
        if exit_code is not None:
            self.exit_code = exit_code

    def __str__(self) -> str:
        text = str(self.args[0])
        if self.hint:
            text += f" (hint: {self.hint})"
        return text

    def for_cli(self) -> str:
        """The message with the command line's hint."""
        hint = self.cli_hint or self.hint
        return str(self.args[0]) + (f" (hint: {hint})" if hint else "")


class ValidationError(KGError):
    """The curated data breaks one or more rules; `problems` lists them."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the data; nothing was written")


class StoreNotFound(KGError):
    exit_code = EXIT_ENVIRONMENT
