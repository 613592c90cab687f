"""Benchmark `usjst validate` on packages of unusual shape: many small resources, and one very wide table.

Each package is generated once, then validated by whole processes (median wall time and peak
memory of several runs); `frictionless validate` runs beside it with `--frictionless`. The shipped
package is timed too, as its bound (under 1 s) is part of what the validator promises.

    python benchmarks/validate_shape.py [--resources 2000 20000] [--columns 20000 100000] [--runs 3]
        [--frictionless] [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

from validate_scale import frictionless_command, run, settle, usjst_command


def many_resources(folder: Path, count: int) -> Path:
    """A package of ``count`` two-row tables, each with its own file, schema and primary key."""
    data = folder / "data"
    data.mkdir(parents=True, exist_ok=True)
    schema = {"fields": [{"name": "id", "type": "integer"}, {"name": "name", "type": "string"}], "primaryKey": ["id"]}
    resources = []
    for i in range(count):
        (data / f"r{i}.csv").write_text("id,name\n1,a\n2,b\n")
        resources.append({"name": f"r{i}", "path": f"data/r{i}.csv", "schema": schema})
    return _descriptor(folder, resources)


def wide_table(folder: Path, columns: int, rows: int = 10) -> Path:
    """A package of one table of ``columns`` integer and string columns and ``rows`` rows."""
    folder.mkdir(parents=True, exist_ok=True)
    fields = [{"name": f"c{i}", "type": "integer" if i % 2 else "string"} for i in range(columns)]
    lines = [",".join(f["name"] for f in fields)]
    lines += [",".join(str(r * i) if i % 2 else f"v{r}" for i in range(columns)) for r in range(rows)]
    (folder / "wide.csv").write_text("\n".join(lines) + "\n")
    return _descriptor(folder, [{"name": "wide", "path": "wide.csv", "schema": {"fields": fields}}])


def _descriptor(folder: Path, resources: list[dict[str, object]]) -> Path:
    path = folder / "datapackage.json"
    path.write_text(json.dumps({"name": "shape", "resources": resources}))
    return path


def measure(label: str, descriptor: Path, runs: int, peer: bool) -> str:
    """One table line: median seconds and peak memory of usjst (and frictionless) over ``runs`` runs."""
    settle(descriptor.parent)
    line = f"| {label} |"
    tools = [("usjst", usjst_command)] + ([("frictionless", frictionless_command)] if peer else [])
    for _, command in tools:
        results = [run(command(descriptor, False)) for _ in range(runs)]
        seconds = statistics.median(r[0] for r in results)
        line += f" {seconds:.2f} s | {max(r[1] for r in results):.0f} MB |"
    return line


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--resources", type=int, nargs="*", default=[2_000, 20_000])
    parser.add_argument("--columns", type=int, nargs="*", default=[20_000, 100_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--frictionless", action="store_true", help="time frictionless validate too")
    parser.add_argument("--out", type=Path, default=Path("/tmp/usjst-shape-benchmark"))
    args = parser.parse_args()
    header = "| package | usjst | peak | " + ("frictionless | peak |" if args.frictionless else "")
    print(f"python {sys.version.split()[0]}; median of {args.runs} runs\n\n{header}")
    print("|---|---:|---:|" + ("---:|---:|" if args.frictionless else ""))
    from usjst_data.validation.run import default_package

    print(measure("shipped package", default_package(), args.runs, args.frictionless), flush=True)
    for count in args.resources:
        descriptor = many_resources(args.out / f"resources-{count}", count)
        print(measure(f"{count:,} two-row resources", descriptor, args.runs, args.frictionless), flush=True)
    for columns in args.columns:
        descriptor = wide_table(args.out / f"columns-{columns}", columns)
        print(measure(f"{columns:,} columns x 10 rows", descriptor, args.runs, args.frictionless), flush=True)


if __name__ == "__main__":
    main()
