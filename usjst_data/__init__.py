"""usjst-data: the reference dataset of United States–Japan science and technology cooperation.

>>> import usjst_data
>>> usjst_data.tables()[:3]
['sources', 'citations', 'domains']

Importing the package is cheap: the schema, pandas and pyarrow load on first use.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

from .meta import VERSION as __version__

if TYPE_CHECKING:
    from .builder import build
    from .citing import cite
    from .coverage import stats
    from .errors import PackageError, SeedError, UnknownRecordError, UnknownTableError, UsjstError
    from .loader import load, record, records, tables
    from .sql import connect
    from .validation import validate
    from .validation.report import Problem, Report

__all__ = [
    "PackageError",
    "Problem",
    "Report",
    "SeedError",
    "UnknownRecordError",
    "UnknownTableError",
    "UsjstError",
    "__version__",
    "build",
    "cite",
    "connect",
    "load",
    "record",
    "records",
    "stats",
    "tables",
    "validate",
]

_LAZY = {
    "build": "builder",
    "cite": "citing",
    "connect": "sql",
    "PackageError": "errors",
    "SeedError": "errors",
    "UnknownRecordError": "errors",
    "UnknownTableError": "errors",
    "UsjstError": "errors",
    "load": "loader",
    "record": "loader",
    "records": "loader",
    "tables": "loader",
    "Problem": "validation.report",
    "Report": "validation.report",
    "validate": "validation",
    "stats": "coverage",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'usjst_data' has no attribute {name!r}")
