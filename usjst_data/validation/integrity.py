"""The files of a resource: safe paths, regular files, and their size, hash and NUL bytes.

A path must stay inside the package folder and name a regular file; the bytes are checked as they
are read, so a large file is read once for its integrity and its rows.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

from .report import Problem, Report, shorten

URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
CHUNK_BYTES = 8 << 20  # files are read in chunks of this size


def safe_path(relative: Any, base: Path) -> Path | None:
    """The file a resource path names, or None when it is a URL or would leave the package folder."""
    if not isinstance(relative, str) or not relative or URL.match(relative) or "\\" in relative:
        return None
    if relative.startswith("/") or ".." in Path(relative).parts:
        return None
    full = (base / relative).resolve()  # follows symlinks: one leading out is caught here
    return full if full.is_relative_to(base.resolve()) else None


def regular_file(path: Path) -> str | None:
    """Why ``path`` cannot be read as a data file (None when it can): missing, a FIFO, a device, a folder."""
    import stat

    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "file does not exist"
    except OSError as exc:
        return f"cannot open the file: {exc.strerror or exc}"
    return None if stat.S_ISREG(mode) else "not a regular file (a folder, a FIFO or a device)"


def resource_files(paths: list[Any], name: str, base: Path, report: Report) -> list[tuple[str, Path]] | None:
    """Each path of a resource with the file it names; None (and problems) when one is unsafe or missing."""
    files = []
    for relative in paths:
        shown = shorten(str(relative), 200)
        try:
            full = safe_path(relative, base)
        except (OSError, ValueError, RuntimeError) as exc:  # a NUL, a name too long, a symlink loop
            report.add(Problem("missing-file", f"cannot open the file: {exc}", resource=name, file=shown))
            continue
        if full is None:
            message = f"path {shorten(str(relative))!r} is a URL or leaves the package folder (remote data is not read)"
            report.add(Problem("unsafe-path", message, resource=name, file=shown))
        elif (reason := regular_file(full)) is not None:
            report.add(Problem("missing-file", reason, resource=name, file=shown))
        else:
            files.append((str(relative), full))
    return files if files and len(files) == len(paths) else None


class Integrity:
    """Size, hash and NUL bytes of a file, from its bytes as they are read."""

    def __init__(self, facts: dict[str, Any], name: str, shown: str, text: bool = True) -> None:
        self.facts, self.text = facts, text
        self.where: dict[str, Any] = {"resource": name, "file": shown}
        self.problems: list[Problem] = []
        expected = facts.get("hash")
        self.algorithm, self.digest = "sha256", None
        if isinstance(expected, str):
            prefix, _, self.digest = expected.rpartition(":")
            self.algorithm = prefix.lower() or "md5"
        try:
            self.hasher = hashlib.new(self.algorithm)
            if self.hasher.digest_size == 0:  # shake_128 and shake_256 have no fixed digest
                raise ValueError(self.algorithm)
        except (ValueError, TypeError):
            message = f"unknown hash algorithm {self.algorithm!r}"
            self.problems.append(Problem("hash-mismatch", message, resource=name, file=shown))
            self.hasher, self.digest = hashlib.sha256(), None
        self.size = 0
        self.nul: int | None = None

    def feed(self, chunk: bytes | bytearray, stop: int | None = None) -> None:
        """Take the next bytes of the file: ``chunk[:stop]``."""
        stop = len(chunk) if stop is None else stop
        if self.digest is not None:
            self.hasher.update(memoryview(chunk)[:stop])
        if self.nul is None and (at := chunk.find(b"\x00", 0, stop)) >= 0:
            self.nul = self.size + at
        self.size += stop

    def read(self, paths: list[Path]) -> Integrity:
        """Feed the whole of each file in turn, read in chunks."""
        for path in paths:
            with path.open("rb") as handle:
                while chunk := handle.read(CHUNK_BYTES):
                    self.feed(chunk)
        return self

    def result(self) -> list[Problem]:
        """The problems found, once every byte was fed."""
        problems, where = list(self.problems), self.where
        if self.nul is not None and self.text:
            problems.append(
                Problem("encoding-error", f"NUL byte at byte {self.nul}; text files must not contain one", **where)
            )
        if isinstance(self.facts.get("bytes"), int) and self.facts["bytes"] != self.size:
            message = f"descriptor says {self.facts['bytes']} bytes, file has {self.size}"
            problems.append(Problem("bytes-mismatch", message, **where))
        if self.digest is not None and self.hasher.hexdigest() != self.digest.lower():
            message = f"{self.algorithm} of the file differs from the descriptor"
            problems.append(Problem("hash-mismatch", message, **where))
        return problems
