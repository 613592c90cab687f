"""The usjst domain rules applied to a built package: rows back into models, then the rules."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import TYPE_CHECKING

from pydantic import ValidationError

from .models import TABLES, record_key
from .models import Table as ModelTable
from .rules import PACKAGE_RULES, check
from .schema import row_values
from .seeds import Dataset, model_problems
from .validation.report import Problem

if TYPE_CHECKING:
    from .validation.rows import Rows


def _key(table: ModelTable, cells: dict[str, str | None]) -> str:
    return "/".join(cells.get(f) or "" for f in table.primary_key)


def domain_problems(tables: dict[str, Rows], listed: set[str]) -> Iterable[Problem]:
    """Model checks on every row and the cross-table rules, located by file and row.

    Building a large package's records is much faster with the cyclic garbage collector off; a
    library must not turn it off for its host, so the ``usjst`` command does (see ``lean_process``).
    """
    return _domain_problems(tables, listed)


def _domain_problems(tables: dict[str, Rows], listed: set[str]) -> list[Problem]:
    data = Dataset()
    problems: list[Problem] = []
    for table in TABLES:
        source = tables.get(table.name)
        if source is None:
            data.unavailable.add(table.name)
            if table.name not in listed:
                message = f"the package has no {table.name} resource"
                problems.append(Problem("missing-resource", message, resource=table.name))
            continue
        names = list(source.columns)
        for text in source.skipped:  # rows the parser rejected still own their keys
            parsed: dict[str, str | None] = dict(zip(names, next(csv.reader([text]), []), strict=False))
            data.unreadable[table.name].add("/".join(parsed.get(f) or "" for f in table.primary_key))
        for file, row, cells, failed in source.rows():
            if failed:  # the cell checks already reported this row
                data.unreadable[table.name].add(_key(table, cells))
                continue
            try:
                record = table.model.model_validate(row_values(table.name, cells))
            except ValidationError as exc:
                data.unreadable[table.name].add(_key(table, cells))
                problems.extend(p.at(resource=table.name) for p in model_problems(exc, file, row, cells.get("id")))
                continue
            data.tables[table.name].append(record)
            data.origins[(table.name, record_key(table, record))] = (file, row)
    return problems + check(data, PACKAGE_RULES)
