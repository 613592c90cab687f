"""The package as one Excel workbook: a README sheet, one sheet per table, and the codebook.

Cells follow these rules, which the README sheet repeats for readers:

* Amounts are exact decimals. One with at most 15 significant digits is written as a number (a
  spreadsheet's binary double holds every such decimal exactly, and shows 15 digits); a longer one
  is written as text holding its exact digits, so no amount is silently rounded.
* Partial dates are text at their own precision (`1988`, `2019-05`, `2019-05-02`); empty cells are
  nulls; list items are joined with ``"; "`` (``read_xlsx`` splits on it, so an item holding
  ``"; "`` would not come back whole: the CSV and Parquet files stay the exact form).
* Text a spreadsheet could run as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or
  carriage return) gets a leading apostrophe, and so does text already starting with one, so
  ``read_xlsx`` can strip exactly one and give back the stored text.
* Control characters other than tab and line feed are written ``_xHHHH_``, as Excel writes them
  (XML cannot hold most of them and turns a carriage return into a line feed).
* The bytes depend only on the data: the document properties carry the release date
  (``meta.CREATED``) and every zip entry is dated 1980-01-01.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import meta
from .codebook import allowed_values, type_name
from .datafiles import read_package
from .errors import require
from .models import TABLES, Record
from .numbers import double_holds
from .output import write_atomically
from .schema import Column, columns

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

LIST_SEPARATOR = "; "
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"
# Characters OOXML stores as `_xHHHH_`: controls other than tab and line feed, and an underscore
# that would otherwise read as the start of such an escape.
_OOXML_ESCAPE = re.compile(r"[\x00-\x08\x0b-\x1f]|_(?=x[0-9A-Fa-f]{4}_)")
_OOXML_UNESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
MIN_WIDTH, MAX_WIDTH = 8, 60


def escape(text: str) -> str:
    """Text as a cell string: an apostrophe before formula-like text, ``_xHHHH_`` for control characters."""
    if text.startswith((*FORMULA_PREFIXES, ESCAPE)):
        text = ESCAPE + text
    return _OOXML_ESCAPE.sub(lambda m: f"_x{ord(m.group()[0]):04X}_", text)


def unescape(text: str) -> str:
    """The stored text of a cell string written by ``escape``."""
    text = _OOXML_UNESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
    return text[1:] if text.startswith(ESCAPE) else text


def _amount(value: Decimal) -> tuple[Decimal | str, str]:
    """An amount as a cell value and number format: a number when a double holds it exactly."""
    value = value.normalize()
    if not double_holds(value):
        return format(value, "f"), "@"
    places = max(0, -int(value.as_tuple().exponent))
    return value, "#,##0" + ("." + "0" * places if places else "")


def cell_value(column: Column, value: Any) -> tuple[Any, str | None]:
    """A record's value as a spreadsheet cell value, with its number format when it has one."""
    if value is None or (column.is_list and not value):
        return None, None
    if column.is_list:
        return escape(LIST_SEPARATOR.join(value)), None
    if isinstance(value, Decimal):
        return _amount(value)
    if isinstance(value, int):
        return value, "0"
    return escape(str(value)), None


def model_value(column: Column, value: Any) -> Any:
    """A cell read back from the workbook as model input (the inverse of ``cell_value``)."""
    if column.kind == "decimal":
        return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if column.kind == "integer":
        return value
    text = unescape(str(value))
    return text.split(LIST_SEPARATOR) if column.is_list else text


def _display_width(value: Any) -> int:
    if isinstance(value, Decimal):
        return len(f"{value:,f}")
    return max((len(line) for line in str(value).splitlines()), default=0)


def _header(sheet: Worksheet, names: list[str]) -> None:
    from openpyxl.styles import Font

    sheet.append(names)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"


def _fit_columns(sheet: Worksheet, widths: list[int]) -> None:
    from openpyxl.utils import get_column_letter

    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(MAX_WIDTH, max(MIN_WIDTH, width + 2))


def _table_sheet(sheet: Worksheet, name: str, records: list[Record]) -> None:
    cols = columns(name)
    _header(sheet, [c.name for c in cols])
    widths = [len(c.name) for c in cols]
    for row, record in enumerate(records, start=2):
        for index, column in enumerate(cols):
            value, number_format = cell_value(column, getattr(record, column.name))
            if value is None:
                continue
            cell = sheet.cell(row=row, column=index + 1, value=value)
            if number_format:
                cell.number_format = number_format
            widths[index] = max(widths[index], _display_width(value))
    _fit_columns(sheet, widths)
    if records:
        sheet.auto_filter.ref = sheet.dimensions


def _codebook_sheet(sheet: Worksheet) -> None:
    from .coding import value_rules

    names = ["table", "field", "type", "required", "description", "allowed values", "coding rules"]
    _header(sheet, names)
    for table in TABLES:
        for c in columns(table.name):
            rules = "\n".join(f"{v}: {rule}" for v, rule in value_rules(c.vocabulary)) if c.vocabulary else ""
            row = [table.name, c.name, type_name(c), "yes" if c.required else "", c.description, allowed_values(c)]
            sheet.append([escape(v) for v in [*row, rules]])
    _fit_columns(sheet, [22, 20, 28, 8, 60, 60, 80])


def _readme_sheet(sheet: Worksheet, counts: dict[str, int]) -> None:
    from openpyxl.styles import Alignment, Font

    licence = meta.DATA_LICENSE
    rows = [
        ("title", meta.TITLE),
        ("version", meta.VERSION),
        ("description", meta.DESCRIPTION),
        ("licence", f"CC BY 4.0 ({licence['title']}), {licence['path']}"),
        (
            "how to cite",
            f"usjst-data maintainers ({meta.CREATED[:4]}). {meta.TITLE}, version {meta.VERSION} "
            f"[data set]. {meta.HOMEPAGE}. Please also cite the sources named in each record's citations.",
        ),
        ("homepage", meta.HOMEPAGE),
        ("amounts", "Exact decimals: numbers when 15 significant digits or fewer, otherwise text with every digit."),
        ("dates", "Partial dates are text at their own precision: YYYY, YYYY-MM or YYYY-MM-DD."),
        ("lists", "List items are joined with a semicolon and a space."),
        (
            "apostrophes",
            "Text starting with =, +, -, @, a tab, a carriage return or an apostrophe carries one extra leading "
            "apostrophe, so that no spreadsheet runs it as a formula; drop it to get the stored text.",
        ),
        ("codebook", "The codebook sheet describes every field: type, whether required, allowed values."),
    ]
    rows += [(t.name, f"{counts[t.name]} rows. {t.description}") for t in TABLES]
    _header(sheet, ["item", "value"])
    for key, value in rows:
        sheet.append([key, escape(value)])
    for cell in sheet["A"]:
        cell.font = Font(bold=True)
    for cell in sheet["B"]:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    _fit_columns(sheet, [20, 100])


def _fixed_zip(content: bytes) -> bytes:
    """The same zip archive with every entry dated ``ZIP_DATE``, so the bytes do not follow the clock."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            target.writestr(entry, source.read(info))
    return out.getvalue()


def xlsx_bytes(data_dir: Path | None = None) -> bytes:
    """The workbook of the package in ``data_dir`` (default: the shipped data), as bytes."""
    from openpyxl import Workbook
    from openpyxl.writer.excel import ExcelWriter

    records = read_package(data_dir)
    book = Workbook()
    readme = book.active
    assert readme is not None
    readme.title = "README"
    _readme_sheet(readme, {name: len(rows) for name, rows in records.items()})
    for table in TABLES:
        _table_sheet(book.create_sheet(table.name), table.name, records[table.name])
    _codebook_sheet(book.create_sheet("codebook"))
    released = dt.datetime.fromisoformat(meta.CREATED).replace(tzinfo=None)
    book.properties.created = book.properties.modified = released
    book.properties.creator = book.properties.lastModifiedBy = "usjst-data"
    book.properties.title = meta.TITLE
    buffer = io.BytesIO()
    # ExcelWriter rather than Workbook.save, which stamps the current time as `modified`.
    ExcelWriter(book, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED)).save()
    return _fixed_zip(buffer.getvalue())


def write_xlsx(out: Path, data_dir: Path | None = None) -> Path:
    """Write the package in ``data_dir`` (default: the shipped data) as an Excel workbook to ``out``.

    Written through a fresh temporary file that then replaces ``out``: a symlink at ``out`` is
    replaced, not followed.
    """
    require("openpyxl", "xlsx")
    return write_atomically(out, xlsx_bytes(data_dir))


def read_xlsx(path: Path) -> dict[str, list[Record]]:
    """The records of every table sheet of a workbook written by ``write_xlsx``, validated by the models."""
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    try:
        tables: dict[str, list[Record]] = {}
        for table in TABLES:
            cols = columns(table.name)
            rows = book[table.name].iter_rows(min_row=2, values_only=True)
            tables[table.name] = [
                table.model.model_validate(
                    {c.name: model_value(c, v) for c, v in zip(cols, row, strict=False) if v is not None}
                )
                for row in rows
            ]
        return tables
    finally:
        book.close()
