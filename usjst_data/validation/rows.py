"""A resource's rows as read: string columns, and the file and row number of each row.

Rows the parser rejected or found blank keep their numbers taken, so every later problem names
the row it is on in the file; a table split over several files is one table of parts.
"""

from __future__ import annotations

import array
import bisect
import itertools
from collections.abc import Iterator, MutableSequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyarrow as pa


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
