"""number fields: the Table Schema notation, bareNumber, groupChar, decimalChar and numeric constraints."""

from __future__ import annotations

from conftest import Check


def test_number_notation(check: Check) -> None:
    found = check('n\n1.5\n-2e3\nNaN\nINF\n"1,5"\nInfinity\n', [{"name": "n", "type": "number"}])
    assert found == [
        ("type-error", 6, "n", "'1,5' is not a number"),
        ("type-error", 7, "n", "'Infinity' is not a number"),
    ]


def test_bare_number_false_strips_text_around_the_number(check: Check) -> None:
    fields = [{"name": "n", "type": "number", "bareNumber": False, "constraints": {"minimum": 0}}]
    found = check("n\n$1\n95%\nEUR 95\n-5%\nabc\n", fields)
    assert found == [
        ("range-error", 5, "n", "must be >= 0, got -5%"),
        ("type-error", 6, "n", "'abc' is not a number"),
    ]


def test_bare_number_default_refuses_text_around_the_number(check: Check) -> None:
    found = check("n\n95%\n", [{"name": "n", "type": "number"}])
    assert found == [("type-error", 2, "n", "'95%' is not a number")]


def test_group_char(check: Check) -> None:
    fields = [{"name": "n", "type": "number", "groupChar": " ", "constraints": {"maximum": 10000}}]
    found = check('n\n1 000.5\n20 000\n"1,000"\n', fields)
    assert found == [
        ("range-error", 3, "n", "must be <= 10000, got 20 000"),
        ("type-error", 4, "n", "'1,000' is not a number"),
    ]


def test_decimal_char_and_group_char(check: Check) -> None:
    fields = [{"name": "n", "type": "number", "decimalChar": ",", "groupChar": "."}]
    found = check('n\n"1.000,5"\n"2,25"\n1x\n', fields)
    assert found == [("type-error", 4, "n", "'1x' is not a number")]


def test_a_point_is_not_a_number_when_the_decimal_char_is_another(check: Check) -> None:
    found = check('n\n"2,5"\n2.5\n', [{"name": "n", "type": "number", "decimalChar": ","}])
    assert found == [("type-error", 3, "n", "'2.5' is not a number")]


def test_currency_with_groups(check: Check) -> None:
    fields = [{"name": "n", "type": "number", "bareNumber": False, "groupChar": ",", "constraints": {"maximum": 2000}}]
    found = check('n\n"$1,000"\n"$3,000.50"\n', fields)
    assert found == [("range-error", 3, "n", "must be <= 2000, got $3,000.50")]


def test_exclusive_maximum_is_not_maximum(check: Check) -> None:
    fields = [{"name": "n", "type": "number", "constraints": {"exclusiveMaximum": 10, "maximum": 20}}]
    found = check("n\n9.5\n10\n20\n21\n", fields)
    assert found == [
        ("range-error", 3, "n", "must be < 10, got 10"),
        ("range-error", 4, "n", "must be < 10, got 20"),
        ("range-error", 5, "n", "must be <= 20, got 21"),
    ]


def test_enum_compared_as_numbers(check: Check) -> None:
    found = check("n\n1.0\n01\n3\n", [{"name": "n", "type": "number", "constraints": {"enum": [1, 2]}}])
    assert found == [("enum-error", 4, "n", "'3' is not one of: 1, 2")]


def test_special_values_in_any_case(check: Check) -> None:
    """The spec lists NaN, INF and -INF, "case need not be respected"; Infinity and +INF are not among them."""
    found = check("n\nnan\ninf\n-Inf\n+INF\n-Infinity\n", [{"name": "n", "type": "number"}])
    assert found == [
        ("type-error", 5, "n", "'+INF' is not a number"),
        ("type-error", 6, "n", "'-Infinity' is not a number"),
    ]


def test_a_bound_that_is_not_a_number_is_a_descriptor_error(check: Check) -> None:
    found = check("n\n1\n", [{"name": "n", "type": "number", "constraints": {"maximum": "NaN", "minimum": "low"}}])
    assert found == [
        ("descriptor-error", None, "n", "minimum low is not a number"),
        ("descriptor-error", None, "n", "maximum NaN is not a number"),
    ]
