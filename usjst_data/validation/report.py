"""Validation results: problems are data, collected in a report rather than raised.

A report keeps at most ``max_per_kind`` problems of each kind (resource, code, field) and counts
the rest, so a systematic error in a million rows costs a counter, not a million objects.
"""

from __future__ import annotations

import contextlib
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

MAX_VALUE_LENGTH = 80
DEFAULT_PER_KIND = 100


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def printable(text: str) -> str:
    """``text`` with control characters escaped, safe to print on a terminal.

    Names, paths and cells come from the package: an escape sequence in one could retitle or clear
    the terminal. Lone surrogates are escaped too, as they cannot be encoded for output.
    """
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape", "backslashreplace").decode("ascii"), text)


def shorten(value: object, limit: int = MAX_VALUE_LENGTH) -> str:
    """A printable, bounded rendering of an offending value."""
    text = value if isinstance(value, str) else repr(value)
    text = text.replace("\x00", "\\x00")
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
        return printable(": ".join([*parts, f"{self.message} [{self.code}]"]))

    def at(self, **where: Any) -> Problem:
        """The same problem with location details filled in."""
        return Problem(**{**asdict(self), **{k: v for k, v in where.items() if v is not None}})

    @property
    def kind(self) -> tuple[str, str, str]:
        return (self.resource or "package", self.code, self.field or "")


@dataclass
class Report:
    """The outcome of a validation: the problems found (capped per kind), counts, what was checked."""

    target: str
    max_per_kind: int | None = DEFAULT_PER_KIND
    limit_errors: int | None = None
    pick: frozenset[str] = frozenset()
    skip: frozenset[str] = frozenset()
    problems: list[Problem] = field(default_factory=list)
    tables: dict[str, int] = field(default_factory=dict)  # resource name -> rows checked
    totals: Counter[tuple[str, str, str]] = field(default_factory=Counter)  # kind -> problems found
    severities: dict[str, str] = field(default_factory=dict)  # code -> severity
    truncated: bool = False
    _journal: list[tuple[tuple[str, str, str], int]] | None = field(default=None, repr=False)

    def wants(self, code: str) -> bool:
        """Whether problems with this code are reported at all (``--pick``/``--skip``)."""
        return (not self.pick or code in self.pick) and code not in self.skip

    def room(self, kind: tuple[str, str, str]) -> int:
        """How many more problems of ``kind`` would be kept in full."""
        if self.max_per_kind is None:
            return 1 << 62
        return max(0, self.max_per_kind - self.totals[kind])

    @property
    def full(self) -> bool:
        """True once ``limit_errors`` errors were found: checks may stop early."""
        return self.limit_errors is not None and self.error_count >= self.limit_errors

    def add(self, problem: Problem) -> None:
        """Record one problem (kept in full while its kind has room)."""
        self.add_many(problem.kind, [problem], 1)

    def add_many(self, kind: tuple[str, str, str], problems: list[Problem], total: int) -> None:
        """Record ``total`` problems of one kind, of which ``problems`` are the first ones in full."""
        from .codes import severity as severity_of

        code = kind[1]
        if not self.wants(code) or total == 0:
            return
        # Problems past the quota are only counted: their severity is the code's, not a guess.
        severity = problems[0].severity if problems else severity_of(code)
        self.severities[code] = severity
        if severity == "error" and self.limit_errors is not None:
            left = max(0, self.limit_errors - self.error_count)
            if total > left:
                self.truncated = True
                total = left
                problems = problems[:left]
        keep = self.room(kind)
        self.problems.extend(problems[:keep])
        self.totals[kind] += total
        if self._journal is not None:
            self._journal.append((kind, total))

    @contextlib.contextmanager
    def undoable(self) -> Iterator[Callable[[], None]]:
        """Within it, calling the function it gives forgets every problem added since it began.

        For a file found unreadable part-way: what its first pieces showed is dropped, so that its
        report is the one problem it gets when read in one piece, wherever it was cut.
        """
        start, truncated = len(self.problems), self.truncated
        journal: list[tuple[tuple[str, str, str], int]] = []
        self._journal = journal

        def undo() -> None:
            for kind, total in journal:
                self.totals[kind] -= total
                if not self.totals[kind]:
                    del self.totals[kind]
            journal.clear()
            del self.problems[start:]
            self.truncated = truncated

        try:
            yield undo
        finally:
            self._journal = None

    def extend(self, problems: Iterable[Problem]) -> None:
        for problem in problems:
            self.add(problem)

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.problems)

    @property
    def error_count(self) -> int:
        return sum(n for kind, n in self.totals.items() if self._is_error(kind[1]))

    @property
    def warning_count(self) -> int:
        return sum(self.totals.values()) - self.error_count

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def valid(self) -> bool:
        return self.error_count == 0

    @property
    def unchecked(self) -> list[str]:
        """Codes found that mean part of the package could not be checked."""
        from .codes import CODES

        return sorted(code for code in self.counts() if code in CODES and not CODES[code].checked)

    @property
    def exit_status(self) -> int:
        """0 when valid; 1 when the data is invalid; 2 when it could not be validated (and nothing else is wrong)."""
        if self.valid:
            return 0
        unchecked = set(self.unchecked)
        errors = sum(n for kind, n in self.totals.items() if kind[1] not in unchecked and self._is_error(kind[1]))
        return 1 if errors else 2

    def _is_error(self, code: str) -> bool:
        return self.severities.get(code, "error") == "error"

    def counts(self) -> Counter[str]:
        """Problems found per code, including those not kept in full."""
        counts: Counter[str] = Counter()
        for (_, code, _), n in self.totals.items():
            counts[code] += n
        return counts

    def omitted(self) -> list[tuple[tuple[str, str, str], int]]:
        """Kinds with more problems than were kept, and how many were left out."""
        kept = Counter(p.kind for p in self.problems)
        return [(kind, n - kept[kind]) for kind, n in self.totals.items() if n > kept[kind]]

    def to_dict(self) -> dict[str, Any]:
        """The report as plain JSON-ready data; the CLI's ``--format json`` prints exactly this."""
        return {
            "target": self.target,
            "valid": self.valid,
            "checked": not self.unchecked,
            "error_count": self.error_count,
            "warning_count": self.warning_count,
            "truncated": self.truncated,
            "tables": dict(self.tables),
            "counts": dict(sorted(self.counts().items())),
            "omitted": [
                {"resource": resource, "code": code, "field": name, "count": n}
                for (resource, code, name), n in self.omitted()
            ],
            "problems": [{k: v for k, v in asdict(p).items() if v is not None} for p in self.problems],
        }
