"""Opening the store for a command."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer

from whosbehind.store.engine import Engine, resolve_db_path


@contextmanager
def open_store(context: typer.Context, read_only: bool = True) -> Iterator[Engine]:
    root = context.find_root()
    engine = Engine(resolve_db_path((root.obj or {}).get("db")), read_only=read_only)
    try:
        yield engine
    finally:
        engine.close()
