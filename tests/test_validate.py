"""validate() on built packages: valid, and broken in each way the foundation checks."""

import hashlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from usjst_data.builder import DATA_DIR
from usjst_data.cli import app
from usjst_data.errors import PackageError
from usjst_data.validation import batches, reading
from usjst_data.validation.run import Options, validate

runner = CliRunner()

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
        ("ragged-row", 2),
        ("ragged-row", 4),
        ("enum-error", 5),
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


@pytest.mark.parametrize(
    ("module", "name", "fault"),
    [
        (reading, "_parse", IndexError("a fault in the validator")),
        (batches, "check_cells", ValueError("a fault in a check")),
    ],
    ids=["parser", "check"],
)
def test_a_validator_fault_is_not_reported_as_a_bad_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, module: object, name: str, fault: Exception
) -> None:
    """Only the parser's and the reader's errors become problems; a bug, even a ValueError, surfaces as itself."""
    folder = tmp_path / "package"
    shutil.copytree(Path(__file__).parent / "fixtures" / "broken" / "enum", folder)

    def broken(*args: object) -> None:
        raise fault

    monkeypatch.setattr(module, name, broken)
    with pytest.raises(type(fault), match=str(fault)):
        validate(folder)


def _many_pieces(folder: Path, rows: int = 3000) -> Path:
    folder.mkdir()
    (folder / "t.csv").write_text("id,n\n" + "".join(f"{i},x\n" for i in range(rows)))
    schema = {"fields": [{"name": "id", "type": "integer"}, {"name": "n", "type": "integer"}]}
    (folder / "datapackage.json").write_text(
        json.dumps({"resources": [{"name": "t", "path": "t.csv", "schema": schema}]})
    )
    return folder


def test_stopping_early_leaves_no_thread_or_open_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--limit-errors stops reading: the reading thread ends and the file is closed, 50 times over."""
    import os
    import threading

    folder = _many_pieces(tmp_path / "package")
    monkeypatch.setattr(reading, "PIECE_BYTES", 256)
    validate(folder, Options(limit_errors=1))  # warm: imports and pools the first run creates
    threads, files = threading.active_count(), len(os.listdir("/proc/self/fd"))
    for _ in range(50):
        report = validate(folder, Options(limit_errors=1))
        assert report.truncated
        assert report.error_count == 1
    assert threading.active_count() == threads
    assert len(os.listdir("/proc/self/fd")) == files


def test_validation_leaves_the_host_process_as_it_was(tmp_path: Path) -> None:
    """No garbage-collector pause, import hook or other process-wide change from a library call."""
    import gc
    import sys

    folder = _many_pieces(tmp_path / "package", rows=10)
    hooks = list(sys.meta_path)
    validate(folder)
    assert gc.isenabled()
    assert sys.meta_path == hooks


def test_unknown_pick_or_skip_code_is_a_usage_error(tmp_path: Path) -> None:
    folder = _many_pieces(tmp_path / "package", rows=10)
    for option in ("--pick", "--skip"):
        result = runner.invoke(app, ["validate", str(folder), option, "type-eror"])
        assert result.exit_code == 2
        assert "unknown problem code type-eror" in result.output


def test_json_output_is_a_report_even_when_nothing_could_be_read(tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", str(tmp_path / "nowhere"), "--format", "json"])
    assert result.exit_code == 2
    report = json.loads(result.stdout)
    assert report["valid"] is False
    assert report["checked"] is False
    assert "no such file" in report["error"]


def test_a_url_is_refused_by_design() -> None:
    result = runner.invoke(app, ["validate", "https://example.org/datapackage.json"])
    assert result.exit_code == 2
    assert "remote packages are not read, by design" in result.output


def test_terminal_output_escapes_control_characters(tmp_path: Path) -> None:
    folder = tmp_path / "package"
    folder.mkdir()
    (folder / "t.csv").write_text("id\x1b]0;title\x07\nx\n")
    schema = {"fields": [{"name": "id\x1b]0;title\x07", "type": "integer"}]}
    resource = {"name": "t\x1b[2J[/bold]", "path": "t.csv", "schema": schema}
    (folder / "datapackage.json").write_text(json.dumps({"resources": [resource]}))
    result = runner.invoke(app, ["validate", str(folder)])
    assert result.exit_code == 1
    assert "\x1b" not in result.output
    assert "\x07" not in result.output
    assert "id\\x1b]0;title\\x07: 'x' is not an integer" in result.output


def test_threads_follow_the_cpus_this_process_may_use(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0}, raising=False)
    assert reading.cpu_count() == 1


def test_a_table_file_on_its_own_with_or_without_a_schema(tmp_path: Path) -> None:
    (tmp_path / "plain.csv").write_text("id,name\n1,Ann\nx,Bo\n")
    (tmp_path / "plain.schema.yaml").write_text("fields:\n  - {name: id, type: integer}\n  - {name: name}\n")
    alone = validate(tmp_path / "plain.csv")
    assert (alone.valid, alone.counts()) == (True, {"unsupported": 1})
    typed = runner.invoke(
        app, ["validate", str(tmp_path / "plain.csv"), "--schema", str(tmp_path / "plain.schema.yaml")]
    )
    assert typed.exit_code == 1
    assert "plain.csv:3: id: 'x' is not an integer [type-error]" in typed.output


def test_a_single_resource_descriptor(tmp_path: Path) -> None:
    (tmp_path / "plain.csv").write_text("id\n1\nx\n")
    resource = {"name": "plain", "path": "plain.csv", "schema": {"fields": [{"name": "id", "type": "integer"}]}}
    (tmp_path / "resource.json").write_text(json.dumps(resource))
    assert [(p.code, p.row) for p in validate(tmp_path / "resource.json").problems] == [("type-error", 3)]


def test_utf16_is_decoded_and_its_zero_bytes_are_no_nul(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_bytes("id,name\n1,Ann\nx,Bö\n".encode("utf-16"))
    schema = {"fields": [{"name": "id", "type": "integer"}, {"name": "name"}]}
    resource = {"name": "t", "path": "t.csv", "encoding": "utf-16", "schema": schema}
    (tmp_path / "datapackage.json").write_text(json.dumps({"resources": [resource]}))
    assert [(p.code, p.row) for p in validate(tmp_path).problems] == [("type-error", 3)]


def test_zstd_without_a_codec_is_one_unsupported_format(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pyarrow as pa

    folder = tmp_path / "package"
    shutil.copytree(Path(__file__).parent / "fixtures" / "broken" / "format-zstd-table", folder)

    class NoZstd:  # a pyarrow built without the zstd codec
        @staticmethod
        def is_available(name: str) -> bool:
            return name != "zstd"

    monkeypatch.setattr(pa, "Codec", NoZstd)
    report = validate(folder)
    assert [(p.code, p.resource, p.row) for p in report.problems] == [("unsupported-format", "people", None)]
    assert "pyarrow has no zstd codec" in report.problems[0].message


def test_xlsx_without_openpyxl_names_the_extra(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    folder = tmp_path / "package"
    shutil.copytree(Path(__file__).parent / "fixtures" / "broken" / "format-xlsx-table", folder)
    monkeypatch.setitem(sys.modules, "openpyxl", None)  # as if not installed
    report = validate(folder)
    assert [(p.code, p.resource, p.row) for p in report.problems] == [("unsupported-format", "people", None)]
    assert "usjst-data[xlsx]" in report.problems[0].message


_PACKAGE = {
    "name": "zipped",
    "resources": [{"name": "people", "path": "people.csv", "schema": {"fields": [{"name": "id", "type": "integer"}]}}],
}


def _zip(path: Path, members: dict[str, str]) -> Path:
    import zipfile

    with zipfile.ZipFile(path, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return path


@pytest.mark.parametrize("root", ["", "package/"])
def test_zipped_package_is_extracted_and_validated(tmp_path: Path, root: str) -> None:
    members = {root + "datapackage.json": json.dumps(_PACKAGE), root + "people.csv": "id\n1\nx\n"}
    target = _zip(tmp_path / "package.zip", members)
    report = validate(target)
    assert [(p.code, p.resource, p.row, p.field) for p in report.problems] == [("type-error", "people", 3, "id")]
    assert report.target == str(target)
    assert report.tables == {"people": 2}


@pytest.mark.parametrize("member", ["../evil.csv", "/tmp/evil.csv", "a\\..\\..\\evil.csv"])
def test_zipped_package_member_leaving_the_folder_is_refused(tmp_path: Path, member: str) -> None:
    target = _zip(tmp_path / "package.zip", {"datapackage.json": json.dumps(_PACKAGE), member: "id\n1\n"})
    report = validate(target)
    assert [(p.code, p.file) for p in report.problems] == [("source-error", "package.zip")]
    assert "would leave the package folder" in report.problems[0].message
    assert not (tmp_path / "evil.csv").exists()


def test_zipped_package_symlink_member_is_refused(tmp_path: Path) -> None:
    import stat
    import zipfile

    target = _zip(tmp_path / "package.zip", {"datapackage.json": json.dumps(_PACKAGE)})
    with zipfile.ZipFile(target, "a") as archive:
        link = zipfile.ZipInfo("people.csv")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    report = validate(target)
    assert [p.code for p in report.problems] == ["source-error"]
    assert "is a symlink" in report.problems[0].message


def test_zipped_package_size_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from usjst_data.validation import sources

    monkeypatch.setattr(sources, "MAX_DECOMPRESSED", 1000)
    members = {"datapackage.json": json.dumps(_PACKAGE), "people.csv": "id\n" + "1\n" * 1000}
    report = validate(_zip(tmp_path / "package.zip", members))
    assert [p.code for p in report.problems] == ["source-error"]
    assert "once decompressed" in report.problems[0].message
