"""Benchmark the domain rules (step 4) of `usjst validate` on large forks of the shipped package.

A fork adds every award of an imagined joint funding program: N funding commitments (components
of one total), each with a citation and two commitment parties. The dirty fork breaks a few rows
in the ways only the domain rules see (an impossible partial date, components above their total,
a record without a citation, a parent cycle, a list item naming no domain); the benchmark checks
that each of them, and nothing else, is reported.

    python benchmarks/domain_scale.py [--rows 10000 100000 1000000] [--runs 3] [--out DIR]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import os
import shutil
import statistics
import sys
from pathlib import Path

from validate_scale import run  # the same whole-process timing

from usjst_data.meta import data_root

SOURCE = "tran-2025"
TOTAL = "fork-award-program"


def _append(path: Path, rows: list[list[str]]) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    with path.open("a", encoding="utf-8", newline="") as handle:
        handle.write(out.getvalue())


def _award(i: int) -> list[str]:
    return [
        f"fork-award-{i}",
        f"Joint research award {i}",
        "1000",
        "USD",
        "exact",
        "1000",
        "same_currency",
        "3",
        f"20{10 + i % 15}-{1 + i % 12:02d}",
        "grant",
        TOTAL,
        "",
        "",
        "",
        '["quantum"]',
        "committed",
        "One award of the program, in our own words.",
    ]


# The planted breaks: row position in the added awards -> (column, value, code reported).
BREAKS = {
    11: (8, "2021-02-30", "date-error"),  # announced: no such day
    22: (14, '["no-such-domain"]', "foreign-key-error"),  # domains: list item names nothing
    33: (10, "fork-award-44", "cycle-error"),  # parent chain 33 -> 44 -> 33, reported once
    44: (10, "fork-award-33", ""),
}


def generate(folder: Path, rows: int, dirty: bool) -> dict[str, int]:
    """Write the fork; return how many problems of each code the dirty breaks should produce."""
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(data_root(), folder, ignore=shutil.ignore_patterns("*.parquet"))
    awards = [_award(i) for i in range(rows)]
    total = _award(-1)
    total[0], total[1], total[2] = TOTAL, "Imagined award program", str(rows * 1000)
    total[5] = total[6] = total[10] = ""
    expected: dict[str, int] = {}
    if dirty:
        for position, (column, value, code) in BREAKS.items():
            awards[position][column] = value
            if code:
                expected[code] = expected.get(code, 0) + 1
        awards[55][2] = awards[55][5] = str(10**12)  # one component far above the program's total
        expected["sum-error"] = 1
        expected["citation-error"] = 1
    _append(folder / "funding_commitments.csv", [total, *awards])
    cited = [["funding_commitments", a[0], SOURCE, "award list", "[]"] for a in [total, *awards]]
    if dirty:
        cited = [c for c in cited if c[1] != "fork-award-66"]  # a record without a citation
    _append(folder / "citations.csv", cited)
    parties = [[a[0], party, "funder"] for a in awards for party in ("us", "japan")]
    _append(folder / "commitment_parties.csv", parties)
    cited = [["commitment_parties", "/".join(p), SOURCE, "award list", "[]"] for p in parties]
    _append(folder / "citations.csv", cited)
    package = json.loads((folder / "datapackage.json").read_text("utf-8"))
    for resource in package["resources"]:
        resource.pop("parquet", None)
        content = (folder / resource["path"]).read_bytes()
        resource["bytes"] = len(content)
        resource["hash"] = "sha256:" + hashlib.sha256(content).hexdigest()
    (folder / "datapackage.json").write_text(json.dumps(package, indent=2), encoding="utf-8")
    return expected


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path("/tmp/usjst-domain-benchmark"))
    args = parser.parse_args()
    command = [sys.executable, "-m", "usjst_data", "validate"]
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores; median of {args.runs} runs\n")
    lines = [
        "| fork | rows in all | usjst validate | rows/s | peak RSS | problems as planted |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for rows in args.rows:
        for dirty in (False, True):
            folder = args.out / f"{rows}-{'dirty' if dirty else 'clean'}"
            expected = generate(folder, rows, dirty)
            all_rows = sum(sum(1 for _ in path.open("rb")) - 1 for path in folder.glob("*.csv"))
            runs = [run([*command, str(folder)]) for _ in range(args.runs)]
            wall = statistics.median(r[0] for r in runs)
            memory = max(r[1] for r in runs)
            report = json.loads(run([*command, str(folder), "--format", "json"])[2])
            found = report["counts"]
            verdict = "yes" if found == expected else f"no: {found} != {expected}"
            lines.append(
                f"| {rows:,} awards, {'dirty' if dirty else 'clean'} | {all_rows:,} | {wall:.2f} s "
                f"| {all_rows / wall:,.0f} | {memory:.0f} MB | {verdict} |"
            )
            print(lines[-1], flush=True)
    print()
    print("\n".join(lines))


if __name__ == "__main__":
    main()
