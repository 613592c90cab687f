"""DuckDB over the Parquet files: exact values, dates at their precision, joined views, a locked query."""

import datetime as dt
import json
import sqlite3
import sys
from contextlib import closing
from decimal import Decimal
from pathlib import Path

import pytest

from usjst_data.builder import DATA_DIR
from usjst_data.datafiles import read_records
from usjst_data.errors import MissingExtraError, PackageError, QueryError
from usjst_data.export import export
from usjst_data.models import TABLES, record_key
from usjst_data.numbers import as_number
from usjst_data.schema import columns
from usjst_data.sql import connect, query
from usjst_data.views import EVENT_KINDS, VIEW_DESCRIPTIONS


@pytest.fixture
def data_dir(built: Path) -> Path:
    return built / DATA_DIR


def _rows(data_dir: Path, sql: str) -> list[dict[str, object]]:
    names, rows = query(sql, data_dir)
    return [dict(zip(names, row, strict=True)) for row in rows]


@pytest.mark.parametrize("table", list(TABLES), ids=lambda t: t.name)
def test_table_view_equals_model_records(data_dir: Path, table: object) -> None:
    from usjst_data.models import Table

    assert isinstance(table, Table)
    names, rows = query(f'SELECT * FROM "{table.name}"', data_dir)
    assert names == [c.name for c in columns(table.name)]
    by_key = {record_key(table, r): r for r in read_records(table.name, data_dir)}
    assert len(rows) == len(by_key)
    for row in rows:
        values = dict(zip(names, row, strict=True))
        expected = by_key["/".join(str(values[k]) for k in table.primary_key)]
        for name, value in values.items():
            assert value == getattr(expected, name), (table.name, name)


def test_types_dates_as_text_amounts_exact_lists_as_lists(data_dir: Path) -> None:
    signed = {r["id"]: r["signed"] for r in _rows(data_dir, "SELECT id, signed FROM agreements")}
    assert signed == {"umbrella-1988": "1988-06-20", "umbrella-extension-2014": "2014"}
    (row,) = _rows(data_dir, "SELECT amount, typeof(amount) AS t FROM funding_commitments WHERE id = 'fixture-share-b'")
    assert row == {"amount": Decimal("50000000.5"), "t": "DECIMAL(26,6)"}
    assert isinstance(row["amount"], Decimal)
    assert _rows(data_dir, "SELECT domains FROM dialogues") == [{"domains": ["quantum", "space"]}]
    assert _rows(data_dir, "SELECT published FROM sources ORDER BY id") == [
        {"published": "2020-06"},
        {"published": "2019-05-02"},
    ]


def test_date_macros(data_dir: Path) -> None:
    (row,) = _rows(
        data_dir,
        "SELECT partial_date_precision('2019') AS p1, partial_date_precision('2019-02') AS p2,"
        " partial_date_precision('2019-02-03') AS p3, partial_date_start('2019') AS s1, partial_date_end('2019') AS e1,"
        " partial_date_start('2020-02') AS s2, partial_date_end('2020-02') AS e2, partial_date_end('2019-02-03') AS e3,"
        " partial_date_text({'year': 1988, 'month': 6, 'day': NULL}) AS t",
    )
    assert row == {
        "p1": "year",
        "p2": "month",
        "p3": "day",
        "s1": dt.date(2019, 1, 1),
        "e1": dt.date(2019, 12, 31),
        "s2": dt.date(2020, 2, 1),
        "e2": dt.date(2020, 2, 29),
        "e3": dt.date(2019, 2, 3),
        "t": "1988-06",
    }


def test_commitments_with_parties(data_dir: Path) -> None:
    rows = _rows(data_dir, "SELECT * FROM commitments_with_parties")
    assert list(rows[0]) == [c.name for c in columns("funding_commitments")] + ["funders", "recipients", "partners"]
    parties = {r["id"]: (r["funders"], r["recipients"], r["partners"]) for r in rows}
    assert parties == {
        "fixture-share-a": (["Agency of X"], [], []),
        "fixture-share-b": ([], [], []),
        "fixture-total-2023": ([], [], []),
        "fixture-yen-fund": ([], [], []),
    }


def test_agreements_with_parties_names_signatories(data_dir: Path) -> None:
    rows = {r["id"]: r for r in _rows(data_dir, "SELECT * FROM agreements_with_parties")}
    assert rows["umbrella-1988"]["parties"] == ["Government of X"]
    assert rows["umbrella-1988"]["signatories"] == ["Y. Signer, Prime Minister (Government of Y)"]
    assert rows["umbrella-1988"]["implementing_agencies"] == []
    assert rows["umbrella-extension-2014"]["parties"] == []
    assert rows["umbrella-1988"]["signed"] == "1988-06-20"


def test_meetings_with_dialogue(data_dir: Path) -> None:
    rows = _rows(data_dir, "SELECT id, date, dialogue_name, dialogue_acronym FROM meetings_with_dialogue")
    assert rows == [
        {"id": "hlc-13", "date": "2018", "dialogue_name": "High-Level Committee", "dialogue_acronym": "HLC"},
        {"id": "hlc-14", "date": "2019-05-02", "dialogue_name": "High-Level Committee", "dialogue_acronym": "HLC"},
    ]


def test_timeline_has_every_dated_value_in_order(data_dir: Path) -> None:
    rows = _rows(data_dir, "SELECT * FROM timeline")
    expected = sorted(
        (table.name, record_key(table, r), c.name)
        for table in TABLES
        for r in read_records(table.name, data_dir)
        for c in columns(table.name)
        if c.kind == "partial_date" and getattr(r, c.name) is not None
    )
    kinds = {v: k for k, v in EVENT_KINDS.items()}
    assert sorted((r["table"], r["record_id"], kinds[str(r["kind"])][1]) for r in rows) == expected
    assert [r["date_start"] for r in rows] == sorted(r["date_start"] for r in rows)  # type: ignore[type-var]
    by_event = {(r["record_id"], r["kind"]): r for r in rows}
    assert by_event["umbrella-1988", "agreement signed"] == {
        "date": "1988-06-20",
        "precision": "day",
        "date_start": dt.date(1988, 6, 20),
        "date_end": dt.date(1988, 6, 20),
        "kind": "agreement signed",
        "title": "Agreement on Fixture Cooperation",
        "record_id": "umbrella-1988",
        "table": "agreements",
        "amount_usd": None,
    }
    announced = by_event["fixture-total-2023", "commitment announced"]
    assert (announced["precision"], announced["date_end"]) == ("month", dt.date(2023, 5, 31))
    assert announced["amount_usd"] == Decimal("210000000")
    assert by_event["hlc-14", "meeting"]["title"] == "High-Level Committee, meeting 14"
    assert by_event["hlc", "dialogue established"]["date_end"] == dt.date(1988, 12, 31)
    assert by_event["agency-x-budget-2020", "budget year"]["amount_usd"] == Decimal("8000000000")


def test_every_partial_date_column_has_an_event_kind() -> None:
    dated = {(t.name, c.name) for t in TABLES for c in columns(t.name) if c.kind == "partial_date"}
    assert dated == set(EVENT_KINDS)


def test_documented_views_exist(data_dir: Path) -> None:
    con = connect(data_dir)
    views = {name for (name,) in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
    assert views == set(VIEW_DESCRIPTIONS) | {t.name for t in TABLES}
    assert all(description.endswith(".") for description in VIEW_DESCRIPTIONS.values())


def test_query_returns_names_and_rows_or_a_query_error(data_dir: Path) -> None:
    with pytest.raises(QueryError, match="nope"):
        query("SELECT * FROM nope", data_dir)
    assert query("SELECT count(*) AS n FROM citations", data_dir) == (["n"], [(24,)])


def test_missing_duckdb_names_the_extra(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "duckdb", None)
    with pytest.raises(MissingExtraError, match=r'pip install "usjst-data\[duckdb\]"'):
        connect(data_dir)


def test_missing_build_is_a_package_error(tmp_path: Path) -> None:
    with pytest.raises(PackageError, match="no Parquet file for sources"):
        connect(tmp_path)


def test_stale_parquet_is_a_package_error(data_dir: Path) -> None:
    (data_dir / "institution_budgets.parquet").write_bytes((data_dir / "domains.parquet").read_bytes())
    with pytest.raises(PackageError, match=r"institution_budgets\.parquet in .* does not match the schema; rebuild"):
        connect(data_dir)


@pytest.mark.parametrize(
    "sql",
    [
        "COPY (SELECT 1) TO '{out}/copied.csv'",
        "ATTACH '{out}/attached.duckdb' AS other",
        "SELECT * FROM read_csv('/etc/passwd')",
        "SELECT * FROM read_parquet('{data}/sources.parquet')",
        "SELECT * FROM glob('/etc/*')",
        "INSTALL httpfs",
        "LOAD httpfs",
        "SET enable_external_access = true",
        "SET autoinstall_known_extensions = true",
    ],
)
def test_query_is_locked_down(data_dir: Path, tmp_path: Path, sql: str) -> None:
    with pytest.raises(QueryError, match=r"disabled|locked|Permission"):
        query(sql.format(out=tmp_path, data=data_dir), data_dir)
    assert not (tmp_path / "copied.csv").exists()
    assert not (tmp_path / "attached.duckdb").exists()


def test_connect_is_the_open_door(data_dir: Path) -> None:
    import duckdb

    read = f"SELECT count(*) FROM read_csv('{data_dir / 'domains.csv'}')"
    assert connect(data_dir).execute(read).fetchall() == [(2,)]
    locked = connect(data_dir, locked=True)
    assert locked.execute("SELECT count(*) FROM domains").fetchall() == [(2,)]
    with pytest.raises(duckdb.Error, match="disabled"):
        locked.execute(read)


def test_commitment_totals_count_each_amount_once(data_dir: Path) -> None:
    by_year = "SELECT substr(announced, 1, 4) AS year, sum(amount_usd) AS usd FROM {} GROUP BY year ORDER BY year"
    assert _rows(data_dir, by_year.format("commitment_totals")) == [
        {"year": "2023", "usd": Decimal("210000000")},
        {"year": None, "usd": Decimal("900000000")},
    ]
    totals = "SELECT id, amount, components FROM commitment_totals"
    assert _rows(data_dir, totals) == [
        {"id": "fixture-total-2023", "amount": Decimal("210000000"), "components": 2},
        {"id": "fixture-yen-fund", "amount": Decimal("100000000000"), "components": 0},
    ]


def test_record_citations_name_the_source(data_dir: Path) -> None:
    rows = _rows(data_dir, "SELECT * FROM record_citations WHERE record_id = 'fixture-yen-fund'")
    assert rows == [
        {
            "table": "funding_commitments",
            "record_id": "fixture-yen-fund",
            "source_id": "doc-a",
            "source_title": "Fixture Report",
            "source_publisher": "Fixture Press",
            "source_published": "2020-06",
            "source_url": "https://example.org/doc-a",
            "locator": "§ Money",
            "fields": [],
            "basis": "stated",
            "note": None,
        }
    ]
    (count,) = query("SELECT count(*) FROM record_citations", data_dir)[1]
    assert count == query("SELECT count(*) FROM citations", data_dir)[1][0]


def _same_in_both(value: object) -> object:
    """A DuckDB value as the SQLite export holds it: ISO text dates, JSON text lists, numbers."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if isinstance(value, Decimal):
        return as_number(value)
    return value


@pytest.mark.parametrize("view", list(VIEW_DESCRIPTIONS))
def test_views_are_the_same_in_duckdb_and_sqlite(data_dir: Path, tmp_path: Path, view: str) -> None:
    (path, _) = export("sqlite", tmp_path / "usjst.db", data_dir)
    names, rows = query(f"SELECT * FROM {view}", data_dir)
    with closing(sqlite3.connect(path)) as db:
        cursor = db.execute(f"SELECT * FROM {view}")
        assert [d[0] for d in cursor.description] == names
        assert cursor.fetchall() == [tuple(_same_in_both(v) for v in row) for row in rows]
    assert rows


def test_meeting_delegations_name_each_side(data_dir: Path) -> None:
    rows = _rows(data_dir, "SELECT meeting_id, side, role, institution_name, person FROM meeting_delegations")
    assert rows == [
        {
            "meeting_id": "hlc-14",
            "side": "US",
            "role": "co_chair",
            "institution_name": "Agency of X",
            "person": "Jane Doe",
        },
        {
            "meeting_id": "hlc-14",
            "side": "JP",
            "role": "participant",
            "institution_name": "Government of Y",
            "person": None,
        },
    ]
