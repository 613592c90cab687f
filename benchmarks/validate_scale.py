"""Benchmark `usjst validate` against `frictionless validate` on generated packages.

Generates a Data Package shaped like `funding_commitments` (plus an `institutions` table that it
references by foreign key), clean and dirty (1% of rows broken in nine ways), at 100k and 1M rows,
then runs both validators as whole processes, several times each, and prints wall time, rows/s,
peak memory, the ratios, and the difference between the violations each one finds on dirty data.

    python benchmarks/validate_scale.py [--rows 100000 1000000] [--runs 3] [--out DIR]

Needs the `frictionless` command (a dependency of usjst-data) on PATH.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

INSTITUTIONS = 1000
BREAKS = ("type", "enum", "pattern", "required", "unique", "foreign-key", "range", "date", "ragged")
CURRENCIES = ["USD", "JPY", "EUR"]
QUALIFIERS = ["exact", "approximately", "at_least", "more_than", "up_to"]
KINDS = ["grant", "investment", "fund", "budget", "pledge"]
STATUSES = ["announced", "committed", "disbursed"]
PARTIAL_DATE = r"^[0-9]{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12][0-9]|3[01]))?)?$"


def _field(name: str, kind: str, **constraints: object) -> dict[str, object]:
    field: dict[str, object] = {"name": name, "type": kind}
    if "categories" in constraints:
        field["categories"] = constraints["categories"]
        constraints["enum"] = constraints.pop("categories")
    if constraints:
        field["constraints"] = constraints
    return field


SCHEMAS = {
    "institutions": {
        "fields": [
            _field("id", "string", required=True, unique=True, pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$"),
            _field("name", "string", required=True),
            _field("country", "string", categories=["US", "JP", "INT"]),
        ],
        "primaryKey": ["id"],
    },
    "commitments": {
        "fields": [
            _field("id", "string", required=True, unique=True, pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$"),
            _field("title", "string", required=True),
            _field("amount", "number", required=True, minimum=0),
            _field("currency", "string", required=True, categories=CURRENCIES),
            _field("amount_qualifier", "string", required=True, categories=QUALIFIERS),
            _field("duration_years", "integer", minimum=0, maximum=100),
            _field("announced", "string", pattern=PARTIAL_DATE),
            _field("decided_on", "date"),
            _field("kind", "string", required=True, categories=KINDS),
            _field("institution_id", "string"),
            _field("status", "string", required=True, categories=STATUSES),
            _field("summary", "string"),
        ],
        "primaryKey": ["id"],
        "foreignKeys": [{"fields": ["institution_id"], "reference": {"resource": "institutions", "fields": ["id"]}}],
    },
}


def _row(i: int, rng: random.Random) -> list[str]:
    return [
        f"commitment-{i}",
        f"Joint research commitment number {i}",
        str(rng.randint(1, 10**10)) + ("" if i % 3 else f".{rng.randint(0, 99):02d}"),
        rng.choice(CURRENCIES),
        rng.choice(QUALIFIERS),
        "" if i % 4 == 0 else str(rng.randint(1, 20)),
        f"20{rng.randint(10, 25)}" + ("" if i % 2 else f"-{rng.randint(1, 12):02d}"),
        f"20{rng.randint(10, 25)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        rng.choice(KINDS),
        f"inst-{rng.randrange(INSTITUTIONS)}",
        rng.choice(STATUSES),
        "Money for joint work, described in our own words.",
    ]


# How each kind of break changes a row: the column it overwrites and the value it writes.
BROKEN_CELLS = {
    "type": (2, "ten million"),
    "enum": (3, "XYZ"),
    "pattern": (6, "2019-13"),
    "required": (1, ""),
    "foreign-key": (9, "inst-missing"),
    "range": (5, "500"),
    "date": (7, "2021-02-30"),
}


def _break(row: list[str], how: str, i: int) -> list[str]:
    row = list(row)
    if how == "unique":
        row[0] = f"commitment-{i - 1}"
    elif how == "ragged":
        row.append("extra")
    else:
        column, value = BROKEN_CELLS[how]
        row[column] = value
    return row


def _csv_line(cells: list[str]) -> str:
    return ",".join(f'"{c}"' if "," in c or '"' in c else c for c in cells) + "\r\n"


def generate(folder: Path, rows: int, dirty: bool) -> dict[tuple[str, int], str]:
    """Write the package; return the planted breaks as {(category, row number): field}."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(rows * 2 + dirty)
    planted: dict[tuple[str, int], str] = {}
    with (folder / "institutions.csv").open("w", newline="", encoding="utf-8") as out:
        out.write("id,name,country\r\n")
        for i in range(INSTITUTIONS):
            out.write(f"inst-{i},Institution {i},{rng.choice(['US', 'JP', 'INT'])}\r\n")
    names = [f["name"] for f in SCHEMAS["commitments"]["fields"]]  # type: ignore[index]
    with (folder / "commitments.csv").open("w", newline="", encoding="utf-8") as out:
        out.write(",".join(names) + "\r\n")
        for i in range(rows):
            row = _row(i, rng)
            if dirty and i > 0 and i % 100 == 50:
                how = BREAKS[(i // 100) % len(BREAKS)]
                row = _break(row, how, i)
                planted[(how, i + 2)] = how
            out.write(_csv_line(row))
    resources = []
    for name in ("institutions", "commitments"):
        content = (folder / f"{name}.csv").read_bytes()
        resources.append(
            {
                "$schema": "https://datapackage.org/profiles/2.0/dataresource.json",
                "name": name,
                "type": "table",
                "path": f"{name}.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "bytes": len(content),
                "hash": "sha256:" + hashlib.sha256(content).hexdigest(),
                "schema": SCHEMAS[name],
            }
        )
    descriptor = {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": "usjst-benchmark",
        "resources": resources,
    }
    (folder / "datapackage.json").write_text(json.dumps(descriptor, indent=2))
    return planted


def settle(folder: Path) -> None:
    """Flush the freshly written files to disk and read them once, so that no run pays for that."""
    os.sync()
    for path in (p for p in folder.rglob("*") if p.is_file()):
        with path.open("rb") as handle:
            while handle.read(1 << 24):
                pass


def run(command: list[str]) -> tuple[float, float, bytes]:
    """Run a command to completion; return wall seconds, peak RSS in MB, and its stdout."""
    start = time.perf_counter()
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL) as process:
        stdout = process.stdout.read() if process.stdout else b""
        _, _, usage = os.wait4(process.pid, 0)
        process.returncode = 0
    return time.perf_counter() - start, usage.ru_maxrss / 1024, stdout


def usjst_command(descriptor: Path, json_out: bool) -> list[str]:
    command = [sys.executable, "-m", "usjst_data", "validate", str(descriptor)]
    return command + (["--format", "json", "--max-per-kind", "100000000"] if json_out else [])


def frictionless_program() -> str:
    """The `frictionless` command of this Python's environment, else the one on PATH."""
    beside = Path(sys.executable).parent / "frictionless"
    return str(beside) if beside.exists() else "frictionless"


def frictionless_command(descriptor: Path, json_out: bool) -> list[str]:
    command = [frictionless_program(), "validate", str(descriptor)]
    command += ["--limit-errors", "100000000"]
    return command + (["--json"] if json_out else [])


def checking_seconds(descriptor: Path) -> float:
    """In-process: the time of usjst's validate() call alone, without start-up and imports."""
    import jsonschema  # noqa: F401 - imported before the clock starts
    import pyarrow.compute
    import pyarrow.csv  # noqa: F401

    from usjst_data.validation.run import validate

    start = time.perf_counter()
    validate(descriptor)
    return time.perf_counter() - start


def typed_read_seconds(descriptor: Path) -> float:
    """The floor: a pyarrow read of the same (clean) files with every column's type given."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    types = {"amount": pa.float64(), "duration_years": pa.int64(), "decided_on": pa.date32()}
    names = [f["name"] for f in SCHEMAS["commitments"]["fields"]]  # type: ignore[index]
    start = time.perf_counter()
    for name in ("institutions", "commitments"):
        column_types = dict.fromkeys(names, pa.string()) | types if name == "commitments" else None
        pacsv.read_csv(
            descriptor.parent / f"{name}.csv",
            convert_options=pacsv.ConvertOptions(column_types=column_types or {}),
        )
    return time.perf_counter() - start


_FRICTIONLESS_CATEGORY = {
    "type-error": "type",
    "foreign-key": "foreign-key",
    "primary-key": "unique",
    "unique-error": "unique",
    "extra-cell": "ragged",
    "missing-cell": "ragged",
}
_CONSTRAINT = {"required": "required", "enum": "enum", "pattern": "pattern", "minimum": "range", "maximum": "range"}
_USJST_CATEGORY = {
    "type-error": "type",
    "enum-error": "enum",
    "pattern-error": "pattern",
    "required-error": "required",
    "unique-error": "unique",
    "primary-key-error": "unique",
    "foreign-key-error": "foreign-key",
    "range-error": "range",
    "ragged-row": "ragged",
}


def frictionless_violations(stdout: bytes) -> set[tuple[str, int]]:
    report = json.loads(stdout)
    found = set()
    for task in report.get("tasks", []):
        for error in task.get("errors", []):
            kind = error.get("type", "")
            category = _FRICTIONLESS_CATEGORY.get(kind)
            if kind == "constraint-error":
                note = error.get("note", "")
                category = next((c for key, c in _CONSTRAINT.items() if f'"{key}"' in note), "constraint")
            if kind == "type-error" and error.get("fieldName") == "decided_on":
                category = "date"
            if category and error.get("rowNumber"):
                found.add((category, int(error["rowNumber"])))
    return found


def usjst_violations(stdout: bytes) -> set[tuple[str, int]]:
    report = json.loads(stdout)
    found = set()
    for problem in report["problems"]:
        category = _USJST_CATEGORY.get(problem["code"])
        if problem["code"] == "type-error" and problem.get("field") == "decided_on":
            category = "date"
        if category and problem.get("row"):
            found.add((category, int(problem["row"])))
    return found


def measured(what: str, descriptor: Path) -> float:
    """Seconds of an in-process measurement, taken in a fresh process so its memory is not shared."""
    out = subprocess.run(
        [sys.executable, __file__, "--measure", what, str(descriptor)], capture_output=True, text=True, check=True
    )
    return float(out.stdout)


def compare(label: str, descriptor: Path, planted: dict[tuple[str, int], str]) -> None:
    """Print the violations each validator finds on a dirty package, by category, and their difference."""
    ours = usjst_violations(run(usjst_command(descriptor, json_out=True))[2])
    theirs = frictionless_violations(run(frictionless_command(descriptor, json_out=True))[2])
    print(f"{label}: planted {len(planted):,} breaks; usjst found {len(ours):,}, frictionless {len(theirs):,}")
    for category in BREAKS:
        counts = [sum(1 for c, _ in found if c == category) for found in (planted, ours, theirs)]
        print(f"  {category:<12} planted {counts[0]:>6,}  usjst {counts[1]:>6,}  frictionless {counts[2]:>6,}")
    only_ours, only_theirs = sorted(ours - theirs), sorted(theirs - ours)
    print(f"  only usjst: {len(only_ours)} {only_ours[:5]}")
    print(f"  only frictionless: {len(only_theirs)} {only_theirs[:5]}\n")


HEADER = (
    "| package | usjst validate | rows/s | peak RSS | frictionless validate | rows/s | peak RSS | speed-up "
    "| checking | typed read | checking / read |"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path("/tmp/usjst-benchmark"))
    parser.add_argument("--measure", nargs=2, metavar=("WHAT", "DESCRIPTOR"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        from usjst_data.validation.run import lean_process

        lean_process()  # as `usjst validate` does: the same imports for both measurements
        what, descriptor = args.measure
        print(checking_seconds(Path(descriptor)) if what == "check" else typed_read_seconds(Path(descriptor)))
        return
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores; median of {args.runs} runs\n")
    lines = [HEADER, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for rows in args.rows:
        floor = 0.0
        for dirty in (False, True):
            label = f"{rows:,} rows, {'dirty' if dirty else 'clean'}"
            folder = args.out / f"{rows}-{'dirty' if dirty else 'clean'}"
            planted = generate(folder, rows, dirty)
            descriptor = folder / "datapackage.json"
            settle(folder)
            runs: dict[str, list[tuple[float, float, bytes]]] = {"usjst": [], "frictionless": []}
            for _ in range(args.runs):  # interleaved, so that both meet the same machine
                runs["usjst"].append(run(usjst_command(descriptor, json_out=False)))
                runs["frictionless"].append(run(frictionless_command(descriptor, json_out=False)))
            timings = {name: (statistics.median(r[0] for r in rs), max(r[1] for r in rs)) for name, rs in runs.items()}
            checking = statistics.median(measured("check", descriptor) for _ in range(args.runs))
            if not dirty:
                floor = statistics.median(measured("read", descriptor) for _ in range(args.runs))
            (ours, our_memory), (theirs, their_memory) = timings["usjst"], timings["frictionless"]
            lines.append(
                f"| {label} | {ours:.2f} s | {rows / ours:,.0f} | {our_memory:.0f} MB | {theirs:.2f} s "
                f"| {rows / theirs:,.0f} | {their_memory:.0f} MB | {theirs / ours:.1f}x | {checking:.2f} s "
                f"| {floor:.2f} s | {checking / floor:.1f}x |"
            )
            if dirty:
                compare(label, descriptor, planted)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
