"""Cell checks of one column: fast paths agree with the exact checks, and formats round-trip."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from unittest import mock

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from usjst_data.validation import keys as key_checks
from usjst_data.validation.cells import TYPE_PATTERNS, FieldSpec, check_cells
from usjst_data.validation.keys import _duplicates
from usjst_data.validation.report import Report
from usjst_data.validation.rows import Rows
from usjst_data.validation.temporal import calendar_dates, real_dates


def _problems(spec: dict[str, Any], values: list[str | None]) -> list[tuple[str, int | None, str | None]]:
    table = Rows(name="t", file="t.csv")
    column = pa.chunked_array([pa.array(values, pa.string())])
    result = check_cells(table, FieldSpec.parse(spec), column, Report(target="t"), 0)
    return [(p.code, p.row, p.value) for _, problems, _ in result.found for p in problems]


def _calendar_valid(value: str) -> bool:
    """The exact check the date cast stands in for: the YYYY-MM-DD pattern and a real calendar day."""
    column = pa.array([value])
    malformed = pc.invert(pc.match_substring_regex(column, f"^(?:{TYPE_PATTERNS['date']})$"))
    return bool(real_dates(column, malformed)[0].as_py())


def _cast_valid(value: str) -> bool:
    try:
        pc.cast(pa.array([value]), pa.date32())
    except pa.ArrowInvalid:
        return False
    return True


DATE_LIKE = st.builds(
    lambda sign, year, month, day, tail, sep: f"{sign}{year}{sep}{month}{sep}{day}{tail}",
    st.sampled_from(["", "", "", "+", "-", " "]),
    st.integers(0, 99999).map(str) | st.integers(0, 9999).map(lambda y: f"{y:04d}"),
    st.integers(0, 14).map(str) | st.integers(0, 14).map(lambda m: f"{m:02d}"),
    st.integers(0, 33).map(str) | st.integers(0, 33).map(lambda d: f"{d:02d}"),
    st.sampled_from(["", "", "", " ", "T00", "x", "\n"]),
    st.sampled_from(["-", "-", "-", "/", ""]),
)


@settings(max_examples=3000, deadline=None)
@given(value=DATE_LIKE | st.text(max_size=12))
def test_date_cast_and_round_trip_accept_exactly_the_calendar_dates(value: str) -> None:
    """The strict cast (all values at once) and the round trip (value by value) stand in for the
    pattern and calendar checks, so both must accept the same values as they do."""
    assert _cast_valid(value) == _calendar_valid(value)
    assert bool(calendar_dates(pa.array([value]))[0].as_py()) == _calendar_valid(value)


@pytest.mark.parametrize(
    ("value", "valid"),
    [("2020-02-29", True), ("2021-02-29", False), ("2021-02-30", False), ("2021-2-3", False), ("2021-13-01", False)],
)
def test_date_cells(value: str, valid: bool) -> None:
    found = _problems({"name": "d", "type": "date"}, ["2021-01-01", value, None])
    assert found == ([] if valid else [("type-error", 3, value)])


def test_date_in_a_custom_format_must_print_back_the_same() -> None:
    spec = {"name": "d", "type": "date", "format": "%d/%m/%Y"}
    found = _problems(spec, ["03/02/2021", "3/2/2021", "30/02/2021", "2021-02-03", None])
    assert found == [("type-error", 3, "3/2/2021"), ("type-error", 4, "30/02/2021"), ("type-error", 5, "2021-02-03")]


def test_time_in_a_custom_format() -> None:
    found = _problems({"name": "t", "type": "time", "format": "%H:%M"}, ["10:30", "25:00", "9:05"])
    assert found == [("type-error", 3, "25:00"), ("type-error", 4, "9:05")]


@pytest.mark.parametrize("start", ["=", "+", "@", "\t", "\r"])
def test_formula_like_free_text_is_a_warning(start: str) -> None:
    value = f"{start}HYPERLINK(1)"
    found = _problems({"name": "s", "type": "string"}, ["plain", value, "a=b", None])
    assert found == [("formula-cell", 3, value)]


def test_formula_check_skips_constrained_text() -> None:
    assert _problems({"name": "s", "type": "string", "constraints": {"pattern": "=.*"}}, ["=1"]) == []


@pytest.mark.parametrize(("kind", "value"), [("integer", "1.5"), ("integer", " 1"), ("number", "1,5"), ("date", "x")])
def test_failed_cast_falls_back_to_the_pattern(kind: str, value: str) -> None:
    found = _problems({"name": "n", "type": kind}, ["1", value] if kind != "date" else ["2021-01-01", value])
    assert [(code, row) for code, row, _ in found] == [("type-error", 3)]
    assert re.fullmatch(TYPE_PATTERNS[kind], value) is None


@settings(max_examples=300, deadline=None)
@given(
    keys=st.lists(st.sampled_from(["a", "b", "c", "a/b", "", "\u00e9", None]), max_size=40),
    rejected=st.booleans(),
    parts=st.integers(1, 4),
)
def test_repeated_keys_name_the_row_they_repeat(keys: list[str | None], rejected: bool, parts: int) -> None:
    """Every repeat of a key, and only repeats, is reported with the row of its first occurrence,
    however many parts the keys are hashed in."""
    table = Rows(name="t", file="t.csv", num_rows=len(keys), rejected=[3] if rejected else [])
    table.columns = {"id": pa.chunked_array([pa.array(keys[:5], pa.string()), pa.array(keys[5:], pa.string())])}
    report = Report(target="t", max_per_kind=None)
    with ThreadPoolExecutor(max_workers=2) as pool, mock.patch.object(key_checks, "_part_count", return_value=parts):
        _duplicates(table, ["id"], "primary-key-error", report, pool)
    first: dict[str, int] = {}
    expected = []
    for row, key in zip(table.rows_of(list(range(len(keys)))), keys, strict=True):
        if key is None:
            continue
        if key in first:
            expected.append((row, f"{key!r} repeats row {first[key]}"))
        else:
            first[key] = row
    assert [(p.row, p.message) for p in report.problems] == expected


SPECIAL = ["NaN", "INF", "-INF", "inf", "Infinity", "nan", "-inf", "+INF", "1e400", "-Infinity", "+inf"]
# The Table Schema's special values in any case ("case need not be respected"), and a number too large.
SPECIAL_VALID = {"NaN", "INF", "-INF", "inf", "nan", "-inf", "1e400"}


@pytest.mark.parametrize("value", SPECIAL)
@pytest.mark.parametrize("other", ["1.5", "not a number"])
def test_special_numbers_agree_whether_or_not_the_cast_succeeds(value: str, other: str) -> None:
    """A clean cast and the pattern (used when another cell fails to cast) accept the same values."""
    found = _problems({"name": "x", "type": "number"}, [other, value])
    assert ("type-error", 3, value) in found if value not in SPECIAL_VALID else ("type-error", 3, value) not in found


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("2021-01-01T10:20:30", True),
        ("2021-01-01T10:20:30Z", True),
        ("2021-01-01T10:20:30+09:00", True),
        ("2021-01-01T99:99:99", False),
        ("2021-01-01T24:00:01", False),
        ("2021-02-30T10:20:30", False),
    ],
)
def test_datetime_checks_its_time(value: str, valid: bool) -> None:
    assert (_problems({"name": "d", "type": "datetime"}, [value]) == []) is valid


@pytest.mark.parametrize(
    ("value", "valid"),
    [("10:20:30", True), ("10:20:30Z", True), ("10:20:30-05:00", True), ("10:20:30.5+0900", True), ("25:00:00", False)],
)
def test_time_may_have_a_zone(value: str, valid: bool) -> None:
    assert (_problems({"name": "t", "type": "time"}, [value]) == []) is valid


@pytest.mark.parametrize(
    ("enum", "cells", "bad"),
    [([1, 2], ["01", "2.0", "3"], ["3"]), ([0], ["-0", "0.0"], []), ([40000], ["4E4", "4e4", "40001"], ["40001"])],
)
def test_numeric_enum_is_compared_as_numbers(enum: list[int], cells: list[str], bad: list[str]) -> None:
    found = _problems({"name": "n", "type": "number", "constraints": {"enum": enum}}, cells)
    assert [value for code, _, value in found if code == "enum-error"] == bad


@pytest.mark.parametrize(("bound", "cell"), [("1000", "1000.5"), (10**20, "1e21"), ("1e3", "1001")])
def test_numeric_bounds_as_strings_or_beyond_int64(bound: object, cell: str) -> None:
    found = _problems({"name": "n", "type": "number", "constraints": {"maximum": bound}}, ["5", cell])
    assert found == [("range-error", 3, cell)]


def test_exclusive_maximum_is_not_maximum() -> None:
    found = _problems({"name": "n", "type": "integer", "constraints": {"exclusiveMaximum": 5}}, ["4", "5", "6"])
    assert [(code, row) for code, row, _ in found] == [("range-error", 3), ("range-error", 4)]


def test_a_primary_key_cell_must_have_a_value() -> None:
    table = Rows(name="t", file="t.csv")
    column = pa.chunked_array([pa.array(["a", None], pa.string())])
    result = check_cells(table, FieldSpec.parse({"name": "id"}, key=True), column, Report(target="t"), 0)
    assert [(p.code, p.row) for _, problems, _ in result.found for p in problems] == [("primary-key-error", 3)]


@pytest.mark.parametrize(
    ("fmt", "good", "bad"),
    [
        ("default", ["90, 45", "-180,-90", "1.5, 2"], ["200, 0", "0, 91", "a, b", "1 2"]),
        ("array", ["[90, 45]", "[-180.0, 90]"], ["[1]", "[200, 0]", '["a", 1]', "{}"]),
        ("object", ['{"lon": 151.2, "lat": -27.1}'], ['{"lon": 1}', '{"lon": 1, "lat": 100}', "[1, 2]", "x"]),
    ],
)
def test_geopoint_formats_and_ranges(fmt: str, good: list[str], bad: list[str]) -> None:
    found = _problems({"name": "g", "type": "geopoint", "format": fmt}, good + bad)
    assert [value for _, _, value in found] == bad


@pytest.mark.parametrize(
    ("spec", "cells", "bad"),
    [
        ({"type": "array", "constraints": {"minLength": 2}}, ["[1, 2]", "[1]", "[]"], ["[1]", "[]"]),
        ({"type": "list", "constraints": {"maxLength": 2}}, ["a,b", "a,b,c"], ["a,b,c"]),
        ({"type": "string", "constraints": {"maxLength": 2}}, ["ab", "abc"], ["abc"]),
    ],
)
def test_length_counts_items_of_arrays_and_lists(spec: dict[str, Any], cells: list[str], bad: list[str]) -> None:
    found = _problems({"name": "x", **spec}, cells)
    assert [value for code, _, value in found if code == "length-error"] == bad
