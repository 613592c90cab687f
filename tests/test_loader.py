"""The public API on the shipped data."""

import datetime as dt
import subprocess
import sys
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import usjst_data
from usjst_data.builder import DATA_DIR, build
from usjst_data.errors import PackageError
from usjst_data.loader import data_folder, partial_date_bounds
from usjst_data.models import TABLES
from usjst_data.schema import columns
from usjst_data.types import bounds


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


def test_data_folder_default_and_choices(built: Path) -> None:
    from usjst_data import meta

    folder = built / DATA_DIR
    assert data_folder() == meta.data_root()
    assert data_folder(folder) == data_folder(str(folder / "datapackage.json")) == folder.resolve()
    assert data_folder(built) == folder.resolve()  # a repository root after `usjst build`
    with pytest.raises(PackageError, match=r"no built package in .*: give the folder holding its datapackage.json"):
        data_folder(built / "seeds")


def test_every_reader_takes_the_data_folder(built: Path) -> None:
    folder = built / DATA_DIR
    ids = ["umbrella-1988", "umbrella-extension-2014"]
    assert [r.id for r in usjst_data.records("agreements", folder)] == ids  # type: ignore[attr-defined]
    assert usjst_data.record("agreements", "umbrella-1988", data=folder).id == "umbrella-1988"  # type: ignore[attr-defined]
    assert list(usjst_data.load("agreements", data=folder)["id"]) == ids
    assert usjst_data.load("agreements", "arrow", data=folder).column("id").to_pylist() == ids
    assert usjst_data.load("agreements", "polars", data=folder)["id"].to_list() == ids
    assert usjst_data.stats(folder).counts["agreements"] == 2
    assert usjst_data.cite("umbrella-1988", data=folder).table == "agreements"
    assert usjst_data.connect(folder).execute("SELECT count(*) FROM agreements").fetchall() == [(2,)]
    with pytest.raises(usjst_data.UnknownRecordError):
        usjst_data.record("agreements", "umbrella-1988")  # not in the shipped data


def test_files_are_read_once_per_folder_until_rebuilt(repo: Path, edit_seed: Callable[[str, str, str], None]) -> None:
    build(repo)
    folder = repo / DATA_DIR
    first = usjst_data.records("domains", folder)
    assert usjst_data.records("domains", folder)[0] is first[0]
    assert usjst_data.load("domains", "arrow", data=folder) is usjst_data.load("domains", "arrow", data=folder)
    edit_seed("domains", "name: Space", "name: Outer Space")
    build(repo)
    assert "Outer Space" in [d.name for d in usjst_data.records("domains", folder)]  # type: ignore[attr-defined]
    assert "Outer Space" in usjst_data.load("domains", data=folder)["name"].tolist()


def test_a_missing_table_file_names_the_fix(built: Path) -> None:
    (built / DATA_DIR / "domains.csv").unlink()
    with pytest.raises(PackageError, match=r"no domains.csv in .*; build the package first"):
        usjst_data.records("domains", built / DATA_DIR)


partial_dates = st.one_of(
    st.none(),
    st.builds(
        lambda d, n: d.isoformat()[:n], st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)), st.sampled_from([4, 7, 10])
    ),
)


@given(st.lists(partial_dates, max_size=40))
def test_vectorized_bounds_equal_types_bounds(values: list[str | None]) -> None:
    import pyarrow as pa

    first, last = partial_date_bounds(pa.array(values, pa.string()))
    assert first.type == last.type == pa.date32()
    expected = [bounds(v) if v is not None else (None, None) for v in values]
    assert list(zip(first.to_pylist(), last.to_pylist(), strict=True)) == expected


@pytest.mark.parametrize("name", [t.name for t in TABLES if any(c.kind == "partial_date" for c in columns(t.name))])
def test_load_with_date_bounds_in_every_engine(name: str) -> None:
    import polars as pl
    import pyarrow as pa

    dates = [c.name for c in columns(name) if c.kind == "partial_date"]
    frame = usjst_data.load(name, date_bounds=True)
    arrow = usjst_data.load(name, "arrow", date_bounds=True)
    polars_frame = usjst_data.load(name, "polars", date_bounds=True)
    plain = [c.name for c in columns(name)]
    expected_names = [n for c in plain for n in ([c, f"{c}_start", f"{c}_end"] if c in dates else [c])]
    assert list(frame.columns) == arrow.column_names == polars_frame.columns == expected_names
    for column in dates:
        text = arrow.column(column).to_pylist()
        want = [bounds(v) if v else (None, None) for v in text]
        for suffix, index in (("_start", 0), ("_end", 1)):
            values = [w[index] for w in want]
            assert arrow.column(column + suffix).type == pa.date32()
            assert arrow.column(column + suffix).to_pylist() == values
            assert polars_frame.schema[column + suffix] == pl.Date
            assert polars_frame[column + suffix].to_list() == values
            assert pd.api.types.is_datetime64_dtype(frame[column + suffix])
            assert [None if pd.isna(v) else v.date() for v in frame[column + suffix]] == values
    assert usjst_data.load(name).columns.tolist() == plain  # off by default


def test_the_library_never_imports_frictionless() -> None:
    import ast

    package = Path(usjst_data.__file__).parent
    for module in package.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            names += [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            assert not any(n.split(".")[0] == "frictionless" for n in names), module.name


def test_the_wheel_is_typed() -> None:
    assert (Path(usjst_data.__file__).parent / "py.typed").is_file()
