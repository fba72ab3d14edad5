"""The SEC company files read into one company per CIK, checked against the files themselves."""

from __future__ import annotations

import contextlib
import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import SHARED_DATA
from whosbehind.errors import SnapshotError, SourceError
from whosbehind.sources.sec.company_tickers import (
    companies,
    parse_company_tickers,
    parse_company_tickers_exchange,
    read_sec_folder,
    sec_org_records,
    split_tag,
)

SEC = SHARED_DATA / "sec"


def _checked_entries() -> dict[str, int]:
    """Ticker -> CIK pairs the data's SOURCES.md says were checked by hand on sec.gov."""
    text = (SEC / "SOURCES.md").read_text()
    line = next(line for line in text.splitlines() if line.startswith("Checked entries:"))
    pairs = re.findall(r"([A-Z]+(?:/[A-Z]+)?) (\d+)", line)
    found: dict[str, int] = {}
    for tickers, cik in pairs:
        for ticker in tickers.split("/"):
            found[ticker] = int(cik)
    return found


def test_every_cik_of_both_files_is_one_company() -> None:
    tickers = json.loads((SEC / "company_tickers.json").read_bytes())
    exchange = json.loads((SEC / "company_tickers_exchange.json").read_bytes())
    ciks = {r["cik_str"] for r in tickers.values()} | {row[0] for row in exchange["data"]}
    read = read_sec_folder(SEC)
    assert len(read) == len(ciks)
    assert {int(c.cik) for c in read} == ciks
    assert all(len(c.cik) == 10 and c.cik.isdigit() for c in read)


def test_hand_checked_tickers_have_their_cik() -> None:
    checked = _checked_entries()
    assert len(checked) >= 15
    by_ticker = {t: int(c.cik) for c in read_sec_folder(SEC) for t in c.tickers}
    assert {t: by_ticker.get(t) for t in checked} == checked


def test_tickers_and_exchanges_gathered_per_cik() -> None:
    exchange = json.loads((SEC / "company_tickers_exchange.json").read_bytes())
    expected: dict[int, set[tuple[str, str | None]]] = {}
    for cik, _, ticker, venue in exchange["data"]:
        expected.setdefault(cik, set()).add((ticker, venue))
    read = companies(
        parse_company_tickers_exchange((SEC / "company_tickers_exchange.json").read_bytes(), "x")
    )
    for company in read:
        listed = expected[int(company.cik)]
        assert set(company.tickers) == {t for t, _ in listed}
        assert set(company.exchanges) == {v for _, v in listed if v}


def test_org_records_carry_cik_and_a_name_without_edgar_tags() -> None:
    records = sec_org_records(SEC)
    assert all(r.source == "sec" and r.record_key == f"sec:cik:{r.cik}" for r in records)
    assert len({r.record_key for r in records}) == len(records)
    tagged = [r for r in records if re.search(r"\s/[A-Z]{2,3}/$", r.name)]
    assert tagged == []
    raw = json.loads((SEC / "company_tickers.json").read_bytes())
    with_tag = next(r for r in raw.values() if r["title"].endswith(" /CAN/"))
    record = next(r for r in records if r.cik == str(with_tag["cik_str"]).zfill(10))
    assert record.name == with_tag["title"].removesuffix(" /CAN/")
    assert record.citation.startswith(str(SEC / "company_tickers.json") + "#")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"[1, 2]", "expected an object"),
        (b'{"0": {"cik_str": "x1", "ticker": "A", "title": "A INC"}}', "#0: field cik"),
        (b'{"0": {"cik_str": 1, "ticker": "A"}}', "#0: field title: missing"),
        (b'{"7": {"cik_str": 1, "ticker": "", "title": "A INC"}}', "#7: field ticker"),
        (b"{not json", "not JSON"),
    ],
)
def test_bad_ticker_records_name_file_record_and_field(content: bytes, message: str) -> None:
    with pytest.raises(SnapshotError, match=re.escape(message)) as raised:
        parse_company_tickers(content, "tickers.json")
    assert str(raised.value).startswith("tickers.json")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"fields": ["cik", "name"], "data": []}', "field fields"),
        (b'{"fields": ["cik", "name", "ticker", "exchange"], "data": [[1, "A", "A"]]}', "data[0]"),
        (
            b'{"fields": ["cik", "name", "ticker", "exchange"], "data": [[1, "A", "A", null],'
            b' [0, "B", "B", "NYSE"]]}',
            "data[1]: field cik",
        ),
    ],
)
def test_bad_exchange_records_name_the_record(content: bytes, message: str) -> None:
    with pytest.raises(SnapshotError, match=re.escape(message)):
        parse_company_tickers_exchange(content, "exchange.json")


def test_a_folder_without_the_files_is_a_source_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no SEC company file"):
        read_sec_folder(tmp_path)


_names = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30
).filter(lambda s: s.strip())
_listing = st.tuples(
    st.integers(min_value=1, max_value=9_999_999_999),
    _names,
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ-", min_size=1, max_size=6),
    st.sampled_from(["Nasdaq", "NYSE", "OTC", "CBOE", None]),
)


@given(st.lists(_listing, max_size=20))
def test_parsers_read_back_what_was_written(rows: list[tuple[int, str, str, str | None]]) -> None:
    exchange = json.dumps({"fields": ["cik", "name", "ticker", "exchange"], "data": rows})
    tickers = json.dumps(
        {str(i): {"cik_str": c, "ticker": t, "title": n} for i, (c, n, t, _) in enumerate(rows)}
    )
    from_exchange = parse_company_tickers_exchange(exchange.encode(), "e")
    from_tickers = parse_company_tickers(tickers.encode(), "t")
    for listings in (from_exchange, from_tickers):
        assert [int(x.cik) for x in listings] == [c for c, *_ in rows]
        assert [x.name for x in listings] == [" ".join(n.split()) for _, n, *_ in rows]
    assert [x.exchange for x in from_exchange] == [v for *_, v in rows]
    merged = companies(from_exchange)
    assert {c.cik for c in merged} == {str(c).zfill(10) for c, *_ in rows}


@given(st.binary(max_size=200))
def test_arbitrary_bytes_raise_only_snapshot_errors(content: bytes) -> None:
    for parse in (parse_company_tickers, parse_company_tickers_exchange):
        with contextlib.suppress(SnapshotError):
            parse(content, "f")


@given(_names)
def test_tag_split_never_empties_a_name(name: str) -> None:
    rest, tag = split_tag(name)
    assert any(ch.isalnum() for ch in rest) or rest == name
    if tag is None:
        assert rest == name
    else:
        assert name.startswith(rest) and tag in name[len(rest) :]
