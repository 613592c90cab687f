"""Citing a record: the dataset, each source with its locators, in plain text and BibTeX."""

import re
import shutil
import subprocess
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
    text = cite("umbrella-1988", data=data_dir)
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
    entries = _entries(cite("umbrella-1988", data=data_dir).bibtex)
    assert list(entries) == ["usjst-data", "doc-a", "doc-a-note-1"]
    assert entries["usjst-data"] == (
        "misc",
        {
            "title": "{" + meta.TITLE + "}",
            "author": "{usjst-data maintainers}",
            "year": "2026",
            "howpublished": r"\url{" + meta.HOMEPAGE + "}",
            "note": f"Data set, version {meta.VERSION}, licensed CC-BY-4.0",
        },
    )
    assert entries["doc-a"] == (
        "techreport",
        {
            "title": "{Fixture Report: A Test Document}",
            "author": "A. Author",
            "institution": "Fixture Press",
            "year": "2020",
            "url": "https://example.org/doc-a",
            "note": "Locators: § History.",
        },
    )
    # The locator already says where doc-a cites it: the note does not repeat it.
    assert entries["doc-a-note-1"] == (
        "misc",
        {
            "title": "{Fixture Press Release}",
            "key": "Fixture Press Release",
            "year": "2019",
            "note": "Locators: as cited in doc-a note 1 (supports signed).",
        },
    )


def test_link_record_and_reference_brings_its_citing_document(data_dir: Path) -> None:
    party = cite("umbrella-1988/gov-y/signatory", data=data_dir)
    assert party.table == "agreement_parties"
    assert [s.id for s in party.sources] == ["doc-a"]
    assert "      at: note 1" in party.plain.splitlines()
    meeting = cite("hlc-14", data=data_dir)
    assert [s.id for s in meeting.sources] == ["doc-a-note-1", "doc-a"]
    assert "note" not in _entries(meeting.bibtex)["doc-a"][1]  # no locator: it is only the citing document


def test_discrepancy_cites_each_competing_value(data_dir: Path) -> None:
    text = cite("umbrella-1988-signed", data=data_dir)
    assert text.table == "discrepancies"
    assert _entries(text.bibtex)["doc-a"][1]["note"] == "Locators: note 1; § History."


def test_uncited_record_gives_the_dataset_only(data_dir: Path) -> None:
    text = cite("quantum", data=data_dir)
    assert text.sources == []
    assert "Sources:" not in text.plain
    assert list(_entries(text.bibtex)) == ["usjst-data"]


def test_unknown_record_and_table(data_dir: Path) -> None:
    with pytest.raises(UnknownRecordError, match="no record 'nope' in any table"):
        cite("nope", data=data_dir)
    with pytest.raises(UnknownRecordError, match="no record 'hlc' in agreements"):
        cite("hlc", table="agreements", data=data_dir)
    with pytest.raises(UnknownTableError, match="valid tables: sources"):
        cite("hlc", table="agreement", data=data_dir)


def test_id_in_two_tables_is_ambiguous(repo: Path, edit_seed: Callable[[str, str, str], None]) -> None:
    edit_seed("domains", "- id: space", "- id: hlc\n  name: H\n  description: A clash.\n\n- id: space")
    build(repo)
    with pytest.raises(AmbiguousRecordError, match=r"'hlc' is a record of several tables \(domains, dialogues\)"):
        cite("hlc", data=repo / DATA_DIR)
    assert cite("hlc", table="dialogues", data=repo / DATA_DIR).sources[0].id == "doc-a"


def test_bibtex_escapes_special_characters(repo: Path, edit_seed: Callable[[str, str, str], None]) -> None:
    edit_seed("sources", "title: Fixture Report", "title: Fixture R&D Report_100% {draft}")
    build(repo)
    bibtex = cite("gov-x", data=repo / DATA_DIR).bibtex
    assert r"title = {{Fixture R\&D Report\_100\% \{draft\}: A Test Document}}" in bibtex
    unescaped = re.sub(r"\\[{}]", "", bibtex)
    assert unescaped.count("{") == unescaped.count("}")


def test_prints_as_its_plain_text(data_dir: Path) -> None:
    text = cite("umbrella-1988", data=data_dir)
    assert str(text) == text.plain
    assert text.plain.startswith("agreements/umbrella-1988: ")
    assert not text.plain.endswith("\n")


def test_undated_source_without_author(repo: Path, edit_seed: Callable[[str, str, str], None]) -> None:
    edit_seed("sources", '  authors: [A. Author]\n  publisher: Fixture Press\n  published: "2020-06"\n', "")
    edit_seed("sources", "title: Fixture Report", "title: Fixture Report\n  publisher: Fixture Press")
    build(repo)
    text = cite("doc-a", data=repo / DATA_DIR)
    assert text.plain.splitlines()[-1] == (
        "  [doc-a] Fixture Report: A Test Document (n.d.). Fixture Press. https://example.org/doc-a."
    )
    # A report needs an author and a year in classic BibTeX: without them it is a @misc.
    assert _entries(text.bibtex)["doc-a"] == (
        "misc",
        {
            "title": "{Fixture Report: A Test Document}",
            "key": "Fixture Press",
            "howpublished": r"Fixture Press, \url{https://example.org/doc-a}",
            "year": "n.d.",
        },
    )


# Fields each classic BibTeX entry type requires (btxdoc), and the types plain.bst knows.
CLASSIC_REQUIRED = {
    "article": {"author", "title", "journal", "year"},
    "book": {"author", "title", "publisher", "year"},
    "techreport": {"author", "title", "institution", "year"},
    "misc": set(),
}


def test_every_shipped_source_is_classic_bibtex() -> None:
    from usjst_data import records

    bibtex = "\n".join(cite(s.id, "sources").bibtex for s in records("sources"))  # type: ignore[attr-defined]
    entries = re.findall(r"@(\w+)\{([^,\n]+),\n(.*?)\n\}", bibtex, flags=re.S)
    assert len({key for _, key, _ in entries}) == len(records("sources")) + 1
    for kind, key, body in entries:
        names = re.findall(r"^  (\w+) = ", body, flags=re.M)
        assert len(names) == len(set(names)), key
        assert CLASSIC_REQUIRED[kind] <= set(names), key
        assert "year" in names, key
        assert "author" in names or "key" in names, key  # plain.bst sorts by one of them


@pytest.mark.skipif(shutil.which("bibtex") is None, reason="needs the bibtex program (TeX Live)")
def test_classic_bibtex_reads_it_without_warnings(tmp_path: Path) -> None:
    from usjst_data import records

    sources = records("sources")
    entries = {e for s in sources for e in cite(s.id, "sources").bibtex.split("\n\n")}  # type: ignore[attr-defined]
    (tmp_path / "refs.bib").write_text("\n\n".join(sorted(entries)), encoding="utf-8")
    (tmp_path / "doc.aux").write_text("\\citation{*}\n\\bibdata{refs}\n\\bibstyle{plain}\n", encoding="utf-8")
    run = subprocess.run(["bibtex", "doc"], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stdout
    assert "Warning--" not in run.stdout, run.stdout
    assert (tmp_path / "doc.bbl").read_text(encoding="utf-8").count("\\bibitem") == len(sources) + 1
