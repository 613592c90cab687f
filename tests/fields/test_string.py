"""string fields: email, uri and uuid formats, pattern, lengths, enum, the formula warning, the per-kind cap."""

from __future__ import annotations

import pytest
from conftest import ID, Check, Validate

from usjst_data.validation.run import Options


@pytest.mark.parametrize(
    ("fmt", "good", "bad", "noun"),
    [
        ("email", "a@b.org", "ab.org", "an email"),
        ("uri", "https://x.org/a", "x.org", "an uri"),
        ("uuid", "123e4567-e89b-12d3-a456-426614174000", "123e4567", "an uuid"),
    ],
)
def test_formats(check: Check, fmt: str, good: str, bad: str, noun: str) -> None:
    found = check(f"id,s\n1,{good}\n2,{bad}\n", [ID, {"name": "s", "type": "string", "format": fmt}])
    assert found == [("type-error", 3, "s", f"{bad!r} is not {noun}")]


def test_pattern_and_lengths(check: Check) -> None:
    fields = [ID, {"name": "s", "constraints": {"pattern": "[a-z]+", "minLength": 2, "maxLength": 3}}]
    found = check("id,s\n1,ab\n2,abcd\n3,a1\n4,a\n", fields)
    assert found == [
        ("length-error", 3, "s", "must have at most 3 characters"),
        ("pattern-error", 4, "s", "'a1' does not match [a-z]+"),
        ("length-error", 5, "s", "must have at least 2 characters"),
    ]


def test_enum(check: Check) -> None:
    found = check("id,s\n1,a\n2,A\n", [ID, {"name": "s", "constraints": {"enum": ["a", "b"]}}])
    assert found == [("enum-error", 3, "s", "'A' is not one of: a, b")]


def test_formula_like_cells_are_warnings(report: Validate) -> None:
    result = report("id,s\n1,=SUM(A1)\n2,ok\n", [ID, {"name": "s"}])
    assert [(p.code, p.row, p.field, p.severity) for p in result.problems] == [("formula-cell", 2, "s", "warning")]
    assert result.valid


def test_per_kind_cap_keeps_the_first_problems_and_counts_all(report: Validate) -> None:
    csv = "id,s\n" + "".join(f"{n},=x{n}\n" for n in range(5))
    result = report(csv, [ID, {"name": "s"}], Options(max_per_kind=2))
    assert [(p.code, p.row, p.field, p.message) for p in result.problems] == [
        ("formula-cell", 2, "s", "'=x0' would run as a formula in a spreadsheet"),
        ("formula-cell", 3, "s", "'=x1' would run as a formula in a spreadsheet"),
    ]
    assert result.totals[("table", "formula-cell", "s")] == 5
    assert result.valid  # warnings beyond the cap stay warnings
