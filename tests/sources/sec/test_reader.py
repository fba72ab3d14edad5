"""One SEC ticker file read as a snapshot: one fact per CIK, equal to what the folder reader
makes of the file, each citing a JSONPath that selects the record it names."""

from __future__ import annotations

import json

import pytest

from tests.conftest import SHARED_DATA
from whosbehind.errors import SnapshotError
from whosbehind.export.jsonpath import select
from whosbehind.model.sec import SecRegistrant
from whosbehind.sources.fetch import read_file
from whosbehind.sources.sec.company_tickers import (
    companies,
    parse_company_tickers,
    parse_company_tickers_exchange,
)
from whosbehind.sources.sec.reader import feed_of, json_path, parse_sec_snapshot
from whosbehind.sources.snapshot import RawSnapshot

SEC = SHARED_DATA / "sec"
FILES = {
    "sec-company-tickers": ("company_tickers.json", parse_company_tickers),
    "sec-company-tickers-exchange": (
        "company_tickers_exchange.json",
        parse_company_tickers_exchange,
    ),
}


@pytest.mark.parametrize("feed", sorted(FILES))
def test_each_file_reads_into_the_companies_the_folder_reader_makes(feed: str) -> None:
    name, parse = FILES[feed]
    raw = read_file(SEC / name)
    parsed = parse_sec_snapshot(raw)
    assert parsed.feed == feed and parsed.record_time is None  # no stamp: the file's time
    facts = [fact for group in parsed.groups for fact in group.build()]
    assert all(isinstance(fact, SecRegistrant) for fact in facts)
    expected = companies(parse(raw.content, str(SEC / name)))
    assert [
        (f.cik, f.name, f.tag, f.tickers, f.exchanges)
        for f in facts
        if isinstance(f, SecRegistrant)
    ] == [(c.cik, c.name, c.tag, ",".join(c.tickers), ",".join(c.exchanges)) for c in expected]
    assert [group.group for group in parsed.groups] == [c.cik for c in expected]


@pytest.mark.parametrize("feed", sorted(FILES))
def test_every_locator_selects_a_record_of_its_cik(feed: str) -> None:
    name, _ = FILES[feed]
    raw = read_file(SEC / name)
    document = json.loads(raw.content)
    for group in parse_sec_snapshot(raw).groups:
        fact = group.build()[0]
        assert isinstance(fact, SecRegistrant)
        found = select(document, fact.locator)
        assert len(found) == 1
        record = found[0]
        cik = record["cik_str"] if isinstance(record, dict) else record[0]
        assert int(cik) == int(fact.cik)
        assert (record["title"] if isinstance(record, dict) else record[1]) == fact.name_raw


def test_a_key_with_quotes_is_escaped_in_its_path() -> None:
    assert json_path("f.json#it's") == "$['it\\'s']"
    assert select({"it's": 1}, json_path("f.json#it's")) == [1]
    assert json_path("f.json#data[7]") == "$.data[7]"


def test_the_feed_is_known_by_the_file_name_and_any_other_file_is_refused() -> None:
    assert feed_of("/x/company_tickers.json") == "sec-company-tickers"
    assert feed_of("archive.zip!company_tickers_exchange.json") == "sec-company-tickers-exchange"
    assert feed_of("/x/tickers.json") is None
    raw = read_file(SEC / "SOURCES.md")
    with pytest.raises(SnapshotError, match="not an SEC ticker file"):
        parse_sec_snapshot(RawSnapshot("other.json", raw.content, raw.fallback_time))
