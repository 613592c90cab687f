"""Reading the curated seeds: one YAML file per table, records validated against the models.

Each record carries its evidence inline as ``cite: [{source, locator, fields}]``; a discrepancy
carries its competing ``values``. Reading turns those into the ``citations`` and
``discrepancy_values`` tables, so people edit one place and the tables stay normalized.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Hashable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, cast

import yaml
from pydantic import ValidationError
from yaml.composer import ComposerError
from yaml.constructor import ConstructorError
from yaml.error import Mark, MarkedYAMLError
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.reader import ReaderError

from .errors import SeedError
from .models import TABLES, TABLES_BY_NAME, Record, Table, record_key
from .validation.report import Problem, shorten

# Keys under which a seed record carries rows of another table: its citations, a discrepancy's values.
_CITE_KEY = "cite"
_VALUES_KEY = "values"


R = TypeVar("R", bound=Record)
_TABLE_OF_MODEL = {t.model: t.name for t in TABLES}


@dataclass
class Dataset:
    """Validated records of every table, with where each record was written."""

    tables: dict[str, list[Record]] = field(default_factory=lambda: {t.name: [] for t in TABLES})
    origins: dict[tuple[str, str], tuple[str, int]] = field(default_factory=dict)
    # Keys of rows that exist but failed validation: references to them are not reported again.
    unreadable: dict[str, set[str]] = field(default_factory=lambda: {t.name: set() for t in TABLES})
    # Tables that could not be read at all: references into them cannot be checked.
    unavailable: set[str] = field(default_factory=set)

    # Records per table by key, kept while the records stay as they are (see ``freeze``).
    _index: dict[str, dict[str, Record]] = field(default_factory=dict)

    def index(self, table: str) -> dict[str, Record]:
        """The records of ``table`` by key (the last one, where a key repeats)."""
        if table in self._index:
            return self._index[table]
        return {record_key(TABLES_BY_NAME[table], r): r for r in self.tables[table]}

    def keys(self, table: str) -> set[str]:
        """Keys of every record of ``table``, including those that failed validation."""
        return self.index(table).keys() | self.unreadable[table]

    def freeze(self) -> None:
        """Index every table's records by key once, for rules that look them up many times."""
        self._index = {}
        self._index = {t.name: self.index(t.name) for t in TABLES}

    def of(self, model: type[R]) -> list[R]:
        """The records of the table whose model is ``model``, typed as such."""
        return cast(list[R], self.tables[_TABLE_OF_MODEL[model]])

    def origin(self, table: str, key: str) -> tuple[str | None, int | None]:
        """The file and line (or row) a record came from, when known."""
        return self.origins.get((table, key), (None, None))


# Seed files are edited by hand; the largest is about 120 KB. Pure-Python YAML takes about 12 s and
# 150 MB per MiB, so the bound keeps a mistaken or hostile file under a minute and 600 MB.
MAX_SEED_BYTES = 4 << 20
# Records nest a few levels (record, cite list, citation, fields list); deeper input is refused before
# the composer's recursion can overflow the stack.
MAX_DEPTH = 64


class _DuplicateKeyError(ConstructorError):
    """A mapping key written twice: YAML would keep the last value silently."""

    def __init__(self, key: object, first: Mark, again: Mark) -> None:
        super().__init__(None, None, f"duplicate key {key!r}, first at line {first.line + 1}", again)
        self.key = key


class SeedLoader(yaml.SafeLoader):
    """A SafeLoader for seed files: no tags, anchors or aliases, bounded nesting, no duplicate keys.

    Aliases are what make a few lines expand to gigabytes ("billion laughs"); tags are what reach
    constructors that fail with arbitrary exceptions (``!!timestamp abc``). Seeds need neither.
    """

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.depth = 0

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]  # untyped in types-PyYAML
        if isinstance(event, AliasEvent) or event.anchor is not None:
            sign = "*" if isinstance(event, AliasEvent) else "&"
            message = f"YAML {sign}{event.anchor}: anchors and aliases are not allowed in seed files; write values out"
            raise ComposerError(None, None, message, event.start_mark)
        if event.tag is not None:
            tag = event.tag.replace("tag:yaml.org,2002:", "!!")
            message = f"YAML tag {tag}: tags are not allowed in seed files; quote the value if it must be text"
            raise ComposerError(None, None, message, event.start_mark)
        if self.depth >= MAX_DEPTH:
            raise ComposerError(None, None, f"nested deeper than {MAX_DEPTH} levels", event.start_mark)
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Hashable, Any]:
        first: dict[object, Mark] = {}
        for key_node, _ in node.value:
            if isinstance(key_node, ScalarNode):
                key = self.construct_object(key_node)
                if key in first:
                    raise _DuplicateKeyError(key, first[key], key_node.start_mark)
                first[key] = key_node.start_mark
        return super().construct_mapping(node, deep)

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except ValueError as exc:  # an impossible date such as 2021-02-30, an integer too long to convert
            raise ConstructorError(None, None, f"cannot read {shorten(node.value)!r}: {exc}", node.start_mark) from None


_KINDS = {
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
}


def _refused(code: str, message: str, file: str, row: int | None = None, field: str | None = None) -> SeedError:
    return SeedError([Problem(code, message, file=file, row=row, field=field)])


def _open_no_wait(path: str, flags: int) -> int:
    # O_NONBLOCK: opening a FIFO returns at once instead of waiting for a writer. O_NOFOLLOW: the
    # path was resolved before, so a symlink here is one swapped in since.
    return os.open(path, flags | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))


def read_seed_file(folder: Path, name: str) -> bytes:
    """The bytes of ``folder/name`` if it is a regular file inside ``folder`` of at most MAX_SEED_BYTES.

    Raise SeedError otherwise: a FIFO would block, a device or a growing file never end, and a
    symlink out of the folder could read anything on the machine.
    """
    shown = f"seeds/{name}"
    root = os.path.realpath(folder)
    real = os.path.realpath(folder / name)
    if not Path(real).is_relative_to(root):
        raise _refused("unsafe-path", f"a symlink to {shorten(real)}, outside the seeds folder", shown)
    try:
        with open(real, "rb", opener=_open_no_wait) as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                kind = _KINDS.get(stat.S_IFMT(info.st_mode), "a special file")
                raise _refused("file-error", f"not a regular file: {kind}", shown)
            # One byte past the bound catches a file that grew since fstat.
            content = handle.read(MAX_SEED_BYTES + 1) if info.st_size <= MAX_SEED_BYTES else b""
    except FileNotFoundError:
        raise _refused("missing-file", "seed file is missing", shown) from None
    except OSError as exc:  # a directory, a symlink loop, no permission
        raise _refused("file-error", f"cannot read the seed file: {exc.strerror}", shown) from None
    size = max(info.st_size, len(content))
    if size > MAX_SEED_BYTES:
        message = f"seed file is {size:,} bytes, more than the limit of {MAX_SEED_BYTES >> 20} MiB"
        raise _refused("file-error", message, shown)
    return content


def _load_yaml(content: bytes, file: str) -> tuple[list[Any], list[int]]:
    """Parse a seed file's list of records, returning them and the line each starts on."""
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = content.count(b"\n", 0, exc.start) + 1
        message = f"not valid UTF-8 at byte {exc.start}: {exc.reason}; save the file as UTF-8"
        raise _refused("encoding-error", message, file, row=line) from None
    try:
        loader = SeedLoader(text)  # checks that every character is printable
        try:
            node = loader.get_single_node()
            if node is None:
                return [], []
            if not isinstance(node, SequenceNode):
                raise ComposerError(None, None, "expected a list of records", node.start_mark)
            items = loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, text, file) from None
    return items, [item.start_mark.line + 1 for item in node.value]


def _yaml_error(exc: yaml.YAMLError, text: str, file: str) -> SeedError:
    """A parser error as a problem at its line, without PyYAML's quote of the file."""
    if isinstance(exc, ReaderError):
        row = text.count("\n", 0, exc.position) + 1
        return _refused("yaml-error", f"character U+{exc.character:04X} is not allowed; remove it", file, row)
    if not isinstance(exc, MarkedYAMLError) or exc.problem_mark is None:
        return _refused("yaml-error", shorten(str(exc).replace("\n", " "), 300), file)
    mark = exc.problem_mark
    message = f"{exc.problem} (column {mark.column + 1})"
    if exc.context and exc.context_mark:
        message = f"{exc.context} from line {exc.context_mark.line + 1}: {message}"
    if "'\\t'" in message:
        message += "; indent with spaces, not tabs"
    field = str(exc.key) if isinstance(exc, _DuplicateKeyError) else None
    return _refused("yaml-error", shorten(message, 300), file, row=mark.line + 1, field=field)


def model_problems(
    exc: ValidationError, file: str, line: int, record: str | None, prefix: str = ""
) -> Iterator[Problem]:
    """Problems for each error pydantic found in one record."""
    for error in exc.errors(include_url=False):
        loc = ".".join(str(part) for part in error["loc"])
        custom = error["type"].endswith("-error")
        code = error["type"] if custom else _PYDANTIC_CODES.get(error["type"], "type-error")
        value = error.get("input")
        shown_value = not custom and error["type"] != "missing" and not isinstance(value, dict)
        yield Problem(
            code=code,
            message=error["msg"] + (f", got {shorten(value)!r}" if shown_value else ""),
            file=file,
            row=line,
            resource=None,
            record=record,
            field=prefix + loc if loc else None,
        )


_PYDANTIC_CODES = {
    "missing": "required-error",
    "extra_forbidden": "unknown-field",
    "enum": "enum-error",
    "string_pattern_mismatch": "pattern-error",
    "string_too_short": "constraint-error",
    "string_too_long": "constraint-error",
    "greater_than_equal": "range-error",
    "finite_number": "range-error",
}


def read_seeds(folder: Path) -> Dataset:
    """Read and validate every seed file in ``folder``; raise SeedError listing all problems."""
    data = Dataset()
    problems: list[Problem] = []
    for table in TABLES:
        if not table.seeded:
            continue
        name = f"{table.name}.yaml"
        shown = f"seeds/{name}"
        try:
            items, lines = _load_yaml(read_seed_file(folder, name), shown)
        except SeedError as exc:
            problems.extend(exc.problems)
            continue
        for item, line in zip(items, lines, strict=True):
            problems.extend(_read_record(data, table, item, shown, line))
    if problems:
        raise SeedError(problems)
    return data


def _read_record(data: Dataset, table: Table, item: Any, file: str, line: int) -> Iterator[Problem]:
    if not isinstance(item, dict):
        yield Problem("type-error", f"expected a mapping of fields, got {shorten(item)}", file=file, row=line)
        return
    item = dict(item)
    cites = item.pop(_CITE_KEY, None)
    values = item.pop(_VALUES_KEY, None) if table.name == "discrepancies" else None
    label = str(item.get("id")) if "id" in item else None
    try:
        record = table.model.model_validate(item)
    except ValidationError as exc:
        yield from model_problems(exc, file, line, label)
        return
    key = record_key(table, record)
    data.tables[table.name].append(record)
    data.origins[(table.name, key)] = (file, line)
    if table.cited:
        yield from _children(
            data, "citations", cites, {"table": table.name, "record_id": key}, _CITE_KEY, file, line, key
        )
    elif cites is not None:
        yield Problem(
            "unknown-field",
            f"{table.name} records carry no citations",
            file=file,
            row=line,
            record=key,
            field=_CITE_KEY,
        )
    if table.name == "discrepancies":
        yield from _children(data, "discrepancy_values", values, {"discrepancy_id": key}, _VALUES_KEY, file, line, key)


def _children(
    data: Dataset,
    child: str,
    items: Any,
    parent: dict[str, str],
    key_name: str,
    file: str,
    line: int,
    record: str,
) -> Iterator[Problem]:
    if not isinstance(items, list) or not items:
        yield Problem(
            "required-error",
            f"give at least one entry under {key_name!r}",
            file=file,
            row=line,
            record=record,
            field=key_name,
        )
        return
    child_table = TABLES_BY_NAME[child]
    for n, entry in enumerate(items):
        if not isinstance(entry, dict):
            yield Problem(
                "type-error",
                f"expected a mapping, got {shorten(entry)}",
                file=file,
                row=line,
                record=record,
                field=f"{key_name}.{n}",
            )
            continue
        fields = {("source_id" if k == "source" else k): v for k, v in entry.items()}
        try:
            row = child_table.model.model_validate({**fields, **parent})
        except ValidationError as exc:
            yield from model_problems(exc, file, line, record, prefix=f"{key_name}.{n}.")
            continue
        data.tables[child].append(row)
        data.origins.setdefault((child, record_key(child_table, row)), (file, line))
