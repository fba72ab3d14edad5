"""Rendering for people (Rich tables) and for scripts (JSON)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from rich.console import Console
from rich.table import Table


def console() -> Console:
    """Standard output, made per use so that the width follows the environment of the call."""
    return Console()


def errors() -> Console:
    return Console(stderr=True)


def _default(value: object) -> object:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def print_json(data: Any) -> None:
    console().file.write(json.dumps(data, indent=2, default=_default, ensure_ascii=False) + "\n")


def table(
    title: str, columns: Sequence[str], rows: Iterable[Sequence[object]], caption: str = ""
) -> None:
    view = Table(title=title, title_justify="left")
    for column in columns:
        numeric = column in {"count", "share", "total", "hhi", "cr4", "#"}
        view.add_column(column, justify="right" if numeric else "left", overflow="fold")
    for row in rows:
        view.add_row(*("" if cell is None else str(cell) for cell in row))
    out = console()
    out.print(view)
    if caption:
        out.print(caption, highlight=False, soft_wrap=True)


def percent(value: float) -> str:
    return f"{value * 100:.1f}%"


def cite_line(citation: dict[str, str]) -> str:
    return (
        f"[{citation['id']}] {citation['source']} {citation['locator']} "
        f"(record time {citation['record_time']}, sha256 {citation['content_hash'][:16]}…)"
    )
