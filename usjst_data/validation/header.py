"""A table's header: its labels read and matched with the schema's fields (``fieldsMatch``, case).

Each function reports the header's problems and says which column names to read the rows with,
or None when the rows cannot be checked.
"""

from __future__ import annotations

import csv
from typing import Any

from .cells import FieldSpec
from .reading import Dialect, Source, read_header
from .report import Problem, Report, shorten


def _header(source: Source, dialect: Dialect, encoding: str, report: Report, where: dict[str, Any]) -> list[str] | None:
    """The file's header row; None, with the problem reported, when it cannot be read or the file is empty."""
    try:
        header = read_header(source, dialect, encoding)
    except (OSError, csv.Error, ValueError) as exc:  # ValueError: a codec such as idna failing
        report.add(Problem("header-error", f"cannot read the header: {exc}", row=1, **where))
        return None
    if header is None:
        report.add(Problem("header-error", "file is empty; expected a header row", row=1, **where))
    return header


def untyped_fields(
    source: Source, dialect: Dialect, encoding: str, report: Report, where: dict[str, Any]
) -> list[FieldSpec] | None:
    """One field of type ``any`` per column of a table without a schema, after reporting its labels' problems."""
    header = _header(source, dialect, encoding, report, where)
    if header is None:
        return None
    names: list[str] = []
    seen: set[str] = set()
    for number, label in enumerate(header, 1):
        if not dialect.header:
            names.append(f"field{number}")
        elif not label.strip():
            report.add(Problem("header-error", f"label {number} is blank", row=1, **where))
            names.append(f"field{number}")
        elif label in seen:
            report.add(Problem("header-error", f"label {shorten(label)!r} appears twice", row=1, field=label, **where))
            names.append(f"{label}~{number}")
        else:
            names.append(label)
        seen.add(label)
    message = "no schema: the table's structure was checked, not the types of its cells"
    report.add(Problem("unsupported", message, severity="warning", **where))
    return [FieldSpec(name=n, type="any", spec={}, constraints={}) for n in names]


def _matched_order(
    header: list[str], names: list[str], match: str, report: Report, where: dict[str, Any]
) -> list[str] | None:
    """Column names for a header matched by name (``fieldsMatch`` other than exact), after its problems.

    equal: the same fields in any order; subset: every field, and maybe more labels; superset: only
    fields, maybe not all; partial: at least one field. Labels that are no field are not checked.
    """
    known, found = set(names), set()
    order: list[str] = []
    for number, label in enumerate(header, 1):
        if label in found or label not in known:
            if label in found:
                report.add(Problem("header-error", f"label {shorten(label)!r} appears twice", row=1, **where))
            order.append(f"\x00label {number}")  # read, not checked
        else:
            order.append(label)
            found.add(label)
    missing = [n for n in names if n not in found]
    extra = [label for label, name in zip(header, order, strict=True) if name.startswith("\x00")]
    if missing and match in ("equal", "subset"):
        message = f"fields missing from the header (fieldsMatch {match}): {shorten(', '.join(missing), 160)}"
        report.add(Problem("header-error", message, row=1, **where))
    if extra and match in ("equal", "superset"):
        message = f"labels that are no field (fieldsMatch {match}): {shorten(', '.join(extra), 160)}"
        report.add(Problem("header-error", message, row=1, **where))
    if len(missing) == len(names):
        report.add(Problem("header-error", "no label of the header is a field of the schema", row=1, **where))
        return None
    return order


def header_order(
    source: Source,
    dialect: Dialect,
    encoding: str,
    names: list[str],
    match: str,
    report: Report,
    where: dict[str, Any],
) -> list[str] | None:
    """The column names to read the file with, after reporting any header problem; None to stop."""
    header = _header(source, dialect, encoding, report, where)
    if header is None:
        return None
    if header == names:
        return names
    if not dialect.header_case:  # labels match fields whatever their case
        folded = {n.casefold(): n for n in reversed(names)}
        header = [folded.get(label.casefold(), label) for label in header]
        if header == names:
            return names
    if match != "exact":
        return _matched_order(header, names, match, report, where)
    if sorted(header) == sorted(names) and len(set(header)) == len(header):
        report.add(
            Problem(
                "header-error",
                f"columns are in another order than the schema's: {shorten(','.join(header), 160)}",
                row=1,
                **where,
            )
        )
        return header  # every field is present: check each by name
    if len(header) != len(names):
        report.add(
            Problem(
                "header-error",
                f"header has {len(header)} labels; the schema {len(names)} fields: {shorten(','.join(header), 120)}",
                row=1,
                **where,
            )
        )
        return None
    seen: set[str] = set()
    for label, expected in zip(header, names, strict=True):
        if label in seen:
            report.add(Problem("header-error", f"label {label!r} appears twice", row=1, field=expected, **where))
        elif label != expected:
            report.add(
                Problem(
                    "header-error", f"label {label!r} where the schema has {expected!r}", row=1, field=expected, **where
                )
            )
        seen.add(label)
    return names  # checked by position, as the labels do not name the fields
