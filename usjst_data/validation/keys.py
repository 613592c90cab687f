"""Keys of the tables of a package: primary, unique and foreign, their definitions and their rows.

Keys are hashed with Arrow: a key repeats an earlier row's when dictionary encoding numbers it no
higher than every key before it, and a foreign key dangles when it is in no row of its target.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ThreadPoolExecutor
from typing import Any

from .descriptor import Resource
from .reading import cpu_count
from .report import Problem, Report, shorten
from .rows import Rows


def as_list(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else [str(v) for v in value] if isinstance(value, list) else []


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _key(table: Rows, fields: list[str]) -> Any:
    """One string per row for a (possibly composite) key, null when any part is missing.

    Each part of a composite key is prefixed with its length in bytes, so that no two keys join to
    the same string: ("a/b", "c") and ("a", "b/c") stay apart whatever the separator.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    parts = [table.columns[f] for f in fields]
    if len(parts) == 1:
        return parts[0]
    sized = [pc.binary_join_element_wise(pc.cast(pc.binary_length(p), pa.string()), p, ":") for p in parts]
    return pc.binary_join_element_wise(*sized, "\x1f", null_handling="emit_null")


def _shown(table: Rows, fields: list[str]) -> Any:
    """A key as a person reads it in a message: its parts joined by "/"."""
    import pyarrow.compute as pc

    parts = [table.columns[f] for f in fields]
    return parts[0] if len(parts) == 1 else pc.binary_join_element_wise(*parts, "/", null_handling="emit_null")


def key_definition_problems(resources: list[Resource]) -> Iterator[Problem]:
    """Keys that name fields or resources that do not exist: they could not be checked, so they are errors."""
    by_name = {r.name: r for r in resources}
    for resource in resources:
        names, schema = resource.field_names, resource.schema
        if names is None or schema is None:
            continue
        where: dict[str, Any] = {"resource": resource.name}
        keys = [("primaryKey", schema["primaryKey"])] if schema.get("primaryKey") is not None else []
        uniques = schema.get("uniqueKeys")
        if uniques is not None:
            keys += [("uniqueKeys", u) for u in uniques] if isinstance(uniques, list) else [("uniqueKeys", uniques)]
        for label, key in keys:
            if not as_list(key):
                yield Problem("schema-error", f"{label} must name fields, got {shorten(key)}", **where)
            for unknown in [f for f in as_list(key) if f not in names]:
                yield Problem("schema-error", f"{label} names {shorten(unknown)!r}, not a field", **where)
        foreign = schema.get("foreignKeys")
        if foreign is not None and not isinstance(foreign, list):
            yield Problem("schema-error", f"foreignKeys must be an array, got {shorten(foreign)}", **where)
            continue
        for fk in foreign or []:
            yield from _foreign_key_problems(fk, resource, by_name, names)


def _foreign_key_problems(
    fk: Any, resource: Resource, by_name: dict[str, Resource], names: list[str]
) -> Iterator[Problem]:
    where: dict[str, Any] = {"resource": resource.name}
    reference = fk.get("reference") if isinstance(fk, dict) else None
    if not isinstance(reference, dict):
        yield Problem("schema-error", f"a foreign key needs fields and a reference, got {shorten(fk)}", **where)
        return
    fields, ref_fields = as_list(fk.get("fields")), as_list(reference.get("fields"))
    label = ",".join(fields)
    if not fields or not ref_fields or len(fields) != len(ref_fields):
        message = f"a foreign key needs as many fields as its reference names, got {shorten(fk)}"
        yield Problem("schema-error", message, field=label or None, **where)
        return
    for unknown in [f for f in fields if f not in names]:
        yield Problem("schema-error", f"foreign key field {shorten(unknown)!r} is not a field", field=label, **where)
    target_name = reference.get("resource") or resource.name
    target = by_name.get(str(target_name))
    if target is None:
        message = f"foreign key refers to resource {shorten(target_name)!r}, which does not exist"
        yield Problem("schema-error", message, field=label, **where)
        return
    known = target.field_names
    for unknown in [f for f in ref_fields if known is not None and f not in known]:
        message = f"foreign key refers to {shorten(unknown)!r}, not a field of {shorten(target.name)!r}"
        yield Problem("schema-error", message, field=label, **where)


def key_columns(resources: list[Resource]) -> dict[str, set[str]]:
    """Per resource, the columns the key checks read: primary, unique and foreign keys, both ends."""
    needed: dict[str, set[str]] = {}
    for resource in resources:
        schema = resource.schema
        if schema is None:
            continue
        columns = needed.setdefault(resource.name, set())
        columns.update(as_list(schema.get("primaryKey")))
        for unique in _list(schema.get("uniqueKeys")):
            columns.update(as_list(unique))
        for spec in schema["fields"]:
            if (
                isinstance(spec, dict)
                and isinstance(spec.get("constraints"), dict)
                and spec["constraints"].get("unique")
            ):
                columns.add(str(spec.get("name")))
        for fk in _list(schema.get("foreignKeys")):
            if isinstance(fk, dict) and isinstance(fk.get("reference"), dict):
                columns.update(as_list(fk.get("fields")))
                target = fk["reference"].get("resource") or resource.name
                needed.setdefault(str(target), set()).update(as_list(fk["reference"].get("fields")))
    return needed


def _duplicates(table: Rows, fields: list[str], code: str, report: Report, pool: Executor) -> None:
    """Rows whose key repeats an earlier row's, each with the row it repeats.

    Equal keys share their last byte, so the keys are split on it into parts, hashed in parallel:
    one per core, or more and smaller ones for very many keys, which keeps each hash table small.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if not fields or any(f not in table.columns for f in fields) or table.num_rows < 2:
        return  # an empty or unknown key: key_definition_problems reported it
    key = _key(table, fields)
    count = _part_count(len(key))
    last = pc.binary_slice(key.cast(pa.binary()), -1) if count > 1 else None
    found = [r for r in pool.map(lambda part: _repeats(*_part(key, last, part, count)), range(count)) if r]
    if not found:
        return
    repeats = pa.concat_arrays([r for r, _ in found])
    firsts = pa.concat_arrays([f for _, f in found])
    total = len(repeats)
    label = ",".join(fields)
    kind = (table.name, code, label)
    order = pc.sort_indices(repeats).slice(0, min(total, report.room(kind)))
    positions = repeats.take(order).to_pylist()
    first_places = table.places(firsts.take(order).to_pylist())
    problems = []
    for shown, (file, row), first in zip(
        _shown(table, fields).take(positions).to_pylist(), table.places(positions), first_places, strict=True
    ):
        earlier = f"row {first[1]}" if first[0] == file else f"{first[0]} row {first[1]}"
        problems.append(
            Problem(
                code,
                f"{shown!r} repeats {earlier}",
                file=file,
                row=row,
                resource=table.name,
                field=label,
                value=shorten(shown),
            )
        )
    report.add_many(kind, problems, total)


_PART_KEYS = 1 << 18  # keys in a part, about, when there are many: its hash table stays small


def _part_count(keys: int) -> int:
    """Parts to hash ``keys`` keys in: one for few, else one per core, and more for very many."""
    if keys < 1 << 16:
        return 1  # splitting would cost more than it saves
    return min(256, max(cpu_count(), -(-keys // _PART_KEYS)))  # a part per last byte, at most


def _part(key: Any, last: Any, part: int, count: int) -> tuple[Any, Any]:
    """The table positions and the values of the keys in part ``part`` of ``count``.

    Keys are split on their last byte (``last``), so equal keys share a part; missing keys are in
    none, as they repeat nothing. With a single part, positions are None: every key, in order.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if last is None:
        return None, key
    ends = [bytes([b]) for b in range(part, 256, count)] + ([b""] if part == 0 else [])
    mask = pc.is_in(last, value_set=pa.array(ends, pa.binary()))
    return pc.indices_nonzero(mask), key.filter(mask)


def _repeats(positions: Any, keys: Any) -> tuple[Any, Any] | None:
    """Positions of the keys that repeat an earlier one, and of the first occurrence of each; None when all differ.

    Dictionary encoding numbers the distinct keys in order of first appearance, so a key repeats an
    earlier one exactly when its number is not above every number before it.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if len(pc.unique(keys)) - (1 if keys.null_count else 0) == len(keys) - keys.null_count:
        return None  # the common case, settled by the cheapest hash pass: every key is distinct
    encoded = pc.dictionary_encode(keys).chunks
    indices = pa.concat_arrays([chunk.indices for chunk in encoded])
    numbers = pc.fill_null(indices.cast(pa.int64()), -1)  # a missing key repeats nothing
    highest = pc.cumulative_max(numbers)
    before = pa.concat_arrays([pa.array([-1], pa.int64()), highest.slice(0, len(highest) - 1)])
    repeats = pc.indices_nonzero(pc.and_(pc.greater_equal(numbers, 0), pc.less_equal(numbers, before)))
    firsts = pc.indices_nonzero(pc.greater(numbers, before)).take(numbers.take(repeats))
    if positions is None:
        return repeats, firsts
    return positions.take(repeats), positions.take(firsts)


def key_problems(resources: list[Resource], tables: dict[str, Rows], report: Report) -> None:
    with ThreadPoolExecutor(max_workers=cpu_count()) as pool:
        for resource in resources:
            if resource.schema is not None and resource.name in tables:
                _resource_keys(resource.schema, tables[resource.name], tables, report, pool)


def _resource_keys(
    schema: dict[str, Any], table: Rows, tables: dict[str, Rows], report: Report, pool: Executor
) -> None:
    """Primary, unique and foreign keys of one resource."""
    import pyarrow.compute as pc

    primary = as_list(schema.get("primaryKey"))
    if primary:
        _duplicates(table, primary, "primary-key-error", report, pool)
    for spec in schema["fields"]:
        constraints = spec.get("constraints") if isinstance(spec, dict) else None
        if isinstance(constraints, dict) and constraints.get("unique") and primary != [spec.get("name")]:
            _duplicates(table, [str(spec.get("name"))], "unique-error", report, pool)
    for unique in _list(schema.get("uniqueKeys")):
        _duplicates(table, as_list(unique), "unique-error", report, pool)
    for fk in _list(schema.get("foreignKeys")):
        if not isinstance(fk, dict) or not isinstance(fk.get("reference"), dict):
            continue
        fields = as_list(fk.get("fields"))
        reference = fk["reference"]
        target = tables.get(reference.get("resource") or table.name)
        ref_fields = as_list(reference.get("fields"))
        if (
            not fields
            or len(fields) != len(ref_fields)  # key_definition_problems reported it
            or target is None
            or any(f not in table.columns for f in fields)
            or any(f not in target.columns for f in ref_fields)
        ):
            continue
        child = _key(table, fields)
        known = _key(target, ref_fields).combine_chunks()
        dangling = pc.fill_null(pc.and_(pc.invert(pc.is_in(child, value_set=known)), pc.is_valid(child)), False)
        _emit_rows(
            table,
            dangling,
            _shown(table, fields),
            "foreign-key-error",
            ",".join(fields),
            report,
            _not_in(target.name, "/".join(ref_fields)),
        )


def _not_in(table: str, fields: str) -> Callable[[str], str]:
    return lambda value: f"{value!r} matches no {fields} in {table}"


def _emit_rows(
    table: Rows, mask: Any, values: Any, code: str, label: str, report: Report, message: Callable[[str], str]
) -> None:
    import pyarrow.compute as pc

    total = pc.sum(mask).as_py() or 0
    if not total:
        return
    kind = (table.name, code, label)
    positions = pc.indices_nonzero(mask).slice(0, min(total, report.room(kind))).to_pylist()
    cells = [str(values[p].as_py()) for p in positions]
    problems = [
        Problem(code, message(cell), file=file, row=row, resource=table.name, field=label, value=shorten(cell))
        for cell, (file, row) in zip(cells, table.places(positions), strict=True)
    ]
    report.add_many(kind, problems, total)
