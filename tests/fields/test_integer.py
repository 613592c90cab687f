"""integer fields: digits only, bareNumber and groupChar, bounds and missing values."""

from __future__ import annotations

from conftest import Check


def test_integer_digits(check: Check) -> None:
    found = check("n\n1\n-2\n1.5\n1e3\n", [{"name": "n", "type": "integer"}])
    assert found == [
        ("type-error", 4, "n", "'1.5' is not an integer"),
        ("type-error", 5, "n", "'1e3' is not an integer"),
    ]


def test_bare_number_false(check: Check) -> None:
    fields = [{"name": "n", "type": "integer", "bareNumber": False}]
    found = check("n\n$1\n95%\n1.5%\nx\n", fields)
    assert found == [
        ("type-error", 4, "n", "'1.5%' is not an integer"),
        ("type-error", 5, "n", "'x' is not an integer"),
    ]


def test_group_char(check: Check) -> None:
    """The v2 spec gives integers a groupChar too (frictionless-py reads it for numbers only)."""
    fields = [{"name": "n", "type": "integer", "groupChar": ",", "constraints": {"minimum": 1000}}]
    found = check('n\n"1,000"\n"999"\n', fields)
    assert found == [("range-error", 3, "n", "must be >= 1000, got 999")]


def test_minimum_and_exclusive_minimum(check: Check) -> None:
    fields = [{"name": "n", "type": "integer", "constraints": {"minimum": 0, "exclusiveMinimum": 1}}]
    found = check("n\n2\n1\n-1\n", fields)
    assert found == [
        ("range-error", 3, "n", "must be > 1, got 1"),
        ("range-error", 4, "n", "must be >= 0, got -1"),
    ]


def test_missing_values(check: Check) -> None:
    fields = [{"name": "id", "type": "string"}, {"name": "n", "type": "integer", "constraints": {"required": True}}]
    found = check("id,n\na,1\nb,NA\nc,-\n", fields, missingValues=["", "NA"])
    assert found == [
        ("required-error", 3, "n", "a value is required"),
        ("type-error", 4, "n", "'-' is not an integer"),
    ]
