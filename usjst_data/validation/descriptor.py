"""Reading a descriptor (JSON or YAML, strictly and within bounds) and checking it against the profile.

The profile is the Data Package v2 one, which also accepts v1 descriptors, mended where it
contradicts the spec's text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import meta
from ..errors import PackageError
from .report import Problem, printable, shorten

FIELDS_MATCH = ("exact", "equal", "subset", "superset", "partial")


@dataclass
class Resource:
    """A resource of the descriptor, with its schema read (from its file when given by path)."""

    name: str
    spec: dict[str, Any]
    schema: dict[str, Any] | None
    pointer: str  # where the descriptor defines it: /resources/<index>

    @property
    def schema_broken(self) -> bool:
        """A schema is given but cannot be used (a problem says why): the rows cannot be checked."""
        return self.schema is None and self.spec.get("schema") is not None

    @property
    def field_names(self) -> list[str] | None:
        if self.schema is None:
            return None
        return [str(f.get("name")) for f in self.schema["fields"] if isinstance(f, dict)]


class JsonError(ValueError):
    """A descriptor or schema that is not strict JSON (or YAML): the problem's code and file come with it."""

    def __init__(self, message: str, code: str = "json-error", file: str | None = None) -> None:
        super().__init__(message)
        self.code, self.file = code, file


_JSON_LIMIT = 64 << 20  # bytes: descriptors and schemas are small; a larger one is not read whole


def read_json(path: Path) -> Any:
    """The JSON in ``path``, strictly: UTF-8, no NaN or Infinity, no repeated key, bounded size and depth.

    PackageError when the file cannot be read at all (the caller cannot validate); JsonError when
    it is not JSON as the spec means it.
    """
    content = _read_bounded(path)
    try:
        return json.loads(content.decode("utf-8"), parse_constant=_no_constant, object_pairs_hook=_unique_keys)
    except UnicodeDecodeError as exc:
        raise JsonError(f"not UTF-8 at byte {exc.start}") from None
    except json.JSONDecodeError as exc:
        raise JsonError(shorten(str(exc), 200)) from None
    except RecursionError:
        raise JsonError("nested too deeply") from None


def _read_bounded(path: Path) -> bytes:
    """The bytes of a descriptor or schema; PackageError when unreadable, JsonError when too large."""
    try:
        with path.open("rb") as handle:
            content = handle.read(_JSON_LIMIT + 1)
    except OSError as exc:
        raise PackageError(f"{printable(str(path))}: cannot read: {exc.strerror}") from None
    if len(content) > _JSON_LIMIT:
        raise JsonError(f"larger than {_JSON_LIMIT >> 20} MB")
    return content


def read_yaml(path: Path) -> Any:
    """The YAML descriptor in ``path`` as JSON data: no aliases (a "billion laughs" file), no repeated key.

    Timestamps stay text, as in JSON. JsonError when it is not such YAML.
    """
    import yaml

    class Loader(yaml.SafeLoader):
        def compose_node(self, parent: Any, index: Any) -> Any:
            if self.check_event(yaml.AliasEvent):
                raise JsonError("aliases (&anchor and *alias) are not allowed in a descriptor")
            return super().compose_node(parent, index)

        def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
            seen: set[Any] = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=True)
                if not isinstance(key, str | int | float | bool) or key is None:
                    raise JsonError(f"mapping keys must be text, got {shorten(key)}")
                if key in seen:
                    raise JsonError(f"key {shorten(key)!r} appears twice in one mapping")
                seen.add(key)
            return super().construct_mapping(node, deep=deep)

    # Timestamps stay text, as in JSON.
    Loader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    content = _read_bounded(path)
    try:
        return yaml.load(content.decode("utf-8"), Loader=Loader)  # a SafeLoader: builds plain data only
    except UnicodeDecodeError as exc:
        raise JsonError(f"not UTF-8 at byte {exc.start}") from None
    except (yaml.YAMLError, RecursionError) as exc:
        raise JsonError(shorten(str(exc).replace("\n", " "), 200)) from None


def _no_constant(name: str) -> Any:
    raise JsonError(f"{name} is not a JSON value")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        repeated = next(k for k, _ in pairs if k in seen or seen.add(k))  # type: ignore[func-returns-value]
        raise JsonError(f"key {shorten(repeated)!r} appears twice in one object")
    return result


def profile_problems(descriptor: Any, shown: str) -> Iterator[Problem]:
    """Conformance to the Data Package v2 profile, which also accepts v1 descriptors."""
    import jsonschema

    profile = _profile()
    formats = jsonschema.FormatChecker(formats=())
    formats.checks("date-time", raises=ValueError)(_is_date_time)
    formats.checks("email")(lambda value: not isinstance(value, str) or _EMAIL.fullmatch(value) is not None)
    resources = profile["properties"]["resources"]
    resource_profile = resources["items"]
    fields = resource_profile["properties"]["schema"]["properties"]["fields"]
    field_profile = fields["items"]
    resources["items"] = fields["items"] = {}  # resources and fields are checked one shape at a time, below
    reported: set[str] = set()
    try:
        package = jsonschema.Draft7Validator(profile, format_checker=formats)
        found = [(list(error.absolute_path), error) for error in package.iter_errors(descriptor)]
        if isinstance(descriptor, dict) and isinstance(descriptor.get("resources"), list):
            paths = jsonschema.Draft7Validator(resource_profile["properties"]["path"])
            resource = jsonschema.Draft7Validator(resource_profile, format_checker=formats)
            field = jsonschema.Draft7Validator(field_profile, format_checker=formats)
            found += _resource_errors(descriptor["resources"], resource, paths, field)
    except RecursionError:
        yield Problem("descriptor-error", "descriptor is nested too deeply to check", file=shown)
        return
    for path, error in sorted(found, key=lambda item: [str(p) for p in item[0]]):
        pointer = "/" + "/".join(str(p) for p in path)
        if pointer not in reported:  # one problem per place: the first error says what is wrong there
            reported.add(pointer)
            yield Problem("descriptor-error", _schema_message(error), file=shown, field=pointer)


# Properties that only take effect in one place, found in another: the spec allows extra
# properties, so the descriptor is valid, but what the author meant is not applied.
_TABLE_SCHEMA_ONLY = ("fields", "missingValues", "primaryKey", "foreignKeys", "uniqueKeys")
_CONSTRAINTS = (
    "required", "unique", "minLength", "maxLength", "minimum", "maximum", "exclusiveMinimum",
    "exclusiveMaximum", "pattern", "enum", "jsonSchema",
)  # fmt: skip


def misplaced_properties(descriptor: Any, shown: str) -> Iterator[Problem]:
    """Warnings for properties written where they have no effect: a table schema's on the package or a
    resource, a constraint on the field itself. frictionless-py rejects such descriptors as invalid."""
    if not isinstance(descriptor, dict):
        return
    places: list[tuple[str, Any, tuple[str, ...], str]] = [("", descriptor, _TABLE_SCHEMA_ONLY, "a resource's schema")]
    for i, resource in enumerate(descriptor.get("resources") or []):
        if not isinstance(resource, dict):
            continue
        places.append((f"/resources/{i}", resource, _TABLE_SCHEMA_ONLY, "the resource's schema"))
        schema = resource.get("schema")
        fields = schema.get("fields") if isinstance(schema, dict) else None
        for j, field in enumerate(fields if isinstance(fields, list) else []):
            if isinstance(field, dict):
                places.append((f"/resources/{i}/schema/fields/{j}", field, _CONSTRAINTS, "the field's constraints"))
        if isinstance(resource.get("dialect"), dict):
            yield from nested_dialect(resource["dialect"], shown, f"/resources/{i}/dialect")
    for pointer, node, names, home in places:
        for name in (n for n in names if n in node):
            message = f"{name!r} has no effect here; it belongs in {home}, where it would be checked"
            yield Problem("misplaced-property", message, file=shown, field=f"{pointer}/{name}", severity="warning")


_FORMAT_CONTROLS = ("csv", "excel", "json", "ods", "html", "sql", "inline")


def nested_dialect(dialect: dict[str, Any], shown: str, pointer: str) -> Iterator[Problem]:
    """Warnings for dialect options nested under a format (frictionless-py's ``{"csv": {...}}`` form):
    the Table Dialect spec has them at its top level, so nested they are not applied."""
    for name in (n for n in _FORMAT_CONTROLS if isinstance(dialect.get(n), dict)):
        message = f"{name!r} has no effect here: Table Dialect options such as delimiter are not nested by format"
        yield Problem("misplaced-property", message, file=shown, field=f"{pointer}/{name}", severity="warning")


Found = list[tuple[list[Any], Any]]  # (where in the descriptor, error)


def _resource_errors(resources: list[Any], validator: Any, paths: Any, fields: Any) -> Found:
    """The profile's errors in every resource, each distinct resource shape checked once, and its fields.

    A package of many tables repeats a few resource shapes (a resource but its name and a valid path):
    the profile asks a name to be a string and checks a path on its own, so resources of one shape
    pass or fail together. A shape that fails is checked again as written, for the messages to
    quote the resource.
    """
    verdicts: dict[str, bool] = {}
    found: Found = []
    field_errors: dict[str, list[Any]] = {}
    for i, resource in enumerate(resources):
        shape = resource
        if isinstance(resource, dict):
            shape = {**resource}
            if isinstance(resource.get("name"), str):
                shape["name"] = "resource"
            if isinstance(resource.get("path"), str) and paths.is_valid(resource["path"]):
                shape["path"] = "file.csv"
            schema = resource.get("schema")
            if isinstance(schema, dict) and isinstance(schema.get("fields"), list):
                shape["schema"] = {**schema, "fields": [0] * len(schema["fields"])}  # checked on their own, below
                found += _field_errors(schema["fields"], fields, ["resources", i, "schema", "fields"], field_errors)
        key = json.dumps(shape, sort_keys=True, default=str)
        if key not in verdicts:
            verdicts[key] = validator.is_valid(shape)
        if not verdicts[key]:
            found += [(["resources", i, *error.absolute_path], error) for error in validator.iter_errors(resource)]
    return found


def _field_errors(fields: list[Any], validator: Any, where: list[Any], errors: dict[str, list[Any]]) -> Found:
    """The profile's errors in a schema's fields, each distinct field shape checked once (``errors``).

    A table of many columns, or many tables, repeat a handful of field shapes (a field but its name),
    and the field profile is the slow part of the check. The profile only asks a name to be a
    string, and no error of a field quotes the whole field, so fields that differ in name alone
    get the same errors.
    """
    found: Found = []
    for j, field in enumerate(fields):
        key = field_shape(field)
        if key not in errors:
            named = isinstance(field, dict) and isinstance(field.get("name"), str)
            errors[key] = list(validator.iter_errors({**field, "name": "field"} if named else field))
        found += [([*where, j, *error.absolute_path], error) for error in errors[key]]
    return found


def field_shape(field: Any) -> str:
    """A schema field as JSON text with its name left out: fields of one shape differ in name alone."""
    named = isinstance(field, dict) and isinstance(field.get("name"), str)
    return json.dumps({**field, "name": None} if named else field, sort_keys=True, default=str)


_ITEM_TYPES = ["string", "integer", "boolean", "number", "datetime", "date", "time"]


def _profile() -> dict[str, Any]:
    """The Data Package v2 profile, where it contradicts the spec's text mended to follow the text.

    - ``fieldsMatch`` is a string, not an array (frictionlessdata/datapackage#965, fixed in 2.1).
    - The ``list`` field type is missing from the fields (frictionlessdata/datapackage#1089, fixed in 2.1).
    - A resource's ``dialect`` may be a path, as its ``schema`` may, in the Data Resource text; the
      profile types it as an object only.
    """
    profile: dict[str, Any] = json.loads((meta.PACKAGE_ROOT / "profiles" / "datapackage-2.0.json").read_text("utf-8"))

    def mend(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("properties"), dict) and "fieldsMatch" in node["properties"]:
                node["properties"]["fieldsMatch"] = {"type": "string", "enum": list(FIELDS_MATCH)}
            for value in node.values():
                mend(value)
        elif isinstance(node, list):
            for value in node:
                mend(value)

    mend(profile)
    profile["properties"]["resources"]["items"]["properties"]["dialect"]["type"] = ["string", "object"]
    fields = profile["properties"]["resources"]["items"]["properties"]["schema"]["properties"]["fields"]["items"]
    fields["oneOf"].append(
        {
            "type": "object",
            "required": ["name", "type"],
            "properties": {
                "name": {"type": "string"},
                "type": {"enum": ["list"]},
                "delimiter": {"type": "string"},
                "itemType": {"enum": _ITEM_TYPES},
                "constraints": {"type": "object"},
            },
        }
    )
    fields["allOf"] = _dispatch_on_type(fields.pop("oneOf"))
    return profile


def _dispatch_on_type(branches: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The field ``oneOf`` rewritten to check a field against the one branch its ``type`` names.

    Each branch admits one ``type`` value (``string`` also admits none), so a field can only match the
    branch of its type: checking that branch alone gives the same verdict, its specific errors instead
    of "not valid under any of the given schemas", and the profile check in a fraction of the time.
    """
    types = [branch["properties"]["type"]["enum"][0] for branch in branches]
    rules: list[dict[str, Any]] = [{"properties": {"type": {"enum": types}}}]
    for name, branch in zip(types, branches, strict=True):
        rules.append({"if": {"required": ["type"], "properties": {"type": {"const": name}}}, "then": branch})
    untyped = branches[types.index("string")]
    rules.append({"if": {"not": {"required": ["type"]}}, "then": untyped})
    return rules


_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")


def _is_date_time(value: Any) -> bool:
    """RFC 3339 date-time, as JSON Schema's ``date-time`` format means it."""
    import datetime

    if not isinstance(value, str):
        return True
    if not _DATE_TIME.fullmatch(value):
        return False
    datetime.datetime.fromisoformat(value.upper().replace("Z", "+00:00"))  # ValueError: no such day or time
    return True


def _schema_message(error: Any) -> str:
    """The error's message, with the value it quotes shortened so that the reason stays visible."""

    def message(e: Any) -> str:
        quoted = repr(e.instance)
        text = str(e.message)
        return text.replace(quoted, shorten(quoted, 60), 1) if len(quoted) > 60 else text

    if error.validator == "oneOf" and error.context:
        best = min(error.context, key=lambda e: len(list(e.absolute_path)))
        return shorten(f"{message(error)}: {message(best)}", 300)
    return shorten(message(error), 300)
