"""Coverage figures of a package: counts, citations per document, fields filled."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from .loader import DataPath, records
from .models import TABLES, Citation, Source
from .schema import columns


@dataclass(frozen=True)
class Stats:
    """Record counts per table, records citing each source document, and optional-field fill rates."""

    counts: dict[str, int]
    cited_by_document: dict[str, int]
    filled: dict[str, dict[str, float]]


def stats(data: DataPath | None = None) -> Stats:
    """Compute the coverage figures of the package in ``data`` (default: the shipped one)."""
    rows = {t.name: records(t.name, data) for t in TABLES}
    sources = [s for s in rows["sources"] if isinstance(s, Source)]
    document_of = {s.id: s.cited_in or s.id for s in sources}
    citing: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for c in rows["citations"]:
        assert isinstance(c, Citation)
        citing[document_of.get(c.source_id, c.source_id)].add((c.table, c.record_id))
    documents = sorted(s.id for s in sources if s.cited_in is None)
    filled: dict[str, dict[str, float]] = {}
    for table in TABLES:
        items = rows[table.name]
        optional = [c for c in columns(table.name) if not c.required]
        filled[table.name] = {
            c.name: (sum(1 for r in items if getattr(r, c.name) not in (None, [])) / len(items)) if items else 0.0
            for c in optional
        }
    return Stats(
        counts={t.name: len(rows[t.name]) for t in TABLES},
        cited_by_document={d: len(citing[d]) for d in documents},
        filled=filled,
    )
