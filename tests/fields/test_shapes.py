"""Columns of one field shape are checked joined, then one by one only where that finds a problem."""

from __future__ import annotations

from conftest import Check, Validate

from usjst_data.validation.run import Options

SAME = [{"name": n, "type": "integer", "constraints": {"maximum": 9}} for n in ("a", "b", "c")]


def test_a_bad_cell_among_columns_of_one_shape_is_placed_by_row_and_field(check: Check) -> None:
    found = check("a,b,c\n1,2,3\n4,x,6\n7,8,10\n", SAME)
    assert found == [
        ("type-error", 3, "b", "'x' is not an integer"),
        ("range-error", 4, "c", "must be <= 9, got 10"),
    ]


def test_columns_of_one_shape_that_are_clean_give_no_problem(check: Check) -> None:
    assert check("a,b,c\n1,2,3\n4,5,6\n", SAME) == []


def test_a_warning_in_one_of_many_text_columns_names_its_column(check: Check) -> None:
    fields = [{"name": n, "type": "string"} for n in ("a", "b", "c", "d")]
    assert check("a,b,c,d\nw,x,y,z\nw,x,=SUM(A1),z\n", fields) == [
        ("formula-cell", 3, "c", "'=SUM(A1)' would run as a formula in a spreadsheet"),
    ]


def test_the_cap_per_kind_holds_for_each_column_of_one_shape(report: Validate) -> None:
    rows = "\n".join("x,x,1" for _ in range(5))
    found = report(f"a,b,c\n{rows}\n", SAME, Options(max_per_kind=2))
    kept = [(p.field, p.row) for p in found.problems]
    assert kept == [("a", 2), ("a", 3), ("b", 2), ("b", 3)]
    assert found.error_count == 10
