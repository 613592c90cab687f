"""The catalogue of problem codes: every code the package emits is in it, and the docs are generated from it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from usjst_data.validation.codes import CODES, UnknownCodeError, check_codes, markdown, severity

SOURCE = Path(__file__).parents[1] / "usjst_data"
CATALOGUE = SOURCE / "validate" / "codes.py"
DOCS = Path(__file__).parents[1] / "docs" / "problems.md"
# A code where one is written: Problem("code", ...), a pydantic custom error, or a mapping's value.
EMITTED = re.compile(
    r'(?:Problem\(\s*|PydanticCustomError\(\s*|_problem\(\s*)"([a-z]+(?:-[a-z0-9]+)+)"'
    r'|: "([a-z]+(?:-[a-z]+)*-(?:error|field))"'
)


def _emitted() -> set[str]:
    found: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        if path != CATALOGUE:
            found.update(code for match in EMITTED.findall(path.read_text(encoding="utf-8")) for code in match if code)
    return found


def test_every_emitted_code_is_in_the_catalogue() -> None:
    emitted = _emitted()
    assert {"type-error", "blank-row", "unsupported-format", "schema-error"} <= emitted  # the scan finds codes
    assert emitted <= CODES.keys(), emitted - CODES.keys()


def test_the_docs_are_generated_from_the_catalogue() -> None:
    assert DOCS.read_text(encoding="utf-8") == markdown(), (
        "run: python -m usjst_data.validation.codes > docs/problems.md"
    )


def test_severities() -> None:
    assert severity("formula-cell") == "warning"
    assert severity("type-error") == "error"
    assert not CODES["unsupported-format"].checked


def test_unknown_codes_are_refused_by_name() -> None:
    assert check_codes(frozenset({"type-error"})) == {"type-error"}
    with pytest.raises(UnknownCodeError, match="unknown problem code typo-error"):
        check_codes(frozenset({"typo-error", "type-error"}))
