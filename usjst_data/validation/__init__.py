"""Validation of a data package: descriptor, files, tables, keys, and for ours the domain rules.

``run`` reads the descriptor and drives the checks; ``descriptor`` reads and profile-checks it;
``resources`` takes each resource's files, ``integrity`` checks their paths, size and hash, and
``sources`` turns compressed, JSON, Parquet (``lexical``), xlsx, ods (``ods``) and inline tables
into CSV; ``table`` checks one CSV table: ``header`` matches its labels with the fields,
``reading`` parses it in pieces, ``batches`` checks the pieces' rows (``rows`` numbers them) and
``cells`` their cells (``temporal`` for dates, times and durations); ``keys`` checks primary,
unique and foreign keys; ``report`` collects the problems and ``codes`` lists their codes.

Importing this package is cheap: the checks load on the first call of ``validate``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

    from .report import Report
    from .run import Options

__all__ = ["Report", "validate"]


def validate(path: Path | str | None = None, options: Options | None = None) -> Report:
    """Validate a data package (or a seeds folder) and return a report of every problem found."""
    from .run import validate as run

    return run(path, options)


def __getattr__(name: str) -> Any:
    if name == "Report":
        from .report import Report

        return Report
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
