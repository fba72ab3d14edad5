"""The fast reader's checks agree with the reference parsers value for value: an amount or a
date the reference refuses is ``_bad``, one it reads is read to the same value."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from whosbehind.model.contracts import check_date, parse_money
from whosbehind.sources.usaspending import csv_duckdb
from whosbehind.sources.usaspending.csv_layout import detect_layout
from whosbehind.sources.usaspending.values import parse_date

AMOUNTS = [
    "8392.90", "-1.5", "+4", ".5", "1.", "1.40E+11", "1e3", "0", "-0.00", " 12.30 ", "1,000.00",
    "12,5O0.00", "1_000", "$5", "--5", "0x10", "inf", "NaN", ".", "1.005", "1e-3", "2.5e1",
    "1E+40", "123456789012345678901234567890", "١٢", "\uff11\uff12\uff13", "Infinity", "-inf",
    "nan",
]  # fmt: skip
DATES = [
    "2018-06-22", "2007-08-30 00:00:00", "2007-08-30T12:30", "2007-08-30 00:00:00.000",
    "22/06/2018", "01/05/14 00:00", "1/5/2014", "31/12/68", "01/01/69", "31/02/2014",
    "2014-02-31", "2014-5-1", "20140501", "sometime", "2014/05/01", "01/05/14 3:04:05",
    "13/13/2013", "00/01/2014", "0001-01-01", "9999-12-31", "1899-12-31", "2150-06-01",
    "\uff12\uff10\uff11\uff18-\uff10\uff16-\uff12\uff12", "01/01/0001",
]  # fmt: skip


def _reference(read: object, text: str) -> object:
    try:
        return read(text)  # type: ignore[operator]
    except ValueError:
        return "bad"


def _staged(tmp_path: Path, source: Path, header: bool, money: str, date: str) -> list[tuple]:
    with source.open(newline="", encoding="utf-8") as stream:
        rows = list(csv.reader(stream))
    names = rows[0] if header else None
    template = rows[1] if header else rows[0]
    match = detect_layout(rows[0], str(source))
    assert match is not None
    columns = list(match.columns)
    out = []
    for amount in AMOUNTS:
        row = list(template)
        row[columns.index(money)] = amount
        out.append(row)
    for day in DATES:
        row = list(template)
        row[columns.index(match.layout.column(date))] = day
        out.append(row)
    target = tmp_path / "values.csv"
    with target.open("w", newline="", encoding="utf-8") as stream:
        csv.writer(stream).writerows(([names] if names else []) + out)
    read = csv_duckdb.staging_sql(str(target), match, "stage", "rejects", "scan")
    connection = duckdb.connect()
    connection.execute(read.create)
    found = connection.execute(
        f"SELECT {money}__v, {date}__v, _bad FROM stage ORDER BY rowid"
    ).fetchall()
    assert connection.execute("SELECT count(*) FROM rejects").fetchall() == [(0,)]
    return found


def _expected_money(text: str) -> object:
    if not text.strip():
        return None
    value = _reference(parse_money, text)
    if value == "bad":
        return value
    assert isinstance(value, Decimal)
    if value.adjusted() >= 28 or value != value.quantize(Decimal("0.01")):
        return "bad"  # the store keeps cents: the row goes to quarantine
    return value


@pytest.mark.parametrize(
    ("folder", "name", "header", "day_first"),
    [
        ("ice-local-gov", "us-reg-state-gov-ice-contracts.csv", True, False),
        ("ice-fy13-fy18", "fy13.csv", True, True),
    ],
)
def test_amounts_and_dates_as_the_reference_reads_them(
    shared_data: Path, tmp_path: Path, folder: str, name: str, header: bool, day_first: bool
) -> None:
    source = shared_data / "contracts" / folder / name
    found = _staged(
        tmp_path, source, header, "potential_total_value_of_award",
        "period_of_performance_start_date",
    )  # fmt: skip
    for text, (amount, _, bad) in zip(AMOUNTS, found[: len(AMOUNTS)], strict=True):
        expected = _expected_money(text)
        if expected == "bad":
            assert bad, text
        else:
            assert not bad and amount == expected, text
    for text, (_, day, bad) in zip(DATES, found[len(AMOUNTS) :], strict=True):
        expected = _reference(
            lambda t: check_date(parse_date(t, day_first=day_first), action=False), text
        )
        if expected == "bad":
            assert bad, text
        else:
            assert not bad and day == expected and isinstance(day, dt.date), text


_MOMENTS = st.datetimes(min_value=dt.datetime(1970, 1, 1), max_value=dt.datetime(2068, 12, 31))


@pytest.mark.parametrize(
    ("folder", "name", "header"),
    [
        ("ice-local-gov", "us-reg-state-gov-ice-contracts.csv", True),
        ("ice-fy13-fy18", "fy13.csv", True),
    ],
)
@settings(max_examples=25)
@given(
    moments=st.lists(st.tuples(_MOMENTS, st.sampled_from(["iso", "day", "slashed"])), max_size=6)
)
def test_stated_times_are_the_newest_modification_and_action(
    shared_data: Path,
    tmp_path_factory: pytest.TempPathFactory,
    folder: str,
    name: str,
    header: bool,
    moments: list[tuple[dt.datetime, str]],
) -> None:
    """``last_modified_date`` as each layout writes it (ISO with or without a time; the 2018
    export's ``dd/mm/yy HH:MM``), a bare date being the end of its day: the newest of them."""
    source = shared_data / "contracts" / folder / name
    with source.open(newline="", encoding="utf-8") as stream:
        rows = list(csv.reader(stream))
    match = detect_layout(rows[0], str(source))
    assert match is not None
    day_first = match.layout.day_first
    columns = list(match.columns)
    modified = columns.index("last_modified_date")
    out, expected = [], []
    for moment, style in moments:
        row = list(rows[1])
        if style == "iso":
            row[modified] = moment.isoformat(sep=" ", timespec="seconds")
            expected.append(moment.replace(microsecond=0))
        elif style == "day":
            row[modified] = moment.date().isoformat()
            expected.append(dt.datetime.combine(moment.date(), dt.time(23, 59, 59)))
        else:
            shown = moment.strftime("%d/%m/%y %H:%M" if day_first else "%m/%d/%y %H:%M")
            row[modified] = shown
            expected.append(moment.replace(second=0, microsecond=0))
        out.append(row)
    target = tmp_path_factory.mktemp("stated") / "stated.csv"
    with target.open("w", newline="", encoding="utf-8") as stream:
        csv.writer(stream).writerows([rows[0], *out])
    found = duckdb.connect().execute(csv_duckdb.stated_times_sql(str(target), match)).fetchone()
    assert found is not None
    assert found[0] == (max(expected) if expected else None)
    action = match.layout.column("action_date")
    column = action if action in columns else "award_latest_action_date"
    days = [parse_date(row[columns.index(column)], day_first=day_first) for row in out]
    assert found[1] == (max(days) if days else None)


def _cleaned(text: str | None, nan_is_empty: bool) -> str | None:
    """What ``_clean`` means, written out: blanks (spaces) around dropped, empty is NULL, and
    so is a cell under 8 bytes that trims to ``NAN`` in any case (unless an amount)."""
    if text is None:
        return None
    value = text.strip(" ")
    if nan_is_empty and len(text.encode()) < 8 and value.upper() == "NAN":
        return None
    return value or None


@settings(max_examples=300)
@given(
    texts=st.lists(
        st.one_of(
            st.none(),
            st.text(alphabet=" nNaAx\t\u0131\u00e9\u017f", max_size=9),
            st.text(max_size=12),
        ),
        min_size=1,
        max_size=40,
    )
)
def test_cleaning_drops_blanks_empty_and_nan_as_written(texts: list[str | None]) -> None:
    connection = duckdb.connect()
    connection.execute("CREATE TABLE t (i INTEGER, x VARCHAR)")
    connection.executemany("INSERT INTO t VALUES (?, ?)", list(enumerate(texts)))
    found = connection.execute(
        f"SELECT {csv_duckdb._clean('x', True)}, {csv_duckdb._clean('x', False)} "
        "FROM t ORDER BY i"
    ).fetchall()
    assert found == [(_cleaned(text, True), _cleaned(text, False)) for text in texts]
