"""Time the conversions done before the CSV checks: a Parquet table made CSV, and comment rows blanked.

Each is run in a fresh process on a generated file of N rows, and its wall time and peak RSS (Linux's
VmHWM) are printed; run it against another checkout (PYTHONPATH) to compare implementations.

    python benchmarks/sources_scale.py [--rows 1000000] [--runs 3] [--out DIR]
"""

from __future__ import annotations

import argparse
import datetime
import json
import statistics
import subprocess
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

CHILD = """
import json, sys, time
from pathlib import Path
from usjst_data.validation import sources
import pyarrow.compute, pyarrow.parquet  # imported before the baseline is taken

def peak_mb():  # VmHWM: the peak of this program, where ru_maxrss would keep its parent's across exec
    status = Path("/proc/self/status").read_text()
    return int(status.split("VmHWM:")[1].split()[0]) / 1024

kind, source, target = sys.argv[1:4]
before = peak_mb()
start = time.perf_counter()
if kind == "parquet":
    sources.parquet_table(Path(source), {}, Path(target))
else:
    sources.uncomment(Path(source), Path(target), b"#", frozenset({5}))
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "rss_mb": peak_mb(), "added_mb": peak_mb() - before}))
"""


def make_parquet(path: Path, rows: int) -> None:
    """A table of the usual types: integers, floats, strings, booleans, dates, zoned timestamps, decimals."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    numbers = pa.array(range(rows), pa.int64())
    start = int(datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC).timestamp()) * 1_000_000
    table = pa.table(
        {
            "id": numbers,
            "amount": pc.divide(pc.multiply(numbers.cast(pa.float64()), 1.37), 3.0),
            "name": pc.binary_join_element_wise("record ", numbers.cast(pa.string()), ", Tokyo", ""),
            "flag": pc.equal(pc.bit_wise_and(numbers, 1), 0),
            "signed": pc.add(pc.bit_wise_and(numbers, 0x3FFF), 7300).cast(pa.int32()).cast(pa.date32()),
            "seen": pc.add(pc.multiply(numbers, 61_000_123), start).cast(pa.timestamp("us", tz="Asia/Tokyo")),
            "price": pc.multiply(numbers.cast(pa.decimal128(19, 0)), pa.scalar(Decimal("0.25"))),
        }
    )
    pq.write_table(table, path)


def make_csv(path: Path, rows: int) -> None:
    """A CSV file with a comment line every thousand rows, and a quoted cell of two lines every other row."""
    with path.open("w", encoding="utf-8") as out:
        out.write("id,name,note\n")
        for n in range(rows):
            if n % 1000 == 0:
                out.write("# a comment\n")
            out.write(f'{n},"name {n}","a ""quoted"" note\nover two lines"\n' if n % 2 else f"{n},name {n},plain\n")


def run(kind: str, source: Path, target: Path) -> dict[str, float]:
    command = [sys.executable, "-c", CHILD, kind, str(source), str(target)]
    # Run from the file's folder, so that the package imported is the one PYTHONPATH names.
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=source.parent)
    if done.returncode:
        raise SystemExit(done.stderr)
    return dict(json.loads(done.stdout))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=None, help="where to make the files (a scratch folder)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.out or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        inputs = {"parquet": folder / "table.parquet", "uncomment": folder / "table.csv"}
        make_parquet(inputs["parquet"], args.rows)
        make_csv(inputs["uncomment"], args.rows)
        for kind, source in inputs.items():
            results = [run(kind, source, folder / "out.csv") for _ in range(args.runs)]
            seconds = statistics.median(r["seconds"] for r in results)
            rss, added = max(r["rss_mb"] for r in results), max(r["added_mb"] for r in results)
            size = source.stat().st_size >> 20
            shown = f"{seconds:6.2f} s (median of {args.runs}), peak RSS {rss:.0f} MB ({added:+.0f} MB after imports)"
            print(f"{kind:10} {args.rows:>9,} rows ({size} MB): {shown}")


if __name__ == "__main__":
    main()
