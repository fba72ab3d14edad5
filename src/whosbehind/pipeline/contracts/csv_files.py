"""USAspending contract CSVs into the store: files, folders and zip archives, streamed by DuckDB.

Each CSV file (or zip member) is one snapshot, written in one transaction. The layout is read
from the first row (``csv_layout``); DuckDB reads the file in parallel (``csv_duckdb``); rows it
rejects as broken CSV, and rows whose values fail the checks, are read once more by the
reference row reader (``csv_rows``), which names the field and the reason, or reads them after
all. Only problem rows ever go through Python.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import zipfile
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, BinaryIO

import duckdb

from whosbehind.errors import SnapshotError, SourceError
from whosbehind.model.contracts import (
    ContractRecord,
    Quarantined,
)
from whosbehind.model.timeutil import UTC
from whosbehind.pipeline import zip_limits
from whosbehind.sources.usaspending import csv_duckdb
from whosbehind.sources.usaspending.csv_layout import MAX_CELL, LayoutMatch
from whosbehind.sources.usaspending.csv_reader import transaction_from_row
from whosbehind.sources.usaspending.csv_rows import Row, Schema, award_from_row, excerpt
from whosbehind.sources.usaspending.values import BadField
from whosbehind.store.engine import Engine

_CHUNK = 8 * 1024 * 1024
_WINDOW = 64 * 1024
_MAX_RECORD = MAX_CELL  # as DuckDB's max_line_size (csv_duckdb)
# USAspending names its files with their date: FY2018_070_Contracts_Full_20240108_1.zip,
# Contracts_PrimeAwardSummaries_2023-09-02_H14M57S07_1.csv
_NAME_DATE = re.compile(r"(?<![0-9])(20[0-9]{2})-?([01][0-9])-?([0-3][0-9])(?![0-9])")


@dataclass(frozen=True, slots=True)
class CsvFile:
    label: str  # the locator: path, or archive!member
    path: Path  # where the bytes are on disk now (an extracted member lives in a work folder)
    sha256: str  # empty until hashed (a plain file is hashed while it is loaded)
    size: int
    record_time: dt.datetime  # when the publisher produced it (``stated_record_time``)
    explicit: bool  # named by the user, so it must be a contract CSV
    retrieved_at: dt.datetime | None = None  # when it was copied to disk (its mtime)
    named_time: dt.datetime | None = None  # the date in its (or its archive's) file name
    readable: int | None = None  # records DuckDB can read (``stated_record_time``)
    lines: int | None = None  # lines of the file, when counted while hashing (``hash_file``)


def hash_file(path: Path) -> tuple[str, int, int]:
    """The file's sha256, size and lines (a last line without its line break counts), in
    one read."""
    digest = hashlib.sha256()
    size = lines = 0
    last = b"\n"
    with path.open("rb") as stream:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    return digest.hexdigest(), size, lines + (last != b"\n")


def hash_in_thread(path: Path) -> Future[tuple[str, int, int]]:
    """``hash_file`` in a thread: hashlib and file reads release the GIL, so the digest is
    computed while DuckDB parses the same file."""
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="whosbehind-sha256")
    try:
        return pool.submit(hash_file, path)
    finally:
        pool.shutdown(wait=False)


def record_time_of(names: list[str], fallback: dt.datetime) -> dt.datetime:
    """The publication date USAspending writes into a file name (end of that day, UTC), else
    ``fallback`` (the file's modification time: when it was retrieved)."""
    return name_time(names) or fallback


def name_time(names: list[str]) -> dt.datetime | None:
    """The date USAspending writes into a download's file name (end of that day, UTC)."""
    for name in names:
        found = _NAME_DATE.search(Path(name).name)
        if found:
            try:
                day = dt.date(*(int(part) for part in found.groups()))
            except ValueError:
                continue
            return _end_of(day)
    return None


def _end_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=UTC)


def stated_record_time(engine: Engine, file: CsvFile, match: LayoutMatch) -> CsvFile:
    """``file`` with the record time its publisher gave it, read from the data: the newest of
    the date in its file name and its rows' newest ``last_modified_date``; a file that states
    neither, its rows' newest action date (end of day). Never after the file was copied to disk
    (``retrieved_at``), which is the record time only of a file that states no date at all."""
    path = str(file.path.resolve())
    # the newest action date counts only when nothing else is stated: read it at once when
    # the file has neither a dated name nor a last_modified_date column, else only if needed
    stated_column = match.layout.column("last_modified_date") in match.columns
    acted_now = file.named_time is None and not stated_column
    found = _stated_times(engine, csv_duckdb.stated_times_sql(path, match, acted=acted_now))
    if found and not acted_now and file.named_time is None and found[0] is None:
        found = _stated_times(engine, csv_duckdb.stated_times_sql(path, match)) or found
    modified, acted, readable = found if found else (None, None, None)
    return replace(file, readable=readable, record_time=settled_time(file, modified, acted))


def settled_time(file: CsvFile, modified: dt.datetime | None, acted: dt.date | None) -> dt.datetime:
    """The record time of ``file`` from its rows' newest ``last_modified_date`` (naive: UTC)
    and newest action date (``stated_record_time``; ``settled_time_sql`` is its twin)."""
    stated = [t for t in (file.named_time, _utc(modified)) if t is not None]
    if stated:
        when = max(stated)
    elif acted is not None:
        when = _end_of(acted)
    else:
        return file.record_time
    if file.retrieved_at is not None:
        when = min(when, file.retrieved_at)
    return when


def settled_time_sql(
    file: CsvFile, modified: str, acted: str, source: str
) -> tuple[str, list[Any]]:
    """``settled_time`` in SQL: ``SELECT ... AS record_time FROM source`` (a naive TIMESTAMP
    in UTC), where ``modified`` is the newest ``last_modified_date`` (TIMESTAMP) and ``acted``
    the newest action date (DATE), SQL expressions over the one row of ``source``; and its
    parameters."""
    stated = f"greatest(CAST(? AS TIMESTAMP), {modified})"  # greatest skips a NULL
    sql = (
        "SELECT CASE WHEN w IS NULL THEN CAST(? AS TIMESTAMP) "
        "ELSE least(w, CAST(? AS TIMESTAMP)) END AS record_time "  # least skips a NULL
        f"FROM (SELECT coalesce({stated}, {acted} + INTERVAL '23:59:59') AS w FROM {source})"
    )
    params = [_naive(file.record_time), _naive(file.retrieved_at), _naive(file.named_time)]
    return sql, params


def _naive(value: dt.datetime | None) -> dt.datetime | None:
    return None if value is None else value.astimezone(UTC).replace(tzinfo=None)


def _stated_times(engine: Engine, sql: str) -> tuple[Any, ...] | None:
    try:
        return engine.connection.execute(sql).fetchone()
    except duckdb.Error:  # unreadable: the load says why
        return None


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _mtime(path: Path) -> dt.datetime:
    return dt.datetime.fromtimestamp(path.stat().st_mtime, UTC)


@dataclass(frozen=True, slots=True)
class MemberFailure:
    """A zip member that could not be extracted (bad CRC, encrypted, too large): recorded as
    failed; the archive's other members are read."""

    label: str
    size: int
    reason: str


def iter_csv_files(
    path: Path, label: str, explicit: bool, workdir: Path
) -> Iterator[CsvFile | MemberFailure]:
    """The CSV files of ``path``: itself, or each CSV member of a zip archive (extracted into
    ``workdir`` one at a time, and deleted when the next is asked for)."""
    if path.suffix.lower() != ".zip":
        # hashed by the caller, while DuckDB reads it (``hash_in_thread``)
        copied = _mtime(path)
        named = name_time([path.name])
        size = path.stat().st_size
        yield CsvFile(label, path, "", size, named or copied, explicit, copied, named)
        return
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise SnapshotError(label, f"not a zip archive: {error}") from None
    with archive:
        members = [info for info in archive.infolist() if zip_limits.is_csv_member(info)]
        for info in sorted(members, key=lambda info: info.filename):
            member_label = f"{label}!{info.filename}"
            target = (
                workdir / f"member-{hashlib.sha256(info.filename.encode()).hexdigest()[:16]}.csv"
            )
            try:
                sha256 = zip_limits.extract(archive, info, target)
            except zip_limits.MemberError as error:
                target.unlink(missing_ok=True)
                yield MemberFailure(member_label, info.compress_size, str(error))
                continue
            try:
                copied = _mtime(path)
                named = name_time([info.filename, path.name])
                size = target.stat().st_size
                yield CsvFile(
                    member_label, target, sha256, size, named or copied, False, copied, named
                )
            finally:
                target.unlink(missing_ok=True)


def first_row(path: Path, label: str) -> list[str] | None:
    try:
        with path.open(encoding="utf-8-sig", newline="") as stream:
            return next(csv.reader(stream), None)
    except (UnicodeDecodeError, csv.Error) as error:
        raise SnapshotError(label, f"unreadable CSV: {error}") from None
    except OSError as error:
        raise SourceError(f"{label}: cannot read ({error.strerror})") from None


@dataclass
class Problems:
    """Rows that need the reference reader: its quarantine, and what it read after all."""

    quarantined: list[Quarantined] = field(default_factory=list)
    recovered: list[ContractRecord] = field(default_factory=list)
    bad_ordinals: int = 0
    rejected_records: int = 0


def resolve_problems(
    engine: Engine, file: CsvFile, match: LayoutMatch, read: csv_duckdb.CsvRead, bad_where: str
) -> Problems:
    """Quarantine rows (file, line, field, reason) as the reference reader would."""
    problems = Problems()
    rejects = engine.rows(
        f"SELECT line, line_byte_position AS position, error_type FROM {read.rejects} ORDER BY line"
    )
    names = [*csv_duckdb.TEXT, *csv_duckdb.MONEY, *csv_duckdb.DATES]
    bad = engine.rows(
        f"SELECT rowid - (SELECT min(rowid) FROM {read.table}) AS ordinal, "
        f"{', '.join(names)} FROM {read.table} WHERE {bad_where} ORDER BY rowid"
    )
    if not rejects and not bad:
        return problems
    schema = Schema(match)
    grain = match.layout.grain
    by_record: dict[int, dict[str, Any]] = {}
    for reject in rejects:
        by_record.setdefault(int(reject["line"]), reject)
    problems.rejected_records = len(by_record)
    with file.path.open("rb") as stream:
        starts = {
            record: _record_start(stream, int(r["position"])) for record, r in by_record.items()
        }
    ordered = sorted(set(starts.values()))
    lines = _lines_at(file.path, ordered)
    # a rejected record ends, at the latest, where the next one starts: read each once, and
    # never the rest of the file (a stray quote would make every record swallow it)
    ends = dict(zip(ordered, [*ordered[1:], None], strict=False))
    for record, reject in sorted(by_record.items()):
        start = starts[record]
        line = lines[start]
        try:
            cells = _read_record(file.path, start, ends[start])
        except csv.Error as error:  # a cell longer than csv_layout.MAX_CELL
            problems.quarantined.append(Quarantined(file.label, line, "*", str(error), ""))
            continue
        if "ENCODING" in str(reject["error_type"]).upper():
            problems.quarantined.append(
                Quarantined(file.label, line, "*", "not valid UTF-8", excerpt(cells, match))
            )
            continue
        _reference(schema, cells, file.label, line, grain, problems)
    first = 2 if match.has_header else 1
    records = _record_numbers([int(row["ordinal"]) for row in bad], sorted(by_record), first)
    total = (first - 1) + int(engine.scalar(f"SELECT count(*) FROM {read.table}"))
    total += len(by_record)
    physical = _physical_lines(file.path, set(records.values()), total)
    positions = {name: index for index, name in enumerate(match.columns)}
    for row in bad:
        cells = [""] * len(match.columns)
        for name in names:
            column = match.layout.column(name)
            if column in positions and row[name] is not None:
                cells[positions[column]] = str(row[name])
        line = physical[records[int(row["ordinal"])]]
        _reference(schema, cells, file.label, line, grain, problems)
    problems.bad_ordinals = len(bad)
    return problems


def _reference(
    schema: Schema, cells: list[str], label: str, line: int, grain: str, problems: Problems
) -> None:
    """One row through the reference reader (``csv_reader._row_records``, public parts)."""
    match = schema.match
    if len(cells) != len(match.columns):
        reason = f"row has {len(cells)} cells, the header {len(match.columns)}"
        problems.quarantined.append(Quarantined(label, line, "*", reason, excerpt(cells, match)))
        return
    row = Row(schema, cells)
    locator = f"{label}#L{line}"
    try:
        award = award_from_row(row, locator)
        if grain == "award":
            problems.recovered.append(award)
            return
        transaction = transaction_from_row(row, award.award_key, locator)
    except BadField as bad:
        problems.quarantined.append(
            Quarantined(label, line, bad.field, bad.reason, excerpt(cells, match, bad.field))
        )
        return
    problems.recovered += [award, transaction]


def _record_numbers(ordinals: list[int], rejected: list[int], first: int) -> dict[int, int]:
    """Record number (header = 1) of each accepted row, from its ordinal among accepted rows."""
    found: dict[int, int] = {}
    skipped = 0
    for ordinal in ordinals:
        number = first + ordinal + skipped
        while skipped < len(rejected) and rejected[skipped] <= number:
            skipped += 1
            number = first + ordinal + skipped
        found[ordinal] = number
    return found


def _physical_lines(path: Path, records: set[int], total: int) -> dict[int, int]:
    """The line each record starts on. Without line breaks inside cells that is the record
    number; otherwise the file is walked once with the csv module."""
    if not records:
        return {}
    newlines, last = 0, b""
    with path.open("rb") as stream:
        while chunk := stream.read(_CHUNK):
            newlines += chunk.count(b"\n")
            last = chunk[-1:]
    if newlines + (last not in (b"\n", b"")) == total:
        return {record: record for record in records}
    found: dict[int, int] = {}
    with path.open(encoding="utf-8", errors="replace", newline="") as stream:
        reader = csv.reader(stream)
        previous = 0
        for number, _ in enumerate(reader, start=1):
            if number in records:
                found[number] = previous + 1
                if len(found) == len(records):
                    break
            previous = reader.line_num
    return found


def _record_start(stream: BinaryIO, position: int) -> int:
    """The byte where the record holding ``position`` (in its first line) starts: looked for
    in windows that grow from 256 bytes (a rejected line usually starts at ``position``)."""
    end, window = position, 256
    while end > 0:
        begin = max(0, end - window)
        stream.seek(begin)
        found = stream.read(end - begin).rfind(b"\n")
        if found >= 0:
            return begin + found + 1
        end, window = begin, min(window * 4, _WINDOW)
    return 0


def _lines_at(path: Path, starts: list[int]) -> dict[int, int]:
    """Line number of each byte offset in ``starts`` (sorted), counting newlines once."""
    found: dict[int, int] = {}
    newlines = offset = 0
    with path.open("rb") as stream:
        for start in starts:
            while offset < start:
                chunk = stream.read(min(_CHUNK, start - offset))
                if not chunk:
                    break
                newlines += chunk.count(b"\n")
                offset += len(chunk)
            found[start] = newlines + 1
    return found


def _read_record(path: Path, start: int, end: int | None) -> list[str]:
    """The cells of the record at ``start``, read no further than ``end`` (the next rejected
    record) and than the longest line DuckDB accepts."""
    limit = _MAX_RECORD if end is None else min(end - start, _MAX_RECORD)
    with path.open("rb") as raw:
        raw.seek(start)
        data = raw.read(limit)
    text = data.decode("utf-8", errors="replace")
    cells = next(csv.reader(io.StringIO(text, newline="")), [])
    if start == 0 and cells:
        cells[0] = cells[0].lstrip("\ufeff")
    return cells
