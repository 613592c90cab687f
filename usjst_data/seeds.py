"""Reading the curated seeds: one YAML file per table, records validated against the models.

Each record carries its evidence inline as ``cite: [{source, locator, fields}]``; a discrepancy
carries its competing ``values``. Reading turns those into the ``citations`` and
``discrepancy_values`` tables, so people edit one place and the tables stay normalized.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, cast

import yaml
from pydantic import ValidationError

from .errors import SeedError
from .models import TABLES, TABLES_BY_NAME, Record, Table, record_key
from .report import Problem, shorten

# Keys under which a seed record carries rows of another table: its citations, a discrepancy's values.
_CITE_KEY = "cite"
_VALUES_KEY = "values"


R = TypeVar("R", bound=Record)
_TABLE_OF_MODEL = {t.model: t.name for t in TABLES}


@dataclass
class Dataset:
    """Validated records of every table, with where each record was written."""

    tables: dict[str, list[Record]] = field(default_factory=lambda: {t.name: [] for t in TABLES})
    origins: dict[tuple[str, str], tuple[str, int]] = field(default_factory=dict)
    # Keys of rows that exist but failed validation: references to them are not reported again.
    unreadable: dict[str, set[str]] = field(default_factory=lambda: {t.name: set() for t in TABLES})
    # Tables that could not be read at all: references into them cannot be checked.
    unavailable: set[str] = field(default_factory=set)

    # Records per table by key, kept while the records stay as they are (see ``freeze``).
    _index: dict[str, dict[str, Record]] = field(default_factory=dict)

    def index(self, table: str) -> dict[str, Record]:
        """The records of ``table`` by key (the last one, where a key repeats)."""
        if table in self._index:
            return self._index[table]
        return {record_key(TABLES_BY_NAME[table], r): r for r in self.tables[table]}

    def keys(self, table: str) -> set[str]:
        """Keys of every record of ``table``, including those that failed validation."""
        return self.index(table).keys() | self.unreadable[table]

    def freeze(self) -> None:
        """Index every table's records by key once, for rules that look them up many times."""
        self._index = {}
        self._index = {t.name: self.index(t.name) for t in TABLES}

    def of(self, model: type[R]) -> list[R]:
        """The records of the table whose model is ``model``, typed as such."""
        return cast(list[R], self.tables[_TABLE_OF_MODEL[model]])

    def origin(self, table: str, key: str) -> tuple[str | None, int | None]:
        """The file and line (or row) a record came from, when known."""
        return self.origins.get((table, key), (None, None))


def _load_yaml(path: Path) -> tuple[list[Any], list[int]]:
    """Parse a YAML list safely, returning its items and the line each starts on."""
    loader = yaml.SafeLoader(path.read_text(encoding="utf-8"))
    try:
        node = loader.get_single_node()
        if node is None:
            return [], []
        if not isinstance(node, yaml.SequenceNode):
            raise yaml.YAMLError(f"expected a list of records at line {node.start_mark.line + 1}")
        items = loader.construct_document(node)
    finally:
        loader.dispose()
    return items, [item.start_mark.line + 1 for item in node.value]


def model_problems(
    exc: ValidationError, file: str, line: int, record: str | None, prefix: str = ""
) -> Iterator[Problem]:
    """Problems for each error pydantic found in one record."""
    for error in exc.errors(include_url=False):
        loc = ".".join(str(part) for part in error["loc"])
        custom = error["type"].endswith("-error")
        code = error["type"] if custom else _PYDANTIC_CODES.get(error["type"], "type-error")
        value = error.get("input")
        shown_value = not custom and error["type"] != "missing" and not isinstance(value, dict)
        yield Problem(
            code=code,
            message=error["msg"] + (f", got {shorten(value)!r}" if shown_value else ""),
            file=file,
            row=line,
            resource=None,
            record=record,
            field=prefix + loc if loc else None,
        )


_PYDANTIC_CODES = {
    "missing": "required-error",
    "extra_forbidden": "unknown-field",
    "enum": "enum-error",
    "string_pattern_mismatch": "pattern-error",
    "string_too_short": "constraint-error",
    "string_too_long": "constraint-error",
    "greater_than_equal": "range-error",
    "finite_number": "range-error",
}


def read_seeds(folder: Path) -> Dataset:
    """Read and validate every seed file in ``folder``; raise SeedError listing all problems."""
    data = Dataset()
    problems: list[Problem] = []
    for table in TABLES:
        if not table.seeded:
            continue
        path = folder / f"{table.name}.yaml"
        shown = f"seeds/{path.name}"
        if not path.exists():
            problems.append(Problem("missing-file", "seed file is missing", file=shown))
            continue
        try:
            items, lines = _load_yaml(path)
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            problems.append(Problem("yaml-error", shorten(str(exc).replace("\n", " "), 300), file=shown))
            continue
        for item, line in zip(items, lines, strict=True):
            problems.extend(_read_record(data, table, item, shown, line))
    if problems:
        raise SeedError(problems)
    return data


def _read_record(data: Dataset, table: Table, item: Any, file: str, line: int) -> Iterator[Problem]:
    if not isinstance(item, dict):
        yield Problem("type-error", f"expected a mapping of fields, got {shorten(item)}", file=file, row=line)
        return
    item = dict(item)
    cites = item.pop(_CITE_KEY, None)
    values = item.pop(_VALUES_KEY, None) if table.name == "discrepancies" else None
    label = str(item.get("id")) if "id" in item else None
    try:
        record = table.model.model_validate(item)
    except ValidationError as exc:
        yield from model_problems(exc, file, line, label)
        return
    key = record_key(table, record)
    data.tables[table.name].append(record)
    data.origins[(table.name, key)] = (file, line)
    if table.cited:
        yield from _children(
            data, "citations", cites, {"table": table.name, "record_id": key}, _CITE_KEY, file, line, key
        )
    elif cites is not None:
        yield Problem(
            "unknown-field",
            f"{table.name} records carry no citations",
            file=file,
            row=line,
            record=key,
            field=_CITE_KEY,
        )
    if table.name == "discrepancies":
        yield from _children(data, "discrepancy_values", values, {"discrepancy_id": key}, _VALUES_KEY, file, line, key)


def _children(
    data: Dataset,
    child: str,
    items: Any,
    parent: dict[str, str],
    key_name: str,
    file: str,
    line: int,
    record: str,
) -> Iterator[Problem]:
    if not isinstance(items, list) or not items:
        yield Problem(
            "required-error",
            f"give at least one entry under {key_name!r}",
            file=file,
            row=line,
            record=record,
            field=key_name,
        )
        return
    child_table = TABLES_BY_NAME[child]
    for n, entry in enumerate(items):
        if not isinstance(entry, dict):
            yield Problem(
                "type-error",
                f"expected a mapping, got {shorten(entry)}",
                file=file,
                row=line,
                record=record,
                field=f"{key_name}.{n}",
            )
            continue
        fields = {("source_id" if k == "source" else k): v for k, v in entry.items()}
        try:
            row = child_table.model.model_validate({**fields, **parent})
        except ValidationError as exc:
            yield from model_problems(exc, file, line, record, prefix=f"{key_name}.{n}.")
            continue
        data.tables[child].append(row)
        data.origins.setdefault((child, record_key(child_table, row)), (file, line))
