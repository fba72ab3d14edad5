"""A file of junk lines fails fast, in bounded memory, instead of being quarantined line by line.

DuckDB's CSV reader records one reject per missing cell of a short record, with the whole line:
against the 280-column layout a junk line costs about 280 rejects and 25 ms, so 5,500 junk lines
(0.2 MB) took three minutes and 1.7 GB before whosbehind saw a row. Before the staging read,
the file's lines are counted (in Python, cheap) and compared with the records DuckDB can read
(counted by ``stated_record_time``'s pass, which reads the file anyway). Only when more than
``MAX_SHORT`` lines are unaccounted for (broken records, or line breaks inside quoted cells) is
the file counted once more with short records padded; when more than ``MAX_SHORT`` records lack
cells, the file is failed with how many, and nothing of it is stored. Up to ``MAX_SHORT`` short
records (at most about 25 s) are quarantined one by one, with their lines, as before.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import duckdb

from whosbehind.errors import SnapshotError
from whosbehind.pipeline.contracts.csv_files import CsvFile
from whosbehind.sources.usaspending import csv_duckdb
from whosbehind.sources.usaspending.csv_layout import LayoutMatch
from whosbehind.store.engine import Engine

MAX_SHORT = 1_000
_CHUNK = 8 * 1024 * 1024
_SCAN = 4 * 1024 * 1024


def line_count(path: Path) -> int:
    """Lines of the file (a last line without its line break counts)."""
    lines, last = 0, b"\n"
    with path.open("rb") as stream:
        while chunk := stream.read(_CHUNK):
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    return lines + (last != b"\n")


def refuse_junk(engine: Engine, file: CsvFile, match: LayoutMatch) -> None:
    """Raise ``SnapshotError`` when more than ``MAX_SHORT`` records of ``file`` lack cells."""
    if file.readable is None:
        return  # DuckDB could not read it at all: the staging read says why
    lines = line_count(file.path) - (1 if match.has_header else 0)
    if lines - file.readable <= MAX_SHORT:
        return
    try:
        records = int(engine.scalar(csv_duckdb.padded_count_sql(str(file.path.resolve()), match)))
    except duckdb.Error:
        return  # the staging read says why
    short = records - file.readable
    if short > MAX_SHORT:
        first = first_short_line(file.path, len(match.columns), match.has_header)
        where = f", the first at line {first:,}" if first else ""
        raise SnapshotError(
            file.label,
            f"{short:,} of {records:,} records have fewer cells than the layout's "
            f"{len(match.columns)} columns{where} (more than {MAX_SHORT:,}: junk, not a "
            "contract file of this layout); nothing of it is stored",
        )


def first_short_line(path: Path, columns: int, header: bool) -> int | None:
    """The line where the first record with fewer than ``columns`` cells starts, looked for
    in the first ``_SCAN`` bytes only (a valid file may be gigabytes long)."""
    with path.open("rb") as stream:
        head = stream.read(_SCAN)
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""))
    start = 1
    try:
        for row in reader:
            if len(row) < columns and not (header and start == 1):
                return start
            start = reader.line_num + 1
    except csv.Error:
        return None
    return None
