"""The workbook export: every table as a sheet, exact amounts, neutralized formulas, stable bytes."""

import time
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from usjst_data import meta
from usjst_data.builder import build
from usjst_data.datafiles import read_records
from usjst_data.errors import UnknownTableError
from usjst_data.loader import records
from usjst_data.models import TABLES
from usjst_data.schema import columns
from usjst_data.spreadsheet import MAX_WIDTH, MIN_WIDTH, escape, read_xlsx, unescape, write_xlsx

# Formula-like text put into the fixture seeds: (table, text in the seed, field to give it).
FORMULAS = [
    (
        "agreements",
        "summary: The umbrella agreement of the fixture.",
        'summary: "=HYPERLINK(\\"http://example.com\\")"',
    ),
    ("agreements", "title: Extension of the Agreement on Fixture Cooperation", 'title: "+1 partner"'),
    ("dialogues", "name: High-Level Committee", 'name: "-2 partners"'),
    ("programs", "name: Fixture Partnership", 'name: "@SUM(A1)"'),
    ("policies", "name: Fixture Act of 2018", 'name: "\\tTabbed text"'),
    ("meetings", "summary: Agreed a joint statement.", 'summary: "\\rReturned text"'),
    ("funding_commitments", "title: Share A", 'title: "\'quoted text"'),
    ("institutions", "aliases: [X Agency]", 'aliases: ["=1+1", X Agency]'),
]
FORMULA_TEXTS = ['=HYPERLINK("http://example.com")', "+1 partner", "-2 partners", "@SUM(A1)", "\tTabbed text",
                 "\rReturned text", "'quoted text", "=1+1; X Agency"]  # fmt: skip


def _data(root: Path) -> Path:
    return root / "usjst_data" / "data"


@pytest.fixture
def workbook(built: Path) -> Path:
    return write_xlsx(built / "package.xlsx", _data(built))


def test_round_trip_gives_the_same_records(built: Path, workbook: Path) -> None:
    tables = read_xlsx(workbook)
    for table in TABLES:
        assert tables[table.name] == read_records(table.name, _data(built)), table.name


def test_sheets_headers_and_widths(workbook: Path) -> None:
    book = load_workbook(workbook)
    assert book.sheetnames == ["README", *(t.name for t in TABLES), "codebook"]
    for table in TABLES:
        sheet = book[table.name]
        header = [c.value for c in sheet[1]]
        assert header == [c.name for c in columns(table.name)]
        assert all(c.font.b for c in sheet[1])
        assert sheet.freeze_panes == "A2"
        widths = [sheet.column_dimensions[c.column_letter].width for c in sheet[1]]
        assert all(MIN_WIDTH <= w <= MAX_WIDTH for w in widths)


def test_amounts_dates_and_lists(workbook: Path) -> None:
    book = load_workbook(workbook)
    commitments = {row[0].value: row for row in book["funding_commitments"].iter_rows(min_row=2)}
    share_b = commitments["fixture-share-b"][2]
    assert (share_b.data_type, share_b.value, share_b.number_format) == ("n", 50000000.5, "#,##0.0")
    yen = commitments["fixture-yen-fund"][2]
    assert (yen.data_type, yen.value, yen.number_format) == ("n", 100000000000, "#,##0")
    signed = book["agreements"]["F3"]
    assert (signed.data_type, signed.value) == ("s", "2014")
    assert book["dialogues"]["K2"].value == "quantum; space"


def test_long_amounts_are_exact_text(repo: Path, edit_seed: Callable[[str, str, str], None]) -> None:
    edit_seed("funding_commitments", 'amount: "100000000000"', 'amount: "12345678901234567.891"')
    build(repo)
    path = write_xlsx(repo / "package.xlsx", _data(repo))
    cell = load_workbook(path)["funding_commitments"]["C5"]
    assert (cell.data_type, cell.value) == ("s", "12345678901234567.891")
    amounts = {r.id: r.amount for r in read_xlsx(path)["funding_commitments"]}  # type: ignore[attr-defined]
    assert amounts["fixture-yen-fund"] == Decimal("12345678901234567.891")


@pytest.mark.parametrize(
    ("text", "shown"),
    [("=1+2", "'=1+2"), ("+1", "'+1"), ("-1", "'-1"), ("@A1", "'@A1"), ("\tx", "'\tx"),
     ("'x", "''x"), ("plain", "plain"), ("a=b", "a=b"), ("\rx", "'_x000D_x"), ("a\r\nb", "a_x000D_\nb"),
     ("\x01", "_x0001_"), ("a_x0041_b", "a_x005F_x0041_b"), ("snake_case", "snake_case")],
)  # fmt: skip
def test_escape_and_unescape(text: str, shown: str) -> None:
    assert escape(text) == shown
    assert unescape(escape(text)) == text


def test_formula_like_text_is_neutralized(repo: Path, edit_seed: Callable[[str, str, str], None]) -> None:
    for table, old, new in FORMULAS:
        edit_seed(table, old, new)
    build(repo)
    path = write_xlsx(repo / "package.xlsx", _data(repo))
    book = load_workbook(path)
    cells = {
        unescape(c.value): c for sheet in book for row in sheet.iter_rows() for c in row if isinstance(c.value, str)
    }
    for text in FORMULA_TEXTS:
        cell = cells[text]
        assert cell.data_type == "s", text
        assert cell.value == escape(text), text
        assert cell.value.startswith("'"), text
    assert not any(
        isinstance(c.value, str) and c.value.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells.values()
    )
    with zipfile.ZipFile(path) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert not any(b"<f>" in archive.read(n) or b"<f " in archive.read(n) for n in sheets)
    tables = read_xlsx(path)
    for table in TABLES:
        assert tables[table.name] == read_records(table.name, _data(repo)), table.name


def test_bytes_do_not_depend_on_the_clock(built: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = write_xlsx(built / "first.xlsx", _data(built)).read_bytes()
    later = time.time() + 86_400 * 400
    monkeypatch.setattr(time, "time", lambda: later)
    second = write_xlsx(built / "second.xlsx", _data(built)).read_bytes()
    assert first == second
    path = built / "first.xlsx"
    with zipfile.ZipFile(path) as archive:
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    properties = load_workbook(path).properties
    assert properties.created == properties.modified
    assert properties.created.isoformat() == meta.CREATED.removesuffix("Z")


def test_codebook_sheet_covers_every_field(workbook: Path) -> None:
    rows = list(load_workbook(workbook)["codebook"].iter_rows(values_only=True))
    assert rows[0] == ("table", "field", "type", "required", "description", "allowed values", "coding rules")
    expected = [(t.name, c.name) for t in TABLES for c in columns(t.name)]
    assert [(r[0], r[1]) for r in rows[1:]] == expected
    by_field = {(r[0], r[1]): r for r in rows[1:]}
    assert by_field[("agreements", "status")][5] == "in_force, expired, superseded, proposed, unknown"
    assert by_field[("agreements", "signed")][5] == "YYYY, YYYY-MM or YYYY-MM-DD"
    assert by_field[("agreements", "parent_id")][2] == "slug → agreements"
    assert by_field[("agreements", "id")][3] == "yes"
    rules = str(by_field[("agreements", "status")][6]).split("\n")
    assert [rule.split(":")[0] for rule in rules] == ["in_force", "expired", "superseded", "proposed", "unknown"]
    assert by_field[("agreements", "signed")][6] is None


def test_readme_sheet(workbook: Path) -> None:
    items = dict(load_workbook(workbook)["README"].iter_rows(min_row=2, values_only=True))
    assert items["title"] == meta.TITLE
    assert items["licence"].startswith("CC BY 4.0")
    assert meta.VERSION in items["how to cite"]
    assert meta.HOMEPAGE in items["how to cite"]
    assert items["funding_commitments"].startswith("4 rows.")


def test_default_data_dir_is_the_shipped_data() -> None:
    for table in TABLES:
        assert read_records(table.name) == records(table.name), table.name
    with pytest.raises(UnknownTableError, match="valid tables: sources"):
        read_records("agreement")


def test_a_symlink_at_the_output_is_replaced_not_followed(built: Path, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    out = tmp_path / "package.xlsx"
    out.symlink_to(victim)
    write_xlsx(out, _data(built))
    assert victim.read_text() == "precious"
    assert not out.is_symlink()
    assert load_workbook(out).sheetnames[0] == "README"
