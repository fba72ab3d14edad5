"""Readers for the SEC's ``company_tickers.json`` and ``company_tickers_exchange.json``.

``company_tickers.json`` is an object of numbered records ``{"0": {"cik_str": 1018724,
"ticker": "AMZN", "title": "AMAZON COM INC"}, ...}``; ``company_tickers_exchange.json`` is
``{"fields": ["cik", "name", "ticker", "exchange"], "data": [[1018724, "AMAZON COM INC", "AMZN",
"Nasdaq"], ...]}``. A company with several share classes or listings has one record per ticker.
Both read into ``SecCompany`` rows (one per CIK, tickers and exchanges gathered) and from there
into ``OrgRecord(source="sec")`` with the CIK zero-padded to ten digits, as EDGAR writes it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from whosbehind.errors import SnapshotError, SourceError
from whosbehind.model.orgs import OrgRecord
from whosbehind.sources.sec.metadata import FEED_EXCHANGE, FEED_TICKERS, FILE_NAMES

CIK_DIGITS = 10
EXCHANGE_FIELDS = ("cik", "name", "ticker", "exchange")
# EDGAR appends a disambiguating tag to some names: a state or country of incorporation
# ("THOMSON REUTERS CORP /CAN/", "/DE/"), "/ADR", "/NEW/". It is no part of the company's name.
_EDGAR_TAG = re.compile(r"\s+/\s?(?P<tag>[A-Za-z]{2,7}(?: [A-Za-z]+)?)/?$")


@dataclass(frozen=True, slots=True)
class SecListing:
    """One record of either file: a ticker of a company, where it was read."""

    cik: str  # ten digits
    name: str
    ticker: str
    exchange: str | None
    locator: str  # file#record


@dataclass(frozen=True, slots=True)
class SecCompany:
    """Every listing of one CIK: the side mapping of tickers and exchanges to a company."""

    cik: str
    name: str  # without EDGAR's tag
    tag: str | None  # EDGAR's tag: "CAN", "DE", "ADR", "NEW"
    tickers: tuple[str, ...]
    exchanges: tuple[str, ...]
    citation: str  # the first record that names it

    def to_org_record(self) -> OrgRecord:
        return OrgRecord(
            record_key=f"sec:cik:{self.cik}",
            source="sec",
            name=self.name,
            cik=self.cik,
            citation=self.citation,
        )


def cik10(value: object, where: str) -> str:
    """A CIK as EDGAR writes it in URLs and filings: ten digits, zero-padded."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise SnapshotError(where, f"field cik: expected a number, got {value!r}")
    text = str(value).strip()
    if not text.isdigit() or not 0 < int(text) < 10**CIK_DIGITS:
        raise SnapshotError(where, f"field cik: not a CIK (1 to 10 digits): {value!r}")
    return str(int(text)).zfill(CIK_DIGITS)


def split_tag(name: str) -> tuple[str, str | None]:
    """``"THOMSON REUTERS CORP /CAN/"`` -> ``("THOMSON REUTERS CORP", "CAN")``."""
    found = _EDGAR_TAG.search(name)
    if not found or not any(ch.isalnum() for ch in name[: found.start()]):
        return name, None
    return name[: found.start()], found.group("tag")


def _text(value: object, field: str, where: str, *, optional: bool = False) -> str | None:
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value.strip():
        raise SnapshotError(where, f"field {field}: expected a non-empty string, got {value!r}")
    return " ".join(value.split())


def _load(content: bytes, locator: str) -> object:
    try:
        return json.loads(content)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise SnapshotError(locator, f"not JSON: {error}") from None


def parse_company_tickers(content: bytes, locator: str) -> list[SecListing]:
    """``company_tickers.json``: errors name the file, the record's key and the field."""
    data = _load(content, locator)
    if not isinstance(data, dict):
        raise SnapshotError(locator, "expected an object of numbered records")
    listings: list[SecListing] = []
    for key, record in data.items():
        where = f"{locator}#{key}"
        if not isinstance(record, dict):
            raise SnapshotError(where, f"expected an object, got {type(record).__name__}")
        for field in ("cik_str", "ticker", "title"):
            if field not in record:
                raise SnapshotError(where, f"field {field}: missing")
        listings.append(
            SecListing(
                cik=cik10(record["cik_str"], where),
                name=str(_text(record["title"], "title", where)),
                ticker=str(_text(record["ticker"], "ticker", where)),
                exchange=None,
                locator=where,
            )
        )
    return listings


def parse_company_tickers_exchange(content: bytes, locator: str) -> list[SecListing]:
    """``company_tickers_exchange.json``: the exchange may be null (not listed on one)."""
    data = _load(content, locator)
    if not isinstance(data, dict) or "data" not in data or "fields" not in data:
        raise SnapshotError(locator, "expected an object with 'fields' and 'data'")
    fields = data["fields"]
    if not isinstance(fields, list) or tuple(fields) != EXCHANGE_FIELDS:
        raise SnapshotError(
            locator, f"field fields: expected {list(EXCHANGE_FIELDS)}, got {fields!r}"
        )
    rows = data["data"]
    if not isinstance(rows, list):
        raise SnapshotError(locator, "field data: expected a list of records")
    listings: list[SecListing] = []
    for index, row in enumerate(rows):
        where = f"{locator}#data[{index}]"
        if not isinstance(row, list) or len(row) != len(EXCHANGE_FIELDS):
            raise SnapshotError(where, f"expected a list of {len(EXCHANGE_FIELDS)} values")
        cik, name, ticker, exchange = row
        listings.append(
            SecListing(
                cik=cik10(cik, where),
                name=str(_text(name, "name", where)),
                ticker=str(_text(ticker, "ticker", where)),
                exchange=_text(exchange, "exchange", where, optional=True),
                locator=where,
            )
        )
    return listings


def companies(listings: Iterable[SecListing]) -> list[SecCompany]:
    """One company per CIK, in the order of first appearance; its first name is kept."""
    first: dict[str, SecListing] = {}
    tickers: dict[str, dict[str, None]] = {}
    exchanges: dict[str, dict[str, None]] = {}
    for listing in listings:
        first.setdefault(listing.cik, listing)
        tickers.setdefault(listing.cik, {})[listing.ticker] = None
        if listing.exchange:
            exchanges.setdefault(listing.cik, {})[listing.exchange] = None
    return [
        SecCompany(
            cik=cik,
            name=split_tag(listing.name)[0],
            tag=split_tag(listing.name)[1],
            tickers=tuple(tickers[cik]),
            exchanges=tuple(exchanges.get(cik, {})),
            citation=listing.locator,
        )
        for cik, listing in first.items()
    ]


def read_sec_folder(folder: Path) -> list[SecCompany]:
    """Both files of ``folder`` (either may be missing, not both), merged by CIK."""
    listings: list[SecListing] = []
    parsers = {
        FEED_TICKERS: parse_company_tickers,
        FEED_EXCHANGE: parse_company_tickers_exchange,
    }
    found = False
    for feed, parse in parsers.items():
        path = folder / FILE_NAMES[feed]
        if path.is_file():
            found = True
            listings.extend(parse(path.read_bytes(), str(path)))
    if not found:
        expected = " or ".join(FILE_NAMES.values())
        raise SourceError(f"{folder}: no SEC company file here (expected {expected})")
    return companies(listings)


def sec_org_records(folder: Path) -> list[OrgRecord]:
    """Org records of every SEC registrant with a ticker: CIK and canonical name."""
    return [company.to_org_record() for company in read_sec_folder(folder)]
