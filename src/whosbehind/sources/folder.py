"""The files of a folder to ingest, without following links out of it.

A folder given to ``ingest`` is read as what it holds: a symbolic link whose target lies
outside the folder (``data.json -> /etc/passwd``, a link to a home directory) is not read but
reported as skipped with its target, and linked folders are not entered. Links that stay
inside the folder are read like the files they point to.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

Skipped = Callable[[Path, str], None]


@dataclass(slots=True)
class Listing:
    """The files to read, in name order, and what was left out with the reason."""

    files: list[Path] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)


def list_folder(folder: Path, wanted: Callable[[Path], bool], recursive: bool) -> Listing:
    """The files below ``folder`` (in sub-folders too when ``recursive``) that ``wanted``
    accepts, sorted by path."""
    root = folder.resolve()
    listing = Listing()
    for directory, subdirectories, names in os.walk(folder, followlinks=False):
        here = Path(directory)
        if not recursive:
            subdirectories.clear()
        for name in subdirectories:
            if (here / name).is_symlink():
                listing.skipped.append((here / name, "a linked folder (links are not followed)"))
        for name in names:
            path = here / name
            if not wanted(path):
                continue
            if path.is_symlink():
                target = path.resolve()
                if not target.is_relative_to(root):
                    listing.skipped.append((path, f"a link to {target}, outside the folder"))
                    continue
            if path.is_file():
                listing.files.append(path)
    listing.files.sort()
    listing.skipped.sort()
    return listing
