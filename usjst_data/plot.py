"""A timeline of the cooperation: one lane per kind of event and per numbered meeting series, from 1960 on.

``timeline_points`` turns the records into dated points (pure, testable); ``timeline_figure`` draws
them with matplotlib's Agg canvas (no pyplot, no global state); ``plot_timeline`` saves the figure
with fixed size, DPI and metadata so that the same data gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from . import meta
from .datafiles import read_records
from .errors import require
from .models import TABLES_BY_NAME, Dialogue, FundingCommitment, Meeting, Record, record_key
from .types import bounds

if TYPE_CHECKING:
    from matplotlib.backend_bases import RendererBase
    from matplotlib.figure import Figure
    from matplotlib.transforms import Bbox

# Lane name -> (table, date field). Records without that date are left out. The meetings lane is split:
# each dialogue with numbered meetings gets a lane of its own, just below it, for its numbered meetings.
LANES: dict[str, tuple[str, str]] = {
    "agreements signed": ("agreements", "signed"),
    "dialogues founded": ("dialogues", "established"),
    "other meetings": ("meetings", "date"),
    "programs established": ("programs", "established"),
    "funding commitments announced": ("funding_commitments", "announced"),
    "policies enacted": ("policies", "enacted"),
}
COMMITMENTS = "funding commitments announced"
START_YEAR = 1960
LABELLED_COMMITMENTS = 5  # the largest totals by amount_usd get a label
LABEL_CHARS = 34
LANE_CHARS = 22  # of a series' name in its lane's title, which must fit left of the axes
FIGSIZE, DPI = (13.0, 7.0), 100
_BILATERAL = re.compile(r"^(U\.?S\.?|Japan)[-–](Japan|U\.?S\.?) ")
LANE_INCHES = 0.42  # the figure grows past FIGSIZE's height when there are many lanes
# Marker areas in points²: commitments scale by amount_usd up to MAX_AREA, never below MIN_AREA.
AREA, UNKNOWN_AREA, MIN_AREA, MAX_AREA = 28.0, 22.0, 14.0, 900.0
LABEL_OFFSETS = (12, -12, 24, -24, 36, -36)  # points above (+) or below (-) the lane, tried in this order
FONT_SIZE = 7
FILL_ALPHA = 0.7  # hollow markers (alpha 0) are commitments whose USD amount is unknown


@dataclass(frozen=True)
class Point:
    """One dated record on the timeline."""

    id: str
    date: str  # the partial date as recorded
    x: float  # fractional year at the midpoint of the date's bounds
    label: str
    amount_usd: Decimal | None = None
    key: bool = False  # labelled on the plot


def year_fraction(value: str) -> float:
    """A partial date as a fractional year, at the midpoint of the days it can stand for."""
    first, last = bounds(value)

    def at(day: dt.date) -> float:
        start = dt.date(day.year, 1, 1)
        length = (dt.date(day.year + 1, 1, 1) - start).days
        return day.year + (day - start).days / length

    return (at(first) + at(last + dt.timedelta(days=1))) / 2


def _shorten(text: str, chars: int = LABEL_CHARS) -> str:
    return text if len(text) <= chars else text[: chars - 1].rstrip() + "…"


def _label(record: Record, default: str) -> str:
    for name in ("short_title", "acronym", "short_name", "title", "name"):
        value = getattr(record, name, None)
        if value:
            return str(value)
    return default


def usd(amount: Decimal) -> str:
    """An amount in dollars, shortened: `$13.9B`, `$210M`, `$6M`."""
    for scale, suffix in ((Decimal(10) ** 9, "B"), (Decimal(10) ** 6, "M"), (Decimal(10) ** 3, "K")):
        if amount >= scale:
            return f"${amount / scale:.3g}{suffix}"
    return f"${amount:.3g}"


def _key_ids(table: str, records: list[Record]) -> set[str]:
    """The records to label: every agreement, and the largest commitment totals (not their parts)."""
    if table == "agreements":
        return {record_key(TABLES_BY_NAME[table], r) for r in records}
    if table == "funding_commitments":
        totals = [r for r in records if isinstance(r, FundingCommitment) and r.parent_id is None and r.amount_usd]
        totals.sort(key=lambda r: (-(r.amount_usd or 0), r.id))
        return {r.id for r in totals[:LABELLED_COMMITMENTS]}
    return set()


def _points(table: str, field: str, records: list[Record]) -> list[Point]:
    key = _key_ids(table, records)
    points = []
    for record in records:
        record_id, date = record_key(TABLES_BY_NAME[table], record), getattr(record, field)
        amount = record.amount_usd if isinstance(record, FundingCommitment) else None
        label = _shorten(_label(record, record_id)) + (
            f" ({usd(amount)})" if amount and table == "funding_commitments" else ""
        )
        points.append(Point(record_id, date, year_fraction(date), label, amount, record_id in key))
    return sorted(points, key=lambda p: (p.x, p.id))


def _series_lanes(meetings: list[Record], data_dir: Path | None) -> dict[str, list[Record]]:
    """Dated numbered meetings by dialogue, one lane each in the dialogues table's order."""
    numbered = {m.dialogue_id for m in meetings if isinstance(m, Meeting) and m.number is not None}
    lanes: dict[str, list[Record]] = {}
    for dialogue in read_records("dialogues", data_dir):
        if isinstance(dialogue, Dialogue) and dialogue.id in numbered:
            # Every series is bilateral, so a lane drops the "U.S.-Japan" that opens most names.
            short = _BILATERAL.sub("", dialogue.acronym or dialogue.name)
            name = f"{_shorten(short, LANE_CHARS)} meetings"
            lanes[name] = [m for m in meetings if isinstance(m, Meeting) and m.dialogue_id == dialogue.id]
    return lanes


def timeline_points(data_dir: Path | None = None) -> dict[str, list[Point]]:
    """The dated records of each lane in time order, from the package in ``data_dir`` (default: shipped)."""
    lanes: dict[str, list[Point]] = {}
    for lane, (table, field) in LANES.items():
        records = [r for r in read_records(table, data_dir) if getattr(r, field) is not None]
        if table == "meetings":
            series = _series_lanes(records, data_dir)
            lanes.update({name: _points(table, field, rows) for name, rows in series.items()})
            in_series = {id(r) for rows in series.values() for r in rows}
            records = [r for r in records if id(r) not in in_series]
        lanes[lane] = _points(table, field, records)
    return lanes


def _area(amount: Decimal | None, largest: Decimal | None) -> float:
    """Marker area of a commitment: proportional to amount_usd, a fixed small one when unknown."""
    if amount is None or not largest:
        return UNKNOWN_AREA
    return max(MIN_AREA, MAX_AREA * float(amount / largest))


def _place_label(fig: Figure, renderer: RendererBase, point: Point, y: float, placed: list[Bbox]) -> bool:
    """Label a point at the first offset where the text stays in the axes and clear of placed labels."""
    from matplotlib.transforms import offset_copy

    ax = fig.axes[0]
    frame = ax.get_window_extent(renderer)
    for dy in LABEL_OFFSETS:
        for dx, align in ((3, "left"), (-3, "right")):
            text = ax.text(
                point.x,
                y,
                point.label,
                transform=offset_copy(ax.transData, fig=fig, x=dx, y=dy, units="points"),
                ha=align,
                va="center",
                fontsize=FONT_SIZE,
                bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.85},
                zorder=5,
                gid="timeline-label",
            )
            box = text.get_window_extent(renderer)
            inside = frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1
            if inside and not any(box.overlaps(other) for other in placed):
                placed.append(box)
                ax.annotate(
                    "",
                    (point.x, y),
                    xytext=(0, dy),
                    textcoords="offset points",
                    arrowprops={"arrowstyle": "-", "linewidth": 0.5, "color": "0.55", "shrinkA": 0, "shrinkB": 0},
                    zorder=4,
                )
                return True
            text.remove()
    return False


def timeline_figure(lanes: dict[str, list[Point]], end_year: int | None = None) -> Figure:
    """Draw the lanes top to bottom, commitments sized by amount_usd, key points labelled without overlaps."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.colors import TABLEAU_COLORS, to_rgba
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.ticker import MultipleLocator

    end = end_year or dt.date.today().year + 1
    names = list(lanes)
    fig = Figure(figsize=(FIGSIZE[0], max(FIGSIZE[1], 1.6 + LANE_INCHES * len(names))), dpi=DPI)
    renderer = FigureCanvasAgg(fig).get_renderer()  # type: ignore[no-untyped-call]
    ax = fig.add_axes((0.21, 0.13, 0.77, 0.8))
    colors = list(TABLEAU_COLORS)
    amounts = [p.amount_usd for p in lanes.get(COMMITMENTS, []) if p.amount_usd]
    largest = max(amounts, default=None)
    for row, name in enumerate(names):
        y, points, color = len(names) - 1 - row, lanes[name], colors[row % len(colors)]
        sized = name == COMMITMENTS
        ax.scatter(
            [p.x for p in points],
            [y] * len(points),
            s=[_area(p.amount_usd, largest) if sized else AREA for p in points],
            facecolors=[to_rgba(color, FILL_ALPHA if not sized or p.amount_usd else 0) for p in points],
            edgecolors=[to_rgba(color, 0.9)] * len(points),
            linewidths=0.8,
            label=name,
            zorder=3,
        )
    ax.set_xlim(START_YEAR, end)
    ax.set_ylim(-0.6, len(names) - 0.3)
    ax.set_yticks(range(len(names)), [f"{n} ({len(lanes[n])})" for n in reversed(names)], fontsize=9)
    ax.xaxis.set_major_locator(MultipleLocator(5))
    ax.xaxis.set_minor_locator(MultipleLocator(1))
    ax.tick_params(axis="x", labelsize=9)
    ax.grid(axis="x", which="major", color="0.9", zorder=0)
    ax.spines[["top", "right"]].set_visible(False)
    placed: list[Bbox] = []
    for row, name in enumerate(names):
        for point in lanes[name]:
            if point.key:
                _place_label(fig, renderer, point, len(names) - 1 - row, placed)
    ax.set_title(f"US–Japan science and technology cooperation, {START_YEAR}–{end}", fontsize=13, loc="left")
    fig.text(
        0.01,
        0.015,
        f"Source: usjst-data {meta.VERSION} ({meta.HOMEPAGE}), CC BY 4.0. Dates known only to the year or month "
        "are placed mid-period.",
        fontsize=7,
        color="0.35",
    )
    if largest:
        # Reference bubbles: the power of ten below the largest amount, a tenth of it, and unknown.
        reference = Decimal(10) ** (len(str(int(largest))) - 1)
        amounts_shown = [reference, reference / 10, None]
        handles = [
            Line2D(
                [],
                [],
                linestyle="",
                marker="o",
                markersize=_area(a, largest) ** 0.5,  # a marker's size is its diameter, a scatter's its area
                markerfacecolor=to_rgba("0.6", FILL_ALPHA if a else 0),
                markeredgecolor="0.4",
            )
            for a in amounts_shown
        ]
        fig.legend(
            handles,
            [usd(a) if a else "USD amount unknown" for a in amounts_shown],
            loc="lower right",
            ncols=3,
            fontsize=7,
            frameon=False,
            title="commitments: area ∝ amount",
            title_fontsize=7,
        )
    return fig


def plot_timeline(out: Path, data_dir: Path | None = None) -> Path:
    """Draw the timeline of the package in ``data_dir`` (default: shipped) to ``out`` (PNG, SVG or PDF by suffix)."""
    require("matplotlib", "plot")
    from matplotlib import rc_context, style

    fmt = out.suffix.lstrip(".").lower() or "png"
    # Leave out what changes between runs: software version, timestamps, random SVG ids.
    metadata = {
        "png": {"Software": None},
        "svg": {"Date": None, "Creator": None},
        "pdf": {"CreationDate": None, "ModDate": None, "Creator": None, "Producer": None},
    }.get(fmt)
    # The default style, so that a user's matplotlibrc does not change the file.
    with style.context("default"), rc_context({"svg.hashsalt": "usjst-data"}):
        figure = timeline_figure(timeline_points(data_dir))
        figure.savefig(out, format=fmt, dpi=DPI, metadata=metadata)
    return out
