"""Checks on a file to be written, made before anything is written, so that a bad path leaves no trace."""

from __future__ import annotations

import os
from collections.abc import Collection
from pathlib import Path

from .errors import OutputError


def check_output(path: Path, suffixes: Collection[str] = ()) -> Path:
    """``path`` if a file can be written there: a wanted suffix, not a folder, in a writable folder that exists.

    Folders are never created: a missing one is more often a typo than a wish.
    """
    if suffixes and path.suffix.lower() not in suffixes:
        *others, last = sorted(suffixes)
        kinds = f"{', '.join(others)} or {last}" if others else last
        raise OutputError(f"{path}: cannot write this type of file; name a {kinds} file")
    if path.is_dir():
        raise OutputError(f"{path} is a folder; name a file in it")
    folder = path.parent
    if not folder.is_dir():
        state = "is not a folder" if folder.exists() else "does not exist"
        raise OutputError(f"cannot write {path}: {folder} {state}")
    if not os.access(folder, os.W_OK):
        raise OutputError(f"cannot write {path}: no permission to write in {folder}")
    return path
