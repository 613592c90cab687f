"""The joined views, defined once and written out for DuckDB and for SQLite (and so Datasette).

The engines differ in three places only, which a ``Dialect`` names: DuckDB has a DATE type and
lists (``VARCHAR[]``) where SQLite has ISO date text and JSON arrays, and DuckDB needs a typed null
to unite amounts in the timeline. Everything else is SQL both engines run as written.
"""

from __future__ import annotations

from dataclasses import dataclass

from .models import TABLES
from .schema import DECIMAL_PRECISION, DECIMAL_SCALE, columns


@dataclass(frozen=True)
class Dialect:
    """How one engine writes the few things the view definitions cannot write the same way."""

    name: str
    as_date: str  # turns ISO date text `{}` into the engine's date
    month_end: str  # the last day, as ISO text, of the month whose `YYYY-MM` text is `{}`
    list_of: str  # a list of `{value}` over the rows of `{rows}` (FROM ... WHERE ...), sorted
    null_amount: str


DUCKDB = Dialect(
    name="duckdb",
    as_date="CAST({} AS DATE)",
    month_end="CAST(last_day(CAST({} || '-01' AS DATE)) AS VARCHAR)",
    list_of="coalesce((SELECT list({value} ORDER BY {value}) {rows}), CAST([] AS VARCHAR[]))",
    null_amount=f"CAST(NULL AS DECIMAL({DECIMAL_PRECISION}, {DECIMAL_SCALE}))",
)
# json_group_array keeps the order of an ordered subquery (SQLite before 3.44 has no ORDER BY in
# an aggregate), and gives `[]` over no rows.
SQLITE = Dialect(
    name="sqlite",
    as_date="{}",
    month_end="date({} || '-01', '+1 month', '-1 day')",
    list_of="(SELECT json_group_array(v) FROM (SELECT {value} AS v {rows} ORDER BY v))",
    null_amount="NULL",
)

VIEW_DESCRIPTIONS: dict[str, str] = {
    "commitments_with_parties": "Each funding commitment with the names of its funders, recipients and partners.",
    "commitment_totals": (
        "Funding commitments that are not a component of another (no parent_id), with their number of"
        " components: sum these to count each amount once."
    ),
    "agreements_with_parties": "Each agreement with its parties, named signatories and implementing agencies.",
    "meetings_with_dialogue": "Each meeting with the name, acronym, kind and status of the dialogue that met.",
    "meeting_delegations": (
        "Each meeting's co-chairs, heads of delegation and participating institutions, by side, with the"
        " dialogue, ordinal and date of the meeting and the institution's name."
    ),
    "record_citations": "Every citation with its source's title, publisher, date and URL, by table and record.",
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


def ident(name: str) -> str:
    """``name`` as a quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    """``text`` as a SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def partial_date_precision(text: str) -> str:
    """SQL for the precision (`year`, `month`, `day`) of the partial date ``text``."""
    return f"CASE length({text}) WHEN 4 THEN 'year' WHEN 7 THEN 'month' WHEN 10 THEN 'day' END"


def partial_date_start(text: str, dialect: Dialect) -> str:
    """SQL for the first day the partial date ``text`` can stand for."""
    return dialect.as_date.format(
        f"CASE length({text}) WHEN 4 THEN {text} || '-01-01' WHEN 7 THEN {text} || '-01' ELSE {text} END"
    )


def partial_date_end(text: str, dialect: Dialect) -> str:
    """SQL for the last day the partial date ``text`` can stand for."""
    month_end = dialect.month_end.format(text)
    return dialect.as_date.format(
        f"CASE length({text}) WHEN 4 THEN {text} || '-12-31' WHEN 7 THEN {month_end} ELSE {text} END"
    )


def _plural(word: str) -> str:
    return word[:-1] + "ies" if word.endswith("y") else word + "s"


def _with_roles(view: str, base: str, link: str, dialect: Dialect) -> str:
    """A view of ``base`` with one list column per role of ``link``, naming the institutions."""
    link_columns = {c.name: c for c in columns(link)}
    key = next(c.name for c in columns(link) if c.ref == base)
    label = "i.name"
    if "person" in link_columns:
        office = " || coalesce(', ' || l.person_title, '')" if "person_title" in link_columns else ""
        label = f"coalesce(l.person{office} || ' (' || i.name || ')', i.name)"
    lists = []
    for role in link_columns["role"].enum:
        rows = (
            f"FROM {link} AS l JOIN institutions AS i ON i.id = l.institution_id"
            f" WHERE l.{key} = b.id AND l.role = {literal(role)}"
        )
        lists.append(f"{dialect.list_of.format(value=label, rows=rows)} AS {_plural(role)}")
    return f"CREATE VIEW {view} AS SELECT b.*, {', '.join(lists)} FROM {base} AS b ORDER BY b.id"


def _timeline(dialect: Dialect) -> str:
    """The timeline view: one branch per partial-date column of every table."""
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
            amount = dialect.null_amount
        key = " || '/' || ".join(f"t.{ident(k)}" for k in table.primary_key)
        for name in dates:
            date = f"t.{ident(name)}"
            kind = EVENT_KINDS.get((table.name, name), f"{table.name} {name}")
            branches.append(
                f"SELECT {date} AS date, {partial_date_precision(date)} AS precision,"
                f" {partial_date_start(date, dialect)} AS date_start, {partial_date_end(date, dialect)} AS date_end,"
                f" {literal(kind)} AS kind, {title} AS title, {key} AS record_id,"
                f' {literal(table.name)} AS "table", {amount} AS amount_usd'
                f" FROM {ident(table.name)} AS t {join} WHERE {date} IS NOT NULL"
            )
    union = " UNION ALL ".join(branches)
    return f'CREATE VIEW timeline AS SELECT * FROM ({union}) ORDER BY date_start, date_end, "table", record_id, kind'


def view_statements(dialect: Dialect) -> dict[str, str]:
    """The ``CREATE VIEW`` statement of each joined view in ``dialect``, by name, in VIEW_DESCRIPTIONS order."""
    meeting_start = partial_date_start("m.date", dialect)
    statements = {
        "commitments_with_parties": _with_roles(
            "commitments_with_parties", "funding_commitments", "commitment_parties", dialect
        ),
        "commitment_totals": (
            "CREATE VIEW commitment_totals AS SELECT c.*,"
            " (SELECT count(*) FROM funding_commitments AS k WHERE k.parent_id = c.id) AS components"
            " FROM funding_commitments AS c WHERE c.parent_id IS NULL ORDER BY c.id"
        ),
        "agreements_with_parties": _with_roles("agreements_with_parties", "agreements", "agreement_parties", dialect),
        "meetings_with_dialogue": (
            "CREATE VIEW meetings_with_dialogue AS SELECT m.*, d.name AS dialogue_name,"
            " d.acronym AS dialogue_acronym, d.kind AS dialogue_kind, d.status AS dialogue_status"
            " FROM meetings AS m JOIN dialogues AS d ON d.id = m.dialogue_id"
            f" ORDER BY m.dialogue_id, {meeting_start} NULLS LAST, m.number NULLS LAST, m.id"
        ),
        "meeting_delegations": (
            "CREATE VIEW meeting_delegations AS SELECT p.meeting_id, m.dialogue_id, m.number, m.date,"
            " p.side, p.role, p.institution_id, i.name AS institution_name, p.person, p.person_title, p.id"
            " FROM meeting_participants AS p JOIN meetings AS m ON m.id = p.meeting_id"
            " JOIN institutions AS i ON i.id = p.institution_id"
            f" ORDER BY m.dialogue_id, {meeting_start} NULLS LAST, m.number NULLS LAST, p.meeting_id,"
            " p.side DESC, p.role, p.id"
        ),
        "record_citations": (
            'CREATE VIEW record_citations AS SELECT c."table", c.record_id, c.source_id,'
            " s.title AS source_title, s.publisher AS source_publisher, s.published AS source_published,"
            " s.url AS source_url, c.locator, c.fields, c.basis, c.note"
            ' FROM citations AS c JOIN sources AS s ON s.id = c.source_id ORDER BY c."table", c.record_id,'
            " c.source_id, c.locator"
        ),
        "timeline": _timeline(dialect),
    }
    return {name: statements[name] for name in VIEW_DESCRIPTIONS}


def cited_tables() -> list[str]:
    """Tables whose records have rows in ``citations`` (and so in ``record_citations``)."""
    return [t.name for t in TABLES if t.cited]
