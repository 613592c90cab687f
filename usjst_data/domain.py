"""The usjst domain rules applied to a built package: rows back into models, then the rules."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from pydantic import ValidationError

from .models import TABLES, record_key
from .report import Problem
from .rules import check
from .schema import row_values
from .seeds import Dataset, model_problems

if TYPE_CHECKING:
    from .validator import _Table


def domain_problems(tables: dict[str, _Table]) -> Iterable[Problem]:
    """Model checks on every row and the cross-table rules, located by file and row."""
    data = Dataset()
    problems: list[Problem] = []
    for table in TABLES:
        source = tables.get(table.name)
        if source is None:
            problems.append(
                Problem("missing-resource", f"the package has no {table.name} resource", resource=table.name)
            )
            continue
        for row, cells in source.rows:
            try:
                record = table.model.model_validate(row_values(table.name, cells))
            except ValidationError as exc:
                data.unreadable[table.name].add("/".join(cells.get(f, "") for f in table.primary_key))
                problems.extend(
                    p.at(resource=table.name) for p in model_problems(exc, source.file, row, cells.get("id"))
                )
                continue
            data.tables[table.name].append(record)
            data.origins[(table.name, record_key(table, record))] = (source.file, row)
    return problems + check(data)
