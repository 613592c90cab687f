"""array fields: a JSON array per cell, its items counted by minLength/maxLength."""

from __future__ import annotations

from conftest import ID, Check


def test_json_arrays(check: Check) -> None:
    fields = [ID, {"name": "a", "type": "array", "constraints": {"minLength": 1, "maxLength": 2}}]
    found = check('id,a\n1,"[1, 2]"\n2,[]\n3,"[1, 2, 3]"\n4,{}\n', fields)
    assert found == [
        ("length-error", 3, "a", "must have at least 1 items"),
        ("length-error", 4, "a", "must have at most 2 items"),
        ("type-error", 5, "a", "'{}' is not a JSON array"),
    ]
