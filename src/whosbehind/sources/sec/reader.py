"""One SEC ticker file read as a snapshot: one record group per CIK, each building one
``SecRegistrant`` fact (its first name in the file, every ticker and exchange, and the JSONPath
of the record that first names it, which ``whosbehind cite`` reads back).

The files carry no version stamp: a snapshot's record time is the file's own time (its
modification time, or the retrieval time of a download).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import PurePath

from whosbehind.errors import SnapshotError
from whosbehind.model.facts import Fact, ParsedSnapshot, RecordGroup
from whosbehind.model.sec import SecRegistrant
from whosbehind.sources.sec.company_tickers import (
    SecListing,
    parse_company_tickers,
    parse_company_tickers_exchange,
    split_tag,
)
from whosbehind.sources.sec.metadata import FEED_EXCHANGE, FEED_TICKERS, FILE_NAMES
from whosbehind.sources.snapshot import RawSnapshot

PARSERS = {FEED_TICKERS: parse_company_tickers, FEED_EXCHANGE: parse_company_tickers_exchange}


def feed_of(locator: str) -> str | None:
    """The feed a file belongs to, by the publisher's file name."""
    name = PurePath(locator.rpartition("!")[2]).name
    return next((feed for feed, file in FILE_NAMES.items() if file == name), None)


def json_path(listing_locator: str) -> str:
    """``file#0`` -> ``$['0']`` (company_tickers.json), ``file#data[3]`` -> ``$.data[3]``."""
    where = listing_locator.rpartition("#")[2]
    if where.startswith("data[") and where.endswith("]"):
        return f"$.{where}"
    escaped = where.replace("\\", "\\\\").replace("'", "\\'")
    return f"$['{escaped}']"


def registrants(listings: list[SecListing]) -> dict[str, SecRegistrant]:
    """One fact per CIK in file order: the first listing's name and record, every ticker and
    exchange of the CIK's listings."""
    first: dict[str, SecListing] = {}
    tickers: dict[str, dict[str, None]] = {}
    exchanges: dict[str, dict[str, None]] = {}
    for listing in listings:
        first.setdefault(listing.cik, listing)
        tickers.setdefault(listing.cik, {})[listing.ticker] = None
        if listing.exchange:
            exchanges.setdefault(listing.cik, {})[listing.exchange] = None
    found: dict[str, SecRegistrant] = {}
    for cik, listing in first.items():
        name, tag = split_tag(listing.name)
        found[cik] = SecRegistrant(
            cik=cik,
            name=name,
            name_raw=listing.name,
            tag=tag,
            tickers=",".join(tickers[cik]),
            exchanges=",".join(exchanges.get(cik, {})),
            locator=json_path(listing.locator),
        )
    return found


def parse_sec_snapshot(raw: RawSnapshot) -> ParsedSnapshot:
    """The registrants of one ticker file; a ``SnapshotError`` names the file, record, field."""
    feed = feed_of(raw.locator)
    if feed is None:
        expected = " or ".join(FILE_NAMES.values())
        raise SnapshotError(raw.locator, f"not an SEC ticker file (expected {expected})")
    facts = registrants(PARSERS[feed](raw.content, raw.locator))
    groups = [RecordGroup(cik, fact, _builder(fact)) for cik, fact in facts.items()]
    return ParsedSnapshot(feed=feed, record_time=None, groups=groups)


def _builder(fact: SecRegistrant) -> Callable[[], Sequence[Fact]]:
    return lambda: [fact]
