"""validate() on built packages: valid, and broken in each way the foundation checks."""

import hashlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from usjst_data import tablecheck
from usjst_data.builder import DATA_DIR
from usjst_data.errors import PackageError
from usjst_data.validator import validate

Break = Callable[[Path], None]


def _replace_in(relative: str, old: str, new: str, fix_hash: bool = True) -> Break:
    def apply(root: Path) -> None:
        path = root / relative
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {relative}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8", newline="")
        if fix_hash:
            _rehash(root, path)

    return apply


def _rehash(root: Path, path: Path) -> None:
    """Update the descriptor's bytes and hash so that only the intended problem remains."""
    descriptor_path = root / "datapackage.json"
    descriptor = json.loads(descriptor_path.read_text())
    content = path.read_bytes()
    for resource in descriptor["resources"]:
        if root / resource["path"] == path:
            resource["bytes"] = len(content)
            resource["hash"] = "sha256:" + hashlib.sha256(content).hexdigest()
    descriptor_path.write_text(json.dumps(descriptor))


def _edit_descriptor(edit: Callable[[dict[str, object]], None]) -> Break:
    def apply(root: Path) -> None:
        path = root / "datapackage.json"
        descriptor = json.loads(path.read_text())
        edit(descriptor)
        path.write_text(json.dumps(descriptor))

    return apply


def _resource(descriptor: dict[str, object], name: str) -> dict[str, object]:
    resources = descriptor["resources"]
    assert isinstance(resources, list)
    return next(r for r in resources if r["name"] == name)


CSV = f"{DATA_DIR.as_posix()}"
CASES: dict[str, tuple[Break, str, str]] = {
    "bad-date": (_replace_in(f"{CSV}/agreements.csv", "1988-06-20", "1988-02-30"), "date-error", "signed"),
    "bad-month": (_replace_in(f"{CSV}/meetings.csv", "2019-05-02", "2019-13"), "pattern-error", "date"),
    "bad-enum": (_replace_in(f"{CSV}/agreements.csv", "in_force", "valid"), "enum-error", "status"),
    "bad-integer": (_replace_in(f"{CSV}/meetings.csv", "hlc,14", "hlc,fourteen"), "type-error", "number"),
    "negative-amount": (
        _replace_in(f"{CSV}/funding_commitments.csv", ",100000000,", ",-100000000,"),
        "range-error",
        "amount",
    ),
    "dangling-fk": (
        _replace_in(f"{CSV}/meetings.csv", "hlc-14,hlc", "hlc-14,jhlc"),
        "foreign-key-error",
        "dialogue_id",
    ),
    "duplicate-pk": (_replace_in(f"{CSV}/domains.csv", "space,Space", "quantum,Space"), "primary-key-error", "id"),
    "missing-required": (_replace_in(f"{CSV}/domains.csv", "space,Space", "space,"), "required-error", "name"),
    "sum-above-total": (
        _replace_in(f"{CSV}/funding_commitments.csv", ",100000000,", ",200000000,"),
        "sum-error",
        "amount",
    ),
    "hash-mismatch": (_replace_in(f"{CSV}/domains.csv", "Space", "Spade", fix_hash=False), "hash-mismatch", ""),
    "ragged-row": (_replace_in(f"{CSV}/domains.csv", "space,Space,", "space,Space,x,"), "ragged-row", ""),
    "header": (_replace_in(f"{CSV}/domains.csv", "id,name", "key,name"), "header-error", "id"),
    "unsafe-path": (
        _edit_descriptor(lambda d: _resource(d, "domains").update(path="../domains.csv")),
        "unsafe-path",
        "",
    ),
    "absolute-path": (
        _edit_descriptor(lambda d: _resource(d, "domains").update(path="/etc/passwd")),
        "unsafe-path",
        "",
    ),
    "missing-file": (_edit_descriptor(lambda d: _resource(d, "domains").update(path="nope.csv")), "missing-file", ""),
    "not-v2": (_edit_descriptor(lambda d: d.update(resources=[])), "descriptor-error", "/resources"),
}
# Cases where a second, independent check rightly fires as well.
ALSO = {
    "hash-mismatch": ("bytes-mismatch",),
    "unsafe-path": ("descriptor-error",),
    "absolute-path": ("descriptor-error",),
    "duplicate-pk": ("foreign-key-error",),
    "not-v2": ("missing-resource",),  # the renamed row no longer defines `space`
}


def test_fixture_package_is_valid(built: Path) -> None:
    report = validate(built)
    assert report.valid, [p.line() for p in report.problems]
    assert report.tables["agreements"] == 2
    assert validate(built / "datapackage.json").to_dict() == report.to_dict()


@pytest.mark.parametrize("case", sorted(CASES))
def test_broken_package(built: Path, case: str) -> None:
    breaker, code, field = CASES[case]
    breaker(built)
    report = validate(built)
    assert not report.valid
    assert set(report.counts()) == {code, *ALSO.get(case, ())}, [p.line() for p in report.problems]
    problem = next(p for p in report.problems if p.code == code)
    assert (problem.field or "") == field
    assert problem.message
    assert problem.line().endswith(f"[{code}]")


def test_row_numbers_are_as_in_the_file(built: Path) -> None:
    _replace_in(f"{CSV}/agreements.csv", "in_force", "valid")(built)
    [problem] = validate(built).problems
    assert problem.line() == (
        f"{CSV}/agreements.csv:2: status: 'valid' is not one of: "
        "in_force, expired, superseded, proposed, unknown [enum-error]"
    )


def test_invalid_json_descriptor(tmp_path: Path) -> None:
    (tmp_path / "datapackage.json").write_text("{not json")
    report = validate(tmp_path)
    assert [p.code for p in report.problems] == ["json-error"]


def test_no_descriptor_is_a_package_error(tmp_path: Path) -> None:
    with pytest.raises(PackageError, match=r"no datapackage\.json"):
        validate(tmp_path)


def test_row_numbers_count_rejected_rows(tmp_path: Path) -> None:
    folder = tmp_path / "package"
    shutil.copytree(Path(__file__).parent / "fixtures" / "broken" / "enum", folder)
    lines = (folder / "commitments.csv").read_text().splitlines()
    lines = [lines[0], "grant-x,too,short", lines[2], "grant-y,also,short,row", lines[1], lines[3]]
    (folder / "commitments.csv").write_text("\r\n".join(lines) + "\r\n")
    report = validate(folder)
    assert [(p.code, p.row) for p in report.problems] == [
        ("enum-error", 5),
        ("ragged-row", 2),
        ("ragged-row", 4),
    ]


def _split_package(tmp_path: Path, second: list[str], total_bytes: bool = True) -> Path:
    """The generic enum fixture with its commitments split over two files, each with the header."""
    folder = tmp_path / "package"
    shutil.copytree(Path(__file__).parent / "fixtures" / "broken" / "enum", folder)
    header, *rows = (folder / "commitments.csv").read_text().splitlines()
    (folder / "commitments.csv").unlink()
    (folder / "part-1.csv").write_text("\r\n".join([header, *rows[:2]]) + "\r\n")
    (folder / "part-2.csv").write_text("\r\n".join([header, *second]) + "\r\n")
    descriptor = json.loads((folder / "datapackage.json").read_text())
    resource = _resource(descriptor, "commitments")
    resource["path"] = ["part-1.csv", "part-2.csv"]
    content = (folder / "part-1.csv").read_bytes() + (folder / "part-2.csv").read_bytes()
    resource["bytes"] = len(content) + (0 if total_bytes else 1)
    resource["hash"] = "sha256:" + hashlib.sha256(content).hexdigest()
    (folder / "datapackage.json").write_text(json.dumps(descriptor))
    return folder


def test_data_split_over_several_files_is_one_table(tmp_path: Path) -> None:
    """Cells are located in their own file; keys, size and hash are those of the whole."""
    rows = (Path(__file__).parent / "fixtures" / "broken" / "enum" / "commitments.csv").read_text().splitlines()
    report = validate(_split_package(tmp_path, [rows[3], rows[1].replace(",qx1,nsf", ",qx9,nasa")]))
    assert report.tables["commitments"] == 4
    assert [p.line() for p in report.problems] == [
        "part-1.csv:2: currency: 'usd' is not one of: USD, JPY [enum-error]",
        "part-2.csv:3: currency: 'usd' is not one of: USD, JPY [enum-error]",
        "part-2.csv:3: id: 'grant-a' repeats part-1.csv row 2 [primary-key-error]",
        "part-2.csv:3: institution_id: 'nasa' matches no id in institutions [foreign-key-error]",
    ]


def test_split_data_size_is_the_sum_of_its_files(tmp_path: Path) -> None:
    report = validate(_split_package(tmp_path, [], total_bytes=False))
    assert [p.code for p in report.problems] == ["enum-error", "bytes-mismatch"]


def test_every_file_of_split_data_must_be_safe(tmp_path: Path) -> None:
    folder = _split_package(tmp_path, [])
    descriptor = json.loads((folder / "datapackage.json").read_text())
    _resource(descriptor, "commitments")["path"] = ["part-1.csv", "../part-2.csv", "part-3.csv"]
    (folder / "datapackage.json").write_text(json.dumps(descriptor))
    codes = [(p.code, p.file) for p in validate(folder).problems if p.resource == "commitments"]
    assert codes == [("unsafe-path", "../part-2.csv"), ("missing-file", "part-3.csv")]


def test_a_validator_fault_is_not_reported_as_a_bad_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the parser's and the reader's errors become problems; a bug surfaces as itself."""
    folder = tmp_path / "package"
    shutil.copytree(Path(__file__).parent / "fixtures" / "broken" / "enum", folder)

    def broken(*args: object) -> None:
        raise IndexError("a fault in the validator")

    monkeypatch.setattr(tablecheck, "_parse", broken)
    with pytest.raises(IndexError, match="a fault in the validator"):
        validate(folder)
