"""Side by side: `usjst validate` and `frictionless validate` on every Data Package in a folder.

A report script, not a test: it prints one line per descriptor with both verdicts, then how many
agree. The default folder is frictionless-py's own `data/` (a copy beside the repository, in
`../shared/peer/frictionless-data`). "could not validate" (usjst's exit status 2) is shown as
error, and counted as agreeing with frictionless' "invalid", which means the same there.

    python benchmarks/peer_compare.py [FOLDER] [--timeout SECONDS]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

from validate_scale import frictionless_program

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "peer" / "frictionless-data"
SUFFIXES = (".json", ".yaml", ".yml")


def descriptors(folder: Path) -> list[Path]:
    """Every Data Package descriptor under ``folder``: files named like ``*package*.json|yaml``."""
    found = []
    for path in sorted(folder.rglob("*")):
        name = path.name
        if path.is_file() and "package" in name and name.endswith(SUFFIXES) and not name.endswith(".usjst.json"):
            found.append(path)
    return found


def usjst_verdict(path: Path, timeout: float) -> str:
    """valid (valid* with warnings), invalid, or error (could not validate), from `usjst validate`."""
    command = [sys.executable, "-m", "usjst_data", "validate", str(path), "--format", "json"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=ROOT, check=False)
    except subprocess.TimeoutExpired:
        return "timeout"
    if done.returncode == 0 and json.loads(done.stdout).get("warning_count"):
        return "valid*"
    return {0: "valid", 1: "invalid"}.get(done.returncode, "error")


def frictionless_verdict(path: Path, timeout: float) -> str:
    """valid or invalid from `frictionless validate --json`, or error when it prints no report."""
    command = [frictionless_program(), "validate", "--json", path.name]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=path.parent, check=False)
    except subprocess.TimeoutExpired:
        return "timeout"
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        return "error"
    if "Please install" in done.stdout:  # a format whose plugin is not installed: not a verdict on the data
        return "no-plugin"
    return "valid" if report.get("valid") else "invalid"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--timeout", type=float, default=60.0)
    args = parser.parse_args()
    if shutil.which(frictionless_program()) is None:
        sys.exit("the frictionless command is not installed here: pip install frictionless")
    found = descriptors(args.folder)
    if not found:
        sys.exit(f"no Data Package descriptor under {args.folder}")
    agree = 0
    width = max(len(str(p.relative_to(args.folder))) for p in found)
    print(f"{'descriptor':<{width}}  {'usjst':<8}  {'frictionless':<12}")
    lines = []
    for path in found:
        ours, theirs = usjst_verdict(path, args.timeout), frictionless_verdict(path, args.timeout)
        lines.append((path, ours, theirs))
        same = ours.rstrip("*") == theirs or (ours == "error" and theirs == "invalid")
        agree += same
        print(f"{path.relative_to(args.folder)!s:<{width}}  {ours:<8}  {theirs:<12}  {'' if same else 'DIFFERENT'}")
    unplugged = sum(1 for line in lines if line[2] == "no-plugin")
    print(
        f"\n{agree} of {len(found)} verdicts agree ('could not validate' counts as agreeing with 'invalid',"
        " valid* is valid with warnings);"
        f" {unplugged} where frictionless lacks the plugin for the format"
    )


if __name__ == "__main__":
    main()
