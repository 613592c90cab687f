"""Shared fixtures: a small invented package built from tests/fixtures/seeds into a temp folder."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from usjst_data.builder import build
from usjst_data.seeds import Dataset, read_seeds

FIXTURES = Path(__file__).parent / "fixtures"
SEEDS = FIXTURES / "seeds"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository root holding a copy of the fixture seeds, not yet built."""
    shutil.copytree(SEEDS, tmp_path / "seeds")
    return tmp_path


@pytest.fixture
def built(repo: Path) -> Path:
    """A repository root with the fixture seeds built into a data package."""
    build(repo)
    return repo


@pytest.fixture
def dataset() -> Dataset:
    """The fixture seeds read into validated records."""
    return read_seeds(SEEDS)


@pytest.fixture
def edit_seed(repo: Path) -> Callable[[str, str, str], None]:
    """Replace text in one of the repo's seed files (the text must be present)."""

    def edit(table: str, old: str, new: str) -> None:
        path = repo / "seeds" / f"{table}.yaml"
        text = path.read_text()
        assert old in text, f"{old!r} not in {path.name}"
        path.write_text(text.replace(old, new, 1))

    return edit
