"""Coverage of the numbered meeting series: which ordinals the data holds, which are missing, and
what the sources say about the missing ones. A gap is shown, never silent."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .datafiles import read_records
from .models import Dialogue, Meeting, MeetingCount

if TYPE_CHECKING:
    from pathlib import Path


@dataclass(frozen=True)
class Gap:
    """A run of consecutive missing ordinals, with the dated meetings around it."""

    first: int
    last: int
    after: Meeting | None  # the held meeting just before the run
    before: Meeting | None  # the held meeting just after it
    counts: tuple[MeetingCount, ...]  # counts that reach into the run: those meetings did take place

    @property
    def ordinals(self) -> str:
        return str(self.first) if self.first == self.last else f"{self.first}–{self.last}"

    def known(self) -> str:
        """What the data says of the run: its neighbours' dates and the counts that cover it."""
        parts = []
        if self.after and self.before:
            parts.append(f"between {_when(self.after)} and {_when(self.before)}")
        elif self.after:
            parts.append(f"after {_when(self.after)}")
        elif self.before:
            parts.append(f"before {_when(self.before)}")
        for count in self.counts:
            when = f" by {count.as_of}" if count.as_of else ""
            parts.append(f"{count.count} meetings held{when} ({count.id})")
        return "; ".join(parts) if parts else "nothing in the sources"


@dataclass(frozen=True)
class Series:
    """One dialogue's numbered meetings."""

    dialogue: Dialogue
    held: tuple[int, ...]
    highest: int  # the highest ordinal known, from a meeting or a stated count
    gaps: tuple[Gap, ...]
    unnumbered: int  # its meetings without an ordinal

    @property
    def label(self) -> str:
        return self.dialogue.acronym or self.dialogue.name

    @property
    def missing(self) -> list[int]:
        return [n for gap in self.gaps for n in range(gap.first, gap.last + 1)]

    @property
    def held_text(self) -> str:
        return _runs(self.held) or "none"


def _when(meeting: Meeting) -> str:
    return f"no. {meeting.number} ({meeting.date or 'undated'})"


def _runs(numbers: tuple[int, ...]) -> str:
    """`1, 3–5, 9` for (1, 3, 4, 5, 9)."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in runs)


def meeting_series(data_dir: Path | None = None) -> list[Series]:
    """Every dialogue with a numbered meeting or a stated count of meetings, in the dialogues table's order."""
    meetings: dict[str, list[Meeting]] = defaultdict(list)
    for record in read_records("meetings", data_dir):
        assert isinstance(record, Meeting)
        meetings[record.dialogue_id].append(record)
    counts: dict[str, list[MeetingCount]] = defaultdict(list)
    for record in read_records("meeting_counts", data_dir):
        assert isinstance(record, MeetingCount)
        counts[record.dialogue_id].append(record)
    result = []
    for record in read_records("dialogues", data_dir):
        assert isinstance(record, Dialogue)
        numbered = {m.number: m for m in meetings[record.id] if m.number is not None}
        stated = sorted(counts[record.id], key=lambda c: (c.count, c.id))
        if not numbered and not stated:
            continue
        highest = max([*numbered, *(c.count for c in stated)])
        gaps: list[Gap] = []
        n = 1
        while n <= highest:
            if n in numbered:
                n += 1
                continue
            first = n
            while n + 1 <= highest and n + 1 not in numbered:
                n += 1
            after = numbered.get(max((k for k in numbered if k < first), default=0))
            before = numbered.get(min((k for k in numbered if k > n), default=0))
            reaching = tuple(c for c in stated if c.count >= first)
            gaps.append(Gap(first, n, after, before, reaching))
            n += 1
        unnumbered = sum(1 for m in meetings[record.id] if m.number is None)
        result.append(Series(record, tuple(sorted(numbered)), highest, tuple(gaps), unnumbered))
    return result


def series_lines(series: list[Series]) -> list[str]:
    """The coverage as plain text lines, as `usjst stats` prints it."""
    lines = []
    for s in series:
        missing = len(s.missing)
        lines.append(
            f"  {s.dialogue.id}: {len(s.held)} of {s.highest} held ({s.held_text})"
            + (f", {missing} missing" if missing else ", none missing")
            + (f", {s.unnumbered} without ordinal" if s.unnumbered else "")
        )
        lines += [f"    missing {gap.ordinals}: {gap.known()}" for gap in s.gaps]
    return lines


def series_markdown(series: list[Series]) -> str:
    """The coverage as a Markdown table, as the README shows it."""
    rows = [
        "| series | held | highest known | missing | what the data says of the missing ones |",
        "|---|---|---:|---|---|",
    ]
    for s in series:
        missing = ", ".join(g.ordinals for g in s.gaps) or "none"
        known = "; ".join(f"{g.ordinals}: {g.known()}" for g in s.gaps) or "—"
        rows.append(f"| `{s.dialogue.id}` ({s.label}) | {s.held_text} | {s.highest} | {missing} | {known} |")
    return "\n".join(rows)


if __name__ == "__main__":  # refresh the README's table: python -m usjst_data.series
    print(series_markdown(meeting_series()))
