"""OpenDocument spreadsheets (.ods) read as rows of values, with the standard library alone.

The sheet is streamed from the archive's ``content.xml``. A sheet stores its formatted empty tail
as repeated rows and cells (often a million rows or a thousand cells): repeats of empty rows are
only written out when a row with a value follows, and empty cells at a row's end are dropped.
"""

from __future__ import annotations

import datetime
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, ParseError, iterparse

TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
CELLS = (f"{TABLE}table-cell", f"{TABLE}covered-table-cell")
MAX_REPEAT = 1 << 20  # cells or rows one element may repeat once expanded; a sheet has at most 2**20 rows
_DURATION = re.compile(r"PT(\d+)H(\d+)M(\d+(?:\.\d+)?)S")


MAX_ROWS = 1 << 24  # rows a sheet may have, its empty ones included


class OdsError(ValueError):
    """A file that is not an OpenDocument spreadsheet, or has no such sheet."""


def sheet_rows(path: Path, sheet: str | int | None, limit: int) -> Iterator[tuple[Any, ...]]:
    """The rows of one sheet (by name, by number from 1, or the first) as Python values; ``limit``
    bounds the bytes of the sheets' XML.

    Numbers are int when whole, else float; dates date or datetime; times time; booleans bool;
    text str (paragraphs joined by newlines); empty cells None.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            if archive.getinfo("content.xml").file_size > limit:
                raise OdsError(f"its content is larger than {limit >> 20} MB once unzipped")
            with archive.open("content.xml") as content:
                yield from _rows(content, sheet)
    except (KeyError, zipfile.BadZipFile, ParseError) as exc:
        raise OdsError(f"not an OpenDocument spreadsheet: {exc}") from None


def _rows(content: Any, sheet: str | int | None) -> Iterator[tuple[Any, ...]]:
    names: list[str] = []
    chosen = False
    open_elements: list[Element] = []
    row: list[Any] = []
    blank_cells = 0  # empty cells since the row's last value, written only if a value follows
    blank_rows = 0  # empty rows since the last row with a value, likewise
    count = 0
    for event, element in iterparse(content, events=("start", "end")):
        tag = element.tag
        if event == "start":
            open_elements.append(element)
            if tag == f"{TABLE}table":
                names.append(element.get(f"{TABLE}name", ""))
                wanted = sheet if sheet is not None else 1
                chosen = wanted in (names[-1], len(names))
            continue
        open_elements.pop()
        if tag == f"{TABLE}table" and chosen:
            return
        if tag not in (*CELLS, f"{TABLE}table-row"):
            continue
        if open_elements:  # done with it: the tree does not grow with the sheets
            open_elements[-1].remove(element)
        if not chosen:
            continue
        if tag == f"{TABLE}table-row":
            repeat = _count(element, TABLE, "number-rows-repeated")
            count += repeat
            if count > MAX_ROWS:
                raise OdsError(f"the sheet has more than {MAX_ROWS:,} rows")
            if row:
                yield from [() for _ in range(blank_rows)]
                yield from [tuple(row) for _ in range(repeat)]
                blank_rows = 0
            else:
                blank_rows += repeat
            row, blank_cells = [], 0
        else:
            value, repeat = _value(element), _count(element, TABLE, "number-columns-repeated")
            if value is None:
                blank_cells += repeat
            else:
                row.extend([None] * blank_cells + [value] * repeat)
                blank_cells = 0
                if len(row) > MAX_REPEAT:
                    raise OdsError(f"a row has more than {MAX_REPEAT:,} cells")
    shown = ", ".join(map(repr, names))
    raise OdsError(f"the spreadsheet has no sheet {sheet!r} (it has {shown})")


def _count(element: Element, space: str, name: str) -> int:
    """A repeat count of an element, bounded."""
    written = element.get(f"{space}{name}", "1")
    try:
        count = int(written)
    except ValueError:
        raise OdsError(f"{name} is not a number: {written!r}") from None
    if not 1 <= count <= MAX_REPEAT:
        raise OdsError(f"{name} {count} is out of bounds (1 to {MAX_REPEAT:,})")
    return count


def _value(cell: Element) -> Any:
    kind = cell.get(f"{OFFICE}value-type")
    if kind in ("float", "percentage", "currency"):
        number = float(cell.get(f"{OFFICE}value", "nan"))
        return int(number) if number.is_integer() else number
    if kind == "date":
        stamp = cell.get(f"{OFFICE}date-value", "")
        return datetime.datetime.fromisoformat(stamp) if "T" in stamp else datetime.date.fromisoformat(stamp)
    if kind == "time":
        duration = cell.get(f"{OFFICE}time-value", "")
        match = _DURATION.fullmatch(duration)
        if match is None or int(match[1]) > 23:
            return duration  # a duration, not a time of day: kept as written
        seconds = float(match[3])
        return datetime.time(int(match[1]), int(match[2]), int(seconds), round(seconds % 1 * 1e6))
    if kind == "boolean":
        return cell.get(f"{OFFICE}boolean-value") == "true"
    paragraphs = [_text(p) for p in cell.iter(f"{TEXT}p")]
    return "\n".join(paragraphs) if paragraphs else None


def _text(paragraph: Element) -> str:
    """A paragraph's text, with its spaces, tabs and line breaks (which ODS writes as elements)."""
    parts = [paragraph.text or ""]
    for child in paragraph:
        if child.tag == f"{TEXT}s":
            parts.append(" " * _count(child, TEXT, "c"))
        elif child.tag == f"{TEXT}tab":
            parts.append("\t")
        elif child.tag == f"{TEXT}line-break":
            parts.append("\n")
        else:
            parts.append(_text(child))
        parts.append(child.tail or "")
    return "".join(parts)
