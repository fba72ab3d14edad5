"""The folder where zip members are extracted, beside the store, emptied by every run.

A temporary folder in the system's temp directory outlives a run killed with ``kill -9``, and
nothing ever removes it. This one is ``<store>.extract``: only the one process that holds the
store open for writing (DuckDB allows one) ever uses it, so a run removes whatever a killed
run left there before it starts, and removes the folder when it ends.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def work_folder_of(store: Path) -> Path:
    return store.with_name(store.name + ".extract")


@contextmanager
def work_folder(store: Path) -> Iterator[Path]:
    folder = work_folder_of(store)
    shutil.rmtree(folder, ignore_errors=True)  # what a killed run left behind
    folder.mkdir(parents=True)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
