"""Opening the store for a command."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer

import whosbehind as wb


@contextmanager
def open_store(context: typer.Context, read_only: bool = True) -> Iterator[wb.Engine]:
    root = context.find_root()
    with wb.open_store((root.obj or {}).get("db"), read_only=read_only) as engine:
        yield engine
