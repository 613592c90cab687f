"""Exceptions raised for bad input; each message says where the problem is and how to fix it."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .validation.report import Problem


class UsjstError(Exception):
    """Base of every error this package raises on purpose."""


class UnknownTableError(UsjstError, KeyError):
    """A table name that is not part of the package."""

    def __init__(self, name: str, valid: list[str]) -> None:
        super().__init__(f"unknown table {name!r}; valid tables: {', '.join(valid)}")
        self.name = name
        self.valid = valid

    def __str__(self) -> str:
        return str(self.args[0])


class UnknownRecordError(UsjstError, KeyError):
    """A record id that is not in its table."""

    def __str__(self) -> str:
        return str(self.args[0])


class SeedError(UsjstError):
    """The seeds cannot be read or do not validate; ``problems`` lists every one."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = [p.line() for p in problems[:20]]
        more = len(problems) - len(lines)
        super().__init__("\n".join(lines + ([f"... and {more} more"] if more > 0 else [])))


class PackageError(UsjstError):
    """A data package that cannot be opened at all (no descriptor, unreadable path)."""


class OutputError(UsjstError):
    """A file cannot be written where it was asked for; the message says why and what to give instead."""


class MissingExtraError(UsjstError):
    """An optional dependency is not installed; the message names the extra that provides it."""

    def __init__(self, package: str, extra: str) -> None:
        super().__init__(f'{package} is not installed; install it with: pip install "usjst-data[{extra}]"')
        self.package = package
        self.extra = extra


def require(module: str, extra: str) -> None:
    """Import ``module`` or raise MissingExtraError naming the extra that installs it."""
    import importlib

    try:
        importlib.import_module(module)
    except ModuleNotFoundError:
        raise MissingExtraError(module, extra) from None


class AmbiguousRecordError(UsjstError):
    """A record id found in more than one table; the message lists them."""

    def __init__(self, key: str, tables: list[str]) -> None:
        super().__init__(f"{key!r} is a record of several tables ({', '.join(tables)}); name the table")
        self.key = key
        self.tables = tables


class QueryError(UsjstError):
    """SQL that DuckDB could not run; the message is DuckDB's own."""
