"""Vectorized checks of one tabular resource against its Table Schema, with pyarrow.

Cells are read as strings (so a bad value can be shown as written), then every field's type and
constraints are checked a column at a time. Only the first failing check of a cell is reported,
and only the problems a report keeps are turned into Python objects.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .report import Problem, Report, shorten
from .rows import Rows
from .temporal import DURATION, calendar_dates, compare_spans, duration_span, real_dates, real_times, unreadable_dates

if TYPE_CHECKING:
    import pyarrow as pa

# The Table Schema number: decimal or exponent notation, or NaN, INF and -INF, whose case "need not
# be respected" (the spec's words): nan and -inf are numbers, Infinity and +INF are not.
_DECIMAL = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
_NUMBER = _DECIMAL + r"|(?i:NaN|INF|-INF)"
_ZONE = r"(?:Z|[+-](?:(?:0[0-9]|1[0-3]):?[0-5][0-9]|14:?00))?"  # XML Schema zones: -14:00 to +14:00
TYPE_PATTERNS = {
    "integer": r"[+-]?[0-9]+",
    "number": _NUMBER,
    "year": r"-?[0-9]{4}",
    "yearmonth": r"-?[0-9]{4}-(?:0[1-9]|1[0-2])",
    "date": r"[0-9]{4}-[0-9]{2}-[0-9]{2}",
    "time": r"[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?" + _ZONE,
    "datetime": r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?" + _ZONE,
    "duration": DURATION,
    "geopoint": rf"{_DECIMAL}, *{_DECIMAL}",  # "each value is a number"; the range is checked after
}
FORMAT_PATTERNS = {
    "email": r"[^@\s]+@[^@\s]+\.[^@\s]+",
    "uri": r"[A-Za-z][A-Za-z0-9+.-]*:[^\s]*",
    "uuid": r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}",
}
NUMERIC = ("integer", "number", "year")  # bounds and enum values are compared as numbers
KNOWN_TYPES = {"string", "boolean", "object", "array", "list", "geojson", "any", *TYPE_PATTERNS}
JSON_TYPES = {"object": dict, "array": list}
FORMULA_STARTS = ["=", "+", "@", "\t", "\r"]  # what spreadsheets run as a formula
# Types whose strict cast accepts exactly the values the type allows: a clean cast skips the regex.
CASTS = {"integer": "int64", "number": "float64", "date": "date32"}
TEMPORAL = ("date", "datetime", "time")


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


@functools.lru_cache(maxsize=1024)  # tables of one package repeat their patterns (an ID's, say)
def re2_error(pattern: str) -> str | None:
    """Why RE2 (the engine the cells are matched with) refuses ``pattern``; None when it compiles."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        pc.match_substring_regex(pa.array([""], pa.string()), _full(pattern))  # compiled once there is a value
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        return str(exc).rpartition(":")[2].strip() or str(exc)
    return None


def field_problems(spec: FieldSpec) -> Iterator[tuple[str, str]]:
    """(message, code) for each part of a field that cannot be checked; a refused pattern is dropped."""
    if spec.type not in KNOWN_TYPES:
        yield f"unknown field type {shorten(spec.type)!r}", "descriptor-error"
    pattern = spec.constraints.get("pattern")
    if pattern is not None:
        try:
            re.compile(pattern if isinstance(pattern, str) else "(")
        except (re.error, RecursionError, OverflowError) as exc:
            yield f"pattern {shorten(pattern)!r} is not a regular expression: {exc}", "descriptor-error"
            return
        if (refused := re2_error(pattern)) is not None:
            del spec.constraints["pattern"]
            message = (
                f"pattern {shorten(pattern)!r} needs backtracking ({refused}), which could take for ever on one cell;"
                " use a pattern without lookarounds or backreferences: the cells were not matched against it"
            )
            yield message, "unsupported-pattern"
    for key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        bound = spec.constraints.get(key)
        number = as_number(bound) if bound is not None else 0.0
        if spec.type in NUMERIC and (number is None or math.isnan(number)):  # a NaN bound excludes nothing
            yield f"{key} {shorten(bound)} is not a number", "descriptor-error"


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
            clock = real_times(pc, pc.utf8_slice_codeunits(values, 11, 19))
            cells.fail(pc.invert(clock), "type-error", lambda v: f"{v!r} is not a real {kind}")
        elif kind == "time":
            cells.fail(pc.invert(real_times(pc, values)), "type-error", lambda v: f"{v!r} is not a real time")
    if kind == "boolean":
        truthy, falsy = _boolean_words(spec.spec)
        allowed = pa.array([*truthy, *falsy], pa.string())
        cells.fail(pc.invert(pc.is_in(values, value_set=allowed)), "type-error", lambda v: f"{v!r} is not a boolean")
        # Constraints apply to the logical value: with an enum of [true], "True" and "1" are allowed.
        true, known = pc.is_in(values, value_set=pa.array(truthy, pa.string())), pc.is_in(values, value_set=allowed)
        cells.values = pc.if_else(true, pa.scalar("true"), pc.if_else(known, pa.scalar("false"), values))
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


def _boolean_words(spec: dict[str, Any]) -> tuple[list[str], list[str]]:
    """The texts a boolean field reads as true, and as false."""
    truthy = _strings(spec.get("trueValues")) or ["true", "True", "TRUE", "1"]
    return truthy, _strings(spec.get("falseValues")) or ["false", "False", "FALSE", "0"]


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
    """The cast also reads ``Infinity`` and ``+inf``; the Table Schema allows only NaN, INF and -INF, in any case.

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
        cells.fail(unreadable_dates(cells.values), "type-error", lambda v: f"{v!r} is not a {kind}")
        return
    parsed = pc.strptime(cells.values, format=fmt, unit="s", error_is_null=True)
    if "%z" in fmt:  # printed back in UTC: only whether it parses can be compared
        same = pc.is_valid(parsed)
    else:
        same = pc.fill_null(pc.equal(pc.strftime(parsed, format=fmt), cells.values), False)
    cells.fail(pc.invert(same), "type-error", lambda v: f"{v!r} is not a {kind} in the format {fmt}")


def _formula_message(value: str) -> str:
    return f"{shorten(value)!r} would run as a formula in a spreadsheet"


# Each bound: the comparison of a cell with it that fails the cell, and how the message says the bound.
_BOUNDS = (
    ("minimum", "less", ">="),
    ("maximum", "greater", "<="),
    ("exclusiveMinimum", "less_equal", ">"),
    ("exclusiveMaximum", "greater_equal", "<"),
)


def _check_constraints(cells: _Cells, pa: Any, pc: Any) -> None:
    spec, values, c = cells.spec, cells.values, cells.spec.constraints
    allowed = spec.allowed
    if allowed is not None and spec.type == "boolean":  # compared as logical values, as the cells are
        truthy, falsy = _boolean_words(spec.spec)
        allowed = ["true" if a in truthy else "false" if a in falsy else a for a in allowed]
    numeric = spec.type in NUMERIC
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
    bounds = [(key, c[key], getattr(pc, op), word) for key, op, word in _BOUNDS if c.get(key) is not None]
    if numeric and bounds:
        parsed = cells.as_floats()
        for key, bound, op, word in bounds:
            if (number := as_number(bound)) is not None:
                cells.fail(op(parsed, number), "range-error", _out_of_range(word, c[key]))
    elif spec.type == "duration" and bounds:
        _check_duration_bounds(cells, bounds)
    elif spec.type in ("date", "yearmonth", "datetime", "time", "string"):
        # These fixed-width ISO forms sort as text in the order of their values.
        for _, bound, op, word in bounds:
            if isinstance(bound, str):
                cells.fail(op(values, bound), "range-error", _out_of_range(word, bound))
    low, high = (c.get(key) if _is_int(c.get(key)) else None for key in ("minLength", "maxLength"))
    if low is not None or high is not None:
        length, unit = _lengths(cells)
    if low is not None:
        cells.fail(pc.less(length, low), "length-error", lambda v: f"must have at least {low} {unit}")
    if high is not None:
        cells.fail(pc.greater(length, high), "length-error", lambda v: f"must have at most {high} {unit}")


def _check_duration_bounds(cells: _Cells, bounds: list[tuple[str, Any, Any, str]]) -> None:
    """Durations against their bounds, in XML Schema's partial order: P1M and P30D are not compared."""
    import pyarrow as pa

    spans = [duration_span(v) if v is not None else None for v in cells.values.to_pylist()]
    for _, bound, _, word in bounds:
        limit = duration_span(bound) if isinstance(bound, str) else None
        if limit is None:
            continue  # the profile check reports a bound that is no duration
        bad = [span is not None and compare_spans(span, limit) in _BAD_ORDERS[word] for span in spans]
        cells.fail(pa.array(bad, pa.bool_()), "range-error", _out_of_range(word, bound))


_BAD_ORDERS = {">=": {-1}, "<=": {1}, ">": {-1, 0}, "<": {0, 1}}  # a cell's order to its bound that fails it


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)  # true is no length (the profile says so)


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


def _not_a_date(value: str) -> str:
    if re.fullmatch(TYPE_PATTERNS["date"], value):
        return f"{value!r} is not a real date"
    return f"{value!r} is not a date (YYYY-MM-DD)"


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
