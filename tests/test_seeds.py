import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from usjst_data.builder import render
from usjst_data.cli import app
from usjst_data.errors import SeedError
from usjst_data.models import TABLES
from usjst_data.seeds import MAX_DEPTH, MAX_SEED_BYTES, Dataset, read_seeds
from usjst_data.validation.report import Problem

SEEDS = Path(__file__).parent / "fixtures" / "seeds"


def _problem_lines(seeds: Path) -> list[str]:
    with pytest.raises(SeedError) as info:
        render(seeds)
    return [p.line() for p in info.value.problems]


def test_fixture_seeds_read(dataset: Dataset) -> None:
    assert len(dataset.tables["agreements"]) == 2
    # inline cites become citation rows; inline values become discrepancy values
    assert {c.record_id for c in dataset.tables["citations"] if c.table == "agreements"} == {  # type: ignore[attr-defined]
        "umbrella-1988",
        "umbrella-extension-2014",
    }
    assert len(dataset.tables["discrepancy_values"]) == 2
    assert dataset.origin("agreements", "umbrella-extension-2014") == ("seeds/agreements.yaml", 13)


def test_problem_names_file_line_record_field(repo: Path, edit_seed: Callable[[str, str, str], None]) -> None:
    edit_seed("agreements", 'signed: "1988-06-20"', 'signed: "1988-13-01"')
    assert _problem_lines(repo / "seeds") == [
        "seeds/agreements.yaml:1: umbrella-1988: signed: month must be 01-12, got '1988-13-01' [date-error]"
    ]


def test_every_problem_is_reported_at_once(repo: Path, edit_seed: Callable[[str, str, str], None]) -> None:
    edit_seed("agreements", "status: in_force", "status: valid")
    edit_seed("meetings", "number: 14", "number: -14")
    edit_seed("institutions", '  cite: [{source: doc-a, locator: "§ Intro"}]\n', "")
    lines = _problem_lines(repo / "seeds")
    assert len(lines) == 3
    assert any("[enum-error]" in line and "agreements.yaml:1" in line for line in lines)
    assert any("[range-error]" in line and "hlc-14" in line for line in lines)
    assert any("gov-x: cite: give at least one entry" in line for line in lines)


def test_yaml_python_tag_is_refused_not_executed(repo: Path) -> None:
    marker = repo / "executed"
    (repo / "seeds" / "domains.yaml").write_text(f"- !!python/object/apply:os.system ['touch {marker}']\n")
    lines = _problem_lines(repo / "seeds")
    assert lines == [
        "seeds/domains.yaml:1: YAML tag !!python/object/apply:os.system: tags are not allowed in seed files; "
        "quote the value if it must be text (column 3) [yaml-error]"
    ]
    assert not marker.exists()


def test_float_amount_is_refused(repo: Path, edit_seed: Callable[[str, str, str], None]) -> None:
    edit_seed("funding_commitments", 'amount: "100000000"', "amount: 100000000.5")
    lines = _problem_lines(repo / "seeds")
    assert lines == [
        "seeds/funding_commitments.yaml:14: fixture-share-a: amount: "
        "write the amount as a quoted decimal string, got float '100000000.5' [type-error]"
    ]


def test_missing_seed_file(repo: Path) -> None:
    (repo / "seeds" / "policies.yaml").unlink()
    assert _problem_lines(repo / "seeds") == ["seeds/policies.yaml: seed file is missing [missing-file]"]


def test_citation_duplicate_locator(repo: Path, edit_seed: Callable[[str, str, str], None]) -> None:
    edit_seed(
        "dialogues",
        '  cite: [{source: doc-a, locator: "§ History"}]',
        '  cite: [{source: doc-a, locator: "§ History"}, {source: doc-a, locator: "§ History", fields: [name]}]',
    )
    assert any("[primary-key-error]" in line for line in _problem_lines(repo / "seeds"))


def test_read_seeds_is_pure(dataset: Dataset) -> None:
    again = read_seeds(Path(__file__).parent / "fixtures" / "seeds")
    assert again.tables == dataset.tables


# Seed files that are not plain, small, well-formed YAML: one clear problem each, never a hang or a crash.


def _only_problem(seeds: Path) -> Problem:
    with pytest.raises(SeedError) as info:
        read_seeds(seeds)
    assert len(info.value.problems) == 1, info.value.problems
    return info.value.problems[0]


def _replace(seeds: Path, table: str, content: bytes | str) -> None:
    path = seeds / f"{table}.yaml"
    path.unlink()
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_fifo_is_refused_without_waiting_for_a_writer(repo: Path) -> None:
    (repo / "seeds" / "domains.yaml").unlink()
    os.mkfifo(repo / "seeds" / "domains.yaml")
    assert _only_problem(repo / "seeds") == Problem(
        "file-error", "not a regular file: a FIFO (named pipe)", file="seeds/domains.yaml"
    )


def test_directory_is_refused(repo: Path) -> None:
    (repo / "seeds" / "domains.yaml").unlink()
    (repo / "seeds" / "domains.yaml").mkdir()
    problem = _only_problem(repo / "seeds")
    assert (problem.code, problem.file, problem.row) == ("file-error", "seeds/domains.yaml", None)
    assert problem.message == f"cannot read the seed file: {os.strerror(21)}"  # EISDIR


def test_device_in_the_folder_is_refused(repo: Path) -> None:
    (repo / "seeds" / "domains.yaml").unlink()
    try:
        os.mknod(repo / "seeds" / "domains.yaml", 0o600 | 0o020000, os.makedev(1, 5))  # like /dev/zero
    except (AttributeError, PermissionError):
        pytest.skip("making a device needs privileges")
    assert _only_problem(repo / "seeds") == Problem(
        "file-error", "not a regular file: a character device", file="seeds/domains.yaml"
    )


@pytest.mark.parametrize("target", ["/dev/zero", "../outside.yaml"])
def test_symlink_out_of_the_folder_is_not_followed(repo: Path, target: str) -> None:
    shutil.copy(SEEDS / "domains.yaml", repo / "outside.yaml")
    (repo / "seeds" / "domains.yaml").unlink()
    (repo / "seeds" / "domains.yaml").symlink_to(target)
    problem = _only_problem(repo / "seeds")
    assert (problem.code, problem.file, problem.row) == ("unsafe-path", "seeds/domains.yaml", None)
    shown = os.path.realpath(repo / "seeds" / target)
    assert problem.message == f"a symlink to {shown}, outside the seeds folder"


def test_symlink_inside_the_folder_is_read(repo: Path, dataset: Dataset) -> None:
    (repo / "seeds" / "domains.yaml").rename(repo / "seeds" / "kept.txt")
    (repo / "seeds" / "domains.yaml").symlink_to("kept.txt")
    assert read_seeds(repo / "seeds").tables == dataset.tables


def test_symlink_loop_is_refused(repo: Path) -> None:
    (repo / "seeds" / "domains.yaml").unlink()
    (repo / "seeds" / "domains.yaml").symlink_to("domains.yaml")
    problem = _only_problem(repo / "seeds")
    assert (problem.code, problem.file) == ("file-error", "seeds/domains.yaml")
    assert problem.message == f"cannot read the seed file: {os.strerror(40)}"  # ELOOP


def test_file_over_the_size_bound_is_refused_unread(repo: Path) -> None:
    with (repo / "seeds" / "domains.yaml").open("r+b") as handle:
        handle.truncate(MAX_SEED_BYTES + 1)  # sparse: nothing is written, and nothing must be read
    assert _only_problem(repo / "seeds") == Problem(
        "file-error", "seed file is 4,194,305 bytes, more than the limit of 4 MiB", file="seeds/domains.yaml"
    )


def test_billion_laughs_is_refused_at_its_first_anchor(repo: Path) -> None:
    lines = ['- lol: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"- lol{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 40)]
    _replace(repo / "seeds", "domains", "\n".join(lines))
    assert _only_problem(repo / "seeds") == Problem(
        "yaml-error",
        "YAML &a0: anchors and aliases are not allowed in seed files; write values out (column 8)",
        file="seeds/domains.yaml",
        row=1,
    )


def test_alias_is_refused(repo: Path) -> None:
    _replace(repo / "seeds", "domains", "- id: quantum\n  name: *name\n")
    problem = _only_problem(repo / "seeds")
    assert (problem.code, problem.file, problem.row) == ("yaml-error", "seeds/domains.yaml", 2)
    assert problem.message.startswith("YAML *name: anchors and aliases are not allowed in seed files")


def test_duplicate_key_names_the_key_and_both_lines(repo: Path, edit_seed: Callable[[str, str, str], None]) -> None:
    edit_seed("agreements", "  status: in_force\n", "  status: in_force\n  status: expired\n")
    assert _only_problem(repo / "seeds") == Problem(
        "yaml-error",
        "duplicate key 'status', first at line 6 (column 3)",
        file="seeds/agreements.yaml",
        row=7,
        field="status",
    )


def test_tab_indent_is_a_yaml_error_with_a_hint(repo: Path, edit_seed: Callable[[str, str, str], None]) -> None:
    edit_seed("domains", "  name: Space", "\tname: Space")
    problem = _only_problem(repo / "seeds")
    assert (problem.code, problem.file, problem.row) == ("yaml-error", "seeds/domains.yaml", 6)
    assert problem.message.endswith(
        "found character '\\t' that cannot start any token (column 1); indent with spaces, not tabs"
    )


@pytest.mark.parametrize(
    ("content", "row", "message"),
    [
        (b"- id: quantum\n  name: Quantum caf\xe9\n", 2, "not valid UTF-8 at byte 33: invalid continuation byte"),
        ("- id: quantum\n".encode("utf-16"), 1, "not valid UTF-8 at byte 0: invalid start byte"),
    ],
    ids=["latin-1", "utf-16"],
)
def test_bytes_that_are_not_utf8(repo: Path, content: bytes, row: int, message: str) -> None:
    _replace(repo / "seeds", "domains", content)
    assert _only_problem(repo / "seeds") == Problem(
        "encoding-error", f"{message}; save the file as UTF-8", file="seeds/domains.yaml", row=row
    )


def test_control_character_is_a_yaml_error_at_its_line(repo: Path) -> None:
    _replace(repo / "seeds", "domains", "- id: quantum\n  name: Quan\x07tum\n")
    assert _only_problem(repo / "seeds") == Problem(
        "yaml-error", "character U+0007 is not allowed; remove it", file="seeds/domains.yaml", row=2
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1988-02-30", "cannot read '1988-02-30': day is out of range for month (column 11)"),
        ("!!bool maybe", "YAML tag !!bool: tags are not allowed in seed files; quote the value if it must be text"),
        ("!!timestamp soon", "YAML tag !!timestamp: tags are not allowed in seed files; quote the value if it"),
    ],
)
def test_scalars_that_crashed_the_yaml_constructor(
    repo: Path, edit_seed: Callable[[str, str, str], None], value: str, message: str
) -> None:
    edit_seed("agreements", 'signed: "1988-06-20"', f"signed: {value}")
    problem = _only_problem(repo / "seeds")
    assert (problem.code, problem.file, problem.row) == ("yaml-error", "seeds/agreements.yaml", 5)
    assert problem.message.startswith(message)


def test_deep_nesting_is_refused(repo: Path) -> None:
    _replace(repo / "seeds", "domains", "[" * 100_000)
    assert _only_problem(repo / "seeds") == Problem(
        "yaml-error",
        f"nested deeper than {MAX_DEPTH} levels (column {MAX_DEPTH + 1})",
        file="seeds/domains.yaml",
        row=1,
    )


def test_a_mapping_instead_of_a_list(repo: Path) -> None:
    _replace(repo / "seeds", "domains", "\nid: quantum\n")
    assert _only_problem(repo / "seeds") == Problem(
        "yaml-error", "expected a list of records (column 1)", file="seeds/domains.yaml", row=2
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_build_reports_an_unsafe_seed_file_and_writes_nothing(repo: Path) -> None:
    (repo / "seeds" / "domains.yaml").unlink()
    os.mkfifo(repo / "seeds" / "domains.yaml")
    (repo / "seeds" / "institutions.yaml").unlink()
    (repo / "seeds" / "institutions.yaml").symlink_to("/dev/zero")
    result = CliRunner().invoke(app, ["build", "--root", str(repo)])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.output.splitlines() == [
        "seeds/domains.yaml: not a regular file: a FIFO (named pipe) [file-error]",
        "seeds/institutions.yaml: a symlink to /dev/zero, outside the seeds folder [unsafe-path]",
        "error: 2 problems in seeds/; nothing written",
    ]
    assert not (repo / "datapackage.json").exists()


_YAMLISH = st.sampled_from(
    [b"- ", b": ", b"\n", b"  ", b"\t", b"[", b"]", b"{", b"}", b",", b"? ", b"'", b'"', b"#", b"&a ", b"*a",
     b"!!int ", b"!", b"<<: ", b"---\n", b"...", b"%YAML 1.1\n", b"|", b">", b"~", b"id", b"cite", b"values",
     b"source", b"2001-02-30", b"1e999", b".nan", b"9" * 5000, b"\xff", b"\x00", b"\xef\xbb\xbf", b"\\x"]
)  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    table=st.sampled_from([t.name for t in TABLES if t.seeded]),
    inserts=st.lists(st.tuples(st.integers(min_value=0), st.lists(_YAMLISH, max_size=6).map(b"".join) | st.binary())),
)
def test_yamlish_bytes_raise_only_seed_error(repo: Path, table: str, inserts: list[tuple[int, bytes]]) -> None:
    path = repo / "seeds" / f"{table}.yaml"
    original = (SEEDS / path.name).read_bytes()
    content = bytearray(original)
    for position, insert in inserts:
        at = position % (len(content) + 1)
        content[at:at] = insert
    path.write_bytes(bytes(content))
    try:
        read_seeds(repo / "seeds")
    except SeedError as exc:
        problems = exc.problems
    else:
        problems = []
    finally:
        path.write_bytes(original)
    assert all(p.code and p.message and p.file == f"seeds/{path.name}" for p in problems), problems
