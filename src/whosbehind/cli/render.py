"""Rendering for people (Rich tables) and for scripts (JSON)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text


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


MAX_CELL = 2_000  # characters of one value a table shows; JSON output has all of it


def cell_text(value: object) -> str:
    """A value as a table shows it: at most ``MAX_CELL`` characters, then how much is left
    out. Rich lays out every character it is given (a 50 MB name took over ten minutes)."""
    text = "" if value is None else str(value)
    if len(text) <= MAX_CELL:
        return text
    return f"{text[:MAX_CELL]}… ({len(text) - MAX_CELL:,} more characters in --json)"


def table(
    title: str, columns: Sequence[str], rows: Iterable[Sequence[object]], caption: str = ""
) -> None:
    view = Table(title=title, title_justify="left")
    for column in columns:
        numeric = column in {"count", "share", "total", "hhi", "cr4", "#"}
        view.add_column(column, justify="right" if numeric else "left", overflow="fold")
    for row in rows:
        view.add_row(*(Text(cell_text(cell)) for cell in row))  # values are never markup
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
