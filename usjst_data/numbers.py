"""Exact amounts as the numbers other formats hold: when a binary number keeps a decimal exactly.

A double holds every decimal of at most 15 significant digits exactly in the sense that matters to
readers: converting the decimal to the nearest double and printing that double's shortest form gives
the same digits back. A 64-bit integer holds every whole number below 2**63.
"""

from __future__ import annotations

from decimal import Decimal

EXACT_DIGITS = 15


def double_holds(value: Decimal) -> bool:
    """Whether a double keeps ``value`` exactly (at most 15 significant digits)."""
    return len(value.normalize().as_tuple().digits) <= EXACT_DIGITS


def is_whole(value: Decimal) -> bool:
    return value == value.to_integral_value()


def as_number(value: Decimal) -> int | float | None:
    """``value`` as an int (whole) or a float when a double holds it exactly; None when it does not."""
    if not double_holds(value):
        return None
    return int(value) if is_whole(value) else float(value)
