"""boolean fields: the default true and false values, and trueValues/falseValues replacing them."""

from __future__ import annotations

from conftest import ID, Check


def test_default_values(check: Check) -> None:
    found = check("id,b\n1,true\n2,False\n3,1\n4,0\n5,yes\n6,t\n", [ID, {"name": "b", "type": "boolean"}])
    assert found == [
        ("type-error", 6, "b", "'yes' is not a boolean"),
        ("type-error", 7, "b", "'t' is not a boolean"),
    ]


def test_true_and_false_values_replace_the_defaults(check: Check) -> None:
    fields = [ID, {"name": "b", "type": "boolean", "trueValues": ["yes"], "falseValues": ["no"]}]
    found = check("id,b\n1,yes\n2,no\n3,true\n", fields)
    assert found == [("type-error", 4, "b", "'true' is not a boolean")]


def test_enum_is_compared_with_the_logical_value(check: Check) -> None:
    """Constraints apply to logical values: with an enum of [true], "True" and "1" are true."""
    found = check(
        "id,b\n1,True\n2,1\n3,false\n", [ID, {"name": "b", "type": "boolean", "constraints": {"enum": [True]}}]
    )
    assert found == [("enum-error", 4, "b", "'false' is not one of: true")]
