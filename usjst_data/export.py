"""Exports of the whole package: SQLite (with a Datasette metadata.json), JSON, JSON Lines, Excel.

Values are exported exactly: amounts as decimal text, partial dates as text at their own precision,
lists as JSON arrays (JSON text in SQLite). JSON Lines nests each record, ``{"table": ..., "record":
{...}}``, because citations and discrepancies have a ``table`` column of their own. The same data
always gives the same bytes (for SQLite: with the same SQLite library, whose version is in the header).
"""

from __future__ import annotations

import json
import os
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

from . import meta
from .datafiles import read_records
from .errors import UsjstError
from .formats import ExportFormat
from .models import TABLES, Record, Table
from .schema import Column, columns, table_schema

FORMATS = tuple(ExportFormat)
# Columns indexed for full-text search wherever a table has them.
SEARCHABLE = ("name", "title", "subtitle", "short_title", "short_name", "acronym", "summary", "description")
METADATA = "metadata.json"


def export(fmt: str, out: Path, data_dir: Path | None = None) -> list[Path]:
    """Write the package to ``out`` in ``fmt`` (one of FORMATS); return the files written."""
    out = Path(out)
    if fmt not in FORMATS:
        raise UsjstError(f"unknown export format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "xlsx":
        from .spreadsheet import write_xlsx

        return [write_xlsx(out, data_dir)]
    data = {t.name: read_records(t.name, data_dir) for t in TABLES}
    if fmt == "sqlite":
        return write_sqlite(data, out)
    if fmt == "json":
        document = {name: [plain_record(name, r) for r in records] for name, records in data.items()}
        _write_bytes(out, (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    else:
        lines = [
            json.dumps({"table": name, "record": plain_record(name, r)}, ensure_ascii=False, separators=(",", ":"))
            for name, records in data.items()
            for r in records
        ]
        _write_bytes(out, "".join(line + "\n" for line in lines).encode("utf-8"))
    return [out]


def plain_value(column: Column, value: Any) -> Any:
    """A value as JSON-ready data: decimal text as in the CSV, lists as lists, integers as numbers."""
    from .builder import cell

    if value is None:
        return None
    if column.is_list:
        return list(value)
    if column.kind == "integer":
        return int(value)
    return cell(column, value)


def plain_record(table: str, record: Record) -> dict[str, Any]:
    """A record as a JSON-ready dict, every column present in schema order."""
    return {c.name: plain_value(c, getattr(record, c.name)) for c in columns(table)}


def _write_bytes(out: Path, content: bytes) -> None:
    temporary = out.with_name(out.name + ".tmp")
    temporary.write_bytes(content)
    os.replace(temporary, out)


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def create_table_sql(table: Table) -> str:
    """The ``CREATE TABLE`` statement of a table: types, NOT NULL, CHECK for categories, keys."""
    schema = table_schema(table)
    lines = []
    for column in columns(table.name):
        line = f"{_q(column.name)} {'INTEGER' if column.kind == 'integer' else 'TEXT'}"
        if column.required or column.name in table.primary_key:
            line += " NOT NULL"
        if column.enum:
            line += f" CHECK ({_q(column.name)} IN ({', '.join(_literal(v) for v in column.enum)}))"
        lines.append(line)
    lines.append(f"PRIMARY KEY ({', '.join(_q(k) for k in table.primary_key)})")
    lines += [
        f"FOREIGN KEY ({_q(fk['fields'][0])}) REFERENCES {_q(fk['reference']['resource'])} ({_q('id')})"
        for fk in schema.get("foreignKeys", [])
    ]
    return f"CREATE TABLE {_q(table.name)} (\n  " + ",\n  ".join(lines) + "\n)"


def write_sqlite(data: dict[str, list[Record]], out: Path) -> list[Path]:
    """Write the tables to a SQLite file, in a fixed order, plus Datasette's metadata beside it."""
    temporary = out.with_name(out.name + ".tmp")
    temporary.unlink(missing_ok=True)
    with closing(sqlite3.connect(temporary)) as db:
        db.execute("PRAGMA journal_mode = OFF")
        for table in TABLES:
            cols = columns(table.name)
            db.execute(create_table_sql(table))
            placeholders = ", ".join("?" for _ in cols)
            db.executemany(
                f"INSERT INTO {_q(table.name)} VALUES ({placeholders})",
                [
                    tuple(
                        json.dumps(v, ensure_ascii=False, separators=(",", ":")) if c.is_list else v
                        for c, v in zip(cols, plain_record(table.name, r).values(), strict=True)
                    )
                    for r in data[table.name]
                ],
            )
            for fk in table_schema(table).get("foreignKeys", []):
                column = fk["fields"][0]
                db.execute(f"CREATE INDEX {_q(f'{table.name}_{column}')} ON {_q(table.name)} ({_q(column)})")
            searchable = [c.name for c in cols if c.name in SEARCHABLE]
            if searchable:
                fts, names = _q(f"{table.name}_fts"), ", ".join(_q(n) for n in searchable)
                db.execute(f'CREATE VIRTUAL TABLE {fts} USING fts5({names}, content="{table.name}")')
                db.execute(f"INSERT INTO {fts} (rowid, {names}) SELECT rowid, {names} FROM {_q(table.name)}")
        db.commit()
        broken = db.execute("PRAGMA foreign_key_check").fetchall()
    if broken:
        temporary.unlink()
        raise UsjstError(f"foreign keys do not hold in the export (table, rowid, parent, key): {broken[:5]}")
    os.replace(temporary, out)
    metadata = out.with_name(METADATA)
    _write_bytes(metadata, (json.dumps(datasette_metadata(out.stem), ensure_ascii=False, indent=2) + "\n").encode())
    return [out, metadata]


def datasette_metadata(database: str) -> dict[str, Any]:
    """Datasette metadata: title, license, source, and every table's and column's description."""
    tables: dict[str, Any] = {}
    for table in TABLES:
        cols = columns(table.name)
        entry: dict[str, Any] = {
            "description": table.description,
            "columns": {c.name: c.description for c in cols},
        }
        label = next((c.name for c in cols if c.name in ("title", "name")), None)
        if label:
            entry["label_column"] = label
        facets = [c.name for c in cols if c.enum]
        if facets:
            entry["facets"] = facets
        tables[table.name] = entry
    return {
        "title": meta.TITLE,
        "description": meta.DESCRIPTION,
        "license": meta.DATA_LICENSE["name"],
        "license_url": meta.DATA_LICENSE["path"],
        "source": f"{meta.NAME} {meta.VERSION}",
        "source_url": meta.HOMEPAGE,
        "databases": {database: {"tables": tables}},
    }
