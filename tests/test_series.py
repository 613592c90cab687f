"""Coverage of numbered meeting series: held, missing, and what the data says of the gaps."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from usjst_data.builder import build
from usjst_data.series import meeting_series, series_lines, series_markdown

README = Path(__file__).parents[1] / "README.md"


def test_gaps_are_listed_with_neighbours_and_counts(built: Path) -> None:
    (hlc,) = meeting_series(built / "usjst_data" / "data")
    assert (hlc.dialogue.id, hlc.held, hlc.highest, hlc.missing) == ("hlc", (13, 14), 14, list(range(1, 13)))
    (gap,) = hlc.gaps
    assert gap.known() == "before no. 13 (2018); 13 meetings held by 2018 (hlc-count-2018)"


def test_a_count_beyond_the_held_ordinals_extends_the_series(
    repo: Path, edit_seed: Callable[[str, str, str], None]
) -> None:
    edit_seed("meeting_counts", "count: 13", "count: 16")
    edit_seed("meetings", "number: 13", "number: 11")
    edit_seed("meetings", "- id: hlc-13", "- id: hlc-11")
    build(repo)
    (hlc,) = meeting_series(repo / "usjst_data" / "data")
    assert [(g.first, g.last) for g in hlc.gaps] == [(1, 10), (12, 13), (15, 16)]
    assert hlc.gaps[1].known() == (
        "between no. 11 (2018) and no. 14 (2019-05-02); 16 meetings held by 2018 (hlc-count-2018)"
    )
    assert series_lines([hlc])[0] == "  hlc: 2 of 16 held (11, 14), 14 missing"


def test_readme_shows_the_current_coverage() -> None:
    table = series_markdown(meeting_series())
    block = re.search(r"<!-- series:start -->\n(.*?)\n<!-- series:end -->", README.read_text(), re.S)
    assert block is not None, "README lacks the series coverage block"
    assert block.group(1) == table, "README's series coverage is stale: run python -m usjst_data.series"


def test_a_dialogue_known_only_by_a_count_is_a_series(repo: Path, edit_seed: Callable[[str, str, str], None]) -> None:
    edit_seed("meetings", "  number: 13\n  number_basis: stated\n", "")
    edit_seed("meetings", "  number: 14\n  number_basis: stated\n", "")
    build(repo)
    (hlc,) = meeting_series(repo / "usjst_data" / "data")
    assert (hlc.held_text, hlc.highest, hlc.unnumbered) == ("none", 13, 2)
    assert series_lines([hlc]) == [
        "  hlc: 0 of 13 held (none), 13 missing, 2 without ordinal",
        "    missing 1–13: 13 meetings held by 2018 (hlc-count-2018)",
    ]
