"""Rendering for people (Rich tables) and for scripts (JSON).

Tables never split a number, a date or an id across lines, at any width: a column holding such
tokens (one word with a digit in it: amounts, shares, dates, PIIDs, package and citation ids) is
as wide as its longest one. Text columns share the rest of the terminal, cut to one line with
"…"; when even that does not fit, whole columns are left out and a caption names them. With
``--wide`` nothing is cut or left out: text wraps at spaces and the table is as wide as it needs.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from collections.abc import Iterable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer

if TYPE_CHECKING:  # Rich is imported when a command prints (start-up: benchmarks/startup.py)
    from rich.console import Console
    from rich.table import Table

Wide = Annotated[
    bool,
    typer.Option("--wide", help="Show all of each text cell, wrapped (default: cut with …)."),
]
_WIDE: ContextVar[bool] = ContextVar("wide", default=False)
_NUMERIC = {"count", "share", "total", "hhi", "cr4", "#", "obligated", "awards"}


def console() -> Console:
    """Standard output, made per use so that the width follows the environment of the call."""
    from rich.console import Console

    return Console()


def errors() -> Console:
    from rich.console import Console

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


def set_wide(wide: bool) -> None:
    """Whether the tables of this command show every column and all text (``--wide``)."""
    _WIDE.set(wide)


def _token(text: str) -> bool:
    """A number, date, amount, share or id: a word with a digit in it; never split."""
    return any(c.isdigit() for c in text)


@dataclass
class _Column:
    name: str
    kind: str  # "token": one token per cell; "tokens": several per cell; "text"
    need: int  # token columns: their width; text: the width that shows all of it
    width: int = 0


_GAP = 3  # between two columns: padding, rule, padding
_MIN_TEXT = 8
_LONGEST_TOKEN = 32  # longer "tokens" are locators and URLs, cut like text


def _columns(columns: Sequence[str], cells: list[list[str]]) -> list[_Column]:
    found = []
    for index, name in enumerate(columns):
        values = [row[index] for row in cells]
        words = [w for value in values for w in value.split()]
        if words and max(len(w) for w in words) > _LONGEST_TOKEN:  # a locator, a URL: text
            found.append(_Column(name, "text", max([len(name), *(len(v) for v in values)])))
        elif any(_token(w) for w in words) and all(len(v.split()) <= 1 for v in values):
            found.append(_Column(name, "token", max(len(name), *(len(w) for w in words))))
        elif words and all(_token(w) for w in words):
            found.append(_Column(name, "tokens", max(len(w) for w in words)))
        else:
            found.append(_Column(name, "text", max([len(name), *(len(v) for v in values)])))
    return found


def _fit(columns: list[_Column], width: int, optional: Sequence[str]) -> list[_Column]:
    """Widths that fit ``width``: token columns whole, text columns share what is left (each at
    least a few characters, cut with "…"); when even that does not fit, columns are left out,
    ``optional`` ones first, then text columns from the right."""
    shown = list(columns)
    droppable = [c for name in optional for c in shown if c.name == name]
    droppable += [c for c in reversed(shown) if c.kind == "text" and c not in droppable]
    droppable += [c for c in reversed(shown[1:]) if c not in droppable]  # the first stays
    while True:
        fixed = sum(c.need for c in shown if c.kind != "text") + _GAP * (len(shown) - 1)
        text = sorted((c for c in shown if c.kind == "text"), key=lambda c: c.need)
        if fixed + sum(min(c.need, _MIN_TEXT) for c in text) <= width or len(shown) == 1:
            break
        dropped = next((c for c in droppable if c in shown), None)
        if dropped is None:
            break
        shown.remove(dropped)
    for column in shown:
        column.width = column.need
    left = width - fixed
    for done, column in enumerate(text):
        share = left // (len(text) - done)
        column.width = max(min(column.need, share), min(column.need, _MIN_TEXT))
        left -= column.width
    return shown


def _cut(text: str, column: _Column, wide: bool) -> str:
    """Text longer than its column, cut before the word that does not fit when that word is a
    number, date or id (so none is shown in part), else where the column ends."""
    if wide or column.kind != "text" or len(text) <= column.width:
        return text
    kept = text[: column.width - 1]
    rest = text[column.width - 1 :]
    if rest[:1] != " " and " " in kept:
        head, _, part = kept.rpartition(" ")
        if _token(part + rest.split(" ", 1)[0]):
            kept = head
    return kept.rstrip() + "…"


@dataclass
class _Layout:
    """A table's columns and cell text as laid out for a width (see the module docstring)."""

    columns: list[_Column]  # the columns shown
    cells: list[list[str]]  # their text, cut to fit unless wide
    wide: bool
    min_width: int | None
    caption: str  # which columns are not shown, or ""


def _lay_out(
    title: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[object]],
    width: int | None,
    optional: Sequence[str],
) -> _Layout:
    cells = [[cell_text(cell) for cell in row] for row in rows]  # bounded: see cell_text
    layout = _columns(columns, cells)
    wide = _WIDE.get() or width is None
    shown = layout if wide else _fit(layout, width or 0, optional)
    min_width = None if wide else min(len(title), width or 0)  # the title on one line
    hidden = [c.name for c in layout if c not in shown]
    caption = ""
    if hidden:
        caption = f"not shown at {width} columns: {', '.join(hidden)} (--wide shows all)"
        min_width = min(max(len(title), len(caption)), width or 0)
    cut = [[_cut(row[layout.index(c)], c, wide) for c in shown] for row in cells]
    return _Layout(shown, cut, wide, min_width, caption)


def new_table(
    title: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[object]],
    width: int | None = None,
    optional: Sequence[str] = (),
) -> Table:
    """A Rich table laid out so that no token is ever split (see the module docstring);
    ``width``: the console's, to fit in; ``optional``: columns to leave out first when even
    cut text does not make the table fit."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    laid = _lay_out(title, columns, rows, width, optional)
    wide = laid.wide
    view = Table(
        title=title,
        title_justify="left",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        min_width=laid.min_width,
    )
    for column in laid.columns:
        view.add_column(
            column.name,
            justify=_justify(column),
            width=None if wide else column.width,
            min_width=column.need if column.kind != "text" else None,
            no_wrap=column.kind == "token" or not (wide or column.kind == "tokens"),
            overflow="fold" if wide else "ellipsis",
        )
    if laid.caption:
        view.caption = laid.caption
        view.caption_justify = "left"
    for row in laid.cells:  # Text: "ACME [US]" is not Rich markup
        view.add_row(*(Text(cell) for cell in row))
    return view


def _justify(column: _Column) -> Literal["left", "right"]:
    return "right" if column.name in _NUMERIC else "left"


def show(out: Console, view: Table) -> None:
    """Print ``view``; with ``--wide`` all of it, however wide (for a pager or a file)."""
    if not _WIDE.get():
        out.print(view)
        return
    from rich.measure import Measurement

    width = out.width
    out.width = max(width, Measurement.get(out, out.options.update_width(10**5), view).maximum)
    try:
        out.print(view)
    finally:
        out.width = width


def table(
    title: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[object]],
    caption: str = "",
    optional: Sequence[str] = (),
) -> None:
    listed = [list(row) for row in rows]  # read once: Rich prints them when plain text cannot
    if not _WIDE.get() and _plain(title, columns, listed, caption, optional):
        return
    out = console()
    show(out, new_table(title, columns, listed, out.width, optional))
    if caption:  # not markup: "[c4bca366...]" is a citation id, not a style
        out.print(caption, highlight=False, markup=False, soft_wrap=True)


def _plain(
    title: str,
    columns: Sequence[str],
    rows: list[list[object]],
    caption: str,
    optional: Sequence[str],
) -> bool:
    """Print the table as Rich would, without Rich, where its output carries no styles and
    the table fits as laid out (cli/plain_table.py); False when Rich has to print it."""
    from whosbehind.cli.plain_table import (
        PlainColumn,
        console_width,
        plain_output,
        plain_table,
        plain_text,
    )

    out = plain_output()
    if out is None:
        return False
    width = console_width()
    laid = _lay_out(title, columns, rows, width, optional)
    text = plain_table(
        title,
        [PlainColumn(c.name, c.width, _justify(c)) for c in laid.columns],
        laid.cells,
        width,
        laid.min_width,
        laid.caption,
    )
    after = plain_text(caption) if caption else ""
    if text is None or after is None:
        return False
    try:
        out.write(text + after)
        out.flush()
    except BrokenPipeError:  # as Rich's Console.on_broken_pipe
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise SystemExit(1) from None
    return True


def percent(value: float) -> str:
    return f"{value * 100:.1f}%"


def cite_line(citation: dict[str, str]) -> str:
    return (
        f"[{citation['id']}] {citation['source']} {citation['locator']} "
        f"(record time {citation['record_time']}, sha256 {citation['content_hash'][:16]}…)"
    )
