"""Citing a record: the dataset, each source with its locators, in plain text and BibTeX."""

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from usjst_data import meta
from usjst_data.builder import DATA_DIR, build
from usjst_data.citing import cite
from usjst_data.errors import AmbiguousRecordError, UnknownRecordError, UnknownTableError


@pytest.fixture
def data_dir(built: Path) -> Path:
    return built / DATA_DIR


def _entries(bibtex: str) -> dict[str, tuple[str, dict[str, str]]]:
    """BibTeX entries by key: their type and fields (values without the outer braces)."""
    entries = {}
    for kind, key, body in re.findall(r"@(\w+)\{([^,\n]+),\n(.*?)\n\}", bibtex, flags=re.S):
        fields = dict(re.findall(r"^  (\w+) = \{(.*)\},?$", body, flags=re.M))
        entries[key] = (kind, fields)
    return entries


def test_agreement_plain_text(data_dir: Path) -> None:
    text = cite("umbrella-1988", data_dir=data_dir)
    assert (text.table, text.record_id) == ("agreements", "umbrella-1988")
    assert [s.id for s in text.sources] == ["doc-a", "doc-a-note-1"]
    assert text.plain.splitlines() == [
        "agreements/umbrella-1988: Agreement on Fixture Cooperation",
        "",
        "Dataset:",
        f"  usjst-data maintainers (2026). {meta.TITLE}, version {meta.VERSION} [data set]. {meta.HOMEPAGE}."
        " Record agreements/umbrella-1988.",
        "",
        "Sources:",
        "  [doc-a] A. Author (2020-06). Fixture Report: A Test Document. Fixture Press. https://example.org/doc-a.",
        "      at: § History",
        "  [doc-a-note-1] Fixture Press Release (2019-05-02). Cited in [doc-a] at note 1.",
        "      at: as cited in doc-a note 1 (supports signed)",
    ]


def test_agreement_bibtex(data_dir: Path) -> None:
    entries = _entries(cite("umbrella-1988", data_dir=data_dir).bibtex)
    assert list(entries) == ["usjst-data", "doc-a", "doc-a-note-1"]
    assert entries["usjst-data"] == (
        "misc",
        {
            "title": "{" + meta.TITLE + "}",
            "author": "{usjst-data maintainers}",
            "year": "2026",
            "version": meta.VERSION,
            "url": meta.HOMEPAGE,
            "note": "Data set, licensed CC-BY-4.0",
        },
    )
    assert entries["doc-a"] == (
        "report",
        {
            "title": "{Fixture Report: A Test Document}",
            "author": "A. Author",
            "institution": "Fixture Press",
            "year": "2020",
            "date": "2020-06",
            "url": "https://example.org/doc-a",
            "note": "Locators: § History.",
        },
    )
    assert entries["doc-a-note-1"][0] == "misc"
    assert entries["doc-a-note-1"][1]["note"] == (
        "Locators: as cited in doc-a note 1 (supports signed). Cited in doc-a at note 1."
    )


def test_link_record_and_reference_brings_its_citing_document(data_dir: Path) -> None:
    party = cite("umbrella-1988/gov-y/signatory", data_dir=data_dir)
    assert party.table == "agreement_parties"
    assert [s.id for s in party.sources] == ["doc-a"]
    assert "      at: note 1" in party.plain.splitlines()
    meeting = cite("hlc-14", data_dir=data_dir)
    assert [s.id for s in meeting.sources] == ["doc-a-note-1", "doc-a"]
    assert "note" not in _entries(meeting.bibtex)["doc-a"][1]  # no locator: it is only the citing document


def test_discrepancy_cites_each_competing_value(data_dir: Path) -> None:
    text = cite("umbrella-1988-signed", data_dir=data_dir)
    assert text.table == "discrepancies"
    assert _entries(text.bibtex)["doc-a"][1]["note"] == "Locators: note 1; § History."


def test_uncited_record_gives_the_dataset_only(data_dir: Path) -> None:
    text = cite("quantum", data_dir=data_dir)
    assert text.sources == []
    assert "Sources:" not in text.plain
    assert list(_entries(text.bibtex)) == ["usjst-data"]


def test_unknown_record_and_table(data_dir: Path) -> None:
    with pytest.raises(UnknownRecordError, match="no record 'nope' in any table"):
        cite("nope", data_dir=data_dir)
    with pytest.raises(UnknownRecordError, match="no record 'hlc' in agreements"):
        cite("hlc", table="agreements", data_dir=data_dir)
    with pytest.raises(UnknownTableError, match="valid tables: sources"):
        cite("hlc", table="agreement", data_dir=data_dir)


def test_id_in_two_tables_is_ambiguous(repo: Path, edit_seed: Callable[[str, str, str], None]) -> None:
    edit_seed("domains", "- id: space", "- id: hlc\n  name: H\n  description: A clash.\n\n- id: space")
    build(repo)
    with pytest.raises(AmbiguousRecordError, match=r"'hlc' is a record of several tables \(domains, dialogues\)"):
        cite("hlc", data_dir=repo / DATA_DIR)
    assert cite("hlc", table="dialogues", data_dir=repo / DATA_DIR).sources[0].id == "doc-a"


def test_bibtex_escapes_special_characters(repo: Path, edit_seed: Callable[[str, str, str], None]) -> None:
    edit_seed("sources", "title: Fixture Report", "title: Fixture R&D Report_100% {draft}")
    build(repo)
    bibtex = cite("gov-x", data_dir=repo / DATA_DIR).bibtex
    assert r"title = {{Fixture R\&D Report\_100\% \{draft\}: A Test Document}}" in bibtex
    unescaped = re.sub(r"\\[{}]", "", bibtex)
    assert unescaped.count("{") == unescaped.count("}")
