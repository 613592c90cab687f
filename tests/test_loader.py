"""The public API on the shipped data."""

import subprocess
import sys
from decimal import Decimal

import pandas as pd
import pytest

import usjst_data
from usjst_data.models import TABLES
from usjst_data.schema import columns


@pytest.mark.parametrize("name", [t.name for t in TABLES])
def test_every_table_loads_typed_with_rows(name: str) -> None:
    frame = usjst_data.load(name)
    assert len(frame) >= 1
    assert list(frame.columns) == [c.name for c in columns(name)]
    for column in columns(name):
        dtype = frame[column.name].dtype
        if column.enum:
            assert isinstance(dtype, pd.CategoricalDtype)
            assert list(dtype.categories) == list(column.enum)
        elif column.kind == "integer":
            assert dtype == pd.Int32Dtype()
        elif column.kind in ("decimal", "list"):
            assert isinstance(dtype, pd.ArrowDtype)
        else:
            assert isinstance(dtype, pd.StringDtype)
    assert len(usjst_data.records(name)) == len(frame)


def test_load_keeps_exact_amounts_and_date_precision() -> None:
    frame = usjst_data.load("funding_commitments")
    records = {r.id: r for r in usjst_data.records("funding_commitments")}  # type: ignore[attr-defined]
    for row in frame.itertuples():
        assert Decimal(str(row.amount)) == records[row.id].amount
        assert (row.announced if isinstance(row.announced, str) else None) == records[row.id].announced


def test_unknown_table_lists_valid_names() -> None:
    with pytest.raises(usjst_data.UnknownTableError) as info:
        usjst_data.load("agreement")
    assert "valid tables: sources, citations" in str(info.value)
    with pytest.raises(KeyError):
        usjst_data.records("nope")


def test_record_lookup() -> None:
    first = usjst_data.records("agreements")[0]
    assert usjst_data.record("agreements", first.id) == first  # type: ignore[attr-defined]
    with pytest.raises(usjst_data.UnknownRecordError, match="no record 'nope' in agreements"):
        usjst_data.record("agreements", "nope")


def test_shipped_package_validates() -> None:
    report = usjst_data.validate()
    assert report.valid, [p.line() for p in report.problems[:20]]
    assert set(report.tables) == set(usjst_data.tables())


def test_import_is_light() -> None:
    code = (
        "import sys, usjst_data; "
        "heavy = [m for m in ('pandas', 'pyarrow', 'frictionless', 'pydantic', 'typer') if m in sys.modules]; "
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
    assert usjst_data.__version__.count(".") == 2


def test_engines_share_the_typed_columns() -> None:
    import polars as pl
    import pyarrow as pa

    frame = usjst_data.load("funding_commitments")
    arrow = usjst_data.load("funding_commitments", engine="arrow")
    polars_frame = usjst_data.load("funding_commitments", engine="polars")
    assert arrow.column_names == list(frame.columns) == polars_frame.columns
    assert arrow.num_rows == len(frame) == polars_frame.height
    assert pa.types.is_decimal(arrow.schema.field("amount").type)
    assert isinstance(polars_frame.schema["amount"], pl.Decimal)
    assert polars_frame.schema["kind"] == pl.Enum(list(frame["kind"].cat.categories))
    assert arrow.column("announced").to_pylist() == [None if pd.isna(v) else v for v in frame["announced"]]
    assert polars_frame["id"].to_list() == arrow.column("id").to_pylist()


def test_missing_extra_names_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "polars", None)
    with pytest.raises(usjst_data.errors.MissingExtraError, match=r'pip install "usjst-data\[polars\]"'):
        usjst_data.load("domains", engine="polars")
