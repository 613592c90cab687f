"""Writing an output file safely: checked target, unguessable temporary file, atomic replace.

The temporary file is created by ``tempfile.mkstemp`` in the target's folder (``O_CREAT | O_EXCL``,
random name), so nothing planted in advance, such as a symlink, can be written through; ``os.replace``
then puts it in place, replacing a symlink at the target rather than following it. Parent folders
are never created: a missing one is an error that says so.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from .errors import OutputError


def check_target(out: Path) -> None:
    """Raise OutputError unless ``out`` can be a file written in an existing folder."""
    parent = out.parent
    if out.is_dir():
        raise OutputError(f"{out} is a folder; give a file path inside it, such as {out / 'usjst.db'}")
    if parent.exists() and not parent.is_dir():
        raise OutputError(f"cannot write {out}: {parent} is a file, not a folder")
    if not parent.exists():
        raise OutputError(f"cannot write {out}: folder {parent} does not exist; create it first")


def _file_mode() -> int:
    """The mode a new file gets under the process's umask (mkstemp creates files 0600)."""
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


def write_atomically(out: Path, content: bytes) -> Path:
    """Write ``content`` to ``out`` through a fresh temporary file in the same folder; return ``out``."""
    out = Path(out)
    check_target(out)
    try:
        descriptor, name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    except OSError as exc:
        raise OutputError(f"cannot write in {out.parent}: {exc.strerror}; choose a folder you can write to") from None
    temporary = Path(name)
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(content)
            os.fchmod(stream.fileno(), _file_mode())
        os.replace(temporary, out)
    except OSError as exc:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise OutputError(f"cannot write {out}: {exc.strerror}") from None
    return out
