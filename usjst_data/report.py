"""Validation results: problems are data, collected in a report rather than raised."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

MAX_VALUE_LENGTH = 80


def shorten(value: object, limit: int = MAX_VALUE_LENGTH) -> str:
    """A printable, bounded rendering of an offending value."""
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a package: where it is, what was found, what was expected."""

    code: str
    message: str
    file: str | None = None
    row: int | None = None
    resource: str | None = None
    record: str | None = None
    field: str | None = None
    value: str | None = None
    severity: str = "error"

    def line(self) -> str:
        """The problem as one grep-able line: ``file:row: record: field: message [code]``."""
        place = ":".join(str(p) for p in (self.file, self.row) if p is not None)
        parts = [p for p in (place, self.record, self.field) if p]
        return ": ".join([*parts, f"{self.message} [{self.code}]"])

    def at(self, **where: Any) -> Problem:
        """The same problem with location details filled in."""
        return Problem(**{**asdict(self), **{k: v for k, v in where.items() if v is not None}})


@dataclass
class Report:
    """The outcome of a validation: every problem found, and what was checked."""

    target: str
    problems: list[Problem] = field(default_factory=list)
    tables: dict[str, int] = field(default_factory=dict)  # resource name -> rows checked

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def valid(self) -> bool:
        return not self.errors

    def extend(self, problems: Iterable[Problem]) -> None:
        self.problems.extend(problems)

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.problems)

    def counts(self) -> Counter[str]:
        return Counter(p.code for p in self.problems)

    def to_dict(self) -> dict[str, Any]:
        """The report as plain JSON-ready data; the CLI's ``--format json`` prints exactly this."""
        return {
            "target": self.target,
            "valid": self.valid,
            "error_count": len(self.errors),
            "warning_count": len(self.problems) - len(self.errors),
            "tables": dict(self.tables),
            "counts": dict(sorted(self.counts().items())),
            "problems": [{k: v for k, v in asdict(p).items() if v is not None} for p in self.problems],
        }
