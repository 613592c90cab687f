"""Reading the shipped tables: typed data frames (pandas, Polars, Arrow) and validated records."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any, Literal, overload

from . import meta
from .datafiles import read_records
from .errors import MissingExtraError, UnknownRecordError, UnknownTableError
from .models import TABLES, TABLES_BY_NAME, Record, Table, record_key
from .schema import columns, pandas_dtypes
from .types import date_text

if TYPE_CHECKING:
    import pandas as pd
    import polars as pl
    import pyarrow as pa

Engine = Literal["pandas", "polars", "arrow"]


def tables() -> list[str]:
    """Names of every table in the package, in dependency order."""
    return [t.name for t in TABLES]


def _table(name: str) -> Table:
    try:
        return TABLES_BY_NAME[name]
    except KeyError:
        raise UnknownTableError(name, tables()) from None


@overload
def load(name: str, engine: Literal["pandas"] = "pandas") -> pd.DataFrame: ...
@overload
def load(name: str, engine: Literal["polars"]) -> pl.DataFrame: ...
@overload
def load(name: str, engine: Literal["arrow"]) -> pa.Table: ...
def load(name: str, engine: Engine = "pandas") -> Any:
    """A table typed from the schema, as a pandas or Polars DataFrame or an Arrow table.

    In every engine: controlled vocabularies are categoricals listing every allowed value,
    integers nullable, amounts exact decimals, lists lists, and partial dates strings at their
    own precision (`1988`, `2019-05`, `2019-05-02`).
    """
    arrow = _arrow(_table(name))
    if engine == "arrow":
        return arrow
    if engine == "polars":
        return _polars(name, arrow)
    if engine == "pandas":
        typed: pd.DataFrame = arrow.to_pandas(types_mapper=_keep_arrow, ignore_metadata=True)
        return typed.astype(pandas_dtypes(name))
    raise ValueError(f"unknown engine {engine!r}; use pandas, polars or arrow")


def _arrow(table: Table) -> pa.Table:
    """The table's Parquet file with partial dates as text and categories listing every value."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    stored = pq.read_table(io.BytesIO((meta.data_root() / f"{table.name}.parquet").read_bytes()))
    arrays, fields = [], []
    for column in columns(table.name):
        values = stored.column(column.name).combine_chunks()
        if column.kind == "partial_date":
            values = pa.array([date_text(v) for v in values.to_pylist()], pa.string())
        elif column.enum:
            categories = pa.array(column.enum, pa.string())
            plain = values.cast(pa.string())
            values = pa.DictionaryArray.from_arrays(pc.index_in(plain, value_set=categories), categories)
        arrays.append(values)
        fields.append(pa.field(column.name, values.type, metadata={"description": column.description}))
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))


def _polars(name: str, arrow: pa.Table) -> pl.DataFrame:
    try:
        import polars as pl
    except ModuleNotFoundError:
        raise MissingExtraError("polars", "polars") from None
    frame = pl.from_arrow(arrow)
    assert isinstance(frame, pl.DataFrame)
    enums = {c.name: pl.Enum(list(c.enum)) for c in columns(name) if c.enum}
    return frame.with_columns([pl.col(n).cast(pl.String).cast(t) for n, t in enums.items()])


def _keep_arrow(arrow_type: pa.DataType) -> pd.ArrowDtype | None:
    """Keep decimals exact and lists typed instead of turning them into Python objects."""
    import pandas as pd
    import pyarrow as pa

    return pd.ArrowDtype(arrow_type) if pa.types.is_decimal(arrow_type) or pa.types.is_list(arrow_type) else None


def records(name: str) -> list[Record]:
    """A table as validated model instances, read from its shipped CSV."""
    return read_records(name)


def record(name: str, key: str) -> Record:
    """One record of a table by its id (or its primary-key values joined by `/`)."""
    table = _table(name)
    for item in records(name):
        if record_key(table, item) == key:
            return item
    raise UnknownRecordError(f"no record {key!r} in {name}")
