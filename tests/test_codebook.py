from pathlib import Path

from usjst_data.codebook import render_codebook
from usjst_data.models import TABLES
from usjst_data.schema import columns

CODEBOOK = Path(__file__).parents[1] / "docs" / "codebook.md"


def test_committed_codebook_is_current() -> None:
    assert CODEBOOK.read_text(encoding="utf-8") == render_codebook()


def test_codebook_documents_every_field() -> None:
    text = render_codebook()
    for table in TABLES:
        assert f"## {table.name}" in text
        for column in columns(table.name):
            assert column.description, f"{table.name}.{column.name} has no description"
            assert f"| `{column.name}`" in text
