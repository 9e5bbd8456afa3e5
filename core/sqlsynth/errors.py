"""Typed, user-facing errors.

Every error says what is wrong and carries a ``hint`` saying what to do next, so the CLI
can print exactly one line and the integrations can surface the same text.
"""

from __future__ import annotations

from pydantic import ValidationError as PydanticValidationError


class SqlsynthError(Exception):
    """Base class: a problem the user can fix; never a bug in sqlsynth."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def one_line(self) -> str:
        """The message and the hint on one line, as the CLI prints it."""
        text = " ".join(self.message.split())
        return f"{text} (hint: {self.hint})" if self.hint else text


class ConfigError(SqlsynthError):
    """The project configuration (sqlsynth.toml, [tool.sqlsynth], SQLSYNTH_*) is invalid."""


class SpecError(SqlsynthError):
    """A natural-language spec is malformed; the message names the file and the field."""


class CatalogError(SqlsynthError):
    """The warehouse schema could not be read, or a catalog file is malformed."""


class WarehouseError(SqlsynthError):
    """The warehouse could not be reached or refused a query."""


class TranslationError(SqlsynthError):
    """A translator could not turn a spec into SQL (it refuses rather than guesses)."""


class ValidationError(SqlsynthError):
    """SQL failed validation; ``findings`` holds every problem found."""

    def __init__(
        self, message: str, *, hint: str | None = None, findings: tuple[object, ...] = ()
    ) -> None:
        super().__init__(message, hint=hint)
        self.findings = findings


class StaleModelError(SqlsynthError):
    """Reviewed SQL is missing, unreviewed, or no longer matches its spec or approval."""


class AuditError(SqlsynthError):
    """The audit log could not be written, or its hash chain does not verify."""


def describe_invalid(exc: PydanticValidationError) -> str:
    """``field.path: message`` of the first problem pydantic found, for one-line errors."""
    error = exc.errors()[0]
    field = ".".join(str(part) for part in error["loc"])
    return f"{field}: {error['msg']}" if field else str(error["msg"])
