"""A table as Rich prints it where Rich's output carries no styles, without importing Rich.

Where standard output is not a terminal (a pipe, a file, a test's capture), Rich prints a
table as plain characters, and importing Rich and laying the table out took a tenth of
``whosbehind fedramp share``'s start-up (benchmarks/startup.py). For the tables ``render.table``
builds (the ``SIMPLE_HEAD`` box without edges, columns of fixed widths, no ``--wide``), this
module writes the same characters Rich writes — the layout of ``rich.table.Table`` for that
case, ported: the widths Rich gives the columns (padding, ``min_width``), the title and the
header, the rule, the cells justified in them — when every part fits on its line and is made
of characters one cell wide. Anything else (a terminal, forced colours, Jupyter, Windows, a
non-UTF-8 output, markup or an emoji code in a title or header, a cell Rich would cut or
wrap) gets None, and Rich prints. tests/cli/test_plain_table.py compares the two, byte for
byte, on generated tables and on every command's output.
"""

from __future__ import annotations

import builtins
import os
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from math import ceil
from typing import IO, Literal

# characters Rich measures as one cell without looking them up (rich.cells'
# _SINGLE_CELL_UNICODE_RANGES, minus the non-printable ones), and the ellipsis a cut cell ends in;
# a cell with any other character goes to Rich
_ONE_CELL = frozenset(
    [
        chr(code)
        for start, end in ((0x20, 0x7E), (0xA1, 0xAC), (0xAE, 0x2FF), (0x370, 0x482))
        for code in range(start, end + 1)
        if chr(code).isprintable()
    ]
    + ["…"]
)
# what Rich reads as an emoji code (":smile:"), in any text it renders from a string
_EMOJI = re.compile(r"(:(\S*?)(?:(?:\-)(emoji|text))?:)")
_DIGIT_EMOJI = frozenset({"100", "1234"})  # the emoji names made of digits only (a test checks)
# what rich.text.Text removes from its text, or expands (tabs)
_STRIPPED = frozenset("\t\x07\x08\x0b\x0c\r")
_RULE = "─"  # the SIMPLE_HEAD box's header rule


@dataclass(frozen=True)
class PlainColumn:
    name: str
    width: int  # the cells' width, padding not included (rich.table.Column.width)
    justify: Literal["left", "right"]


def plain_output() -> IO[str] | None:
    """Standard output, when Rich would print to it without styles and exactly as this
    module does (``rich.console.Console()``: not a terminal, not forced to be one by
    TTY_COMPATIBLE or FORCE_COLOR, not Jupyter or legacy Windows, a UTF-8 encoding); else
    None."""
    out = sys.stdout
    out = getattr(out, "rich_proxied_file", out)
    if out is None or sys.platform == "win32" or hasattr(builtins, "get_ipython"):
        return None
    if not (getattr(out, "encoding", "utf-8") or "utf-8").lower().startswith("utf"):
        return None
    compatible = os.environ.get("TTY_COMPATIBLE", "")
    if compatible == "1":
        return None
    if compatible != "0":
        forced = os.environ.get("FORCE_COLOR")
        if forced is not None:
            return None if forced != "" else out
        try:
            if out.isatty():
                return None
        except (AttributeError, ValueError):  # as Rich: no isatty, or a closed file
            pass
    return out


def console_width() -> int:
    """The width Rich's ``Console()`` lays out in, not on a terminal (``Console.size``):
    $COLUMNS, else the terminal of standard input, output or error, else 80."""
    columns = os.environ.get("COLUMNS")
    if columns is not None and columns.isdigit():
        return int(columns)
    width = None
    for descriptor in (0, 1, 2):
        try:
            width = os.get_terminal_size(descriptor).columns
        except (AttributeError, ValueError, OSError):
            continue
        break
    return width or 80


def plain_table(
    title: str,
    columns: Sequence[PlainColumn],
    rows: Sequence[Sequence[str]],
    width: int,
    min_width: int | None,
    caption: str = "",
) -> str | None:
    """The characters Rich prints for a ``SIMPLE_HEAD``, edgeless ``Table`` of ``columns``
    with ``title`` (left), ``rows`` and ``caption`` (left, "" for none) on a console ``width``
    wide, or None when Rich would do more than place them (cut, wrap, markup, emoji)."""
    count = len(columns)
    if not count or any(column.width < 1 for column in columns):
        return None
    available = width - (count - 1)  # a divider between two columns
    pads = [(0 if i == 0 else 1) + (0 if i == count - 1 else 1) for i in range(count)]
    widths = [column.width + pad for column, pad in zip(columns, pads, strict=True)]
    if available < 1 or max(widths) > available or sum(widths) > available:
        return None
    if min_width is not None and sum(widths) < min_width - (count - 1):
        target = min(min_width - (count - 1), available)
        more = _distribute(target - sum(widths), widths)
        widths = [part + extra for part, extra in zip(widths, more, strict=True)]
    table_width = sum(widths) + count - 1
    shown = [_rendered(text) for text in (title, caption, *(c.name for c in columns))]
    if any(text is None for text in shown):
        return None
    body = []  # the header, then the rows
    for cells in [[c.name for c in columns], *rows]:
        line = _row(columns, widths, cells)
        if line is None:
            return None
        body.append(line)
    lines = [title.ljust(table_width)] if title else []
    lines += [body[0], _RULE * table_width, *body[1:]]
    if caption:
        lines.append(caption.ljust(table_width))
    if any(len(line) > table_width for line in lines):
        return None  # a title or caption longer than the table: Rich wraps it
    return "".join(line + "\n" for line in lines)


def plain_text(text: str) -> str | None:
    """What ``Console.print(text, markup=False, highlight=False, soft_wrap=True)`` writes
    (the text and a newline), or None when Rich would change the text (an emoji code,
    a control character it removes, a tab it expands)."""
    if _STRIPPED.intersection(text) or not _no_emoji(text):
        return None
    return text + "\n"


def _rendered(text: str) -> str | None:
    """A title, caption or header as Rich shows it from a string (markup and emoji codes
    read), when that is ``text`` itself and one line of one-cell characters; else None."""
    if "[" in text or not _ONE_CELL.issuperset(text) or not _no_emoji(text):
        return None
    return text


def _no_emoji(text: str) -> bool:
    """Whether Rich's emoji codes leave ``text`` as it is (``rich._emoji_replace``: each
    ``:name:`` whose name is an emoji's is replaced; "T04:40:51" is none)."""
    codes = [name.lower() for _, name, _ in _EMOJI.findall(text)]
    if all(name.isdigit() and name not in _DIGIT_EMOJI for name in codes):
        return True  # times ("T04:40:51") need no look-up in Rich's table of 3,600 names
    from rich._emoji_codes import EMOJI  # the table only, not Rich's console

    return not any(name in EMOJI for name in codes)


def _row(columns: Sequence[PlainColumn], widths: list[int], cells: Sequence[str]) -> str | None:
    """One line of the table: each cell padded (one space each side, none at the table's
    edges) and justified in its column, the columns joined by the box's blank divider."""
    parts = []
    for index, (column, width, text) in enumerate(zip(columns, widths, cells, strict=True)):
        left = 0 if index == 0 else 1
        right = 0 if index == len(columns) - 1 else 1
        inner = width - left - right
        if len(text) > inner or not _ONE_CELL.issuperset(text):
            return None  # Rich would cut or wrap it, or measure it otherwise
        if column.justify == "right":
            if text != text.rstrip():
                return None  # Rich strips a right-justified cell's trailing spaces
            body = text.rjust(inner)
        else:
            body = text.ljust(inner)
        parts.append(" " * left + body + " " * right)
    return " ".join(parts)


def _distribute(total: int, ratios: list[int]) -> list[int]:
    """``total`` split in proportion to ``ratios``, rounding up as it goes
    (``rich._ratio.ratio_distribute`` without minimums)."""
    remaining_ratio = sum(ratios)
    remaining = total
    parts = []
    for ratio in ratios:
        part = ceil(ratio * remaining / remaining_ratio) if remaining_ratio > 0 else remaining
        parts.append(part)
        remaining_ratio -= ratio
        remaining -= part
    return parts
