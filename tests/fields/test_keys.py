"""Constraints across cells: unique, uniqueKeys and primaryKey."""

from __future__ import annotations

from conftest import Check

FIELDS = [{"name": "a", "type": "integer"}, {"name": "b"}]


def test_unique_keys(check: Check) -> None:
    found = check("a,b\n1,x\n2,x\n1,x\n", FIELDS, uniqueKeys=[["a", "b"]])
    assert found == [("unique-error", 4, "a,b", "'1/x' repeats row 2")]


def test_primary_key(check: Check) -> None:
    found = check("a,b\n1,x\n1,y\n,z\n", FIELDS, primaryKey=["a"])
    assert found == [
        ("primary-key-error", 3, "a", "'1' repeats row 2"),
        ("primary-key-error", 4, "a", "a primary key cell must have a value"),
    ]
