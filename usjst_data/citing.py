"""How to cite a record: the dataset, then each source behind the record with its locators.

>>> print(cite("us-japan-st-agreement-1988"))  # doctest: +SKIP

The BibTeX works with classic BibTeX styles: entry types and fields of plain.bst (an entry whose
kind needs a publisher, an author or a year that the source lacks is a ``@misc``), links in
``howpublished`` as ``\\url{...}``, and ``n.d.`` as the year of an undated source.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import meta
from .errors import AmbiguousRecordError, UnknownRecordError, UnknownTableError
from .loader import DataPath
from .loader import records as read_records
from .models import TABLES, TABLES_BY_NAME, Citation, DiscrepancyValue, Record, Source, Table, record_key

DATASET_KEY = "usjst-data"
NO_DATE = "n.d."
# Classic BibTeX entry type and the field naming the publisher, by source kind. These types need
# an author, a year and the publisher; a source lacking one, or of another kind, is a @misc.
_ENTRY_TYPES = {
    "journal_article": ("article", "journal"),
    "report": ("techreport", "institution"),
    "working_paper": ("techreport", "institution"),
    "government_document": ("techreport", "institution"),
    "book": ("book", "publisher"),
}
_BIBTEX_SPECIAL = str.maketrans({c: "\\" + c for c in "&%$#_{}"} | {"\\": r"\textbackslash{}", "~": r"\~{}"})


@dataclass(frozen=True)
class CitationText:
    """A record's citation: plain text, BibTeX entries, and the sources they name."""

    table: str
    record_id: str
    plain: str
    bibtex: str
    sources: list[Source]

    def __str__(self) -> str:
        return self.plain


def cite(record_id: str, table: str | None = None, data: DataPath | None = None) -> CitationText:
    """Cite a record by its key, searching every table unless ``table`` is given."""
    found_table, record = _find(record_id, table, data)
    evidence = _evidence(found_table, record, data)
    by_id = {s.id: s for s in read_records("sources", data) if isinstance(s, Source)}
    locators: dict[str, list[str]] = {}
    for source_id, locator in evidence:
        locators.setdefault(source_id, [])
        if locator and locator not in locators[source_id]:
            locators[source_id].append(locator)
    # A reference known through a citing document brings that document along.
    for source_id in list(locators):
        parent = by_id[source_id].cited_in
        while parent and parent not in locators:
            locators[parent] = []
            parent = by_id[parent].cited_in
    sources = [by_id[s] for s in locators]
    key = f"{found_table.name}/{record_id}"
    label = next((f": {v}" for f in ("title", "name") if (v := getattr(record, f, None))), "")
    plain = "\n".join(
        [
            key + label,
            "",
            "Dataset:",
            f"  {_dataset_text()} Record {key}.",
            *(["", "Sources:"] if sources else []),
            *(line for s in sources for line in _source_text(s, locators[s.id])),
        ]
    )
    bibtex = "\n\n".join([_dataset_bibtex(), *(_source_bibtex(s, locators[s.id]) for s in sources)]) + "\n"
    return CitationText(found_table.name, record_id, plain, bibtex, sources)


def _find(record_id: str, table: str | None, data: DataPath | None) -> tuple[Table, Record]:
    if table is not None and table not in TABLES_BY_NAME:
        raise UnknownTableError(table, [t.name for t in TABLES])
    searched = [TABLES_BY_NAME[table]] if table else list(TABLES)
    found = [(t, r) for t in searched for r in read_records(t.name, data) if record_key(t, r) == record_id]
    if not found:
        raise UnknownRecordError(f"no record {record_id!r} in {table or 'any table'}")
    if len(found) > 1:
        raise AmbiguousRecordError(record_id, [t.name for t, _ in found])
    return found[0]


def _evidence(table: Table, record: Record, data: DataPath | None) -> list[tuple[str, str | None]]:
    """(source id, locator) pairs supporting the record, in the order the data gives them."""
    key = record_key(table, record)
    if isinstance(record, Source):
        return [(record.id, None)]
    if isinstance(record, Citation | DiscrepancyValue):
        return [(record.source_id, record.locator)]
    if table.name == "discrepancies":
        return [
            (v.source_id, v.locator)
            for v in read_records("discrepancy_values", data)
            if isinstance(v, DiscrepancyValue) and v.discrepancy_id == key
        ]
    return [
        (c.source_id, c.locator + (f" (supports {', '.join(c.fields)})" if c.fields else ""))
        for c in read_records("citations", data)
        if isinstance(c, Citation) and c.table == table.name and c.record_id == key
    ]


def _full_title(source: Source) -> str:
    return f"{source.title}: {source.subtitle}" if source.subtitle else source.title


def _link(source: Source) -> str | None:
    if source.doi:
        return source.doi if source.doi.startswith("http") else f"https://doi.org/{source.doi}"
    return source.url


def _dataset_text() -> str:
    authors = ", ".join(str(c["title"]) for c in meta.CONTRIBUTORS)
    return f"{authors} ({meta.CREATED[:4]}). {meta.TITLE}, version {meta.VERSION} [data set]. {meta.HOMEPAGE}."


def _source_text(source: Source, locators: list[str]) -> list[str]:
    """A source as a reference-list entry, then where in it the record's facts are."""
    date = f" ({source.published or NO_DATE})"
    title = _full_title(source)
    head = f"{', '.join(source.authors)}{date}. {title}." if source.authors else f"{title}{date}."
    parts = [head, f"{source.publisher}." if source.publisher else "", f"{_link(source)}." if _link(source) else ""]
    if source.cited_in:
        parts.append(f"Cited in [{source.cited_in}]" + (f" at {source.cited_at}." if source.cited_at else "."))
    lines = [f"  [{source.id}] " + " ".join(p for p in parts if p)]
    lines += [f"      at: {locator}" for locator in locators]
    return lines


def _escape(text: str) -> str:
    return text.translate(_BIBTEX_SPECIAL)


def _entry(kind: str, key: str, fields: dict[str, str | None]) -> str:
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields.items() if value)
    return f"@{kind}{{{key},\n{body}\n}}"


def _dataset_bibtex() -> str:
    return _entry(
        "misc",
        DATASET_KEY,
        {
            "title": "{" + _escape(meta.TITLE) + "}",
            "author": " and ".join("{" + _escape(str(c["title"])) + "}" for c in meta.CONTRIBUTORS),
            "year": meta.CREATED[:4],
            "howpublished": _url(meta.HOMEPAGE),
            "note": f"Data set, version {meta.VERSION}, licensed " + _escape(str(meta.DATA_LICENSE["name"])),
        },
    )


def _url(link: str) -> str:
    return r"\url{" + link + "}"


def _source_bibtex(source: Source, locators: list[str]) -> str:
    kind, publisher_field = _ENTRY_TYPES.get(source.kind, ("misc", "howpublished"))
    if not (source.authors and source.published and source.publisher):
        kind, publisher_field = "misc", "howpublished"
    link = _link(source)
    publisher = _escape(source.publisher) if source.publisher else None
    if kind == "misc":
        # plain.bst prints no url field: a @misc says where it is published, and the link, in howpublished.
        publisher = ", ".join(p for p in (publisher, _url(link) if link else None) if p) or None
    notes = [f"Locators: {'; '.join(locators)}."] if locators else []
    # A reference's locators usually name the citing document already; say it once.
    if source.cited_in and not any(source.cited_in in locator for locator in locators):
        notes.append(f"Cited in {source.cited_in}" + (f" at {source.cited_at}." if source.cited_at else "."))
    return _entry(
        kind,
        source.id,
        {
            "title": "{" + _escape(_full_title(source)) + "}",
            "author": " and ".join(_escape(a) for a in source.authors),
            # Classic styles sort and label by author, or else by key.
            "key": None if source.authors else _escape(source.publisher or _full_title(source)),
            publisher_field: publisher,
            "year": source.published[:4] if source.published else NO_DATE,
            "url": link if kind != "misc" else None,
            "doi": source.doi,
            "note": _escape(" ".join(notes)),
        },
    )
