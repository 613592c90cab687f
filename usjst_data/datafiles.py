"""The name the exports read tables by: ``loader.records``, a built package's table as validated records."""

from .loader import records as read_records

__all__ = ["read_records"]
