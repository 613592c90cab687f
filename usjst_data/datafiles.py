"""Reading a built package's tables as validated records, for the exports: one table or all of them."""

from __future__ import annotations

from .errors import PackageError
from .loader import DataPath, data_folder
from .loader import records as read_records
from .models import TABLES, Record

__all__ = ["read_package", "read_records"]


def read_package(data: DataPath | None = None) -> dict[str, list[Record]]:
    """Every table of the built package in ``data`` (default: the shipped data), as records."""
    folder = data_folder(data)
    missing = [t.name for t in TABLES if not (folder / f"{t.name}.csv").is_file()]
    if missing:
        raise PackageError(f"no CSV file for {', '.join(missing)} in {folder}; give the folder of a built package")
    return {t.name: read_records(t.name, folder) for t in TABLES}
