from collections.abc import Callable
from pathlib import Path

import pytest

from usjst_data.builder import render
from usjst_data.errors import SeedError
from usjst_data.seeds import Dataset, read_seeds


def _problem_lines(seeds: Path) -> list[str]:
    with pytest.raises(SeedError) as info:
        render(seeds)
    return [p.line() for p in info.value.problems]


def test_fixture_seeds_read(dataset: Dataset) -> None:
    assert len(dataset.tables["agreements"]) == 2
    # inline cites become citation rows; inline values become discrepancy values
    assert {c.record_id for c in dataset.tables["citations"] if c.table == "agreements"} == {  # type: ignore[attr-defined]
        "umbrella-1988",
        "umbrella-extension-2014",
    }
    assert len(dataset.tables["discrepancy_values"]) == 2
    assert dataset.origin("agreements", "umbrella-extension-2014") == ("seeds/agreements.yaml", 13)


def test_problem_names_file_line_record_field(repo: Path, edit_seed: Callable[[str, str, str], None]) -> None:
    edit_seed("agreements", 'signed: "1988-06-20"', 'signed: "1988-13-01"')
    assert _problem_lines(repo / "seeds") == [
        "seeds/agreements.yaml:1: umbrella-1988: signed: month must be 01-12, got '1988-13-01' [date-error]"
    ]


def test_every_problem_is_reported_at_once(repo: Path, edit_seed: Callable[[str, str, str], None]) -> None:
    edit_seed("agreements", "status: in_force", "status: valid")
    edit_seed("meetings", "number: 14", "number: -14")
    edit_seed("institutions", '  cite: [{source: doc-a, locator: "§ Intro"}]\n', "")
    lines = _problem_lines(repo / "seeds")
    assert len(lines) == 3
    assert any("[enum-error]" in line and "agreements.yaml:1" in line for line in lines)
    assert any("[range-error]" in line and "hlc-14" in line for line in lines)
    assert any("gov-x: cite: give at least one entry" in line for line in lines)


def test_yaml_python_tag_is_refused_not_executed(repo: Path) -> None:
    marker = repo / "executed"
    (repo / "seeds" / "domains.yaml").write_text(f"- !!python/object/apply:os.system ['touch {marker}']\n")
    lines = _problem_lines(repo / "seeds")
    assert lines[0].startswith("seeds/domains.yaml: ")
    assert lines[0].endswith("[yaml-error]")
    assert not marker.exists()


def test_float_amount_is_refused(repo: Path, edit_seed: Callable[[str, str, str], None]) -> None:
    edit_seed("funding_commitments", 'amount: "100000000"', "amount: 100000000.5")
    lines = _problem_lines(repo / "seeds")
    assert lines == [
        "seeds/funding_commitments.yaml:14: fixture-share-a: amount: "
        "write the amount as a quoted decimal string, got float '100000000.5' [type-error]"
    ]


def test_missing_seed_file(repo: Path) -> None:
    (repo / "seeds" / "policies.yaml").unlink()
    assert _problem_lines(repo / "seeds") == ["seeds/policies.yaml: seed file is missing [missing-file]"]


def test_citation_duplicate_locator(repo: Path, edit_seed: Callable[[str, str, str], None]) -> None:
    edit_seed(
        "dialogues",
        '  cite: [{source: doc-a, locator: "§ History"}]',
        '  cite: [{source: doc-a, locator: "§ History"}, {source: doc-a, locator: "§ History", fields: [name]}]',
    )
    assert any("[primary-key-error]" in line for line in _problem_lines(repo / "seeds"))


def test_read_seeds_is_pure(dataset: Dataset) -> None:
    again = read_seeds(Path(__file__).parent / "fixtures" / "seeds")
    assert again.tables == dataset.tables
