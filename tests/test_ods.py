"""OpenDocument spreadsheets: a sheet is checked like a CSV file, and hostile sheets are problems."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from usjst_data.validation.ods import OdsError, sheet_rows
from usjst_data.validation.run import validate

NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)
FIELDS = [
    {"name": "id", "type": "integer"},
    {"name": "name", "type": "string", "constraints": {"required": True}},
    {"name": "born", "type": "date"},
    {"name": "active", "type": "boolean"},
]


def ods(path: Path, sheets: dict[str, str]) -> Path:
    """An .ods file whose sheets hold the given table:table-row XML."""
    tables = "".join(f'<table:table table:name="{name}">{rows}</table:table>' for name, rows in sheets.items())
    content = f"<office:document-content {NAMESPACES}><office:body><office:spreadsheet>{tables}"
    content += "</office:spreadsheet></office:body></office:document-content>"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content)
    return path


def row(*cells: str, repeat: int = 1) -> str:
    return f'<table:table-row table:number-rows-repeated="{repeat}">{"".join(cells)}</table:table-row>'


def text(value: str) -> str:
    return f'<table:table-cell office:value-type="string"><text:p>{value}</text:p></table:table-cell>'


def number(value: str) -> str:
    return f'<table:table-cell office:value-type="float" office:value="{value}"/>'


def date(value: str) -> str:
    return f'<table:table-cell office:value-type="date" office:date-value="{value}"/>'


def boolean(value: str) -> str:
    return f'<table:table-cell office:value-type="boolean" office:boolean-value="{value}"/>'


def empty(repeat: int = 1) -> str:
    return f'<table:table-cell table:number-columns-repeated="{repeat}"/>'


HEADER = row(text("id"), text("name"), text("born"), text("active"), empty(1020))


def package(folder: Path, sheets: dict[str, str], dialect: dict[str, object] | None = None) -> Path:
    ods(folder / "people.ods", sheets)
    resource = {"name": "people", "path": "people.ods", "schema": {"fields": FIELDS, "primaryKey": ["id"]}}
    if dialect:
        resource["dialect"] = dialect
    (folder / "datapackage.json").write_text(json.dumps({"name": "sheet", "resources": [resource]}))
    return folder


def found(folder: Path) -> list[tuple[str, int | None, str | None]]:
    return [(p.code, p.row, p.field) for p in validate(folder).problems]


def test_a_sheet_is_checked_like_a_csv_file(tmp_path: Path) -> None:
    rows = [
        HEADER,
        row(number("1"), text("Ann"), date("1990-01-31"), boolean("true"), empty(1020)),
        row(number("2.5"), text("Bo"), date("1991-02-01T00:00:00"), boolean("false")),
        row(number("3"), empty(), date("1992-03-01")),
        row(empty(1024), repeat=1_048_000),  # the formatted empty tail of a sheet: no rows
    ]
    folder = package(tmp_path, {"Sheet1": "".join(rows)})
    assert found(folder) == [("type-error", 3, "id"), ("required-error", 4, "name")]


def test_empty_rows_between_values_are_blank_rows_with_their_numbers(tmp_path: Path) -> None:
    rows = [HEADER, row(empty(8), repeat=2), row(number("1"), text("Ann")), row(text("x"))]
    folder = package(tmp_path, {"Sheet1": "".join(rows)})
    assert found(folder) == [
        ("blank-row", 2, None),
        ("blank-row", 3, None),
        ("type-error", 5, "id"),
        ("required-error", 5, "name"),
    ]


@pytest.mark.parametrize("dialect", [{"sheetName": "People"}, {"sheetNumber": 2}])
def test_a_sheet_is_chosen_by_name_or_number(tmp_path: Path, dialect: dict[str, object]) -> None:
    sheets = {"Notes": row(text("not a table")), "People": HEADER + row(number("1"), text("Ann"))}
    assert found(package(tmp_path, sheets, dialect)) == []


def test_a_missing_sheet_names_the_sheets_there_are(tmp_path: Path) -> None:
    report = validate(package(tmp_path, {"Sheet1": HEADER}, {"sheetName": "People"}))
    assert [(p.code, p.message) for p in report.problems] == [
        ("source-error", "not a valid ods file: the spreadsheet has no sheet 'People' (it has 'Sheet1')")
    ]


def test_cell_values_keep_their_types_and_text(tmp_path: Path) -> None:
    paragraphs = '<text:p>a<text:s text:c="3"/>b<text:tab/>c</text:p><text:p>d</text:p>'
    spaced = f"<table:table-cell>{paragraphs}</table:table-cell>"
    time = '<table:table-cell office:value-type="time" office:time-value="PT13H05M09.5S"/>'
    path = ods(tmp_path / "t.ods", {"S": row(number("7"), number("0.25"), spaced, time, empty(3), boolean("true"))})
    (values,) = list(sheet_rows(path, None, 1 << 20))
    assert [str(v) for v in values] == ["7", "0.25", "a   b\tc\nd", "13:05:09.500000", "None", "None", "None", "True"]


@pytest.mark.parametrize(
    ("rows", "words"),
    [
        (row(empty(), repeat=2_000_000), "number-rows-repeated 2000000 is out of bounds"),
        (row(text("a"), empty(10**9)), "number-columns-repeated 1000000000 is out of bounds"),
        (row(empty(), repeat=1 << 20) * 17 + row(text("a")), "more than 16,777,216 rows"),
        (row(text("a"), empty(1 << 20), text("b")), "a row has more than 1,048,576 cells"),
        (row('<table:table-cell table:number-columns-repeated="x"/>'), "is not a number: 'x'"),
        ("<table:table-row>", "not an OpenDocument spreadsheet"),
    ],
    ids=["rows-repeated", "columns-repeated", "too-many-rows", "too-many-cells", "not-a-number", "bad-xml"],
)
def test_a_hostile_sheet_is_refused_quickly(tmp_path: Path, rows: str, words: str) -> None:
    path = ods(tmp_path / "t.ods", {"S": rows})
    with pytest.raises(OdsError, match=words):
        list(sheet_rows(path, None, 1 << 30))


def test_a_file_that_is_no_spreadsheet_is_a_source_error(tmp_path: Path) -> None:
    folder = package(tmp_path, {"S": HEADER})
    (folder / "people.ods").write_text("id,name\n1,Ann\n")
    assert [p.code for p in validate(folder).problems] == ["source-error"]
