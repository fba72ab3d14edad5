"""Stream USAspending contract CSVs into Award, Transaction and Quarantined records.

A source is a CSV file, a folder of them, or a zip archive as USAspending serves it (the
award data archive, custom downloads). In folders and archives, files that are no contract
CSV (readmes, account breakdowns, curated side files) are skipped and listed in the report;
a file named explicitly must be one.

Transaction-grain layouts yield one Transaction per row and, at the end of each file, one
Award per award key: the row with the latest action date (a later row wins a tie).
A row that cannot be read is yielded as Quarantined with its line, field and reason.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO, Protocol

from whosbehind.errors import SnapshotError, SourceError
from whosbehind.model.contracts import (
    Award,
    ContractRecord,
    Quarantined,
    Transaction,
    fiscal_year,
)
from whosbehind.sources.usaspending.csv_layout import detect_layout
from whosbehind.sources.usaspending.csv_rows import Row, Schema, award_from_row, excerpt
from whosbehind.sources.usaspending.values import BadField


@dataclass(slots=True)
class FileReport:
    name: str
    layout: str
    has_header: bool
    missing_columns: tuple[str, ...]
    unknown_columns: tuple[str, ...]
    rows: int = 0
    quarantined: int = 0


@dataclass(slots=True)
class CsvReport:
    """What a read found: per-file layouts and counts, skipped files, unexpected columns
    (``unknown_fields`` maps a column name to the number of rows that carried it)."""

    files: list[FileReport] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    unknown_fields: dict[str, int] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return sum(item.rows for item in self.files)

    @property
    def quarantined(self) -> int:
        return sum(item.quarantined for item in self.files)


Opener = Callable[[], IO[str]]
Latest = dict[str, tuple[dt.date, Award]]


class _CsvReader(Protocol):
    line_num: int

    def __iter__(self) -> Iterator[list[str]]: ...

    def __next__(self) -> list[str]: ...


def iter_csv_records(
    source: str | Path, report: CsvReport | None = None, *, name: str | None = None
) -> Iterator[ContractRecord]:
    """Records from a CSV file, folder or zip archive. ``name`` replaces the path in locators
    (pass the URL a file was downloaded from). ``report`` is filled in as records stream."""
    path = Path(source)
    report = report if report is not None else CsvReport()
    label = name or str(path)
    if not path.exists():
        raise SourceError(f"{path}: no such file or folder")
    if path.is_dir():
        for child in sorted(path.iterdir()):
            child_label = f"{label}/{child.name}"
            if child.suffix.lower() == ".zip":
                yield from _iter_zip(child, child_label, report)
            elif child.suffix.lower() == ".csv":
                yield from _read_file(child_label, _file_opener(child), report, explicit=False)
    elif path.suffix.lower() == ".zip":
        yield from _iter_zip(path, label, report)
    else:
        yield from _read_file(label, _file_opener(path), report, explicit=True)


def _file_opener(path: Path) -> Opener:
    return lambda: path.open(encoding="utf-8-sig", newline="")


def _iter_zip(path: Path, label: str, report: CsvReport) -> Iterator[ContractRecord]:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as error:
        raise SnapshotError(label, f"not a zip archive: {error}") from None
    with archive:
        for member in sorted(archive.namelist()):
            member_label = f"{label}!{member}"
            if member.endswith("/"):
                continue
            if not member.lower().endswith(".csv"):
                report.skipped.append((member_label, "not a CSV file"))
                continue

            def opener(member: str = member) -> IO[str]:
                return io.TextIOWrapper(archive.open(member), encoding="utf-8-sig", newline="")

            yield from _read_file(member_label, opener, report, explicit=False)


def _read_file(
    label: str, opener: Opener, report: CsvReport, *, explicit: bool
) -> Iterator[ContractRecord]:
    with opener() as stream:
        try:
            yield from _read_rows(label, csv.reader(stream), report, explicit=explicit)
        except (UnicodeDecodeError, csv.Error) as error:
            raise SnapshotError(label, f"unreadable CSV: {error}") from None


def _read_rows(
    label: str, reader: _CsvReader, report: CsvReport, *, explicit: bool
) -> Iterator[ContractRecord]:
    first = next(reader, None)
    match = detect_layout(first, label) if first is not None else None
    if match is None:
        reason = "empty file" if first is None else f"no known layout ({len(first)} columns)"
        if explicit:
            raise SnapshotError(label, f"not a USAspending contract CSV: {reason}")
        report.skipped.append((label, reason))
        return
    file_report = FileReport(
        label, match.layout.name, match.has_header, match.missing, match.unknown
    )
    report.files.append(file_report)
    rows: Iterator[list[str]] = reader if match.has_header else _prepend(first or [], reader)
    schema = Schema(match)
    latest: Latest = {}
    start = 2 if match.has_header else 1
    for cells in rows:
        file_report.rows += 1
        for record in _row_records(schema, cells, label, start, latest):
            if isinstance(record, Quarantined):
                file_report.quarantined += 1
            yield record
        start = reader.line_num + 1
    for _, award in latest.values():
        yield award
    for column in match.unknown:
        report.unknown_fields[column] = report.unknown_fields.get(column, 0) + file_report.rows


def _prepend(first: list[str], rest: Iterator[list[str]]) -> Iterator[list[str]]:
    yield first
    yield from rest


def _row_records(
    schema: Schema,
    cells: list[str],
    label: str,
    line: int,
    latest: Latest,
) -> list[ContractRecord]:
    match = schema.match
    locator = f"{label}#L{line}"
    if len(cells) != len(match.columns):
        reason = f"row has {len(cells)} cells, the header {len(match.columns)}"
        return [Quarantined(label, line, "*", reason, excerpt(cells, match))]
    row = Row(schema, cells)
    try:
        award = award_from_row(row, locator)
        if match.layout.grain == "award":
            return [award]
        transaction = transaction_from_row(row, award.award_key, locator)
    except BadField as bad:
        return [Quarantined(label, line, bad.field, bad.reason, excerpt(cells, match, bad.field))]
    previous = latest.get(award.award_key)
    if previous is None or transaction.action_date >= previous[0]:
        latest[award.award_key] = (transaction.action_date, award)
    return [transaction]


def transaction_from_row(row: Row, award_key: str, locator: str) -> Transaction:
    """The transaction a row states; raises BadField naming the field that is wrong."""
    action_date = row.required(row.date, "action_date")
    obligation: Decimal = row.required(row.money, "federal_action_obligation")
    return Transaction(
        award_key=award_key,
        modification_number=row.text("modification_number") or "0",
        transaction_number=row.text("transaction_number") or "0",
        action_date=action_date,
        fiscal_year=fiscal_year(action_date),
        federal_action_obligation=obligation,
        action_type=row.text("action_type_code"),
        action_type_description=row.text("action_type"),
        locator=locator,
    )
