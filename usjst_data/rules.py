"""Cross-table rules: what no single record can check on its own."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable, Iterator
from decimal import Decimal

from .models import (
    TABLES,
    TABLES_BY_NAME,
    Agreement,
    Citation,
    Discrepancy,
    DiscrepancyValue,
    FundingCommitment,
    Meeting,
    Record,
    record_key,
)
from .schema import columns
from .seeds import Dataset
from .types import bounds
from .validation.report import Problem

Rule = Callable[[Dataset], Iterator[Problem]]


def _problem(
    code: str, message: str, table: str, record: Record, field: str | None = None, value: object = None
) -> Problem:
    key = record_key(TABLES_BY_NAME[table], record)
    return Problem(code, message, resource=table, record=key, field=field, value=None if value is None else str(value))


def unique_keys(data: Dataset) -> Iterator[Problem]:
    """Primary keys are unique within each table."""
    for table in TABLES:
        seen: set[str] = set()
        for record in data.tables[table.name]:
            key = record_key(table, record)
            if key in seen:
                yield _problem(
                    "primary-key-error", f"duplicate key {key!r}", table.name, record, "/".join(table.primary_key), key
                )
            seen.add(key)


def foreign_keys(data: Dataset, lists_only: bool = False) -> Iterator[Problem]:
    """Every reference, including each item of a list column, names an existing record."""
    ids = {t.name: data.keys(t.name) for t in TABLES}
    for table in TABLES:
        refs = [c for c in columns(table.name) if c.ref and (c.is_list or not lists_only)]
        for record in data.tables[table.name]:
            for column in refs:
                if column.ref in data.unavailable:
                    continue
                value = getattr(record, column.name)
                for item in value if column.is_list else [value]:
                    if item is not None and item not in ids[column.ref or ""]:
                        yield _problem(
                            "foreign-key-error",
                            f"{item!r} is not an id in {column.ref}",
                            table.name,
                            record,
                            column.name,
                            item,
                        )


def citations(data: Dataset) -> Iterator[Problem]:
    """Every record of a cited table has a citation; every citation points at a real record and field."""
    keys = {t.name: data.keys(t.name) for t in TABLES}
    known = {t.name: set(t.model.model_fields) for t in TABLES}
    cited: set[tuple[str, str]] = set()
    for citation in data.of(Citation):
        cited.add((citation.table, citation.record_id))
        table = TABLES_BY_NAME[citation.table]
        if table.name in data.unavailable:
            continue
        if citation.record_id not in keys[table.name]:
            yield _problem(
                "foreign-key-error",
                f"cites a record not in {table.name}",
                "citations",
                citation,
                "record_id",
                citation.record_id,
            )
        for name in citation.fields:
            if name not in known[table.name]:
                yield _problem(
                    "citation-error", f"{table.name} has no field {name!r}", "citations", citation, "fields", name
                )
    for table in TABLES:
        if not table.cited:
            continue
        for key, record in data.index(table.name).items():
            if (table.name, key) not in cited:
                yield _problem(
                    "citation-error", "record has no citation; every fact needs a source", table.name, record
                )


def discrepancies(data: Dataset) -> Iterator[Problem]:
    """A discrepancy names a real record and field, carries the chosen value, and has two or more values."""
    records = {t.name: data.index(t.name) for t in TABLES}
    counts: dict[str, int] = defaultdict(int)
    for value in data.of(DiscrepancyValue):
        counts[value.discrepancy_id] += 1
    for d in data.of(Discrepancy):
        table, key, name = d.table, d.record_id, d.field
        record = records[table].get(key)
        if record is None and (key in data.unreadable[table] or table in data.unavailable):
            continue
        if record is None:
            yield _problem("foreign-key-error", f"names a record not in {table}", "discrepancies", d, "record_id", key)
            continue
        if name not in type(record).model_fields:
            yield _problem("foreign-key-error", f"{table} has no field {name!r}", "discrepancies", d, "field", name)
            continue
        current = getattr(record, name)
        if not isinstance(current, list) and str(current) != d.chosen_value:
            yield _problem(
                "discrepancy-error",
                f"chosen value {d.chosen_value!r} differs from the record's {name} {str(current)!r}",
                "discrepancies",
                d,
                "chosen_value",
                d.chosen_value,
            )
        if counts[d.id] < 2:
            yield _problem(
                "discrepancy-error", "a discrepancy needs at least two competing values", "discrepancies", d, "values"
            )


def component_sums(data: Dataset) -> Iterator[Problem]:
    """Components in a total's currency add up to no more than the total."""
    commitments = {c.id: c for c in data.of(FundingCommitment)}
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for c in commitments.values():
        parent = commitments.get(c.parent_id or "")
        if parent is None:
            continue
        if c.currency != parent.currency:
            yield _problem(
                "sum-error",
                f"component is in {c.currency}, its total {parent.id} in {parent.currency}",
                "funding_commitments",
                c,
                "currency",
                c.currency,
            )
            continue
        sums[parent.id] += c.amount
    for parent_id, total in sorted(sums.items()):
        parent = commitments[parent_id]
        if total > parent.amount:
            yield _problem(
                "sum-error",
                f"components add up to {total}, more than the total {parent.amount} {parent.currency}",
                "funding_commitments",
                parent,
                "amount",
                parent.amount,
            )


def meeting_order(data: Dataset) -> Iterator[Problem]:
    """Meeting numbers are unique per dialogue and never go back in time."""
    by_dialogue: dict[str, list[Meeting]] = defaultdict(list)
    for m in data.of(Meeting):
        if m.number is not None:
            by_dialogue[m.dialogue_id].append(m)
    for meetings in by_dialogue.values():
        meetings.sort(key=lambda m: m.number or 0)
        for earlier, later in itertools.pairwise(meetings):
            if earlier.number == later.number:
                yield _problem(
                    "order-error",
                    f"number {later.number} is also used by {earlier.id}",
                    "meetings",
                    later,
                    "number",
                    later.number,
                )
            elif earlier.date and later.date and bounds(later.date)[1] < bounds(earlier.date)[0]:
                yield _problem(
                    "order-error",
                    f"meeting {later.number} ({later.date}) is dated before meeting {earlier.number} ({earlier.date})",
                    "meetings",
                    later,
                    "date",
                    later.date,
                )


def extension_dates(data: Dataset) -> Iterator[Problem]:
    """An agreement under an umbrella agreement is not signed before it."""
    agreements = {a.id: a for a in data.of(Agreement)}
    for a in agreements.values():
        parent = agreements.get(a.parent_id or "")
        if parent and a.signed and parent.signed and bounds(a.signed)[1] < bounds(parent.signed)[0]:
            yield _problem(
                "order-error",
                f"signed {a.signed}, before its parent {parent.id} ({parent.signed})",
                "agreements",
                a,
                "signed",
                a.signed,
            )


_HIERARCHIES = (
    ("sources", "cited_in"),
    ("institutions", "parent_id"),
    ("institutions", "predecessor_id"),
    ("agreements", "parent_id"),
    ("dialogues", "parent_id"),
    ("programs", "parent_id"),
    ("funding_commitments", "parent_id"),
)


def acyclic_parents(data: Dataset) -> Iterator[Problem]:
    """Following a parent link never leads back to where it started."""
    for table, link in _HIERARCHIES:
        records = data.index(table)
        parent = {key: getattr(r, link) for key, r in records.items()}
        reported: set[str] = set()
        for start in sorted(parent):
            seen = [start]
            node = parent[start]
            while node is not None and node in parent and node not in seen:
                seen.append(node)
                node = parent[node]
            if node == start and start not in reported:
                reported.update(seen)
                cycle = " -> ".join([*seen, start])
                yield _problem("cycle-error", f"{link} chain loops: {cycle}", table, records[start], link, start)


RULES: tuple[Rule, ...] = (
    unique_keys,
    foreign_keys,
    citations,
    discrepancies,
    component_sums,
    meeting_order,
    extension_dates,
    acyclic_parents,
)


# A validated package already had its keys checked from the descriptor; list references had not.
def list_references(data: Dataset) -> Iterator[Problem]:
    """Each item of a list column names an existing record (scalar references are in the descriptor)."""
    return foreign_keys(data, lists_only=True)


PACKAGE_RULES: tuple[Rule, ...] = (list_references, *(r for r in RULES if r not in (unique_keys, foreign_keys)))


def check(data: Dataset, rules: tuple[Rule, ...] = RULES) -> list[Problem]:
    """Run the cross-table rules; each problem carries the file and line of its record."""
    data.freeze()
    problems = []
    for rule in rules:
        for problem in rule(data):
            file, row = data.origin(problem.resource or "", problem.record or "")
            problems.append(problem.at(file=file, row=row))
    return problems
