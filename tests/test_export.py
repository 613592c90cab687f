"""Exports: SQLite with keys, indexes, full-text search and views, JSON, JSON Lines; exact, reproducible, safe."""

import json
import os
import sqlite3
import sys
import types
from contextlib import closing
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from usjst_data import meta
from usjst_data.builder import DATA_DIR
from usjst_data.datafiles import read_records
from usjst_data.errors import OutputError, PackageError, UsjstError
from usjst_data.export import export, plain_value, sqlite_bytes
from usjst_data.models import TABLES, TABLES_BY_NAME, Record
from usjst_data.schema import columns
from usjst_data.views import VIEW_DESCRIPTIONS


@pytest.fixture
def data_dir(built: Path) -> Path:
    return built / DATA_DIR


def _expected(data_dir: Path) -> dict[str, list[Record]]:
    return {t.name: read_records(t.name, data_dir) for t in TABLES}


def _validate(table: str, values: dict[str, Any]) -> Record:
    return TABLES_BY_NAME[table].model.model_validate({k: v for k, v in values.items() if v is not None})


def _from_sqlite(table: str, name: str, value: Any) -> Any:
    """A SQLite value as model input: lists decoded, numbers as decimal text (floats by their shortest form)."""
    kinds = {c.name: c.kind for c in columns(table)}
    if value is None:
        return None
    if kinds[name] == "list":
        return json.loads(value)
    if kinds[name] == "decimal":
        return repr(value) if isinstance(value, float) else str(value)
    return value


def _read_sqlite(path: Path) -> dict[str, list[Record]]:
    with closing(sqlite3.connect(path)) as db:
        tables = {}
        for table in TABLES:
            cursor = db.execute(f'SELECT * FROM "{table.name}" ORDER BY rowid')
            names = [d[0] for d in cursor.description]
            tables[table.name] = [
                _validate(table.name, {k: _from_sqlite(table.name, k, v) for k, v in zip(names, row, strict=True)})
                for row in cursor
            ]
        return tables


def test_sqlite_round_trip(data_dir: Path, tmp_path: Path) -> None:
    written = export("sqlite", tmp_path / "usjst.db", data_dir)
    assert written == [tmp_path / "usjst.db", tmp_path / "usjst.metadata.json"]
    assert _read_sqlite(written[0]) == _expected(data_dir)


def test_sqlite_numbers_are_numbers(data_dir: Path, tmp_path: Path) -> None:
    (path, _) = export("sqlite", tmp_path / "usjst.db", data_dir)
    with closing(sqlite3.connect(path)) as db:
        amounts = db.execute("SELECT id, typeof(amount), amount FROM funding_commitments ORDER BY id").fetchall()
        assert amounts == [
            ("fixture-share-a", "integer", 100000000),
            ("fixture-share-b", "real", 50000000.5),
            ("fixture-total-2023", "integer", 210000000),
            ("fixture-yen-fund", "integer", 100000000000),
        ]
        assert db.execute("SELECT id FROM funding_commitments WHERE amount > 1000000000").fetchall() == [
            ("fixture-yen-fund",)
        ]
        assert db.execute("SELECT max(amount_usd) FROM funding_commitments").fetchone() == (900000000,)
        assert db.execute("SELECT min(amount), max(duration_years) FROM funding_commitments").fetchone() == (
            50000000.5,
            10,
        )
        assert db.execute("SELECT typeof(number), number FROM meetings WHERE id = 'hlc-14'").fetchone() == (
            "integer",
            14,
        )


def test_every_numeric_column_is_numeric_in_sqlite(data_dir: Path, tmp_path: Path) -> None:
    (path, _) = export("sqlite", tmp_path / "usjst.db", data_dir)
    numeric = {"integer": "INTEGER", "decimal": "NUMERIC"}
    with closing(sqlite3.connect(path)) as db:
        for table in TABLES:
            declared = {r[1]: r[2] for r in db.execute(f'PRAGMA table_info("{table.name}")')}
            for column in columns(table.name):
                assert declared[column.name] == numeric.get(column.kind, "TEXT"), (table.name, column.name)
            for name in [c.name for c in columns(table.name) if c.kind in numeric]:
                stored = {t for (t,) in db.execute(f'SELECT DISTINCT typeof("{name}") FROM "{table.name}"')}
                assert stored <= {"integer", "real", "null"}, (table.name, name, stored)


def test_sqlite_keeps_exact_text_only_for_what_a_number_cannot_hold(data_dir: Path) -> None:
    data = _expected(data_dir)
    long = Decimal("12345678901234567.5")  # 18 significant digits: no double holds it
    commitments = data["funding_commitments"]
    data["funding_commitments"] = [commitments[0].model_copy(update={"amount": long}), *commitments[1:]]
    with closing(sqlite3.connect(":memory:")) as db:
        db.deserialize(sqlite_bytes(data))
        names = [r[1] for r in db.execute("PRAGMA table_info(funding_commitments)")]
        assert names[names.index("amount") + 1] == "amount_text"
        assert "amount_usd_text" not in names
        rows = db.execute("SELECT id, amount, amount_text FROM funding_commitments ORDER BY rowid").fetchall()
        assert rows[0] == (commitments[0].id, float(long), "12345678901234567.5")
        assert [r[2] for r in rows[1:]] == ["100000000", "50000000.5", "100000000000"]
        assert not any(r[1].endswith("_text") for r in db.execute("PRAGMA table_info(institution_budgets)"))


def test_sqlite_lists_and_dates_are_text(data_dir: Path, tmp_path: Path) -> None:
    (path, _) = export("sqlite", tmp_path / "usjst.db", data_dir)
    with closing(sqlite3.connect(path)) as db:
        assert db.execute("SELECT signed FROM agreements ORDER BY id").fetchall() == [("1988-06-20",), ("2014",)]
        assert db.execute("SELECT json_extract(domains, '$[1]') FROM dialogues").fetchone() == ("space",)


def test_sqlite_has_every_view(data_dir: Path, tmp_path: Path) -> None:
    (path, _) = export("sqlite", tmp_path / "usjst.db", data_dir)
    with closing(sqlite3.connect(path)) as db:
        views = [name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'view'")]
        assert sorted(views) == sorted(VIEW_DESCRIPTIONS)
        totals = "SELECT substr(announced, 1, 4) AS year, sum(amount) FROM {} WHERE currency = 'USD' GROUP BY year"
        assert db.execute(totals.format("funding_commitments")).fetchall() == [(None, 150000000.5), ("2023", 210000000)]
        assert db.execute(totals.format("commitment_totals")).fetchall() == [("2023", 210000000)]
        assert db.execute("SELECT id, components FROM commitment_totals").fetchall() == [
            ("fixture-total-2023", 2),
            ("fixture-yen-fund", 0),
        ]
        cited = 'SELECT source_id, source_title, locator FROM record_citations WHERE "table" = ? AND record_id = ?'
        assert db.execute(cited, ("funding_commitments", "fixture-yen-fund")).fetchall() == [
            ("doc-a", "Fixture Report", "§ Money")
        ]


def test_sqlite_keys_and_indexes(data_dir: Path, tmp_path: Path) -> None:
    (path, _) = export("sqlite", tmp_path / "usjst.db", data_dir)
    with closing(sqlite3.connect(path)) as db:
        keys = [(r[1], r[5]) for r in db.execute("PRAGMA table_info(agreement_parties)") if r[5]]
        assert keys == [("agreement_id", 1), ("institution_id", 2), ("role", 3)]
        foreign = {(r[3], r[2], r[4]) for r in db.execute("PRAGMA foreign_key_list(agreements)")}
        assert foreign == {("parent_id", "agreements", "id"), ("meeting_id", "meetings", "id")}
        indexes = {r[1] for r in db.execute("PRAGMA index_list(agreement_parties)")}
        assert {"agreement_parties_agreement_id", "agreement_parties_institution_id"} <= indexes
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        db.execute("PRAGMA foreign_keys = ON")
        with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
            db.execute("INSERT INTO meetings (id, dialogue_id) VALUES ('x-1', 'no-such-dialogue')")
        with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
            db.execute("INSERT INTO dialogues (id, name, kind, status) VALUES ('x', 'X', 'not-a-kind', 'active')")


def test_sqlite_full_text_search(data_dir: Path, tmp_path: Path) -> None:
    (path, _) = export("sqlite", tmp_path / "usjst.db", data_dir)
    with closing(sqlite3.connect(path)) as db:

        def search(table: str, words: str) -> list[str]:
            sql = f"SELECT id FROM {table} WHERE rowid IN (SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH ?)"
            return sorted(r[0] for r in db.execute(sql, (words,)))

        assert search("agreements", "extension") == ["umbrella-extension-2014"]
        assert search("agreements", "umbrella") == ["umbrella-1988"]  # from the summary
        assert search("dialogues", "HLC") == ["hlc"]
        assert search("domains", "exploration") == ["space"]
        assert not any(r[0] == "agreement_parties_fts" for r in db.execute("SELECT name FROM sqlite_master"))


def test_datasette_metadata(data_dir: Path, tmp_path: Path) -> None:
    (_, path) = export("sqlite", tmp_path / "usjst.db", data_dir)
    assert path == tmp_path / "usjst.metadata.json"
    metadata = json.loads(path.read_text())
    assert metadata["title"] == meta.TITLE
    assert (metadata["license"], metadata["license_url"]) == (
        "CC-BY-4.0",
        "https://creativecommons.org/licenses/by/4.0/",
    )
    assert metadata["source_url"] == meta.HOMEPAGE
    tables = metadata["databases"]["usjst"]["tables"]
    assert list(tables) == [t.name for t in TABLES] + list(VIEW_DESCRIPTIONS)
    agreements = tables["agreements"]
    assert agreements["description"] == TABLES_BY_NAME["agreements"].description
    assert agreements["columns"]["signed"] == "Date of signature, at the precision given."
    assert agreements["label_column"] == "title"
    assert agreements["facets"] == ["kind", "status"]
    assert '<a href="/usjst/record_citations?table=agreements">record_citations</a>' in agreements["description_html"]
    assert "description_html" not in tables["sources"]
    assert tables["record_citations"]["facets"] == ["table", "source_id"]
    assert tables["commitment_totals"]["description"] == VIEW_DESCRIPTIONS["commitment_totals"]


def test_json_round_trip(data_dir: Path, tmp_path: Path) -> None:
    (path,) = export("json", tmp_path / "usjst.json", data_dir)
    document = json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)  # how to read amounts exactly
    assert list(document) == [t.name for t in TABLES]
    amounts = [(r["amount"], r["amount_usd"], r["duration_years"]) for r in document["funding_commitments"]]
    assert amounts == [(210000000, 210000000, None), (100000000, None, 10), (Decimal("50000000.5"), None, None),
                       (100000000000, 900000000, None)]  # fmt: skip
    assert document["agreements"][1]["signed"] == "2014"
    assert {name: [_validate(name, r) for r in rows] for name, rows in document.items()} == _expected(data_dir)


def test_jsonl_round_trip(data_dir: Path, tmp_path: Path) -> None:
    (path,) = export("jsonl", tmp_path / "usjst.jsonl", data_dir)
    lines = [json.loads(line, parse_float=Decimal) for line in path.read_text(encoding="utf-8").splitlines()]
    assert lines[0] == {
        "table": "sources",
        "record": {
            "id": "doc-a",
            "kind": "report",
            "title": "Fixture Report",
            "subtitle": "A Test Document",
            "authors": ["A. Author"],
            "publisher": "Fixture Press",
            "site": None,
            "language": None,
            "published": "2020-06",
            "url": "https://example.org/doc-a",
            "doi": None,
            "cited_in": None,
            "cited_at": None,
            "retrieved": None,
            "note": None,
        },
    }
    tables: dict[str, list[Record]] = {t.name: [] for t in TABLES}
    for line in lines:
        tables[line["table"]].append(_validate(line["table"], line["record"]))
    assert tables == _expected(data_dir)


@pytest.mark.parametrize(("fmt", "name"), [("sqlite", "usjst.db"), ("json", "usjst.json"), ("jsonl", "usjst.jsonl")])
def test_exports_are_byte_reproducible(data_dir: Path, tmp_path: Path, fmt: str, name: str) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = export(fmt, tmp_path / "a" / name, data_dir)
    second = export(fmt, tmp_path / "b" / name, data_dir)
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
    again = export(fmt, tmp_path / "a" / name, data_dir)  # overwriting gives the same file too
    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in second]
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == sorted(p.name for p in first)


def test_xlsx_is_dispatched_to_the_spreadsheet_module(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []

    def write_xlsx(out: Path, folder: Path | None) -> Path:
        calls.append((out, folder))
        return out

    fake = types.ModuleType("usjst_data.spreadsheet")
    fake.write_xlsx = write_xlsx  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "usjst_data.spreadsheet", fake)
    assert export("xlsx", tmp_path / "usjst.xlsx", data_dir) == [tmp_path / "usjst.xlsx"]
    assert calls == [(tmp_path / "usjst.xlsx", data_dir)]


def test_unknown_format_lists_the_formats(data_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(UsjstError, match="unknown export format 'csv'; choose one of: sqlite, json, jsonl, xlsx"):
        export("csv", tmp_path / "x.csv", data_dir)


@given(st.decimals(min_value=0, max_value=Decimal("1e19"), places=6, allow_nan=False))
def test_amounts_export_exactly(value: Decimal) -> None:
    (amount,) = [c for c in columns("funding_commitments") if c.name == "amount"]
    exported = plain_value(amount, value)
    if len(value.normalize().as_tuple().digits) <= 15:
        assert isinstance(exported, int | float)
        assert Decimal(json.dumps(exported)) == value  # the JSON text is the exact decimal
    else:
        assert isinstance(exported, str)
        assert "E" not in exported
        assert Decimal(exported) == value


def _victim(tmp_path: Path) -> Path:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    return victim


@pytest.mark.parametrize(("fmt", "name"), [("sqlite", "x.db"), ("json", "x.json"), ("jsonl", "x.jsonl")])
def test_a_symlink_planted_at_the_old_temporary_name_is_not_followed(
    data_dir: Path, tmp_path: Path, fmt: str, name: str
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    victim = _victim(tmp_path)
    (out / f"{name}.tmp").symlink_to(victim)
    export(fmt, out / name, data_dir)
    assert victim.read_text() == "precious"
    assert sorted(p.name for p in out.iterdir() if not p.name.endswith(".tmp")) == sorted(
        [name, "x.metadata.json"] if fmt == "sqlite" else [name]
    )


def test_a_symlink_at_the_output_is_replaced_not_followed(data_dir: Path, tmp_path: Path) -> None:
    victim = _victim(tmp_path)
    (tmp_path / "x.json").symlink_to(victim)
    export("json", tmp_path / "x.json", data_dir)
    assert victim.read_text() == "precious"
    assert not (tmp_path / "x.json").is_symlink()


def test_sqlite_leaves_a_users_metadata_json_alone(data_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "metadata.json").write_text("{}")
    assert export("sqlite", tmp_path / "x.db", data_dir)[1] == tmp_path / "x.metadata.json"
    assert (tmp_path / "metadata.json").read_text() == "{}"


def test_exported_files_get_the_usual_permissions(data_dir: Path, tmp_path: Path) -> None:
    previous = os.umask(0o022)
    try:
        (path,) = export("json", tmp_path / "x.json", data_dir)
    finally:
        os.umask(previous)
    assert path.stat().st_mode & 0o777 == 0o644


@pytest.mark.parametrize("fmt", ["sqlite", "json", "jsonl", "xlsx"])
@pytest.mark.parametrize(
    ("target", "message"),
    [
        (lambda p: p, "is a folder; give a file path inside it"),
        (lambda p: p / "file.txt" / "x.out", r"file\.txt is a file, not a folder"),
        (lambda p: p / "missing" / "x.out", r"folder .*missing does not exist; create it first"),
    ],
    ids=["folder", "under-a-file", "missing-folder"],
)
def test_bad_targets_are_output_errors_and_write_nothing(
    data_dir: Path, tmp_path: Path, fmt: str, target: Any, message: str
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "file.txt").write_text("x")
    with pytest.raises(OutputError, match=message):
        export(fmt, target(folder), data_dir)
    assert sorted(p.name for p in folder.iterdir()) == ["file.txt"]


@pytest.mark.parametrize("fmt", ["sqlite", "json", "xlsx"])
def test_an_unwritable_folder_is_an_output_error(data_dir: Path, tmp_path: Path, fmt: str) -> None:
    if os.geteuid() == 0:  # root writes anywhere a permission bit forbids, but not in /sys
        folder = Path("/sys")
    else:
        folder = tmp_path / "locked"
        folder.mkdir(mode=0o555)
    before = sorted(folder.iterdir())
    with pytest.raises(OutputError, match=r"cannot write in .*: Permission denied; choose a folder you can write to"):
        export(fmt, folder / "x.out", data_dir)
    assert sorted(folder.iterdir()) == before


def test_a_folder_without_a_build_is_a_package_error(tmp_path: Path) -> None:
    with pytest.raises(PackageError, match=r"no CSV file for sources, .* in .*; give the folder of a built package"):
        export("json", tmp_path / "x.json", tmp_path)
    assert list(tmp_path.iterdir()) == []
