"""Exports of the whole package: SQLite (with Datasette metadata), JSON, JSON Lines, Excel.

Values are exported exactly. Numbers are numbers: in SQLite an amount is an INTEGER when whole and
a REAL otherwise (columns of type NUMERIC), and in JSON a number. A decimal that a double cannot
hold exactly (more than 15 significant digits) is never silently rounded: in JSON it is a string of
its exact digits, and in SQLite its column gets a companion ``<column>_text`` holding every value's
exact digits. Partial dates are text at their own precision, lists JSON arrays (JSON text in
SQLite). JSON Lines nests each record, ``{"table": ..., "record": {...}}``, because citations and
discrepancies have a ``table`` column of their own. The SQLite file also has the joined views of
``views`` (the same definitions DuckDB runs) and, beside it, ``<name>.metadata.json`` for Datasette.
Files are written through ``output.write_atomically``. The same data always gives the same bytes
(for SQLite: with the same SQLite library, whose version is in the header).
"""

from __future__ import annotations

import html
import json
import sqlite3
from contextlib import closing
from decimal import Decimal
from pathlib import Path
from typing import Any

from . import meta
from .datafiles import read_package
from .errors import OutputError, PackageError, UsjstError
from .formats import ExportFormat
from .models import TABLES, Record, Table
from .numbers import as_number, double_holds, is_whole
from .output import check_target, write_atomically
from .schema import Column, columns, table_schema
from .views import SQLITE, VIEW_DESCRIPTIONS, cited_tables, ident, literal, view_statements

FORMATS = tuple(ExportFormat)
# Columns indexed for full-text search wherever a table has them.
SEARCHABLE = ("name", "title", "subtitle", "short_title", "short_name", "acronym", "summary", "description")
TEXT_SUFFIX = "_text"
_INT64 = 2**63


def metadata_path(database: Path) -> Path:
    """Where the SQLite export writes Datasette's metadata: ``x.db`` -> ``x.metadata.json``."""
    return database.with_name(f"{database.stem}.metadata.json")


def export(fmt: str, out: Path, data_dir: Path | None = None) -> list[Path]:
    """Write the package in ``data_dir`` (default: the shipped data) to ``out`` in ``fmt``; return the files.

    Raises OutputError, before writing anything, when ``out`` is a folder or its folder is missing,
    and UsjstError for an unknown format.
    """
    out = Path(out)
    if fmt not in FORMATS:
        raise UsjstError(f"unknown export format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    check_target(out)
    if fmt == "xlsx":
        from .spreadsheet import write_xlsx

        return [write_xlsx(out, data_dir)]
    if fmt == "sqlite":
        metadata = metadata_path(out)
        if metadata == out:
            raise OutputError(f"{out} would be overwritten by its own Datasette metadata; name it like usjst.db")
        check_target(metadata)
        data = read_package(data_dir)
        write_atomically(out, sqlite_bytes(data))
        write_atomically(metadata, _json_bytes(datasette_metadata(out.stem, data), indent=2))
        return [out, metadata]
    data = read_package(data_dir)
    if fmt == "json":
        document = {name: [plain_record(name, r) for r in records] for name, records in data.items()}
        return [write_atomically(out, _json_bytes(document, indent=2))]
    lines = [
        json.dumps({"table": name, "record": plain_record(name, r)}, ensure_ascii=False, separators=(",", ":"))
        for name, records in data.items()
        for r in records
    ]
    return [write_atomically(out, "".join(line + "\n" for line in lines).encode("utf-8"))]


def _json_bytes(document: Any, indent: int) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=indent) + "\n").encode("utf-8")


def plain_value(column: Column, value: Any) -> Any:
    """A value as JSON-ready data: numbers where a double holds them exactly, exact digits as text otherwise."""
    from .builder import cell

    if value is None:
        return None
    if column.is_list:
        return list(value)
    if column.kind == "integer":
        return int(value)
    if isinstance(value, Decimal):
        number = as_number(value)
        return number if number is not None else cell(column, value)
    return cell(column, value)


def plain_record(table: str, record: Record) -> dict[str, Any]:
    """A record as a JSON-ready dict, every column present in schema order."""
    return {c.name: plain_value(c, getattr(record, c.name)) for c in columns(table)}


def sqlite_number(value: Decimal) -> int | float:
    """An amount as SQLite stores it: an INTEGER when whole (and within 64 bits), a REAL otherwise."""
    return int(value) if is_whole(value) and abs(value) < _INT64 else float(value)


def sqlite_holds(value: Decimal) -> bool:
    """Whether ``sqlite_number(value)`` is exactly ``value`` (else its column gets a ``_text`` companion)."""
    return (is_whole(value) and abs(value) < _INT64) or double_holds(value)


def text_companions(table: str, records: list[Record]) -> frozenset[str]:
    """The decimal columns of ``table`` holding a value SQLite cannot store exactly as a number."""
    return frozenset(
        c.name
        for c in columns(table)
        if c.kind == "decimal"
        and any(v is not None and not sqlite_holds(v) for v in (getattr(r, c.name) for r in records))
    )


def _sqlite_type(column: Column) -> str:
    # NUMERIC stores each whole value as INTEGER and any other as REAL, so sorting and comparing are numeric.
    return {"integer": "INTEGER", "decimal": "NUMERIC"}.get(column.kind, "TEXT")


def create_table_sql(table: Table, companions: frozenset[str] = frozenset()) -> str:
    """The ``CREATE TABLE`` statement of a table: types, NOT NULL, CHECK for categories, keys."""
    schema = table_schema(table)
    lines = []
    for column in columns(table.name):
        not_null = " NOT NULL" if column.required or column.name in table.primary_key else ""
        line = f"{ident(column.name)} {_sqlite_type(column)}{not_null}"
        if column.enum:
            line += f" CHECK ({ident(column.name)} IN ({', '.join(literal(v) for v in column.enum)}))"
        lines.append(line)
        if column.name in companions:
            lines.append(f"{ident(column.name + TEXT_SUFFIX)} TEXT{not_null}")
    lines.append(f"PRIMARY KEY ({', '.join(ident(k) for k in table.primary_key)})")
    lines += [
        f"FOREIGN KEY ({ident(fk['fields'][0])}) REFERENCES {ident(fk['reference']['resource'])} ({ident('id')})"
        for fk in schema.get("foreignKeys", [])
    ]
    return f"CREATE TABLE {ident(table.name)} (\n  " + ",\n  ".join(lines) + "\n)"


def sqlite_row(table: str, record: Record, companions: frozenset[str] = frozenset()) -> tuple[Any, ...]:
    """A record as the values of its SQLite row: numbers, exact text companions, JSON text for lists."""
    from .builder import cell

    values: list[Any] = []
    for column in columns(table):
        value = getattr(record, column.name)
        if value is None:
            values.append(None)
        elif column.kind == "decimal":
            values.append(sqlite_number(value))
        elif column.kind == "integer":
            values.append(int(value))
        else:
            values.append(cell(column, value))
        if column.name in companions:
            values.append(None if value is None else cell(column, value))
    return tuple(values)


def sqlite_bytes(data: dict[str, list[Record]]) -> bytes:
    """The SQLite database of the tables: keys, indexes, full-text search and the joined views."""
    with closing(sqlite3.connect(":memory:")) as db:
        for table in TABLES:
            records = data[table.name]
            companions = text_companions(table.name, records)
            db.execute(create_table_sql(table, companions))
            rows = [sqlite_row(table.name, r, companions) for r in records]
            if rows:
                db.executemany(f"INSERT INTO {ident(table.name)} VALUES ({', '.join('?' for _ in rows[0])})", rows)
            for fk in table_schema(table).get("foreignKeys", []):
                column = fk["fields"][0]
                db.execute(f"CREATE INDEX {ident(f'{table.name}_{column}')} ON {ident(table.name)} ({ident(column)})")
            searchable = [c.name for c in columns(table.name) if c.name in SEARCHABLE]
            if searchable:
                fts, names = ident(f"{table.name}_fts"), ", ".join(ident(n) for n in searchable)
                db.execute(f"CREATE VIRTUAL TABLE {fts} USING fts5({names}, content={ident(table.name)})")
                db.execute(f"INSERT INTO {fts} (rowid, {names}) SELECT rowid, {names} FROM {ident(table.name)}")
        for statement in view_statements(SQLITE).values():
            db.execute(statement)
        db.commit()
        broken = db.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise PackageError(f"foreign keys do not hold in the export (table, rowid, parent, key): {broken[:5]}")
        return db.serialize()


def _citations_link(database: str, table: str) -> str:
    return f'<a href="/{html.escape(database)}/record_citations?table={html.escape(table)}">record_citations</a>'


def datasette_metadata(database: str, data: dict[str, list[Record]] | None = None) -> dict[str, Any]:
    """Datasette metadata: title, license, source, and every table's, view's and column's description.

    A cited table's description links to its rows of ``record_citations``; ``data`` (when given)
    names the exact-text companion columns.
    """
    cited = cited_tables()
    tables: dict[str, Any] = {}
    for table in TABLES:
        cols = columns(table.name)
        companions = text_companions(table.name, data[table.name]) if data else frozenset()
        described = {}
        for c in cols:
            described[c.name] = c.description
            if c.name in companions:
                described[c.name + TEXT_SUFFIX] = f"Exact digits of `{c.name}`, which a number cannot hold."
        entry: dict[str, Any] = {"description": table.description, "columns": described}
        if table.name in cited:
            entry["description_html"] = (
                f"<p>{html.escape(table.description)}</p><p>Where each record's facts come from:"
                f" {_citations_link(database, table.name)}, filtered by table and record_id.</p>"
            )
        label = next((c.name for c in cols if c.name in ("title", "name")), None)
        if label:
            entry["label_column"] = label
        facets = [c.name for c in cols if c.enum]
        if facets:
            entry["facets"] = facets
        tables[table.name] = entry
    for view, description in VIEW_DESCRIPTIONS.items():
        tables[view] = {"description": description}
    tables["record_citations"]["facets"] = ["table", "source_id"]
    return {
        "title": meta.TITLE,
        "description": meta.DESCRIPTION,
        "license": meta.DATA_LICENSE["name"],
        "license_url": meta.DATA_LICENSE["path"],
        "source": f"{meta.NAME} {meta.VERSION}",
        "source_url": meta.HOMEPAGE,
        "databases": {database: {"tables": tables}},
    }
