"""Reading the shipped tables: typed pandas DataFrames and validated model records."""

from __future__ import annotations

import csv
import io
from importlib import resources
from typing import TYPE_CHECKING

from .errors import UnknownRecordError, UnknownTableError
from .models import TABLES, TABLES_BY_NAME, Record, Table, record_key
from .schema import columns, pandas_dtypes, row_values

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa


def tables() -> list[str]:
    """Names of every table in the package, in dependency order."""
    return [t.name for t in TABLES]


def _table(name: str) -> Table:
    try:
        return TABLES_BY_NAME[name]
    except KeyError:
        raise UnknownTableError(name, tables()) from None


def _data_file(name: str) -> bytes:
    return (resources.files("usjst_data") / "data" / name).read_bytes()


def load(name: str) -> pd.DataFrame:
    """A table as a pandas DataFrame typed from the schema.

    Enums are categoricals, integers nullable, amounts exact decimals, lists Arrow lists, and
    partial dates strings at their own precision (`1988`, `2019-05`, `2019-05-02`).
    """
    import pyarrow.parquet as pq

    table = _table(name)
    arrow = pq.read_table(io.BytesIO(_data_file(f"{table.name}.parquet")))
    dtypes = pandas_dtypes(table.name)
    frame = arrow.to_pandas(types_mapper=_keep_arrow, ignore_metadata=True)
    for column in columns(table.name):
        if column.kind == "partial_date":
            frame[column.name] = [_date_text(v) for v in arrow.column(column.name).to_pylist()]
        elif column.enum:  # Parquet dictionaries hold only the values used; the dtype lists them all
            frame[column.name] = frame[column.name].astype(object).astype(dtypes[column.name])
    typed: pd.DataFrame = frame.astype(dtypes)
    return typed


def _keep_arrow(arrow_type: pa.DataType) -> pd.ArrowDtype | None:
    """Keep decimals exact and lists typed instead of turning them into Python objects."""
    import pandas as pd
    import pyarrow as pa

    return pd.ArrowDtype(arrow_type) if pa.types.is_decimal(arrow_type) or pa.types.is_list(arrow_type) else None


def _date_text(parts: dict[str, int | None] | None) -> str | None:
    if parts is None:
        return None
    return "-".join(f"{v:02d}" if i else f"{v:04d}" for i, v in enumerate(parts.values()) if v is not None)


def records(name: str) -> list[Record]:
    """A table as validated model instances, read from its shipped CSV."""
    table = _table(name)
    text = _data_file(f"{table.name}.csv").decode("utf-8")
    return [table.model.model_validate(row_values(table.name, row)) for row in csv.DictReader(io.StringIO(text))]


def record(name: str, key: str) -> Record:
    """One record of a table by its id (or its primary-key values joined by `/`)."""
    table = _table(name)
    for item in records(name):
        if record_key(table, item) == key:
            return item
    raise UnknownRecordError(f"no record {key!r} in {name}")
