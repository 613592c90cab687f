"""SQL over the package with DuckDB: every table, plus the joined views of ``views``.

Partial dates read as text at their own precision (`1988`, `2019-05`, `2019-05-02`), amounts as
exact ``DECIMAL(26,6)``, lists as ``VARCHAR[]``. Four macros help with dates:
``partial_date_text(struct)``, ``partial_date_precision(text)``, ``partial_date_start(text)`` and
``partial_date_end(text)`` (the first and last day the date can stand for).

``query()`` (and ``usjst sql``) runs on a locked-down database: the tables are read into memory,
then external access (files, ``COPY``, ``ATTACH``, URLs) and extension loading are switched off
and the configuration is locked. ``connect()`` is the open door: views over the Parquet files on
an ordinary DuckDB connection.

>>> con = connect()  # doctest: +SKIP
>>> con.sql("SELECT kind, title FROM timeline WHERE date_start >= DATE '2023-01-01'").fetchall()  # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import MissingExtraError, PackageError, QueryError
from .meta import data_root
from .models import TABLES
from .schema import columns
from .views import (
    DUCKDB,
    ident,
    literal,
    partial_date_end,
    partial_date_precision,
    partial_date_start,
    view_statements,
)

if TYPE_CHECKING:
    import duckdb

MACROS: dict[str, tuple[str, str]] = {
    "partial_date_text": (
        "d",
        "CASE WHEN d IS NULL THEN NULL ELSE lpad(CAST(d.year AS VARCHAR), 4, '0')"
        " || coalesce('-' || lpad(CAST(d.month AS VARCHAR), 2, '0'), '')"
        " || coalesce('-' || lpad(CAST(d.day AS VARCHAR), 2, '0'), '') END",
    ),
    "partial_date_precision": ("t", partial_date_precision("t")),
    "partial_date_start": ("t", partial_date_start("t", DUCKDB)),
    "partial_date_end": ("t", partial_date_end("t", DUCKDB)),
}
# Settings of the locked database: no extension is fetched or loaded behind the query's back.
_NO_EXTENSIONS: dict[str, str | bool | int | float | list[str]] = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
}


def _table_select(table: str, path: Path) -> str:
    selected = [
        f"partial_date_text({ident(c.name)}) AS {ident(c.name)}" if c.kind == "partial_date" else ident(c.name)
        for c in columns(table)
    ]
    return f"SELECT {', '.join(selected)} FROM read_parquet({literal(str(path))})"


def connect(data_dir: Path | None = None, *, locked: bool = False) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB database with every table and the joined views.

    Open (the default): each table is a view over its Parquet file in ``data_dir`` (default: the
    shipped data), and the connection can do anything DuckDB can. ``locked=True``: the tables are
    read into memory, then files, network, ``ATTACH`` and extensions are refused for good.
    """
    try:
        import duckdb
    except ImportError:
        raise MissingExtraError("duckdb", "duckdb") from None
    folder = data_root(data_dir).resolve()
    missing = [t.name for t in TABLES if not (folder / f"{t.name}.parquet").is_file()]
    if missing:
        raise PackageError(f"no Parquet file for {', '.join(missing)} in {folder}; build the package first")
    con = duckdb.connect(":memory:", config=_NO_EXTENSIONS if locked else {})
    for name, (parameter, body) in MACROS.items():
        con.execute(f"CREATE MACRO {name}({parameter}) AS {body}")
    relation = "TABLE" if locked else "VIEW"
    for table in TABLES:
        try:
            select = _table_select(table.name, folder / f"{table.name}.parquet")
            con.execute(f"CREATE {relation} {ident(table.name)} AS {select}")
        except duckdb.Error as exc:
            con.close()
            message = f"{table.name}.parquet in {folder} does not match the schema; rebuild the package ({exc})"
            raise PackageError(message) from None
    for statement in view_statements(DUCKDB).values():
        con.execute(statement)
    if locked:
        con.execute("SET enable_external_access = false")
        con.execute("SET lock_configuration = true")
    return con


def query(sql: str, data_dir: Path | None = None) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run one SQL statement on the locked database of ``data_dir``; return its column names and rows."""
    import duckdb

    con = connect(data_dir, locked=True)
    try:
        result = con.sql(sql)
        names, rows = (result.columns, result.fetchall()) if result is not None else ([], [])
    except duckdb.Error as exc:
        raise QueryError(str(exc)) from None
    finally:
        con.close()
    return names, rows
