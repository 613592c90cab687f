"""SQL over the package with DuckDB: every table as a view over its Parquet file, plus joined views.

Partial dates read as text at their own precision (`1988`, `2019-05`, `2019-05-02`), amounts as
exact ``DECIMAL(26,6)``, lists as ``VARCHAR[]``. Four macros help with dates:
``partial_date_text(struct)``, ``partial_date_precision(text)``, ``partial_date_start(text)`` and
``partial_date_end(text)`` (the first and last day the date can stand for).

>>> con = connect()  # doctest: +SKIP
>>> con.sql("SELECT kind, title FROM timeline WHERE date_start >= DATE '2023-01-01'").fetchall()  # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import MissingExtraError, PackageError, QueryError
from .meta import data_root
from .models import TABLES
from .schema import DECIMAL_PRECISION, DECIMAL_SCALE, columns

if TYPE_CHECKING:
    import duckdb

MACROS: dict[str, tuple[str, str]] = {
    "partial_date_text": (
        "d",
        "CASE WHEN d IS NULL THEN NULL ELSE lpad(CAST(d.year AS VARCHAR), 4, '0')"
        " || coalesce('-' || lpad(CAST(d.month AS VARCHAR), 2, '0'), '')"
        " || coalesce('-' || lpad(CAST(d.day AS VARCHAR), 2, '0'), '') END",
    ),
    "partial_date_precision": ("t", "CASE length(t) WHEN 4 THEN 'year' WHEN 7 THEN 'month' WHEN 10 THEN 'day' END"),
    "partial_date_start": (
        "t",
        "CAST(CASE length(t) WHEN 4 THEN t || '-01-01' WHEN 7 THEN t || '-01' ELSE t END AS DATE)",
    ),
    "partial_date_end": (
        "t",
        "CASE length(t) WHEN 4 THEN CAST(t || '-12-31' AS DATE)"
        " WHEN 7 THEN last_day(CAST(t || '-01' AS DATE)) ELSE CAST(t AS DATE) END",
    ),
}

VIEW_DESCRIPTIONS: dict[str, str] = {
    "commitments_with_parties": "Each funding commitment with the names of its funders, recipients and partners.",
    "agreements_with_parties": "Each agreement with its parties, named signatories and implementing agencies.",
    "meetings_with_dialogue": "Each meeting with the name, acronym, kind and status of the dialogue that met.",
    "timeline": "Every dated event of every table, with its precision and first and last possible day.",
}

# What happened on each partial-date column, as the timeline's `kind`.
EVENT_KINDS: dict[tuple[str, str], str] = {
    ("sources", "published"): "source published",
    ("sources", "retrieved"): "source consulted",
    ("institutions", "established"): "institution established",
    ("institution_budgets", "fiscal_year"): "budget year",
    ("institution_budgets", "as_of"): "budget figure stated",
    ("agreements", "signed"): "agreement signed",
    ("agreements", "entry_into_force"): "agreement entered into force",
    ("agreements", "expires"): "agreement expires",
    ("dialogues", "established"): "dialogue established",
    ("dialogues", "ended"): "dialogue ended",
    ("meetings", "date"): "meeting",
    ("meetings", "end_date"): "meeting ended",
    ("meeting_counts", "as_of"): "meeting count stated",
    ("programs", "established"): "program established",
    ("programs", "ended"): "program ended",
    ("funding_commitments", "announced"): "commitment announced",
    ("policies", "enacted"): "policy enacted",
}

# Timeline titles that need a join: table -> (title expression over `t`, join clause).
_JOINED_TITLES = {
    "meetings": (
        "x.name || coalesce(', meeting ' || CAST(t.number AS VARCHAR), ' meeting')",
        "LEFT JOIN dialogues AS x ON x.id = t.dialogue_id",
    ),
    "institution_budgets": ("x.name || ' budget'", "LEFT JOIN institutions AS x ON x.id = t.institution_id"),
}


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _plural(word: str) -> str:
    return word[:-1] + "ies" if word.endswith("y") else word + "s"


def _table_view(table: str, path: Path) -> str:
    selected = [
        f"partial_date_text({_ident(c.name)}) AS {_ident(c.name)}" if c.kind == "partial_date" else _ident(c.name)
        for c in columns(table)
    ]
    return f"CREATE VIEW {_ident(table)} AS SELECT {', '.join(selected)} FROM read_parquet({_literal(str(path))})"


def _with_roles(view: str, base: str, link: str) -> str:
    """A view of ``base`` with one list column per role of ``link``, naming the institutions."""
    link_columns = {c.name: c for c in columns(link)}
    key = next(c.name for c in columns(link) if c.ref == base)
    label = "i.name"
    if "person" in link_columns:
        office = " || coalesce(', ' || l.person_title, '')" if "person_title" in link_columns else ""
        label = f"coalesce(l.person{office} || ' (' || i.name || ')', i.name)"
    roles = link_columns["role"].enum
    lists = ", ".join(
        f"list({label} ORDER BY {label}) FILTER (WHERE l.role = {_literal(r)}) AS {_plural(r)}" for r in roles
    )
    shown = ", ".join(f"coalesce(r.{_plural(r)}, CAST([] AS VARCHAR[])) AS {_plural(r)}" for r in roles)
    return (
        f"CREATE VIEW {view} AS WITH r AS (SELECT l.{key} AS _key, {lists} FROM {link} AS l"
        f" JOIN institutions AS i ON i.id = l.institution_id GROUP BY l.{key})"
        f" SELECT b.*, {shown} FROM {base} AS b LEFT JOIN r ON r._key = b.id ORDER BY b.id"
    )


def _timeline() -> str:
    """The timeline view: one branch per partial-date column of every table."""
    null_amount = f"CAST(NULL AS DECIMAL({DECIMAL_PRECISION}, {DECIMAL_SCALE}))"
    branches = []
    for table in TABLES:
        names = [c.name for c in columns(table.name)]
        dates = [c.name for c in columns(table.name) if c.kind == "partial_date"]
        if not dates:
            continue
        if table.name in _JOINED_TITLES:
            title, join = _JOINED_TITLES[table.name]
        else:
            title, join = f"t.{next((n for n in ('title', 'name') if n in names), 'id')}", ""
        if "amount_usd" in names:
            amount = "t.amount_usd"
        elif "amount" in names and "currency" in names:
            amount = "CASE WHEN t.currency = 'USD' THEN t.amount END"
        else:
            amount = null_amount
        key = " || '/' || ".join(f"t.{_ident(k)}" for k in table.primary_key)
        for name in dates:
            date = f"t.{_ident(name)}"
            kind = EVENT_KINDS.get((table.name, name), f"{table.name} {name}")
            branches.append(
                f"SELECT {date} AS date, partial_date_precision({date}) AS precision,"
                f" partial_date_start({date}) AS date_start, partial_date_end({date}) AS date_end,"
                f" {_literal(kind)} AS kind, {title} AS title, {key} AS record_id,"
                f' {_literal(table.name)} AS "table", {amount} AS amount_usd'
                f" FROM {_ident(table.name)} AS t {join} WHERE {date} IS NOT NULL"
            )
    union = " UNION ALL ".join(branches)
    return f'CREATE VIEW timeline AS SELECT * FROM ({union}) ORDER BY date_start, date_end, "table", record_id, kind'


def view_statements() -> dict[str, str]:
    """The ``CREATE VIEW`` statement of each joined view, by name."""
    return {
        "commitments_with_parties": _with_roles(
            "commitments_with_parties", "funding_commitments", "commitment_parties"
        ),
        "agreements_with_parties": _with_roles("agreements_with_parties", "agreements", "agreement_parties"),
        "meetings_with_dialogue": (
            "CREATE VIEW meetings_with_dialogue AS SELECT m.*, d.name AS dialogue_name,"
            " d.acronym AS dialogue_acronym, d.kind AS dialogue_kind, d.status AS dialogue_status"
            " FROM meetings AS m JOIN dialogues AS d ON d.id = m.dialogue_id"
            " ORDER BY m.dialogue_id, partial_date_start(m.date) NULLS LAST, m.number NULLS LAST, m.id"
        ),
        "timeline": _timeline(),
    }


def connect(data_dir: Path | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB database with every table, and the joined views, as views."""
    try:
        import duckdb
    except ImportError:
        raise MissingExtraError("duckdb", "duckdb") from None
    folder = data_root(data_dir).resolve()
    missing = [t.name for t in TABLES if not (folder / f"{t.name}.parquet").is_file()]
    if missing:
        raise PackageError(f"no Parquet file for {', '.join(missing)} in {folder}; build the package first")
    con = duckdb.connect(":memory:")
    for name, (parameter, body) in MACROS.items():
        con.execute(f"CREATE MACRO {name}({parameter}) AS {body}")
    for table in TABLES:
        try:
            con.execute(_table_view(table.name, folder / f"{table.name}.parquet"))
        except duckdb.Error as exc:
            con.close()
            message = f"{table.name}.parquet in {folder} does not match the schema; rebuild the package ({exc})"
            raise PackageError(message) from None
    for statement in view_statements().values():
        con.execute(statement)
    return con


def query(sql: str, data_dir: Path | None = None) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run one SQL statement; return its column names and rows."""
    import duckdb

    con = connect(data_dir)
    try:
        result = con.sql(sql)
        names, rows = (result.columns, result.fetchall()) if result is not None else ([], [])
    except duckdb.Error as exc:
        raise QueryError(str(exc)) from None
    finally:
        con.close()
    return names, rows
