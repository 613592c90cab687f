"""list fields (v2): items split by the delimiter, each of the itemType, counted by minLength/maxLength."""

from __future__ import annotations

from conftest import ID, Check


def test_items_of_the_item_type(check: Check) -> None:
    fields = [ID, {"name": "l", "type": "list", "delimiter": ";", "itemType": "integer"}]
    found = check('id,l\n1,1;2\n2,1;x\n3,"1,2"\n', fields)
    assert found == [
        ("type-error", 3, "l", "'1;x' is not a list of integer items split by ';'"),
        ("type-error", 4, "l", "'1,2' is not a list of integer items split by ';'"),
    ]


def test_item_counts(check: Check) -> None:
    fields = [ID, {"name": "l", "type": "list", "constraints": {"maxLength": 2}}]
    found = check('id,l\n1,"a,b"\n2,"a,b,c"\n', fields)
    assert found == [("length-error", 3, "l", "must have at most 2 items")]
