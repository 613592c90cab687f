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
from collections.abc import Collection
from pathlib import Path

from .errors import OutputError


def check_target(out: Path, suffixes: Collection[str] = ()) -> Path:
    """``out`` if a file can be written there: a wanted suffix, not a folder, in a writable folder that exists.

    Folders are never created: a missing one is more often a typo than a wish.
    """
    if suffixes and out.suffix.lower() not in suffixes:
        *others, last = sorted(suffixes)
        kinds = f"{', '.join(others)} or {last}" if others else last
        raise OutputError(f"{out}: cannot write this type of file; name a {kinds} file")
    parent = out.parent
    if out.is_dir():
        raise OutputError(f"{out} is a folder; give a file path inside it")
    if parent.exists() and not parent.is_dir():
        raise OutputError(f"cannot write {out}: {parent} is not a folder")
    if not parent.exists():
        raise OutputError(f"cannot write {out}: {parent} does not exist; create it first")
    if not os.access(parent, os.W_OK):
        raise OutputError(f"cannot write {out}: no permission to write in {parent}")
    return out


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
