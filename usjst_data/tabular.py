"""Rows as text for people and programs: aligned tables, CSV and JSON, counted nouns, terminal-safe cells."""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from datetime import date
from decimal import Decimal
from typing import Any

from .models import TABLES_BY_NAME
from .numbers import as_number
from .schema import columns

# Format characters that reorder text on screen (bidirectional embeddings, overrides, isolates).
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """A counted noun: `1 problem`, `2 problems`, `1,000 rows`."""
    return f"{count:,} {noun if count == 1 else nouns or noun + 's'}"


def printable(text: str) -> str:
    """Text safe to print on a terminal: control and text-direction characters as escapes like `\\x1b`."""
    if text.isprintable():
        return text
    return "".join(
        ch.encode("unicode_escape").decode("ascii") if unicodedata.category(ch) == "Cc" or ch in _BIDI else ch
        for ch in text
    )


def cell_text(value: Any) -> str:
    """A value as text: empty for null, JSON for lists, exact digits for decimals, ISO for dates."""
    if value is None:
        return ""
    if isinstance(value, list | tuple | dict):
        return json.dumps(value, ensure_ascii=False, default=cell_text)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def aligned(names: list[str], rows: list[tuple[Any, ...]], escape: bool = False) -> str:
    """Rows as an aligned text table: a header, a rule, one line per row, and a row count."""
    show = printable if escape else str
    cells = [[show(cell_text(v)) for v in row] for row in rows]
    widths = [max([len(name), *(len(row[i]) for row in cells)]) for i, name in enumerate(names)]
    lines = ["  ".join(n.ljust(w) for n, w in zip(names, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    lines.append(f"({plural(len(rows), 'row')})")
    return "\n".join(lines)


def as_csv(names: list[str], rows: list[tuple[Any, ...]]) -> str:
    """Rows as CSV with a header; lists as JSON arrays, as in the package's own CSV files."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(names)
    writer.writerows([cell_text(v) for v in row] for row in rows)
    return out.getvalue()


def as_json(names: list[str], rows: list[tuple[Any, ...]]) -> str:
    """Rows as a JSON array of objects; decimals as numbers (exact text past 15 digits), dates as ISO text."""
    objects = [dict(zip(names, row, strict=True)) for row in rows]
    return json.dumps(objects, indent=2, ensure_ascii=False, default=_json_value)


def _json_value(value: Any) -> Any:
    """A value JSON cannot write itself: a decimal as the number that holds it exactly, else as text."""
    if isinstance(value, Decimal):
        number = as_number(value)
        if number is not None:
            return number
    return cell_text(value)


def summary_columns(table: str) -> list[str]:
    """The columns that tell a person which record a row is: its key, title or name, first date and kind."""
    cols = columns(table)
    names = [c.name for c in cols]
    key = list(TABLES_BY_NAME[table].primary_key)
    # Without a title or name, the record it belongs to (a meeting's dialogue) says most.
    label: str | None = next((n for n in ("title", "name") if n in names), None) or next(
        (c.name for c in cols if c.ref and not c.is_list and c.name not in key), None
    )
    when = next((c.name for c in cols if c.kind == "partial_date"), None)
    wanted = [*key, label, when, "kind" if "kind" in names else None]
    return [n for n in dict.fromkeys(wanted) if n is not None]
