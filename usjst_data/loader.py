"""Reading a built package's tables: typed data frames (pandas, Polars, Arrow) and validated records.

Every reader takes ``data``: the folder of a built package (or its ``datapackage.json``), by default
the data shipped in this package. Files are parsed once per folder and cached until they change.
"""

from __future__ import annotations

import csv
import io
import os
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, overload

from . import meta
from .errors import MissingExtraError, PackageError, UnknownRecordError, UnknownTableError
from .models import TABLES, TABLES_BY_NAME, Record, Table, record_key
from .schema import columns, pandas_dtypes, row_values
from .types import date_text

if TYPE_CHECKING:
    import pandas as pd
    import polars as pl
    import pyarrow as pa

Engine = Literal["pandas", "polars", "arrow"]
DataPath = str | os.PathLike[str]
DESCRIPTOR = "datapackage.json"
# Parsed files kept per folder; a few builds' worth of every table.
_CACHED_FILES = 256


def tables() -> list[str]:
    """Names of every table in the package, in dependency order."""
    return [t.name for t in TABLES]


def data_folder(data: DataPath | None = None) -> Path:
    """The package folder to read: ``data``, or the shipped one.

    ``data`` is a built package's folder (or its datapackage.json), or a repository root whose
    ``usjst build`` wrote one in usjst_data/data.
    """
    if data is None:
        return meta.data_root()
    path = Path(data)
    if path.name == DESCRIPTOR and path.is_file():
        path = path.parent
    for folder in (path, path / "usjst_data" / "data"):
        if (folder / DESCRIPTOR).is_file() and (folder / f"{TABLES[0].name}.csv").is_file():
            return folder.resolve()
    raise PackageError(
        f"no built package in {path}: give the folder holding its {DESCRIPTOR} and tables, "
        "such as usjst_data/data after `usjst build`"
    )


def _table(name: str) -> Table:
    try:
        return TABLES_BY_NAME[name]
    except KeyError:
        raise UnknownTableError(name, tables()) from None


def _file(name: str, suffix: str, data: DataPath | None) -> tuple[Path, int, int]:
    """A table's file in the data folder, with its modification time and size (the cache key)."""
    path = data_folder(data) / f"{_table(name).name}{suffix}"
    try:
        status = path.stat()
    except FileNotFoundError:
        raise PackageError(f"no {path.name} in {path.parent}; build the package first (`usjst build`)") from None
    return path, status.st_mtime_ns, status.st_size


@overload
def load(
    name: str, engine: Literal["pandas"] = "pandas", *, data: DataPath | None = None, date_bounds: bool = False
) -> pd.DataFrame: ...
@overload
def load(
    name: str, engine: Literal["polars"], *, data: DataPath | None = None, date_bounds: bool = False
) -> pl.DataFrame: ...
@overload
def load(
    name: str, engine: Literal["arrow"], *, data: DataPath | None = None, date_bounds: bool = False
) -> pa.Table: ...
def load(name: str, engine: Engine = "pandas", *, data: DataPath | None = None, date_bounds: bool = False) -> Any:
    """A table typed from the schema, as a pandas or Polars DataFrame or an Arrow table.

    In every engine: controlled vocabularies are categoricals listing every allowed value,
    integers nullable, amounts exact decimals, lists lists, and partial dates strings at their
    own precision (`1988`, `2019-05`, `2019-05-02`). ``date_bounds=True`` adds, after each partial
    date ``<col>``, real dates ``<col>_start`` and ``<col>_end``: the first and last day it can mean.
    """
    if engine not in ("pandas", "polars", "arrow"):
        raise ValueError(f"unknown engine {engine!r}; use pandas, polars or arrow")
    arrow = _arrow(*_file(name, ".parquet", data))
    if date_bounds:
        arrow = _with_bounds(arrow, name)
    if engine == "arrow":
        return arrow
    if engine == "polars":
        return _polars(name, arrow)
    typed: pd.DataFrame = arrow.to_pandas(types_mapper=_keep_arrow, ignore_metadata=True, date_as_object=False)
    return typed.astype(pandas_dtypes(name))


@lru_cache(maxsize=_CACHED_FILES)
def _arrow(path: Path, mtime: int, size: int) -> pa.Table:
    """A table's Parquet file with partial dates as text and categories listing every value."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    stored = pq.read_table(io.BytesIO(path.read_bytes()))
    arrays, fields = [], []
    for column in columns(path.stem):
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


def partial_date_bounds(values: pa.Array) -> tuple[pa.Array, pa.Array]:
    """The first and last day each partial date can mean, as Arrow dates: ``types.bounds``, vectorized."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    text = pc.fill_null(values, "1970")
    length = pc.utf8_length(text).to_numpy()

    def number(start: int, stop: int) -> Any:
        digits = pc.utf8_slice_codeunits(text, start, stop)
        return pc.cast(pc.if_else(pc.equal(digits, ""), "1", digits), pa.int64()).to_numpy()

    years = (number(0, 4) - 1970).astype("datetime64[Y]")
    months = years.astype("datetime64[M]") + (number(5, 7) - 1)
    first = months.astype("datetime64[D]") + (number(8, 10) - 1)
    last_of_month = (months + 1).astype("datetime64[D]") - 1
    last_of_year = (years + 1).astype("datetime64[D]") - 1
    last = np.where(length == 10, first, np.where(length == 7, last_of_month, last_of_year))
    missing = values.is_null().to_numpy(zero_copy_only=False)
    return pa.array(first, pa.date32(), mask=missing), pa.array(last, pa.date32(), mask=missing)


def _with_bounds(arrow: pa.Table, name: str) -> pa.Table:
    """The table with ``<col>_start`` and ``<col>_end`` after each partial-date column."""
    import pyarrow as pa

    for column in reversed([c for c in columns(name) if c.kind == "partial_date"]):
        at = arrow.schema.get_field_index(column.name) + 1
        first, last = partial_date_bounds(arrow.column(column.name).combine_chunks())
        for offset, (suffix, values, which) in enumerate((("_start", first, "first"), ("_end", last, "last"))):
            description = f"The {which} day `{column.name}` can mean."
            field = pa.field(column.name + suffix, pa.date32(), metadata={"description": description})
            arrow = arrow.add_column(at + offset, field, values)
    return arrow


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


def records(name: str, data: DataPath | None = None) -> list[Record]:
    """A table as validated model instances, read from its CSV file."""
    return list(_records(*_file(name, ".csv", data)))


@lru_cache(maxsize=_CACHED_FILES)
def _records(path: Path, mtime: int, size: int) -> tuple[Record, ...]:
    """A table's CSV file parsed into (frozen) model instances."""
    model = TABLES_BY_NAME[path.stem].model
    text = path.read_bytes().decode("utf-8")
    return tuple(model.model_validate(row_values(path.stem, row)) for row in csv.DictReader(io.StringIO(text)))


def record(name: str, key: str, data: DataPath | None = None) -> Record:
    """One record of a table by its id (or its primary-key values joined by `/`)."""
    table = _table(name)
    for item in records(name, data):
        if record_key(table, item) == key:
            return item
    raise UnknownRecordError(f"no record {key!r} in {name}")
