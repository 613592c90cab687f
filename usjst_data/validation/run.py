"""Validation of a data package: descriptor, files, tables, keys, and for ours the domain rules.

Steps 1–3 work for any Data Package (v2, and v1 descriptors); a package named ``usjst-data``
also gets the domain rules of the models (step 4). Bad input never raises: it becomes problems.
This module reads the descriptor and its resources' schemas and drives the checks (the package's
docstring maps the others).
"""

from __future__ import annotations

import contextlib
import re
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import meta
from ..errors import PackageError, SeedError
from .batches import Progress
from .descriptor import (
    JsonError,
    Resource,
    misplaced_properties,
    nested_dialect,
    profile_problems,
    read_json,
    read_yaml,
)
from .integrity import URL, regular_file, safe_path
from .keys import key_definition_problems, key_problems
from .report import DEFAULT_PER_KIND, Problem, Report, shorten
from .resources import validate_resources


def default_package() -> Path:
    """The descriptor shipped inside the installed package."""
    return meta.data_root() / "datapackage.json"


def locate(path: Path | str | None) -> Path:
    """What ``path`` names to validate: a descriptor (package or resource, JSON or YAML), a folder
    holding a datapackage.json or .yaml, a seeds folder, or a table file on its own."""
    if path is None:
        shipped = default_package()
        if not shipped.is_file():
            raise PackageError(f"the installed package has no data at {shipped}; run `usjst build` in a checkout")
        return shipped
    target = Path(path)
    if URL.match(str(path)) and not target.exists():
        raise PackageError(f"{path}: remote packages are not read, by design; download it and give its local path")
    if target.is_dir():
        for name in ("datapackage.json", "datapackage.yaml", "datapackage.yml"):
            if (target / name).is_file():
                return target / name
        if any(target.glob("*.yaml")):
            return target
        raise PackageError(f"{path}: no datapackage.json found (give a descriptor or a folder holding one)")
    if not target.is_file():
        raise PackageError(f"{path}: no such file; give a datapackage.json, a folder holding one, or a table file")
    return target


@dataclass
class Options:
    """How much to report and what to show while validating."""

    max_per_kind: int | None = DEFAULT_PER_KIND
    limit_errors: int | None = None
    pick: frozenset[str] = frozenset()
    skip: frozenset[str] = frozenset()
    progress: Progress | None = None
    schema: Path | str | None = None  # a Table Schema for a table file given on its own


_PR_SET_THP_DISABLE = 41  # from <linux/prctl.h>


class _Refuse:
    """A meta-path finder that makes importing the modules it names fail."""

    def __init__(self, names: tuple[str, ...]) -> None:
        self.names = names

    def find_spec(self, name: str, path: object = None, target: object = None) -> None:
        if name.partition(".")[0] in self.names:
            raise ModuleNotFoundError(f"{name} is not needed to validate", name=name)


def lean_process() -> None:
    """Tune the ``usjst validate`` process, which only validates and then exits; never a library call.

    - numpy and pandas are kept out: pyarrow imports numpy when it is installed, and pandas on its
      first conversion of a Python value; validation uses neither, while their imports would be a
      large share of a short run. Nothing changes when either is already imported.
    - The cyclic garbage collector is off: the domain rules build many records that hold no cycles,
      and collecting while they are built scans them again and again (a third of the time).
    - On Linux, transparent huge pages are given up (children inherit this).
    """
    import gc

    gc.disable()
    refused = ("numpy", "pandas")
    if not any(name in sys.modules for name in refused):
        sys.meta_path.insert(0, _Refuse(refused))
    if sys.platform == "linux":
        # Transparent huge pages make each fresh allocation zero 2 MB; validation frees and asks
        # again for a piece's memory at a time, so plain pages cost the kernel far less.
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None).prctl(_PR_SET_THP_DISABLE, 1, 0, 0, 0)


def validate(path: Path | str | None = None, options: Options | None = None) -> Report:
    """Validate a data package (or a seeds folder) and return a report of every problem found."""
    options = options or Options()
    target = locate(path)
    report = Report(
        target=str(target),
        max_per_kind=options.max_per_kind,
        limit_errors=options.limit_errors,
        pick=options.pick,
        skip=options.skip,
    )
    if target.is_dir():
        _validate_seeds(target, report)
        return report
    if target.suffix.lower() == ".zip":
        zipped = _validate_zipped(target, options, report)
        if zipped is not None:
            return zipped
    try:
        if target.suffix.lower() in DESCRIPTOR_SUFFIXES:
            descriptor = _read_descriptor(target)
        else:  # a table file on its own, with the schema given beside it, if any
            schema = _read_descriptor(Path(options.schema)) if options.schema is not None else None
            descriptor = {"resources": [_table_resource(target, schema)]}
    except JsonError as exc:
        report.add(Problem(exc.code, str(exc), file=exc.file))
        return report
    if (
        isinstance(descriptor, dict)
        and "resources" not in descriptor
        and ("path" in descriptor or "data" in descriptor)
    ):
        descriptor = {"resources": [descriptor]}  # a single resource descriptor
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        report.extend(profile_problems(descriptor, target.name))
        if not report.problems:  # the profile accepts a package without resources only in v1 terms
            report.add(Problem("descriptor-error", "a data package needs a resources array", file=target.name))
        return report
    ours = descriptor.get("name") == meta.NAME
    shown = target.name

    def check_profile() -> list[Problem]:
        return [*profile_problems(descriptor, shown), *misplaced_properties(descriptor, shown)]

    # The profile check is Python work: it runs while a few tables are parsed, which frees the GIL.
    # Not beside many small tables: each short parse would then wait for the GIL to come back.
    with ThreadPoolExecutor(max_workers=1) as pool:
        profile = pool.submit(check_profile) if len(descriptor["resources"]) <= OVERLAPPED_RESOURCES else None
        if profile is None:
            report.extend(check_profile())
        resources = _resources(descriptor["resources"], target.parent, report)
        report.extend(key_definition_problems(resources))
        tables = validate_resources(resources, target.parent, report, options.progress, ours)
        if profile is not None:
            report.extend(profile.result())
    if not report.full:
        key_problems(resources, tables, report)
    if ours and not report.full:
        from ..domain import domain_problems

        report.extend(domain_problems(tables, {r.name for r in resources}))
    return report


OVERLAPPED_RESOURCES = 64  # up to this many resources, the profile is checked while tables are read


def _resources(specs: list[Any], base: Path, report: Report) -> list[Resource]:
    """The descriptor's resources with their schemas; a repeated name is a problem (keys need one table per name)."""
    resources: list[Resource] = []
    seen: set[str] = set()
    for index, spec in enumerate(specs):
        if not isinstance(spec, dict):
            continue  # the profile check reports it
        name = str(spec.get("name", f"resource-{index}"))
        pointer = f"/resources/{index}"
        if name in seen:
            message = f"another resource is already named {shorten(name)!r}; names must be unique"
            report.add(Problem("descriptor-error", message, resource=name, field=pointer + "/name"))
            continue
        seen.add(name)
        read = dict(spec)
        if isinstance(spec.get("dialect"), str):  # a dialect given by path: read it once, here
            dialect = _referenced(spec["dialect"], "dialect", base, name, report)
            read["dialect"] = spec["dialect"] if dialect is None else dialect
            if isinstance(dialect, dict):
                report.extend(nested_dialect(dialect, Path(spec["dialect"]).name, ""))
        resources.append(Resource(name, read, _schema(spec.get("schema"), base, name, report), pointer))
    return resources


DESCRIPTOR_SUFFIXES = (".json", ".yaml", ".yml")


def _read_descriptor(path: Path) -> Any:
    """A descriptor or schema in JSON or YAML; JsonError (with its code and file) when it is neither."""
    yaml = path.suffix.lower() in (".yaml", ".yml")
    try:
        return read_yaml(path) if yaml else read_json(path)
    except JsonError as exc:
        language = "YAML" if yaml else "JSON"
        raise JsonError(f"not valid {language}: {exc}", code=f"{language.lower()}-error", file=path.name) from None


def _validate_zipped(target: Path, options: Options, report: Report) -> Report | None:
    """A zipped package, extracted (safely, with bounded sizes) to a scratch folder and validated there;
    None when the zip holds no descriptor, as then it is a zipped table."""
    import tempfile

    from .sources import SourceError, extract_package

    with tempfile.TemporaryDirectory(prefix="usjst-package-") as folder:
        try:
            descriptor = extract_package(target, Path(folder))
        except SourceError as exc:
            report.add(Problem("source-error", str(exc), file=target.name))
            return report
        if descriptor is None:
            return None
        inner = validate(descriptor, options)
    inner.target = str(target)
    return inner


def _table_resource(path: Path, schema: Any) -> dict[str, Any]:
    """The resource of a table file given on its own: named after the file, with the schema if any."""
    name = re.sub(r"[^a-z0-9._-]+", "-", path.name.partition(".")[0].lower()).strip("-") or "table"
    return {"name": name, "path": path.name, **({"schema": schema} if schema is not None else {})}


def _validate_seeds(folder: Path, report: Report) -> None:
    from ..rules import check
    from ..seeds import read_seeds

    try:
        data = read_seeds(folder)
    except SeedError as exc:
        report.extend(exc.problems)
        return
    report.tables.update({name: len(rows) for name, rows in data.tables.items()})
    report.extend(check(data))


def _schema(schema: Any, base: Path, name: str, report: Report) -> dict[str, Any] | None:
    """A resource's schema, read from its file when given by path; None (a problem says why) when unusable."""
    schema = _referenced(schema, "schema", base, name, report)
    if not isinstance(schema, dict) or not isinstance(schema.get("fields"), list):
        return None
    return schema


def _referenced(value: Any, what: str, base: Path, name: str, report: Report) -> Any:
    """``value``, or the JSON or YAML it names when it is a path (a schema or dialect); None when unread."""
    if not isinstance(value, str):
        return value
    try:
        path = safe_path(value, base)
    except (OSError, ValueError, RuntimeError):  # a NUL, a name too long, a symlink loop
        path = None
    if path is None or regular_file(path) is not None:
        message = f"{what} path {shorten(value)!r} is missing, not a file, a URL or outside the package"
        report.add(Problem("unsafe-path", message, resource=name))
        return None
    try:
        return _read_descriptor(path)
    except (JsonError, PackageError) as exc:
        report.add(Problem(getattr(exc, "code", "json-error"), f"{what}: {exc}", resource=name, file=path.name))
        return None
