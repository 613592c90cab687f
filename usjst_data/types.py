"""Column types shared by the models: slugs, partial dates, exact amounts, references.

Each type is an ``Annotated`` alias whose metadata carries a marker that the schema module reads
to derive the Frictionless field, the Arrow type and the vectorized checks.
"""

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field
from pydantic_core import PydanticCustomError

from .vocab import COUNTRY_CODES, CURRENCY_CODES

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
# Months 01-12 and days 01-31; whether the day exists in its month is checked separately.
PARTIAL_DATE_PATTERN = r"^[0-9]{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12][0-9]|3[01]))?)?$"
_PARTIAL_DATE = re.compile(r"^[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?$")  # the shape; ranges get their own message


@dataclass(frozen=True)
class Ref:
    """Marks a column as a foreign key to ``table``'s ``id``."""

    table: str


@dataclass(frozen=True)
class Kind:
    """Names the logical type of a column where the Python type alone does not tell it."""

    name: str


def _check_partial_date(value: str) -> str:
    if not _PARTIAL_DATE.match(value):
        raise PydanticCustomError("date-error", "expected YYYY, YYYY-MM or YYYY-MM-DD, got '{value}'", {"value": value})
    parts = [int(p) for p in value.split("-")]
    if len(parts) >= 2 and not 1 <= parts[1] <= 12:
        raise PydanticCustomError("date-error", "month must be 01-12, got '{value}'", {"value": value})
    if len(parts) == 3 and not 1 <= parts[2] <= calendar.monthrange(parts[0], parts[1])[1]:
        raise PydanticCustomError("date-error", "'{value}' is not a day of that month", {"value": value})
    return value


def _check_country(value: str) -> str:
    if value not in COUNTRY_CODES:
        raise PydanticCustomError(
            "code-error", "expected an ISO 3166-1 alpha-2 code or INT, got '{value}'", {"value": value}
        )
    return value


def _check_currency(value: str) -> str:
    if value not in CURRENCY_CODES:
        raise PydanticCustomError(
            "code-error",
            "expected an ISO 4217 code ({known}), got '{value}'",
            {"value": value, "known": ", ".join(sorted(CURRENCY_CODES))},
        )
    return value


def _decimal_from_text(value: object) -> object:
    # Floats would lose exactness before we could see them; amounts must arrive as text or int.
    if isinstance(value, float):
        raise PydanticCustomError(
            "type-error", "write the amount as a quoted decimal string, got float '{value}'", {"value": value}
        )
    return value


def _check_decimal(value: Decimal) -> Decimal:
    if value < 0:
        raise PydanticCustomError("range-error", "must be >= 0, got {value}", {"value": str(value)})
    return value


Slug = Annotated[str, Field(pattern=SLUG_PATTERN, max_length=100), Kind("slug")]
PartialDate = Annotated[str, AfterValidator(_check_partial_date), Kind("partial_date")]
CountryCode = Annotated[str, AfterValidator(_check_country), Kind("country")]
CurrencyCode = Annotated[str, AfterValidator(_check_currency), Kind("currency")]
Amount = Annotated[Decimal, BeforeValidator(_decimal_from_text), AfterValidator(_check_decimal), Kind("decimal")]
Text = Annotated[str, Field(min_length=1)]


def precision(value: str) -> str:
    """Return ``year``, ``month`` or ``day`` for a partial date."""
    return ("year", "month", "day")[value.count("-")]


def bounds(value: str) -> tuple[dt.date, dt.date]:
    """Return the first and last calendar day a partial date can stand for."""
    parts = [int(p) for p in _check_partial_date(value).split("-")]
    year = parts[0]
    if len(parts) == 1:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    month = parts[1]
    if len(parts) == 2:
        return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
    day = dt.date(year, month, parts[2])
    return day, day


def date_parts(value: str | None) -> dict[str, int | None] | None:
    """A partial date as the year, month and day its text gives (None where it gives none)."""
    if value is None:
        return None
    parts: list[int | None] = [int(p) for p in value.split("-")]
    return dict(zip(("year", "month", "day"), parts + [None] * (3 - len(parts)), strict=True))


def date_text(parts: dict[str, int | None] | None) -> str | None:
    """The text of a partial date from its parts: the inverse of ``date_parts``."""
    if parts is None:
        return None
    return "-".join(f"{v:02d}" if i else f"{v:04d}" for i, v in enumerate(parts.values()) if v is not None)
