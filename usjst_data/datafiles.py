"""Reading a built package's CSV tables from a data folder, the shipped one by default.

The exports (spreadsheet, plot) take ``data_dir`` so that they work on any build, such as the test
fixture's; ``loader`` reads only the shipped data.
"""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

from .errors import PackageError, UnknownTableError
from .meta import data_root
from .models import TABLES, TABLES_BY_NAME, Record
from .schema import row_values

if TYPE_CHECKING:
    from pathlib import Path


def read_records(name: str, data_dir: Path | None = None) -> list[Record]:
    """A table's CSV as validated model instances, as ``loader.records`` reads the shipped one."""
    try:
        table = TABLES_BY_NAME[name]
    except KeyError:
        raise UnknownTableError(name, [t.name for t in TABLES]) from None
    text = (data_root(data_dir) / f"{name}.csv").read_bytes().decode("utf-8")
    return [table.model.model_validate(row_values(name, row)) for row in csv.DictReader(io.StringIO(text))]


def read_package(data_dir: Path | None = None) -> dict[str, list[Record]]:
    """Every table of the built package in ``data_dir`` (default: the shipped data), as records."""
    folder = data_root(data_dir)
    missing = [t.name for t in TABLES if not (folder / f"{t.name}.csv").is_file()]
    if missing:
        raise PackageError(f"no CSV file for {', '.join(missing)} in {folder}; give the folder of a built package")
    return {t.name: read_records(t.name, data_dir) for t in TABLES}
