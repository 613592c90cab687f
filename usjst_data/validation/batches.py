"""A table's rows, read in pieces (the next one parsed ahead) and checked a batch at a time.

Columns are checked in parallel, those of one field shape joined first; the problems of each
batch are added in order, so the report is the same whatever the pieces and threads.
"""

from __future__ import annotations

import bisect
import contextlib
import functools
import re
from collections.abc import Callable, Generator, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from .cells import ColumnResult, FieldSpec, check_cells
from .descriptor import field_shape
from .reading import Dialect, Feed, Piece, Source, cpu_count, read_pieces
from .report import Problem, Report, shorten
from .rows import Rows

Progress = Callable[[str, int, int], None]  # (resource name, bytes done, bytes total)


def read_and_check(
    source: Source,
    names: list[str],
    fields: list[FieldSpec],
    dialect: Dialect,
    encoding: str,
    missing: list[str],
    table: Rows,
    report: Report,
    progress: Progress | None,
    keep: set[str] | None,
    feed: Feed | None,
    nulls: dict[str, list[str]] | None = None,
    silent: frozenset[int] = frozenset(),
) -> None:
    """Read the table's rows piece by piece, report rejected and blank rows, and check every batch's cells.

    ``table`` receives the row count, the rows with errors and the ``keep`` columns (all when None);
    ``nulls`` gives each column's own missing values, applied after parsing; ``silent`` rows (comment
    rows left empty) are blank without a problem.
    """
    import pyarrow as pa

    total = source.size
    offset, done = 0, 0
    shapes = _same_shapes(fields)
    kept: dict[str, list[pa.ChunkedArray]] = {n: [] for n in names if keep is None or n in keep}
    pieces: Generator[Piece] = read_pieces(source, names, dialect, encoding, missing, feed)
    if source.data is None:  # a file of one piece is parsed, then checked: nothing to overlap
        pieces = _ahead(pieces)
    with ThreadPoolExecutor(max_workers=cpu_count()) as pool, contextlib.closing(pieces):
        for piece in pieces:
            batch = piece.table
            table.rejected.extend(row[0] for row in piece.rejected)
            # Reported as each piece comes: a file of rejected rows never holds them all at once.
            _report_invalid_rows(table, piece.rejected, len(names), dialect, report, keep_text=keep is None)
            if report.full:
                return
            if nulls:
                batch = _apply_missing(batch, nulls, dialect.skip_initial_space)
            empty_is_missing = all("" in v for v in nulls.values()) if nulls else "" in missing
            batch = _drop_blank_rows(batch, table, offset, empty_is_missing, report, silent)
            if batch.num_rows:
                _check_batch(batch, fields, shapes, table, report, pool, offset)
            for n, parts in kept.items():
                parts.append(batch.column(n))
            offset += batch.num_rows
            done += piece.size
            del piece, batch
            pa.default_memory_pool().release_unused()  # hand the piece's memory back before the next
            if progress:
                progress(table.name, min(total, done), total)
    table.num_rows = offset
    table.columns = {
        n: pa.chunked_array([c for part in parts for c in part.chunks], pa.string()) for n, parts in kept.items()
    }


def _ahead(pieces: Iterator[Piece]) -> Generator[Piece]:
    """Parse the next piece in a thread while the current one is checked.

    When the consumer stops early (``--limit-errors``) or fails, the reading thread is told to
    stop, the pieces are closed (their file and parsers with them) and the thread is joined.
    """
    import queue
    import threading

    ready: queue.Queue[Piece | BaseException | None] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def produce() -> None:
        try:
            for piece in pieces:
                if stop.is_set():
                    break
                ready.put(piece)
        except BaseException as exc:  # handed to the consumer, which raises it
            ready.put(exc)
        finally:
            close = getattr(pieces, "close", None)
            if close is not None:
                close()
            ready.put(None)

    thread = threading.Thread(target=produce, daemon=True, name="usjst-reader")
    thread.start()
    try:
        while (item := ready.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        while thread.is_alive():  # take what it puts, so that it is never blocked on a full queue
            with contextlib.suppress(queue.Empty):
                ready.get(timeout=0.05)
        thread.join()


def _apply_missing(batch: Any, nulls: dict[str, list[str]], trim: bool) -> Any:
    """The batch with each column's missing values made null, after leading spaces are taken off (``trim``)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    columns = []
    for name, values in zip(batch.column_names, batch.columns, strict=True):
        column = pc.utf8_ltrim(values, characters=" ") if trim else values
        missing = pc.is_in(column, value_set=pa.array(nulls.get(name, [""]), pa.string()))
        columns.append(pc.if_else(missing, pa.scalar(None, pa.string()), column))
    return pa.table(columns, names=batch.column_names)


def _drop_blank_rows(
    batch: Any, table: Rows, offset: int, empty_is_missing: bool, report: Report, silent: frozenset[int]
) -> Any:
    """The batch without its blank rows (every cell empty), each reported but the ``silent`` ones
    (comment rows left empty); their numbers stay taken."""
    import pyarrow.compute as pc

    columns = batch.columns
    if not columns or (empty_is_missing and any(c.null_count == 0 for c in columns)):
        return batch  # the usual case: some column has a value in every row
    blank = functools.reduce(pc.and_, [pc.fill_null(pc.equal(c, ""), True) for c in columns])
    total = pc.sum(blank).as_py() or 0
    if not total:
        return batch
    positions = pc.indices_nonzero(blank).to_pylist()
    rows = table.rows_of([offset + p for p in positions])
    for row in rows:
        bisect.insort(table.rejected, row)
    kind = (table.name, "blank-row", "")
    blank_rows = [row for row in rows if row not in silent]
    shown = blank_rows[: report.room(kind)]
    problems = [Problem("blank-row", "row is blank", file=table.file, row=row, resource=table.name) for row in shown]
    report.add_many(kind, problems, len(blank_rows))
    return batch.filter(pc.invert(blank))


def _check_batch(
    batch: Any,
    fields: list[FieldSpec],
    shapes: list[list[FieldSpec]],
    table: Rows,
    report: Report,
    pool: Any,
    offset: int,
) -> None:
    """Check every column of a batch in parallel (kernels release the GIL); add results in order."""
    import pyarrow.compute as pc

    fields = _unclean(batch, fields, shapes, table, report, offset)
    # Columns are checked in groups, a few per core: a future per column costs more than the
    # checks of a narrow column, which a table of 100,000 columns would feel.
    size = max(1, len(fields) // (4 * cpu_count()))
    groups = [fields[i : i + size] for i in range(0, len(fields), size)]

    def check(group: list[FieldSpec]) -> list[ColumnResult]:
        return [check_cells(table, f, batch.column(f.name), report, offset) for f in group]

    # A small batch is checked in this thread: handing it to others would cost more than the checks.
    small = batch.num_rows * len(fields) < 50_000
    bad = None
    for result in (r for results in (map if small else pool.map)(check, groups) for r in results):
        for kind, problems, count in result.found:
            report.add_many(kind, problems, count)
        if result.bad is not None:
            bad = result.bad if bad is None else pc.or_(bad, result.bad)
    if bad is not None:
        table.bad.append(pc.add(pc.indices_nonzero(bad), offset))


def _same_shapes(fields: list[FieldSpec]) -> list[list[FieldSpec]]:
    """The fields that share a shape (all but their name, and whether they are a key), two or more."""
    shapes: dict[tuple[str, bool], list[FieldSpec]] = {}
    for spec in fields:
        shapes.setdefault((field_shape(spec.spec), spec.key), []).append(spec)
    return [same for same in shapes.values() if len(same) > 1]


def _unclean(
    batch: Any, fields: list[FieldSpec], shapes: list[list[FieldSpec]], table: Rows, report: Report, offset: int
) -> list[FieldSpec]:
    """The fields whose columns must be checked one by one: those of a shape whose columns, checked
    joined end to end, have some problem.

    A wide table repeats a few field shapes (a field but its name), and the cell checks look at each
    cell alone: the columns of one shape are checked at once, and only when that finds a problem
    are they checked again one by one, to say where. Checks per column cost more than their cells
    in a table of 100,000 columns and few rows.
    """
    import pyarrow as pa

    clean: set[str] = set()
    for same in shapes:
        joined = pa.chunked_array([c for f in same for c in batch.column(f.name).chunks], pa.string())
        result = check_cells(table, same[0], joined, report, offset)
        if not result.found and result.bad is None:
            clean.update(f.name for f in same)
    return [f for f in fields if f.name not in clean] if clean else fields


def _report_invalid_rows(
    table: Rows, rows: list[tuple[int, int, int, str]], width: int, dialect: Dialect, report: Report, keep_text: bool
) -> None:
    """Rows the parser rejected; their text is kept (``keep_text``) for the domain rules only."""
    escaped = re.compile(re.escape(dialect.escape_char) + ".", re.DOTALL) if dialect.escape_char else None
    for number, _expected, actual, text in rows:
        where: dict[str, Any] = {"resource": table.name, "file": table.file, "row": number, "value": shorten(text)}
        if keep_text:
            table.skipped.append(text)
        quotes = (escaped.sub("", text) if escaped else text).count(dialect.quote_char)
        if quotes % 2:
            report.add(Problem("quote-error", "a quoted cell is not closed; the rest of the file is one cell", **where))
        else:
            report.add(Problem("ragged-row", f"row has {actual} cells; the header has {width}", **where))
