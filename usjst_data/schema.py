"""Columns derived from the models, and the Frictionless, Arrow and pandas types derived from them."""

from __future__ import annotations

import json
import types
import typing
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

from pydantic.fields import FieldInfo

from .coding import value_rules
from .models import TABLES, TABLES_BY_NAME, Table
from .types import PARTIAL_DATE_PATTERN, Kind, Ref
from .vocab import COUNTRY_CODES, CURRENCY_CODES

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

# Exact amounts: 20 integer digits and 6 decimals hold every amount a source gives.
DECIMAL_PRECISION, DECIMAL_SCALE = 26, 6


@dataclass(frozen=True)
class Column:
    """One column of a table, with everything needed to store and check it."""

    name: str
    kind: str  # string | integer | decimal | partial_date | enum | list | slug | country | ...
    description: str
    required: bool
    enum: tuple[str, ...] = ()
    pattern: str | None = None
    minimum: int | None = None
    max_length: int | None = None
    ref: str | None = None  # table whose `id` this column (or each list item) references
    codes: tuple[str, ...] = ()  # a code list (ISO countries, currencies) the descriptor enforces
    vocabulary: type[StrEnum] | None = None  # the controlled vocabulary of an enum column

    @property
    def is_list(self) -> bool:
        return self.kind == "list"


def _unwrap(annotation: Any) -> tuple[Any, list[Any]]:
    """Strip Optional and Annotated layers, collecting their metadata."""
    metadata: list[Any] = []
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation, *extra = typing.get_args(annotation)
            for item in extra:
                # A nested Field(...) keeps its constraints in its own metadata list.
                metadata.extend(item.metadata if isinstance(item, FieldInfo) else [item])
        elif origin in (typing.Union, types.UnionType):
            annotation = next(a for a in typing.get_args(annotation) if a is not type(None))
        else:
            return annotation, metadata


def _column(name: str, info: FieldInfo) -> Column:
    base, metadata = _unwrap(info.annotation)
    metadata = [*info.metadata, *metadata]
    kinds = [m.name for m in metadata if isinstance(m, Kind)]
    refs = [m.table for m in metadata if isinstance(m, Ref)]
    pattern = next((m.pattern for m in metadata if getattr(m, "pattern", None)), None)
    minimum = next((m.ge for m in metadata if getattr(m, "ge", None) is not None), None)
    max_length = next((m.max_length for m in metadata if getattr(m, "max_length", None)), None)
    enum: tuple[str, ...] = ()
    vocabulary: type[StrEnum] | None = None
    if typing.get_origin(base) is list:
        _item, item_meta = _unwrap(typing.get_args(base)[0])
        refs += [m.table for m in item_meta if isinstance(m, Ref)]
        pattern = pattern or next((m.pattern for m in item_meta if getattr(m, "pattern", None)), None)
        kind = "list"
    elif isinstance(base, type) and issubclass(base, StrEnum):
        kind, enum, vocabulary = "enum", tuple(m.value for m in base), base
    elif kinds:
        kind = kinds[0]
    elif base is int:
        kind = "integer"
    elif base is Decimal:
        kind = "decimal"
    else:
        kind = "string"
    if kind == "table_name":
        enum = tuple(t.name for t in TABLES)
    if kind == "partial_date":
        pattern = PARTIAL_DATE_PATTERN
    codes = {"country": COUNTRY_CODES, "currency": CURRENCY_CODES}.get(kind, frozenset())
    return Column(
        name=name,
        kind=kind,
        description=info.description or "",
        required=info.is_required(),
        enum=enum,
        pattern=pattern,
        minimum=minimum,
        max_length=max_length,
        ref=refs[0] if refs else None,
        codes=tuple(sorted(codes)),
        vocabulary=vocabulary,
    )


@cache
def columns(table: str) -> tuple[Column, ...]:
    """The columns of ``table``, in order."""
    model = TABLES_BY_NAME[table].model
    return tuple(_column(name, info) for name, info in model.model_fields.items())


def row_values(table: str, cells: dict[str, str | None]) -> dict[str, Any]:
    """A CSV row as model input: empty cells left out, JSON arrays decoded."""
    lists = _list_columns(table)
    return {name: _json_list(text) if name in lists else text for name, text in cells.items() if text}


@lru_cache(maxsize=1 << 14)
def _json_list(text: str) -> Any:
    """A list cell decoded; the same few lists repeat across a large table, so each is decoded once."""
    value = json.loads(text)
    return tuple(value) if isinstance(value, list) else value


@cache
def _list_columns(table: str) -> frozenset[str]:
    return frozenset(c.name for c in columns(table) if c.is_list)


def categories(column: Column) -> list[Any]:
    """A field's Table Schema v2 ``categories``: each value of a vocabulary with its coding rule.

    The rule goes in a ``description`` of its own, not in ``label``: tools show a label in place of the
    value (as factor levels, for one), which a sentence would spoil.
    """
    if column.vocabulary is None:
        return list(column.enum)
    return [{"value": value, "description": rule} for value, rule in value_rules(column.vocabulary)]


def field_descriptor(column: Column, table: Table) -> dict[str, Any]:
    """The Table Schema field for a column."""
    frictionless_type = {"integer": "integer", "decimal": "number", "list": "array"}.get(column.kind, "string")
    field: dict[str, Any] = {"name": column.name, "type": frictionless_type, "description": column.description}
    constraints: dict[str, Any] = {}
    if column.required or column.name in table.primary_key:
        constraints["required"] = True
    if table.primary_key == (column.name,):
        constraints["unique"] = True
    if column.enum:
        field["categories"] = categories(column)
        constraints["enum"] = list(column.enum)
    elif column.codes:
        constraints["enum"] = list(column.codes)
    if column.pattern and not column.is_list:
        constraints["pattern"] = column.pattern
    if column.kind == "decimal":
        constraints["minimum"] = 0
    if column.minimum is not None:
        constraints["minimum"] = column.minimum
    if column.max_length and not column.is_list:
        constraints["maxLength"] = column.max_length
    if column.kind == "partial_date":
        field["description"] += " Format: YYYY, YYYY-MM or YYYY-MM-DD."
    if column.is_list:
        field["description"] += " A JSON array."
    if constraints:
        field["constraints"] = constraints
    return field


def table_schema(table: Table) -> dict[str, Any]:
    """The Table Schema of a table, with primary and foreign keys."""
    cols = columns(table.name)
    schema: dict[str, Any] = {
        "fields": [field_descriptor(c, table) for c in cols],
        "primaryKey": list(table.primary_key),
    }
    foreign_keys = [
        {"fields": [c.name], "reference": {"resource": c.ref, "fields": ["id"]}}
        for c in cols
        if c.ref and not c.is_list
    ]
    if foreign_keys:
        schema["foreignKeys"] = foreign_keys
    return schema


def arrow_type(column: Column) -> pa.DataType:
    """The Parquet (Arrow) type of a column."""
    import pyarrow as pa

    if column.kind == "integer":
        return pa.int32()
    if column.kind == "decimal":
        return pa.decimal128(DECIMAL_PRECISION, DECIMAL_SCALE)
    if column.kind == "partial_date":
        return pa.struct([("year", pa.int16()), ("month", pa.int8()), ("day", pa.int8())])
    if column.kind == "list":
        return pa.list_(pa.string())
    if column.kind in ("enum", "table_name"):
        return pa.dictionary(pa.int32(), pa.string())
    return pa.string()


def arrow_schema(table: str) -> pa.Schema:
    """The Arrow schema of a table's Parquet file, with field descriptions as metadata."""
    import pyarrow as pa

    return pa.schema(
        [
            pa.field(c.name, arrow_type(c), nullable=not c.required, metadata={"description": c.description})
            for c in columns(table)
        ]
    )


def pandas_dtype(column: Column) -> Any:
    """The pandas dtype ``load()`` gives a column."""
    import pandas as pd
    import pyarrow as pa

    if column.enum:
        return pd.CategoricalDtype(list(column.enum))
    if column.kind == "integer":
        return pd.Int32Dtype()
    if column.kind == "decimal":
        return pd.ArrowDtype(pa.decimal128(DECIMAL_PRECISION, DECIMAL_SCALE))
    if column.kind == "list":
        return pd.ArrowDtype(pa.list_(pa.string()))
    return pd.StringDtype()


def pandas_dtypes(table: str) -> dict[str, pd.api.extensions.ExtensionDtype]:
    """The pandas dtypes of every column of a table."""
    return {c.name: pandas_dtype(c) for c in columns(table)}
