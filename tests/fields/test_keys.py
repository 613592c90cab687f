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


def test_composite_keys_whose_parts_join_alike_are_different(check: Check) -> None:
    fields = [{"name": "a", "type": "string"}, {"name": "b", "type": "string"}]
    csv = 'a,b\n"p\x1fq",r\np,"q\x1fr"\np/q,r\np,q/r\n'
    assert check(csv, fields, primaryKey=["a", "b"]) == []
    assert check(csv + "p,q/r\n", fields, primaryKey=["a", "b"]) == [
        ("primary-key-error", 6, "a,b", "'p/q/r' repeats row 5"),
    ]
