"""Vectorized checks of one tabular resource against its Table Schema, with pyarrow.

Cells are read as strings (so a bad value can be shown as written), then every field's type and
constraints are checked a column at a time. Only the first failing check of a cell is reported,
and only the problems a report keeps are turned into Python objects.
"""

from __future__ import annotations

import array
import bisect
import csv
import functools
import io
import itertools
import json
import os
import re
from collections import deque
from collections.abc import Callable, Generator, Iterator, MutableSequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .report import Problem, Report, shorten

if TYPE_CHECKING:
    import pyarrow as pa

# Files are parsed in pieces of about this size: large enough for all cores, small enough for memory.
PIECE_BYTES = 24 << 20
PARSERS = 4  # pieces parsed at once, at most: each holds its bytes and its parsed columns

# The Table Schema number: decimal or exponent notation, and exactly NaN, INF and -INF.
_NUMBER = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|NaN|INF|-INF"
_ZONE = r"(?:Z|[+-][0-9]{2}:?[0-9]{2})?"
TYPE_PATTERNS = {
    "integer": r"[+-]?[0-9]+",
    "number": _NUMBER,
    "year": r"-?[0-9]{4}",
    "yearmonth": r"-?[0-9]{4}-(?:0[1-9]|1[0-2])",
    "date": r"[0-9]{4}-[0-9]{2}-[0-9]{2}",
    "time": r"[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?" + _ZONE,
    "datetime": r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?" + _ZONE,
    "duration": r"P(?:[0-9]+[YMWD])*(?:T(?:[0-9]+[HM])*(?:[0-9]+(?:\.[0-9]+)?S)?)?",
    "geopoint": r"-?[0-9]+(?:\.[0-9]+)?, *-?[0-9]+(?:\.[0-9]+)?",
}
FORMAT_PATTERNS = {
    "email": r"[^@\s]+@[^@\s]+\.[^@\s]+",
    "uri": r"[A-Za-z][A-Za-z0-9+.-]*:[^\s]*",
    "uuid": r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}",
}
KNOWN_TYPES = {"string", "boolean", "object", "array", "list", "geojson", "any", *TYPE_PATTERNS}
JSON_TYPES = {"object": dict, "array": list}
FORMULA_STARTS = ["=", "+", "@", "\t", "\r"]  # what spreadsheets run as a formula
# Types whose strict cast accepts exactly the values the type allows: a clean cast skips the regex.
CASTS = {"integer": "int64", "number": "float64", "date": "date32"}
TEMPORAL = ("date", "datetime", "time")


def cpu_count() -> int:
    """The CPUs this process may run on (its affinity), not the machine's."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


@dataclass
class Rows:
    """One resource's rows as string columns, with the file's row number of each row.

    A resource split over several files is one table made of ``parts``, one per file, in order.
    """

    name: str
    file: str
    columns: dict[str, pa.ChunkedArray] = field(default_factory=dict)
    first_row: int = 2
    num_rows: int = 0
    # File row numbers the parser rejected or found blank, ascending; 8 bytes each, as there may be millions.
    rejected: MutableSequence[int] = field(default_factory=lambda: array.array("q"))
    bad: list[Any] = field(default_factory=list)  # Arrow arrays of positions of rows with a cell error
    skipped: list[str] = field(default_factory=list)  # text of rows the parser could not split
    parts: list[Rows] = field(default_factory=list)

    @classmethod
    def joined(cls, parts: list[Rows]) -> Rows:
        """The table made of the rows of ``parts``, one after another."""
        import pyarrow as pa
        import pyarrow.compute as pc

        if len(parts) == 1:
            return parts[0]
        first = parts[0]
        table = cls(name=first.name, file=" + ".join(p.file for p in parts), parts=parts)
        for part in parts:
            table.bad += [pc.add(positions, table.num_rows) for positions in part.bad]
            table.skipped += part.skipped
            table.num_rows += part.num_rows
        table.columns = {
            n: pa.chunked_array([c for p in parts for c in p.columns[n].chunks], pa.string()) for n in first.columns
        }
        return table

    def rows_of(self, positions: list[int]) -> list[int]:
        """The file row number of each kept row position: rejected rows take numbers too."""
        first, rejected = self.first_row, self.rejected
        if not rejected:
            return [p + first for p in positions]

        def row(position: int) -> int:
            # The least row number with position + 1 kept rows up to it (a binary search).
            low, high = position + first, position + first + len(rejected)
            while low < high:
                middle = (low + high) // 2
                if middle - first + 1 - bisect.bisect_right(rejected, middle) >= position + 1:
                    high = middle
                else:
                    low = middle + 1
            return low

        return [row(p) for p in positions]

    def places(self, positions: list[int]) -> list[tuple[str, int]]:
        """The file, and the row number in it, of each row position."""
        if not self.parts:
            return [(self.file, row) for row in self.rows_of(positions)]
        ends = list(itertools.accumulate(p.num_rows for p in self.parts))
        found: dict[int, tuple[str, int]] = {}
        by_part: dict[int, list[int]] = {}
        for position in positions:
            by_part.setdefault(bisect.bisect_right(ends, position), []).append(position)
        for index, wanted in by_part.items():
            part, start = self.parts[index], ends[index] - self.parts[index].num_rows
            rows = part.rows_of([p - start for p in wanted])
            found.update((p, (part.file, row)) for p, row in zip(wanted, rows, strict=True))
        return [found[p] for p in positions]

    def rows(self) -> Iterator[tuple[str, int, dict[str, str | None], bool]]:
        """Each row as (file, row number in it, cells, whether a cell check failed on it)."""
        bad = {p for positions in self.bad for p in positions.to_pylist()}
        names = list(self.columns)
        values = [self.columns[n].to_pylist() for n in names]
        places = self.places(list(range(self.num_rows)))
        for position, cells in enumerate(zip(*values, strict=True)):
            file, row = places[position]
            yield file, row, dict(zip(names, cells, strict=True)), position in bad


@dataclass
class FieldSpec:
    """The checkable parts of a Table Schema field."""

    name: str
    type: str
    spec: dict[str, Any]
    constraints: dict[str, Any]
    key: bool = False  # part of the primary key: its cells must not be empty

    @classmethod
    def parse(cls, spec: dict[str, Any], key: bool = False) -> FieldSpec:
        constraints = spec.get("constraints")
        return cls(
            name=str(spec.get("name")),
            type=str(spec.get("type", "string")),
            spec=spec,
            constraints=dict(constraints) if isinstance(constraints, dict) else {},
            key=key,
        )

    @property
    def enum(self) -> list[Any] | None:
        """Allowed values as given, from ``enum`` or v2 ``categories``."""
        values = self.constraints.get("enum")
        if values is None and isinstance(self.spec.get("categories"), list):
            values = [c.get("value") if isinstance(c, dict) else c for c in self.spec["categories"]]
        return values if isinstance(values, list) else None

    @property
    def allowed(self) -> list[str] | None:
        """Allowed values as text."""
        values = self.enum
        return None if values is None else [_text(v) for v in values]


def as_number(value: Any) -> float | None:
    """A numeric bound or enum value as a float: JSON numbers, and numbers written as JSON strings."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    if isinstance(value, str) and re.fullmatch(_NUMBER, value.strip()) is None:
        return None
    try:
        return float(value)
    except (ValueError, OverflowError):  # an integer beyond a float's range
        return float("inf") if int(value) > 0 else float("-inf")


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _full(pattern: str) -> str:
    return f"^(?:{pattern})$"


Found = tuple[tuple[str, str, str], list[Problem], int]  # kind, problems kept in full, how many in all


@dataclass
class ColumnResult:
    """What the checks of one column found: problems per kind, and which rows had an error."""

    found: list[Found] = field(default_factory=list)
    bad: Any = None


class _Cells:
    """Checks of one column, each marking the cells that fail and have not failed before.

    It only reads the report (to know how many problems are still kept in full), so the columns
    of a batch can be checked in parallel and their results added in order afterwards.
    """

    def __init__(self, table: Rows, spec: FieldSpec, values: pa.ChunkedArray, report: Report, offset: int) -> None:
        import pyarrow.compute as pc

        self.pc = pc
        self.table, self.spec, self.values, self.report = table, spec, values, report
        self.shown = values  # the cells as written, quoted in messages (``values`` may be normalized)
        self.missing = pc.is_null(values)
        self.failed = self.missing  # missing cells are only checked by `required`
        self.offset = offset  # position of the batch's first row in the table
        self.parsed: Any = None
        self.result = ColumnResult()

    def fail(self, mask: Any, code: str, message: Callable[[str], str], severity: str = "error") -> None:
        """Report the cells selected by ``mask`` that no earlier check reported."""
        pc = self.pc
        if not pc.any(mask).as_py():
            return  # the usual case on clean data: no mask arithmetic needed
        new = pc.and_kleene(mask, pc.invert(self.failed))
        if new.null_count:
            new = pc.fill_null(new, False)
        self.failed = pc.or_(self.failed, new)
        self.emit(new, code, message, severity)

    def emit(self, new: Any, code: str, message: Callable[[str], str], severity: str = "error") -> None:
        """Report exactly the cells selected by ``new``, keeping the first ones in full."""
        pc = self.pc
        total = pc.sum(new).as_py() or 0
        if total == 0:
            return
        result = self.result
        if severity == "error":
            result.bad = new if result.bad is None else pc.or_(result.bad, new)
        kind = (self.table.name, code, self.spec.name)
        taken = sum(len(problems) for k, problems, _ in result.found if k == kind)
        keep = min(total, max(0, self.report.room(kind) - taken))
        positions = pc.indices_nonzero(new).slice(0, keep) if keep else None
        problems = []
        if positions is not None:
            index = positions.to_pylist()
            cells = self.shown.take(positions).to_pylist()
            rows = self.table.rows_of([i + self.offset for i in index])
            problems = [
                Problem(
                    code,
                    message(str(cell)),
                    file=self.table.file,
                    row=row,
                    resource=self.table.name,
                    field=self.spec.name,
                    value=shorten(cell),
                    severity=severity,
                )
                for cell, row in zip(cells, rows, strict=True)
            ]
        result.found.append((kind, problems, total))

    def casts_cleanly(self, target: str) -> bool:
        """Whether every value converts to ``target``; the parsed values are kept for range checks."""
        import pyarrow as pa

        try:
            self.parsed = self.pc.cast(self.values, target)
        except pa.ArrowInvalid:  # some value does not parse; the pattern will say which
            return False
        return True

    def matches(self, pattern: str) -> Any:
        """Which cells fully match a regular expression, with RE2: its time is linear in the cell's length.

        Patterns RE2 cannot compile (lookarounds, backreferences) are refused before the cells are
        read (see ``re2_error``): Python's ``re`` could backtrack for ever on a short cell.
        """
        return self.pc.match_substring_regex(self.values, _full(pattern))

    def as_floats(self) -> Any:
        """The cells that passed every check so far as float64 (0 for the others), for numeric constraints."""
        import pyarrow as pa

        pc = self.pc
        if self.parsed is not None:
            return pc.cast(self.parsed, pa.float64())
        ok = pc.invert(self.failed)
        return pc.cast(pc.if_else(ok, self.values, pa.scalar("0")), pa.float64(), safe=False)


def re2_error(pattern: str) -> str | None:
    """Why RE2 (the engine the cells are matched with) refuses ``pattern``; None when it compiles."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        pc.match_substring_regex(pa.array([""], pa.string()), _full(pattern))  # compiled once there is a value
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        return str(exc).rpartition(":")[2].strip() or str(exc)
    return None


def check_cells(table: Rows, spec: FieldSpec, values: pa.ChunkedArray, report: Report, offset: int) -> ColumnResult:
    """Check every cell of one column against its field's type, format and constraints."""
    import pyarrow as pa

    cells = _Cells(table, spec, values, report, offset)
    pc = cells.pc
    c = spec.constraints
    if c.get("required"):
        cells.emit(cells.missing, "required-error", lambda v: "a value is required")
    elif spec.key:
        cells.emit(cells.missing, "primary-key-error", lambda v: "a primary key cell must have a value")
    kind, fmt = spec.type, spec.spec.get("format", "default")
    if kind in CASTS and kind != "date" and _has_number_options(spec.spec):
        values = cells.values = bare_numbers(values, spec.spec)
    expected = {"number": "a number", "integer": "an integer"}.get(kind, f"a {kind}")
    if kind in TEMPORAL and fmt != "default":
        _check_temporal_format(cells, kind, str(fmt))
    elif kind in CASTS and cells.casts_cleanly(CASTS[kind]):
        if kind == "number":
            _check_special_numbers(cells)
    elif kind == "date":
        cells.fail(pc.invert(calendar_dates(values)), "type-error", _not_a_date)
    elif kind in ("list", "geopoint"):
        _check_composite(cells, kind, str(fmt))
    elif kind in TYPE_PATTERNS:
        cells.fail(pc.invert(cells.matches(TYPE_PATTERNS[kind])), "type-error", lambda v: f"{v!r} is not {expected}")
        if kind == "datetime":
            real = real_dates(pc.utf8_slice_codeunits(values, 0, 10), cells.failed)
            cells.fail(pc.invert(real), "type-error", lambda v: f"{v!r} is not a real {kind}")
            clock = _real_times(pc, pc.utf8_slice_codeunits(values, 11, 19))
            cells.fail(pc.invert(clock), "type-error", lambda v: f"{v!r} is not a real {kind}")
        elif kind == "time":
            cells.fail(pc.invert(_real_times(pc, values)), "type-error", lambda v: f"{v!r} is not a real time")
    if kind == "boolean":
        truthy = _strings(spec.spec.get("trueValues")) or ["true", "True", "TRUE", "1"]
        falsy = _strings(spec.spec.get("falseValues")) or ["false", "False", "FALSE", "0"]
        allowed = pa.array([*truthy, *falsy], pa.string())
        cells.fail(pc.invert(pc.is_in(values, value_set=allowed)), "type-error", lambda v: f"{v!r} is not a boolean")
    elif kind == "geojson":
        _check_geojson(cells, str(fmt))
    elif kind in JSON_TYPES:
        wanted = JSON_TYPES[kind]
        bad = [v is not None and not _is_json(v, wanted) for v in values.to_pylist()]
        cells.fail(pa.array(bad), "type-error", lambda v: f"{shorten(v)!r} is not a JSON {kind}")
    elif kind == "string" and spec.spec.get("format") in FORMAT_PATTERNS:
        fmt = spec.spec["format"]
        cells.fail(pc.invert(cells.matches(FORMAT_PATTERNS[fmt])), "type-error", lambda v: f"{v!r} is not an {fmt}")
    _check_constraints(cells, pa, pc)
    if kind == "string" and spec.allowed is None and "pattern" not in c:
        # Free text only: an enum or a pattern already decides what a cell may start with.
        formula = functools.reduce(pc.or_, [pc.starts_with(values, start) for start in FORMULA_STARTS])
        cells.fail(formula, "formula-cell", _formula_message, "warning")
    return cells.result


def _has_number_options(spec: dict[str, Any]) -> bool:
    return spec.get("bareNumber") is False or "groupChar" in spec or "decimalChar" in spec


def bare_numbers(values: Any, spec: dict[str, Any]) -> Any:
    """Number cells written with ``bareNumber: false``, ``groupChar`` or ``decimalChar``, rewritten as bare
    Table Schema numbers (vectorized), so that the usual checks apply: "$1,000" with groupChar "," is 1000.

    As frictionless-py does: the text around the number is stripped first, then group characters are
    removed, and with another decimalChar a "." left in a cell makes it no number. Unlike frictionless,
    a leading sign or decimal point is kept (it strips every non-digit, so "-5%" would read as 5).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    group, decimal = spec.get("groupChar"), spec.get("decimalChar", ".")
    if spec.get("bareNumber") is False:
        point = re.escape(decimal) if isinstance(decimal, str) and decimal else ""
        values = pc.replace_substring_regex(values, pattern=rf"^[^0-9+.{point}-]+", replacement="")
        values = pc.replace_substring_regex(values, pattern=r"[^0-9]+$", replacement="")
    if isinstance(group, str) and group:
        values = pc.replace_substring(values, pattern=group, replacement="")
    if isinstance(decimal, str) and decimal and decimal != ".":
        dotted = pc.match_substring(values, pattern=".")
        values = pc.if_else(dotted, pa.scalar("."), pc.replace_substring(values, pattern=decimal, replacement="."))
    return values


def _check_geojson(cells: _Cells, fmt: str) -> None:
    """A GeoJSON object, or with the ``topojson`` format a TopoJSON topology (see the geojson module)."""
    import pyarrow as pa

    from ..geojson import is_geojson, is_topojson

    valid, shape = (is_topojson, "a TopoJSON topology") if fmt == "topojson" else (is_geojson, "GeoJSON")
    bad = [v is not None and not valid(_loaded(v)) for v in cells.values.to_pylist()]
    cells.fail(pa.array(bad, pa.bool_()), "type-error", lambda v: f"{shorten(v)!r} is not {shape}")


def _loaded(text: str) -> Any:
    """A cell's JSON value; None when it is not JSON."""
    try:
        return json.loads(text)
    except (ValueError, RecursionError):  # RecursionError: nested deeper than Python parses
        return None


def _check_composite(cells: _Cells, kind: str, fmt: str) -> None:
    """A v2 ``list`` (items split by its delimiter, each of its itemType) or a ``geopoint`` in its format."""
    import pyarrow as pa

    spec, values = cells.spec.spec, cells.values
    if kind == "list":
        item = str(spec.get("itemType", "string"))
        if item in ("boolean", "date") or item in TYPE_PATTERNS:
            split = spec.get("delimiter")
            delimiter = split if isinstance(split, str) and split else ","
            message = f"is not a list of {item} items split by {delimiter!r}"
            cells.fail(_bad_lists(values, delimiter, item), "type-error", lambda v: f"{shorten(v)!r} {message}")
        return
    shape = {"array": "[lon, lat]", "object": '{"lon": ..., "lat": ...}'}.get(fmt, "lon, lat")
    bad = [v is not None and _geopoint(v, fmt) is None for v in values.to_pylist()]
    cells.fail(pa.array(bad), "type-error", lambda v: f"{shorten(v)!r} is not a geopoint ({shape}, in range)")


def _check_special_numbers(cells: _Cells) -> None:
    """The cast also reads ``inf``, ``Infinity`` and ``nan``; the Table Schema allows only NaN, INF and -INF.

    Checked on the values the cast made infinite or NaN, so that a clean cast and the pattern
    (used when some value does not cast) accept the same cells.
    """
    pc = cells.pc
    special = pc.fill_null(pc.invert(pc.is_finite(cells.parsed)), False)
    if pc.any(special).as_py():
        written = cells.matches(_NUMBER)
        cells.fail(pc.and_(special, pc.invert(written)), "type-error", lambda v: f"{v!r} is not a number")


def _check_temporal_format(cells: _Cells, kind: str, fmt: str) -> None:
    """A date, time or datetime in a ``strptime`` format: the value must parse and print back the same.

    The round trip rejects what parsing alone lets through: unpadded fields, and days that do not
    exist (which the parser rolls over into the next month). ``any`` accepts what dateutil reads.
    """
    pc = cells.pc
    if fmt == "any":
        cells.fail(_unreadable_dates(cells.values), "type-error", lambda v: f"{v!r} is not a {kind}")
        return
    parsed = pc.strptime(cells.values, format=fmt, unit="s", error_is_null=True)
    if "%z" in fmt:  # printed back in UTC: only whether it parses can be compared
        same = pc.is_valid(parsed)
    else:
        same = pc.fill_null(pc.equal(pc.strftime(parsed, format=fmt), cells.values), False)
    cells.fail(pc.invert(same), "type-error", lambda v: f"{v!r} is not a {kind} in the format {fmt}")


def _unreadable_dates(values: Any) -> Any:
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


def _formula_message(value: str) -> str:
    return f"{shorten(value)!r} would run as a formula in a spreadsheet"


def _check_constraints(cells: _Cells, pa: Any, pc: Any) -> None:
    spec, values, c = cells.spec, cells.values, cells.spec.constraints
    allowed = spec.allowed
    numeric = spec.type in ("integer", "number")
    if allowed is not None:
        shown = ", ".join(allowed[:12]) + (", ..." if len(allowed) > 12 else "")
        numbers = [as_number(v) for v in spec.enum or []]
        if numeric and None not in numbers:
            # Compared as numbers: '01' is 1 and 4e4 is 4E4; adding 0.0 makes -0 equal 0.
            in_set = pc.is_in(pc.add(cells.as_floats(), 0.0), value_set=pa.array(numbers, pa.float64()))
        else:
            in_set = pc.is_in(values, value_set=pa.array(allowed, pa.string()))
        cells.fail(pc.invert(in_set), "enum-error", lambda v: f"{v!r} is not one of: {shown}")
    if isinstance(c.get("pattern"), str):
        pattern = c["pattern"]
        cells.fail(pc.invert(cells.matches(pattern)), "pattern-error", lambda v: f"{v!r} does not match {pattern}")
    bounds = {k: as_number(c.get(k)) for k in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")}
    if numeric and any(b is not None for b in bounds.values()):
        parsed = cells.as_floats()
        for key, op, word in (
            ("minimum", pc.less, ">="),
            ("maximum", pc.greater, "<="),
            ("exclusiveMinimum", pc.less_equal, ">"),
            ("exclusiveMaximum", pc.greater_equal, "<"),
        ):
            if (bound := bounds[key]) is not None:
                cells.fail(op(parsed, bound), "range-error", _out_of_range(word, c[key]))
    elif not numeric and spec.type in ("date", "year", "yearmonth", "datetime", "time", "string"):
        for key, op, word in (("minimum", pc.less, ">="), ("maximum", pc.greater, "<=")):
            if isinstance(c.get(key), str):
                bound = c[key]
                cells.fail(op(values, bound), "range-error", _out_of_range(word, bound))
    if isinstance(c.get("minLength"), int) or isinstance(c.get("maxLength"), int):
        length, unit = _lengths(cells)
    if isinstance(c.get("minLength"), int):
        low = c["minLength"]
        cells.fail(pc.less(length, low), "length-error", lambda v: f"must have at least {low} {unit}")
    if isinstance(c.get("maxLength"), int):
        high = c["maxLength"]
        cells.fail(pc.greater(length, high), "length-error", lambda v: f"must have at most {high} {unit}")


def _lengths(cells: _Cells) -> tuple[Any, str]:
    """Each cell's length for minLength/maxLength: items of an array or list, keys of an object, else characters."""
    import pyarrow as pa

    kind, values = cells.spec.type, cells.values
    if kind == "list":
        split = cells.spec.spec.get("delimiter")
        lists = cells.pc.split_pattern(values, pattern=split if isinstance(split, str) and split else ",")
        return cells.pc.list_value_length(lists), "items"
    if kind in ("array", "object"):
        counts = []
        for text in values.to_pylist():
            try:
                parsed = json.loads(text) if text is not None else None
            except (ValueError, RecursionError):
                parsed = None  # not JSON: the type check reported it
            counts.append(len(parsed) if isinstance(parsed, list | dict) else None)
        return pa.array(counts, pa.int64()), "items" if kind == "array" else "keys"
    return cells.pc.utf8_length(values), "characters"


def _out_of_range(word: str, bound: object) -> Callable[[str], str]:
    return lambda value: f"must be {word} {bound}, got {value}"


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


def _not_a_date(value: str) -> str:
    if re.fullmatch(TYPE_PATTERNS["date"], value):
        return f"{value!r} is not a real date"
    return f"{value!r} is not a date (YYYY-MM-DD)"


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


def _real_times(pc: Any, values: Any) -> Any:
    import pyarrow as pa

    head = pc.utf8_slice_codeunits(values, 0, 8)
    parsed = pc.strptime(
        pc.binary_join_element_wise(pa.scalar("2000-01-01T"), head, ""),
        format="%Y-%m-%dT%H:%M:%S",
        unit="s",
        error_is_null=True,
    )
    return pc.fill_null(pc.is_valid(parsed), False)


def _bad_lists(values: Any, delimiter: str, item: str) -> Any:
    """Which cells of a v2 ``list`` field have an item that is not of ``item`` type."""
    import pyarrow as pa
    import pyarrow.compute as pc

    lists = pc.split_pattern(values.combine_chunks(), pattern=delimiter)
    items, parents = pc.list_flatten(lists), pc.list_parent_indices(lists)
    if item == "boolean":
        ok = pc.is_in(items, value_set=pa.array(["true", "false"]))
    elif item == "date":
        ok = calendar_dates(items)
    else:
        ok = pc.match_substring_regex(items, _full(TYPE_PATTERNS[item]))
    bad_rows = pc.filter(parents, pc.invert(pc.fill_null(ok, False)))
    return pc.is_in(pa.array(range(len(values)), pa.int64()), value_set=bad_rows.cast(pa.int64()))


def _geopoint(text: str, fmt: str) -> tuple[float, float] | None:
    """(lon, lat) from a geopoint cell in its format (default "lon, lat", array, object); None if not one."""
    try:
        if fmt == "array":
            value = json.loads(text)
            point = value if isinstance(value, list) and len(value) == 2 else None
        elif fmt == "object":
            value = json.loads(text)
            point = [value.get("lon"), value.get("lat")] if isinstance(value, dict) and len(value) == 2 else None
        else:
            point = text.split(",") if re.fullmatch(TYPE_PATTERNS["geopoint"], text) else None
        if point is None or any(isinstance(c, bool) or not isinstance(c, int | float | str) for c in point):
            return None
        lon, lat = float(point[0]), float(point[1])
    except (ValueError, RecursionError):
        return None
    return (lon, lat) if -180 <= lon <= 180 and -90 <= lat <= 90 else None


def _strings(value: Any) -> list[str] | None:
    """A list of strings from the descriptor, or None when it is anything else (the profile reports it)."""
    return value if isinstance(value, list) and all(isinstance(v, str) for v in value) else None


def _is_json(text: str, wanted: type) -> bool:
    return isinstance(_loaded(text), wanted)


@dataclass
class Dialect:
    """The CSV dialect of a resource, with the Table Dialect defaults."""

    delimiter: str = ","
    quote_char: str = '"'
    double_quote: bool = True
    escape_char: str | None = None
    header: bool = True
    header_case: bool = True  # whether labels must match the fields' names in case too
    skip_initial_space: bool = False  # spaces after a delimiter are not part of the cell
    header_lines: tuple[int, ...] = (1,)  # the rows (from 1) whose cells, joined, are the labels
    header_join: str = " "
    comment_char: str | None = None  # a row starting with it is a comment
    comment_rows: frozenset[int] = frozenset()  # rows (from 1) that are comments

    @property
    def header_rows(self) -> int:
        """How many rows the header takes at the start of the file."""
        return max(self.header_lines) if self.header and self.header_lines else 0

    @classmethod
    def parse(cls, spec: Any, delimiter: str = ",") -> Dialect:
        """The dialect a descriptor gives (``delimiter`` by default); DialectError when it cannot describe CSV."""
        if spec is None:
            spec = {}
        if not isinstance(spec, dict):
            raise DialectError(f"dialect must be an object, got {shorten(spec)}")
        dialect = cls(
            delimiter=_character(spec, "delimiter", delimiter),
            quote_char=_character(spec, "quoteChar", '"'),
            double_quote=bool(spec.get("doubleQuote", True)),
            escape_char=_character(spec, "escapeChar", None),
            header=bool(spec.get("header", True)),
            header_case=bool(spec.get("headerCase", True)),
            skip_initial_space=bool(spec.get("skipInitialSpace", False)),
            header_lines=_rows(spec, "headerRows", (1,)),
            header_join=spec["headerJoin"] if isinstance(spec.get("headerJoin"), str) else " ",
            comment_char=spec["commentChar"] if isinstance(spec.get("commentChar"), str) else None,
            comment_rows=frozenset(_rows(spec, "commentRows", ())),
        )
        if dialect.comment_char == "":
            raise DialectError("dialect commentChar must not be empty")
        if dialect.delimiter in (dialect.quote_char, dialect.escape_char, "\n", "\r"):
            raise DialectError(f"delimiter {dialect.delimiter!r} cannot also quote, escape or end lines")
        return dialect


class DialectError(ValueError):
    """A dialect that cannot describe a CSV file (a delimiter of two characters, say)."""


def _rows(spec: dict[str, Any], key: str, default: tuple[int, ...]) -> tuple[int, ...]:
    value = spec.get(key)
    if value is None:
        return default
    if not isinstance(value, list) or not all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in value):
        raise DialectError(f"dialect {key} must be an array of row numbers from 1, got {shorten(value)}")
    return tuple(sorted(set(value)))


def _character(spec: dict[str, Any], key: str, default: str | None) -> Any:
    value = spec.get(key, default)
    if value is None and default is None:
        return None
    if not isinstance(value, str) or len(value) != 1:
        raise DialectError(f"dialect {key} must be one character, got {shorten(value)}")
    return value


def _is_utf8(encoding: str) -> bool:
    return encoding.lower().replace("-", "").replace("_", "") == "utf8"


class NotUtf8Error(ValueError):
    """A piece of a UTF-8 file that does not decode."""


def _check_utf8(data: Any) -> None:
    """Raise NotUtf8Error unless the bytes are valid UTF-8 (Arrow's vectorized check, no copy)."""
    import struct

    import pyarrow as pa

    offsets = pa.py_buffer(struct.pack("<qq", 0, data.size))
    whole = pa.LargeBinaryArray.from_buffers(pa.large_binary(), 1, [None, offsets, data])
    try:
        whole.cast(pa.large_string())
    except pa.ArrowInvalid:
        raise NotUtf8Error from None


def read_header(path: Path, dialect: Dialect, encoding: str) -> list[str] | None:
    """The labels: the first record of the file, or the header rows' cells joined, parsed with Python's
    csv module (None for an empty file)."""
    with path.open(encoding=encoding, errors="replace", newline="") as handle:
        first = handle.read(1 << 20).lstrip("\ufeff")
    reader = csv.reader(
        io.StringIO(first, newline=""),  # lines may end in CR alone
        delimiter=dialect.delimiter,
        quotechar=dialect.quote_char,
        doublequote=dialect.double_quote,
        escapechar=dialect.escape_char,
        skipinitialspace=dialect.skip_initial_space,
    )
    if dialect.header_lines == (1,) or not dialect.header:
        return next(reader, None)
    records = list(itertools.islice(reader, dialect.header_rows))
    if not records:
        return None
    rows = [records[n - 1] for n in dialect.header_lines if n <= len(records)]
    width = max(len(row) for row in rows)
    return [dialect.header_join.join(row[i] for row in rows if i < len(row) and row[i]) for i in range(width)]


@dataclass
class InvalidRows:
    """Rows the parser could not split into the expected cells."""

    rows: list[tuple[int | None, int, int, str]] = field(default_factory=list)

    def __call__(self, row: Any) -> str:
        self.rows.append((row.number, row.expected_columns, row.actual_columns, row.text))
        return "skip"


@dataclass
class Piece:
    """One parsed piece of a file: its rows, the rows the parser rejected, and row numbering."""

    table: pa.Table
    rejected: list[tuple[int, int, int, str]]  # (file row number, expected cells, cells, text)
    size: int  # bytes of the file in the piece
    header: int = 0  # rows of the file's header the piece starts with
    complete: bool = True  # False when the piece was cut inside a quoted cell

    def number_rows(self, before: int) -> int:
        """Turn the piece's row numbers into the file's, given the records before it; return the records after it.

        The parser numbers a piece's records from 1, its header included.
        """
        offset = before - self.header
        self.rejected = [(n + offset, expected, actual, text) for n, expected, actual, text in self.rejected]
        return before + int(self.table.num_rows) + len(self.rejected)


Feed = Callable[[bytes | bytearray, int | None], None]  # takes each run of the file's bytes, in order


def read_pieces(
    path: Path, names: list[str], dialect: Dialect, encoding: str, missing: list[str], feed: Feed | None = None
) -> Generator[Piece]:
    """Parse a file as string columns, in pieces of about PIECE_BYTES cut between records.

    Each piece is parsed by one thread, which numbers the rows the parser rejects, and up to
    PARSERS pieces are parsed at once. Memory stays bounded by the piece size and PARSERS whatever
    the file's size. ``feed`` sees every byte of the file once, in order (to hash it without
    reading it again).
    """
    try:
        yield from _read_pieces(path, names, dialect, encoding, missing, feed)
    except Exception as exc:
        import pyarrow as pa

        if isinstance(exc, OSError) and not isinstance(exc, pa.ArrowException):
            raise  # the OS failed to read it: could not validate, not a bad file
        if isinstance(exc, pa.ArrowException | ValueError):
            raise Unparsable(str(exc)) from exc
        raise


class Unparsable(Exception):
    """The parser, the decoder or the reader failed on the file: the file's problem, not a fault."""


# Written after each piece cut before the end of the file: the parser sees it as a record of its
# own only when the piece ends outside quotes, which tells a cut between records from one inside
# a quoted cell (the cutter counts quotes, and a stray quote in an unquoted cell misleads it).
_MARK = b"\x1eusjst-piece-end\x1e"
MAX_RECORD_BYTES = 256 << 20  # a record longer than this is refused: memory stays bounded


@dataclass
class _Cut:
    """Bytes of the file cut for one parse: ``data`` ends with _MARK when ``marked``."""

    data: Any
    size: int  # bytes of the file
    buffer: bytearray | None  # the spare buffer holding the bytes, if any
    marked: bool


def _read_pieces(
    path: Path, names: list[str], dialect: Dialect, encoding: str, missing: list[str], feed: Feed | None
) -> Iterator[Piece]:
    workers = min(cpu_count(), PARSERS)
    record = dialect.header_rows  # records before the piece, counting the header
    spare: list[bytearray] = []  # buffers of parsed pieces, to read the next ones into
    pending: deque[tuple[Future[Piece], _Cut, int]] = deque()
    cuts = _pieces(path, dialect, encoding, feed or _ignore, spare)
    first = True

    def parse(cut: _Cut, header: int) -> Piece:
        return _parse_piece(cut.data, names, dialect, encoding, missing, header, cut.marked, cut.size)

    def dispatch(parsing: ThreadPoolExecutor) -> bool:
        nonlocal first
        cut = next(cuts, None)
        if cut is None:
            return False
        header, first = (dialect.header_rows if first else 0), False
        pending.append((parsing.submit(parse, cut, header), cut, header))
        return True

    def oldest(parsing: ThreadPoolExecutor) -> Piece:
        nonlocal record
        parsed, cut, header = pending.popleft()
        piece = parsed.result()
        while not piece.complete and (pending or dispatch(parsing)):
            # Cut inside a quoted cell: parse it again joined with the next piece.
            later, after, _ = pending.popleft()
            later.result()  # its parser is done with its bytes
            if cut.size + after.size > MAX_RECORD_BYTES:  # an unclosed quote early in a big file
                raise ValueError(f"a quoted cell is not closed within {MAX_RECORD_BYTES >> 20} MB")
            joined = bytes(memoryview(cut.data)[: cut.size]) + bytes(memoryview(after.data)[: after.size])
            for used in (cut.buffer, after.buffer):
                if used is not None:
                    spare.append(used)
            cut = _Cut(_py_buffer(joined + (_MARK if after.marked else b"")), cut.size + after.size, None, after.marked)
            piece = parse(cut, header)
        if not piece.complete:  # the file ends inside the quoted cell: parse its last piece without a mark
            piece = parse(_Cut(_py_buffer(bytes(memoryview(cut.data)[: cut.size])), cut.size, None, False), header)
        if cut.buffer is not None:
            spare.append(cut.buffer)  # the parser copied what it keeps
        record = piece.number_rows(record)
        return piece

    if path.stat().st_size <= PIECE_BYTES:  # one piece: parsed in this thread, no pool to start
        cut = next(cuts)
        piece = parse(cut, dialect.header_rows)
        piece.number_rows(record)
        yield piece
        return
    with ThreadPoolExecutor(max_workers=workers) as parsing:
        while dispatch(parsing):
            while pending and (len(pending) >= workers or pending[0][0].done()):
                yield oldest(parsing)
        while pending:
            yield oldest(parsing)


def _py_buffer(data: bytes | memoryview) -> Any:
    import pyarrow as pa

    return pa.py_buffer(data)


def _parse_piece(
    data: Any,
    names: list[str],
    dialect: Dialect,
    encoding: str,
    missing: list[str],
    header: int,
    marked: bool = False,
    size: int | None = None,
) -> Piece:
    """One piece's rows and rejected rows, numbered within the piece (see ``Piece.number_rows``).

    A marked piece is complete when the parser read its mark as a record of its own (then dropped).
    """
    if _is_utf8(encoding):
        # Checked first: the parser cannot even report a rejected row whose bytes do not decode.
        _check_utf8(data)
    invalid = InvalidRows()
    table = _parse(data, names, dialect, encoding, missing, header, invalid)
    complete = True
    if marked:
        mark = _MARK.decode()
        if len(names) == 1:  # the mark is a row of one cell
            last = table.num_rows - 1
            complete = last >= 0 and table.column(0)[last].as_py() == mark
            table = table.slice(0, last) if complete else table
        else:
            complete = bool(invalid.rows) and invalid.rows[-1][3] == mark
            if complete:
                invalid.rows.pop()
    rejected = [(n or 0, expected, actual, text) for n, expected, actual, text in invalid.rows]
    return Piece(table, rejected, data.size if size is None else size, header, complete)


def _ignore(chunk: bytes | bytearray, stop: int | None) -> None:
    """A feed that keeps nothing."""


def _pieces(path: Path, dialect: Dialect, encoding: str, feed: Feed, spare: list[bytearray]) -> Iterator[_Cut]:
    """The file's bytes in pieces that end between two records, as far as quotes tell (see _MARK).

    A newline ends a record when the quotes before it are balanced; that holds for UTF-8 and for
    the doubled-quote convention, so other encodings and escape characters get one piece. When no
    newline balances the quotes, the piece ends at its last newline, and the mark tells whether
    that was right. Buffers put in ``spare`` are read into again once their bytes are fed.
    """
    if not _is_utf8(encoding) or dialect.escape_char or path.stat().st_size <= PIECE_BYTES:
        whole = _read_whole(path)
        feed(whole, None)
        yield _Cut(_py_buffer(whole), len(whole), None, False)
        return
    quote = dialect.quote_char.encode()
    carry = b""
    line_end: bytes | None = None
    fed: dict[int, Future[None]] = {}
    # The bytes are fed (hashed) in a thread, in order, while pieces are parsed.
    with path.open("rb") as handle, ThreadPoolExecutor(max_workers=1) as feeding:
        while True:
            data = _buffer(spare, fed, len(carry) + PIECE_BYTES + len(_MARK))
            data[: len(carry)] = carry
            view = memoryview(data)
            size = len(carry) + handle.readinto(view[len(carry) : len(carry) + PIECE_BYTES])
            view.release()
            if size == len(carry):
                break
            if line_end is None:  # lines end in LF or CRLF, or (old Mac files) in CR alone
                line_end = b"\r" if b"\n" not in data[:size] and b"\r" in data[:size] else b"\n"
            cut = _record_end(data, quote, size, line_end)
            if cut is None:
                cut = data.rfind(line_end, 0, size) + 1 or None
            if cut is None:
                if size > MAX_RECORD_BYTES:
                    raise ValueError(f"a record is longer than {MAX_RECORD_BYTES >> 20} MB (no line end)")
                carry = bytes(data[:size])
                continue
            carry = bytes(data[cut:size])
            data[cut : cut + len(_MARK)] = _MARK
            fed[id(data)] = feeding.submit(feed, data, cut)
            # No copy: Arrow reads the bytes in place.
            yield _Cut(_py_buffer(memoryview(data)[: cut + len(_MARK)]), cut, data, True)
    if carry:
        feed(carry, None)
        yield _Cut(_py_buffer(carry), len(carry), None, False)


def _read_whole(path: Path) -> bytes:
    """A file read whole (one piece), refused beyond MAX_RECORD_BYTES: memory stays bounded."""
    with path.open("rb") as handle:
        whole = handle.read(MAX_RECORD_BYTES + 1)
    if len(whole) > MAX_RECORD_BYTES:
        raise ValueError(
            f"larger than {MAX_RECORD_BYTES >> 20} MB in an encoding or dialect read in one piece;"
            " save it as UTF-8 without an escape character to validate it in pieces"
        )
    return whole


def _buffer(spare: list[bytearray], fed: dict[int, Future[None]], size: int) -> bytearray:
    """A spare buffer of at least ``size`` bytes once its bytes are fed, or a new one."""
    while spare:
        buffer = spare.pop()
        fed.pop(id(buffer)).result()
        if len(buffer) >= size:
            return buffer
    return bytearray(size)


def _record_end(data: bytearray, quote: bytes, size: int, line_end: bytes = b"\n") -> int | None:
    """The position just after the last line end of ``data[:size]`` that is outside quotes, if any."""
    quotes = data.count(quote, 0, size)
    end = size
    while (newline := data.rfind(line_end, 0, end)) >= 0:
        quotes -= data.count(quote, newline, end)
        if quotes % 2 == 0:
            return newline + 1
        end = newline
    return None


def _parse(
    data: Any,
    names: list[str],
    dialect: Dialect,
    encoding: str,
    missing: list[str],
    header: int,
    invalid: InvalidRows,
) -> pa.Table:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    read = pacsv.ReadOptions(
        column_names=names, skip_rows=header, encoding=encoding, use_threads=False, block_size=1 << 20
    )
    parse = pacsv.ParseOptions(
        delimiter=dialect.delimiter,
        quote_char=dialect.quote_char,
        double_quote=dialect.double_quote,
        escape_char=dialect.escape_char or False,
        newlines_in_values=True,
        ignore_empty_lines=False,  # a blank line is a blank row: reported, and counted in row numbers
        invalid_row_handler=invalid,
    )
    convert = pacsv.ConvertOptions(
        column_types=dict.fromkeys(names, pa.string()),
        check_utf8=not _is_utf8(encoding),  # read_pieces checked the whole piece already
        null_values=missing,
        strings_can_be_null=True,
        quoted_strings_can_be_null=True,
    )
    try:
        return pacsv.read_csv(pa.BufferReader(data), read_options=read, parse_options=parse, convert_options=convert)
    except pa.ArrowInvalid as exc:
        if "straddl" not in str(exc):
            raise
        # A cell larger than a parse block (a multi-megabyte cell): parse the piece as one block.
        read.block_size = data.size + 1
        invalid.rows.clear()
        return pacsv.read_csv(pa.BufferReader(data), read_options=read, parse_options=parse, convert_options=convert)
