"""The timeline plot: points per lane from the records, sizes, labels without overlaps, stable files."""

import datetime as dt
import struct
from collections.abc import Callable
from decimal import Decimal
from itertools import combinations
from pathlib import Path

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from usjst_data.builder import build
from usjst_data.datafiles import read_records
from usjst_data.plot import (
    DPI,
    FIGSIZE,
    FILL_ALPHA,
    LANES,
    MAX_AREA,
    UNKNOWN_AREA,
    Point,
    plot_timeline,
    timeline_figure,
    timeline_points,
    usd,
    year_fraction,
)

EXPECTED = {
    "agreements signed": ["umbrella-1988", "umbrella-extension-2014"],
    "dialogues founded": ["hlc"],
    "HLC meetings": ["hlc-13", "hlc-14"],
    "other meetings": [],
    "programs established": ["fixture-partnership"],
    "funding commitments announced": ["fixture-total-2023"],
    "policies enacted": ["fixture-act"],
}


def _data(root: Path) -> Path:
    return root / "usjst_data" / "data"


def _scatters(lanes: dict[str, list[Point]]) -> dict[str, object]:
    figure = timeline_figure(lanes)
    return {c.get_label(): c for c in figure.axes[0].collections}


def test_points_per_lane_are_the_dated_records(built: Path) -> None:
    lanes = timeline_points(_data(built))
    assert {lane: [p.id for p in points] for lane, points in lanes.items()} == EXPECTED
    for table, field in LANES.values():
        dated = [r for r in read_records(table, _data(built)) if getattr(r, field) is not None]
        drawn = [p for lane, points in lanes.items() for p in points if LANES.get(lane, ("meetings",))[0] == table]
        assert sorted(p.date for p in drawn) == sorted(getattr(r, field) for r in dated)


def test_a_series_lane_holds_all_its_dialogues_meetings(repo: Path, edit_seed: Callable[[str, str, str], None]) -> None:
    edit_seed("meetings", "  number: 13\n  number_basis: stated\n", "")
    edit_seed("dialogues", "acronym: HLC", 'acronym: "U.S.-Japan High-Level Committee on Fixtures"')
    build(repo)
    lanes = timeline_points(_data(repo))
    assert [p.id for p in lanes["High-Level Committee… meetings"]] == ["hlc-13", "hlc-14"]
    assert lanes["other meetings"] == []


def test_meetings_without_ordinals_share_one_lane(repo: Path, edit_seed: Callable[[str, str, str], None]) -> None:
    edit_seed("meetings", "  number: 13\n  number_basis: stated\n", "")
    edit_seed("meetings", "  number: 14\n  number_basis: stated\n", "")
    build(repo)
    lanes = timeline_points(_data(repo))
    assert [lane for lane in lanes if lane.endswith("meetings")] == ["other meetings"]
    assert [p.id for p in lanes["other meetings"]] == ["hlc-13", "hlc-14"]


@pytest.mark.parametrize(
    ("date", "x"),
    [("2014", 2014.5), ("2023-05", 2023 + (120 + 15.5) / 365), ("1988-06-20", 1988 + 171.5 / 366)],
)
def test_partial_dates_sit_mid_bounds(date: str, x: float) -> None:
    assert year_fraction(date) == pytest.approx(x)


def test_key_points_and_labels(built: Path) -> None:
    lanes = timeline_points(_data(built))
    assert all(p.key for p in lanes["agreements signed"])
    assert [p.label for p in lanes["agreements signed"]] == ["Fixture Agreement", "Extension of the Agreement on Fix…"]
    (total,) = lanes["funding commitments announced"]
    assert (total.key, total.label, total.amount_usd) == (True, "Fixture partnerships ($210M)", Decimal(210_000_000))
    assert not any(p.key for p in lanes["HLC meetings"] + lanes["policies enacted"])


def test_figure_places_every_point_in_its_lane(built: Path) -> None:
    lanes = timeline_points(_data(built))
    scatters = _scatters(lanes)
    assert list(scatters) == list(EXPECTED)
    for row, (lane, points) in enumerate(lanes.items()):
        offsets = scatters[lane].get_offsets()  # type: ignore[attr-defined]
        assert [tuple(o) for o in offsets] == [(p.x, len(lanes) - 1 - row) for p in points]


def test_commitments_sized_by_usd(repo: Path, edit_seed: Callable[[str, str, str], None]) -> None:
    edit_seed("funding_commitments", "  meeting_id: hlc-14\n", '  meeting_id: hlc-14\n  announced: "2019-05-02"\n')
    edit_seed("funding_commitments", "  amount_qualifier: up_to\n", '  amount_qualifier: up_to\n  announced: "2023"\n')
    build(repo)
    lanes = timeline_points(_data(repo))
    points = lanes["funding commitments announced"]
    assert [p.id for p in points] == ["fixture-yen-fund", "fixture-total-2023", "fixture-share-b"]
    scatter = _scatters(lanes)["funding commitments announced"]
    assert list(scatter.get_sizes()) == pytest.approx([MAX_AREA, MAX_AREA * 210 / 900, UNKNOWN_AREA])  # type: ignore[attr-defined]
    assert [face[3] for face in scatter.get_facecolors()] == pytest.approx([FILL_ALPHA, FILL_ALPHA, 0])  # type: ignore[attr-defined]
    # The share is a component of a total and has no USD amount: it is not labelled.
    assert [p.key for p in points] == [True, True, False]


def test_crowded_labels_do_not_overlap() -> None:
    crowded = [Point(f"a{i}", "2015", 2014 + i / 4, f"A long agreement title number {i}", key=True) for i in range(14)]
    lanes: dict[str, list[Point]] = {lane: [] for lane in LANES}
    lanes["agreements signed"] = crowded
    lanes["funding commitments announced"] = [Point("c", "2015", 2015, "Big fund ($2B)", Decimal(2 * 10**9), key=True)]
    figure = timeline_figure(lanes, end_year=2030)
    renderer = FigureCanvasAgg(figure).get_renderer()
    labels = [t for t in figure.axes[0].texts if t.get_gid() == "timeline-label"]
    assert len(labels) >= 6
    boxes = [t.get_window_extent(renderer) for t in labels]
    frame = figure.axes[0].get_window_extent(renderer)
    assert not any(a.overlaps(b) for a, b in combinations(boxes, 2))
    assert all(frame.x0 <= b.x0 and b.x1 <= frame.x1 and frame.y0 <= b.y0 and b.y1 <= frame.y1 for b in boxes)


def test_axis_runs_from_1960_to_next_year(built: Path) -> None:
    axes = timeline_figure(timeline_points(_data(built))).axes[0]
    assert axes.get_xlim() == (1960, dt.date.today().year + 1)
    assert axes.get_title(loc="left").startswith("US–Japan science and technology cooperation")


def test_png_written_with_fixed_size_and_bytes(built: Path, tmp_path: Path) -> None:
    first = plot_timeline(tmp_path / "one.png", _data(built))
    content = first.read_bytes()
    assert content[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", content[16:24]) == (int(FIGSIZE[0] * DPI), int(FIGSIZE[1] * DPI))
    assert b"Software" not in content
    assert plot_timeline(tmp_path / "two.png", _data(built)).read_bytes() == content


def test_svg_is_deterministic(built: Path, tmp_path: Path) -> None:
    one = plot_timeline(tmp_path / "one.svg", _data(built)).read_bytes()
    assert plot_timeline(tmp_path / "two.svg", _data(built)).read_bytes() == one
    assert b"<dc:date>" not in one


@pytest.mark.parametrize(
    ("amount", "text"), [(Decimal(13_900_000_000), "$13.9B"), (Decimal(210_000_000), "$210M"), (Decimal(6000), "$6K")]
)
def test_usd(amount: Decimal, text: str) -> None:
    assert usd(amount) == text
