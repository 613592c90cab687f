"""Dates, times and durations: which cells name real ones, and how durations compare.

Vectorized with pyarrow where the calendar allows it; durations, which compare by XML Schema's
partial order, in Python.
"""

from __future__ import annotations

import re
from typing import Any

# XML Schema durations: an optional minus, then Y, M, D in this order, and after T, H, M, S; at least one
# of them, and no T without a time part. Only seconds may have a fraction. ISO 8601's weeks (PnW)
# are read alone, as frictionless-py does. RE2 has no lookahead, hence the alternatives.
_SECONDS = r"[0-9]+(?:\.[0-9]+)?S"
_DAYS = r"(?:[0-9]+Y(?:[0-9]+M)?(?:[0-9]+D)?|[0-9]+M(?:[0-9]+D)?|[0-9]+D)"
_CLOCK = rf"T(?:[0-9]+H(?:[0-9]+M)?(?:{_SECONDS})?|[0-9]+M(?:{_SECONDS})?|{_SECONDS})"
DURATION = rf"-?P(?:[0-9]+W|{_DAYS}(?:{_CLOCK})?|{_CLOCK})"


def unreadable_dates(values: Any) -> Any:
    """Which cells dateutil's parser cannot read, as frictionless-py checks the ``any`` format.

    dateutil comes with pandas. Each distinct value is parsed once, in Python: only fields in this
    format take this slower path. Parts a value leaves out are taken from 2000-01-01, not from today
    as in frictionless-py, so that the verdict on "31" or "Feb 29" does not depend on the day it is run.
    """
    from datetime import datetime

    import pyarrow as pa
    import pyarrow.compute as pc
    from dateutil import parser  # type: ignore[import-untyped]  # no stubs installed

    default = datetime(2000, 1, 1)

    def unreadable(text: str) -> bool:
        try:
            # Any zone name is read as no zone: dateutil would warn on the ones it does not know.
            parser.parse(text, default=default, tzinfos=lambda name, offset: None)
        except (ValueError, OverflowError):  # OverflowError: a year or day beyond a C long
            return True
        return False

    distinct = pc.drop_null(pc.unique(values.combine_chunks())).to_pylist()
    bad = [text for text in distinct if unreadable(text)]
    return pc.is_in(values, value_set=pa.array(bad, pa.string()))


_DURATION_PARTS = re.compile(
    r"(-)?P(?:([0-9]+)W)?(?:([0-9]+)Y)?(?:([0-9]+)M)?(?:([0-9]+)D)?"
    r"(?:T(?:([0-9]+)H)?(?:([0-9]+)M)?(?:([0-9]+(?:\.[0-9]+)?)S)?)?"
)


def duration_span(text: str) -> tuple[int, float] | None:
    """A duration as (months, seconds), or None when it is not one."""
    if re.fullmatch(DURATION, text) is None:
        return None
    match = _DURATION_PARTS.fullmatch(text)
    if match is None:
        return None
    sign = -1 if match[1] else 1
    weeks, years, months, days, hours, minutes = (int(part or 0) for part in match.groups()[1:7])
    seconds = float(match[8] or 0) + 60 * (minutes + 60 * (hours + 24 * (days + 7 * weeks)))
    return sign * (12 * years + months), sign * seconds


def compare_spans(a: tuple[int, float], b: tuple[int, float]) -> int | None:
    """-1, 0 or 1 as ``a`` is shorter, equal or longer than ``b``; None when that depends on the months."""
    if a[0] == b[0]:
        return (a[1] > b[1]) - (a[1] < b[1])
    day = 86400

    def span(months: int, seconds: float) -> tuple[float, float]:
        short, long = months * 28 * day + seconds, months * 31 * day + seconds
        return min(short, long), max(short, long)

    (low_a, high_a), (low_b, high_b) = span(*a), span(*b)
    return -1 if high_a < low_b else 1 if low_a > high_b else None


def calendar_dates(values: Any) -> Any:
    """Which values are YYYY-MM-DD days of the calendar: they parse and print back as written.

    Printing back rejects what parsing alone lets through: unpadded fields, and days that do not
    exist, which the parser rolls over into the next month.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    parsed = pc.strptime(values, format="%Y-%m-%d", unit="s", error_is_null=True)
    printed = pc.cast(pc.cast(parsed, pa.date32()), pa.string())
    return pc.fill_null(pc.equal(printed, values), False)


def real_dates(values: Any, malformed: Any) -> Any:
    """Which YYYY-MM-DD strings name a real calendar day (2021-02-30 does not).

    ``malformed`` marks the values already known not to be YYYY-MM-DD (or missing): they are false.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    def number(start: int, stop: int) -> Any:
        return pc.cast(pc.utf8_slice_codeunits(values, start, stop), pa.int32(), safe=False)

    digits = pc.invert(malformed)
    values = pc.if_else(digits, values, pa.scalar("2000-01-01"))
    year, month, day = number(0, 4), number(5, 7), number(8, 10)
    month_ok = pc.and_(pc.greater_equal(month, 1), pc.less_equal(month, 12))
    lengths = pa.array([31, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], pa.int32())
    longest = pc.take(lengths, pc.if_else(month_ok, month, 0))

    def divisible(by: int) -> Any:
        return pc.equal(pc.multiply(pc.divide(year, by), by), year)

    leap = pc.and_(divisible(4), pc.or_(pc.invert(divisible(100)), divisible(400)))
    longest = pc.add(longest, pc.cast(pc.and_(leap, pc.equal(month, 2)), pa.int32()))
    day_ok = pc.and_(pc.greater_equal(day, 1), pc.less_equal(day, longest))
    return pc.and_(digits, pc.and_(month_ok, day_ok))


def real_times(pc: Any, values: Any) -> Any:
    import pyarrow as pa

    head = pc.utf8_slice_codeunits(values, 0, 8)
    parsed = pc.strptime(
        pc.binary_join_element_wise(pa.scalar("2000-01-01T"), head, ""),
        format="%Y-%m-%dT%H:%M:%S",
        unit="s",
        error_is_null=True,
    )
    return pc.fill_null(pc.is_valid(parsed), False)
