"""Exports: SQLite with keys, indexes and full-text search, JSON, JSON Lines; exact and reproducible."""

import json
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
from usjst_data.errors import UsjstError
from usjst_data.export import export, plain_value
from usjst_data.models import TABLES, TABLES_BY_NAME, Record
from usjst_data.schema import columns


@pytest.fixture
def data_dir(built: Path) -> Path:
    return built / DATA_DIR


def _expected(data_dir: Path) -> dict[str, list[Record]]:
    return {t.name: read_records(t.name, data_dir) for t in TABLES}


def _validate(table: str, values: dict[str, Any]) -> Record:
    return TABLES_BY_NAME[table].model.model_validate({k: v for k, v in values.items() if v is not None})


def _read_sqlite(path: Path) -> dict[str, list[Record]]:
    with closing(sqlite3.connect(path)) as db:
        tables = {}
        for table in TABLES:
            cursor = db.execute(f'SELECT * FROM "{table.name}" ORDER BY rowid')
            names = [d[0] for d in cursor.description]
            lists = {c.name for c in columns(table.name) if c.is_list}
            tables[table.name] = [
                _validate(table.name, {k: json.loads(v) if k in lists else v for k, v in zip(names, row, strict=True)})
                for row in cursor
            ]
        return tables


def test_sqlite_round_trip(data_dir: Path, tmp_path: Path) -> None:
    written = export("sqlite", tmp_path / "usjst.db", data_dir)
    assert written == [tmp_path / "usjst.db", tmp_path / "metadata.json"]
    assert _read_sqlite(written[0]) == _expected(data_dir)


def test_sqlite_stores_exact_text_and_json_lists(data_dir: Path, tmp_path: Path) -> None:
    (path, _) = export("sqlite", tmp_path / "usjst.db", data_dir)
    with closing(sqlite3.connect(path)) as db:
        amount = db.execute("SELECT typeof(amount), amount FROM funding_commitments WHERE id = 'fixture-share-b'")
        assert amount.fetchone() == ("text", "50000000.5")
        assert db.execute("SELECT signed FROM agreements ORDER BY id").fetchall() == [("1988-06-20",), ("2014",)]
        assert db.execute("SELECT json_extract(domains, '$[1]') FROM dialogues").fetchone() == ("space",)
        assert db.execute("SELECT typeof(number), number FROM meetings WHERE id = 'hlc-14'").fetchone() == (
            "integer",
            14,
        )


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
    metadata = json.loads(path.read_text())
    assert metadata["title"] == meta.TITLE
    assert (metadata["license"], metadata["license_url"]) == (
        "CC-BY-4.0",
        "https://creativecommons.org/licenses/by/4.0/",
    )
    assert metadata["source_url"] == meta.HOMEPAGE
    tables = metadata["databases"]["usjst"]["tables"]
    assert list(tables) == [t.name for t in TABLES]
    agreements = tables["agreements"]
    assert agreements["description"] == TABLES_BY_NAME["agreements"].description
    assert agreements["columns"]["signed"] == "Date of signature, at the precision given."
    assert agreements["label_column"] == "title"
    assert agreements["facets"] == ["kind", "status"]


def test_json_round_trip(data_dir: Path, tmp_path: Path) -> None:
    (path,) = export("json", tmp_path / "usjst.json", data_dir)
    document = json.loads(path.read_text(encoding="utf-8"))
    assert list(document) == [t.name for t in TABLES]
    assert document["funding_commitments"][2]["amount"] == "50000000.5"
    assert document["agreements"][1]["signed"] == "2014"
    assert {name: [_validate(name, r) for r in rows] for name, rows in document.items()} == _expected(data_dir)


def test_jsonl_round_trip(data_dir: Path, tmp_path: Path) -> None:
    (path,) = export("jsonl", tmp_path / "usjst.jsonl", data_dir)
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
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
    text = plain_value(amount, value)
    assert isinstance(text, str)
    assert "E" not in text
    assert Decimal(text) == value
