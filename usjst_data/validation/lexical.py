"""Arrow columns as the text of CSV cells, computed column by column with Arrow's kernels.

A Parquet table is checked as the CSV file it would be: each cell is written as the lexical form a
Table Schema check reads, the one Python gives the cell's value (``str``, ``isoformat``): integers
as digits; floats as ``repr`` (``0.1``, ``100.0``, ``1e-05``, ``1e+16``) with the spec's ``NaN``,
``INF`` and ``-INF``; decimals as ``str(Decimal)``; booleans ``true``/``false``; dates, times and
timestamps in ISO 8601, a timestamp with its time zone's offset (``+09:00``); nulls empty. Binary
cells (base64), nested cells (JSON), durations and other rare types go through Python values, one
by one. Rows are written as Python's csv module writes them (QUOTE_MINIMAL), but that a cell
holding a carriage return is quoted too, which the parser would otherwise read as a line end.
"""

from __future__ import annotations

import base64
import datetime
import json
import math
import re
import struct
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from .sources import cell

_QUOTED = '[,"\r\n]'  # a cell holding one of these is quoted


def csv_rows(batch: pa.RecordBatch) -> memoryview:
    """The rows of ``batch`` as UTF-8 CSV text, each ending in a line feed."""
    if not batch.num_columns or not batch.num_rows:
        return memoryview(b"")
    columns = [pc.fill_null(_quoted(cell_text(c)) if _may_quote(c.type) else cell_text(c), "") for c in batch.columns]
    if len(columns) == 1:  # a row of one empty cell is written "" (an empty line would be a blank row)
        columns = [pc.if_else(pc.equal(columns[0], ""), _text_scalar('""'), columns[0])]
    columns[-1] = _joined(columns[-1], "\n")  # the line end, joined to the last cell: its column is short
    lines = columns[0] if len(columns) == 1 else pc.binary_join_element_wise(*columns, _text_scalar(","))
    _, offsets, data = lines.buffers()
    start, end = (struct.unpack_from("<q", offsets, 8 * i)[0] for i in (lines.offset, lines.offset + len(lines)))
    return memoryview(data)[start:end]


def _may_quote(kind: pa.DataType) -> bool:
    """Whether the text of a column of this type may hold a delimiter, a quote or a line end."""
    if pa.types.is_dictionary(kind):
        return _may_quote(kind.value_type)
    plain = (pa.types.is_boolean, pa.types.is_integer, pa.types.is_floating, pa.types.is_decimal, pa.types.is_temporal)
    return not any(test(kind) for test in plain) or pa.types.is_duration(kind)  # "1 day, 0:00:05"


def _quoted(text: pa.Array) -> pa.Array:
    """Cells quoted where they need it, their quotes doubled."""
    needs = pc.match_substring_regex(text, _QUOTED)
    if pc.any(needs).as_py():
        quoted = _joined('"', pc.replace_substring(text, '"', '""'), '"')
        text = pc.if_else(needs, quoted, text)
    return text


def cell_text(column: pa.Array) -> pa.Array:
    """The text of each cell of ``column`` (large strings; nulls stay null)."""
    kind = column.type
    if pa.types.is_dictionary(kind):
        return cell_text(column.dictionary_decode())
    if pa.types.is_null(kind):
        return pa.nulls(len(column), pa.large_string())
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return column.cast(pa.large_string())
    if pa.types.is_boolean(kind) or pa.types.is_integer(kind) or pa.types.is_decimal(kind) or pa.types.is_date(kind):
        return column.cast(pa.large_string())  # Arrow writes decimals as str(Decimal) does
    if pa.types.is_floating(kind):
        return _float_text(column.cast(pa.float64()))  # a float32 is the double Python would print
    if pa.types.is_time(kind):
        return _time_text(column)
    if pa.types.is_timestamp(kind):
        return _timestamp_text(column)
    return pa.array([_text(value) for value in column.to_pylist()], pa.large_string())


def _text_scalar(text: str) -> pa.Scalar:
    return pa.scalar(text, pa.large_string())


def _joined(*parts: pa.Array | str) -> pa.Array:
    """The parts written one after the other, row by row; a ``str`` is the same in every row."""
    scalars = [_text_scalar(p) if isinstance(p, str) else p for p in parts]
    return pc.binary_join_element_wise(*scalars, _text_scalar(""))


def _replace(text: pa.Array, pattern: str, replacement: str) -> pa.Array:
    return pc.replace_substring_regex(text, pattern, replacement)


def _float_text(values: pa.Array) -> pa.Array:
    """Floats as Python's ``repr``: fixed from 1e-4 to below 1e16 (``100.0``), else ``1.5e-07``.

    Arrow writes the same shortest digits, but fixed from 1e-6 to below 1e10, without ``.0`` and with
    exponents of one digit: the rows where the two differ are rewritten. (Comparing a double with
    1e-4, 1e10 or 1e16 tells the decade of its shortest digits.)
    """
    text = values.cast(pa.large_string())
    size = pc.abs(values)
    whole = pc.and_(pc.equal(values, pc.trunc(values)), pc.less(size, 1e10))
    text = pc.if_else(whole, _joined(text, ".0"), text)
    tiny = pc.and_(pc.less(size, 1e-4), pc.not_equal(size, 0))
    odd = pc.or_(tiny, pc.and_(pc.greater_equal(size, 1e10), pc.less(size, 1e16)))
    if pc.any(odd).as_py():
        fixed = pc.filter(text, odd)
        fixed = _replace(fixed, r"e-(\d)$", r"e-0\1")
        for zeros, power in (("00000", "06"), ("0000", "05")):  # fixed in Arrow, not in Python
            fixed = _replace(fixed, rf"^(-?)0\.{zeros}([1-9])(\d+)$", rf"\1\2.\3e-{power}")
            fixed = _replace(fixed, rf"^(-?)0\.{zeros}([1-9])$", rf"\1\2e-{power}")
        for exponent in range(10, 16):  # the other way round: digits moved, padded with zeros, ``.0`` if whole
            fixed = _replace(fixed, rf"^(-?)(\d)(?:\.(\d+))?e\+{exponent}$", r"\1\2\3" + "0" * exponent + "|")
            fixed = _replace(fixed, rf"^(-?\d{{{exponent + 1}}})(\d*?)0*\|$", r"\1.\2")
        fixed = _replace(fixed, r"\.$", ".0")
        text = pc.replace_with_mask(text, odd, fixed)
    special = pc.invert(pc.is_finite(values))  # the spec's spellings, not Python's nor Arrow's
    if pc.any(special).as_py():
        infinite = pc.if_else(pc.greater(values, 0), _text_scalar("INF"), _text_scalar("-INF"))
        spelled = pc.if_else(pc.is_nan(values), _text_scalar("NaN"), infinite)
        text = pc.if_else(special, spelled, text)
    return text


_TICKS = {"s": 1, "ms": 1_000, "us": 1_000_000, "ns": 1_000_000_000}


def _fraction(text: pa.Array, part: pa.Array, unit: str, width: int, truncate: bool) -> pa.Array:
    """Arrow's text of times (``width`` characters to the seconds, then all the unit's digits) with
    the fraction of a second as ``isoformat`` writes it: six digits, none when zero.

    ``part`` is the fraction, in the unit. Nanoseconds are truncated to microseconds (``truncate``,
    as Python's ``time`` has no more), or kept when some (as pandas' ``Timestamp.isoformat``, which
    Python's values of them are).
    """
    if unit == "s":
        return text
    micro = _slice(text, width + 7)
    if unit == "ms":
        shown = _joined(text, "000")
    elif unit == "ns" and truncate:
        shown, part = micro, pc.divide(part, 1000)
    elif unit == "ns":
        shown = pc.if_else(pc.equal(pc.subtract(part, pc.multiply(pc.divide(part, 1000), 1000)), 0), micro, text)
    else:
        shown = text
    return pc.if_else(pc.equal(part, 0), _slice(text, width), shown)


def _slice(text: pa.Array, stop: int) -> pa.Array:
    return pc.utf8_slice_codeunits(text, 0, stop)


def _time_text(column: pa.Array) -> pa.Array:
    """Times of day as ``isoformat``: ``HH:MM:SS``, then microseconds when some."""
    unit = column.type.unit
    ticks = column.view(pa.int32() if column.type.bit_width == 32 else pa.int64()).cast(pa.int64())
    part = pc.subtract(ticks, pc.multiply(pc.divide(ticks, _TICKS[unit]), _TICKS[unit]))
    return _fraction(column.cast(pa.large_string()), part, unit, 8, truncate=True)


def _timestamp_text(column: pa.Array) -> pa.Array:
    """Timestamps as ``isoformat``: local time, then the zone's offset at that time (``+09:00``)."""
    kind = column.type
    local = pc.local_timestamp(column) if kind.tz else column
    text = pc.utf8_replace_slice(local.cast(pa.large_string()), 10, 11, "T")  # Arrow writes "2020-01-02 03:04:05"
    part = pc.subtract(local.cast(pa.int64()), pc.floor_temporal(local, unit="second").cast(pa.int64()))
    text = _fraction(text, part, kind.unit, 19, truncate=False)
    if not kind.tz:
        return text
    offsets = pc.divide(pc.subtract(local.cast(pa.int64()), column.cast(pa.int64())), _TICKS[kind.unit])
    distinct = pc.unique(offsets)  # a zone has few: each is written in Python
    shown = pa.array([None if s is None else _offset(s) for s in distinct.to_pylist()], pa.large_string())
    text = _joined(text, pc.take(shown, pc.index_in(offsets, distinct)))
    if not re.fullmatch(r"UTC|[+-]\d\d:\d\d", kind.tz):
        # Arrow's time zone rules stop with 2037 (32-bit times): Python's go on with the zone's rule.
        late = pc.greater_equal(column.cast(pa.int64()), (1 << 31) * _TICKS[kind.unit])
        if pc.any(late).as_py():
            values = pc.filter(column, late).to_pylist()
            text = pc.replace_with_mask(text, late, pa.array([_text(v) for v in values], pa.large_string()))
    return text


def _offset(seconds: int) -> str:
    """A UTC offset as ``isoformat`` writes it: ``+09:00``, ``-03:30``, with seconds when some."""
    sign = "-" if seconds < 0 else "+"
    minutes, second = divmod(abs(seconds), 60)
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}" + (f":{second:02d}" if second else "")


def _text(value: Any) -> str:
    """A Python value of a cell of another type as the text a CSV cell would hold for it."""
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("INF" if value > 0 else "-INF")
    if isinstance(value, datetime.date | datetime.time):  # datetime is a date
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    return cell(value)
