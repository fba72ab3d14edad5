"""Contact data in free text is masked; amounts, dates, codes and ids never are."""

from __future__ import annotations

import csv
import datetime as dt
import re
import sys
from decimal import Decimal
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from whosbehind.model.redaction import (
    EMAIL_MASK,
    MAY_HOLD_CONTACTS,
    PHONE_MASK,
    RedactionCounts,
    mask_contacts,
    redacted_tree,
)

ICE_2018 = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "contracts"
FY_FILES = ("fy13.csv", "fy14.csv", "fy15.csv", "fy16.csv", "fy17.csv", "fy18.csv")
DESCRIPTION = 69  # award_description in the 2018 export's 259 columns
# an address as a reader would spot one: something@host.tld (independent of the masker's pattern)
ADDRESS = re.compile(r"[\w.'+-]+@[\w-]+(?:\.[\w-]+)+")

words = st.text(st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ abcdefghij,;:()"), max_size=30)
separators = st.sampled_from(["-", ".", " ", ""])
area = st.integers(2, 9).map(str) | st.just("")
digit = st.integers(0, 9).map(str)
nanp_part = st.tuples(st.integers(2, 9), digit, digit).map(lambda p: "".join(map(str, p)))
last4 = st.tuples(digit, digit, digit, digit).map("".join)


@st.composite
def phones(draw: st.DrawFn) -> str:
    """North American numbers in the ways people write them."""
    area_code, exchange, line = draw(nanp_part), draw(nanp_part), draw(last4)
    first, second = draw(separators), draw(separators)
    style = draw(st.sampled_from(["plain", "paren", "country", "paren-space"]))
    if style == "paren":
        number = f"({area_code}){exchange}-{line}"
    elif style == "paren-space":
        number = f"({area_code}) {exchange} {line}"
    elif style == "country":
        number = f"+1 {area_code}{first or '-'}{exchange}{second or '-'}{line}"
    else:
        number = f"{area_code}{first}{exchange}{second}{line}"
    extension = draw(st.sampled_from(["", " EXT 4136", " x12"]))
    return number + extension


international = st.tuples(
    st.sampled_from(["+44 20 ", "+33 1 ", "+49 30 ", "+61 2 "]), last4, last4
).map(lambda p: f"{p[0]}{p[1]} {p[2]}")


def _around(text: str) -> st.SearchStrategy[str]:
    return st.tuples(words, words).map(lambda p: f"{p[0]} {text} {p[1]}")


@given(st.emails(), words, words)
def test_every_email_address_is_masked(address: str, before: str, after: str) -> None:
    masked = mask_contacts(f"{before} {address} {after}")
    assert address not in masked.text and EMAIL_MASK in masked.text
    assert masked.emails == 1


@given(phones() | international, words, words)
def test_every_phone_number_is_masked(number: str, before: str, after: str) -> None:
    masked = mask_contacts(f"{before} POC {number}; {after}")
    digits = re.sub(r"\D", "", number.split(" EXT")[0].split(" x")[0])
    assert digits not in re.sub(r"\D", "", masked.text)
    assert PHONE_MASK in masked.text and masked.phones == 1


@given(phones() | international, words, words)
def test_the_sql_path_calls_the_masker_for_every_phone_number(
    number: str, before: str, after: str
) -> None:
    text = f"{before} {number} {after}"
    assert mask_contacts(text).phones == 1
    assert re.search(MAY_HOLD_CONTACTS, text)


@given(st.text(st.sampled_from("0123456789 .-()+#:xXPHONETLpheotl"), max_size=40), words)
def test_a_text_the_masker_changes_matches_the_sql_filter(text: str, before: str) -> None:
    """The SQL path calls the masker only for texts matching ``MAY_HOLD_CONTACTS``: any text
    it would change must match (digits, separators and phone words in any order)."""
    for candidate in (text, f"{before} {text}"):
        if mask_contacts(candidate).text != candidate:
            assert re.search(MAY_HOLD_CONTACTS, candidate), candidate


amounts = st.decimals(0, Decimal("1e13"), places=2).flatmap(
    lambda value: st.sampled_from([f"${value:,}", f"{value}", f"${value}", f"{value:,}"])
)
dates = st.dates(dt.date(1970, 1, 1), dt.date(2099, 12, 31)).flatmap(
    lambda day: st.sampled_from(
        [day.isoformat(), day.strftime("%m/%d/%Y"), day.strftime("%d/%m/%y"), f"{day} 00:00:00"]
    )
)
piids = st.from_regex(r"(HSCE|70CD|GS)[A-Z]{0,2}[0-9]{2}[A-Z][0-9]{5}", fullmatch=True) | (
    st.from_regex(r"HSCE[A-Z]{2}-[0-9]{2}-[A-Z]-[0-9]{5}", fullmatch=True)
)
codes = (
    st.from_regex(r"[0-9]{6}", fullmatch=True)  # NAICS
    | st.from_regex(r"[A-Z0-9][0-9]{3}", fullmatch=True)  # PSC
    | st.from_regex(r"[0-9]{9}", fullmatch=True)  # DUNS
    | st.from_regex(r"[0-9]{9}-?[0-9]{4}", fullmatch=True)  # DUNS+4
    | st.from_regex(r"[A-HJ-NP-Z1-9][A-HJ-NP-Z0-9]{11}", fullmatch=True)  # UEI
)


@given(st.lists(amounts | dates | piids | codes, min_size=1, max_size=4), words)
def test_amounts_dates_ids_and_codes_are_never_masked(values: list[str], text: str) -> None:
    written = f"{text} " + " ; ".join(values)
    masked = mask_contacts(written)
    assert masked.text == written and masked.phones == masked.emails == 0


def _descriptions() -> list[str]:
    csv.field_size_limit(sys.maxsize)
    found = []
    for name in FY_FILES:
        with (ICE_2018 / "ice-fy13-fy18" / name).open(newline="", encoding="utf-8-sig") as f:
            found += [row[DESCRIPTION] for row in csv.reader(f) if len(row) > DESCRIPTION]
    return found


def test_real_descriptions_lose_every_address_and_nothing_else() -> None:
    descriptions = _descriptions()
    with_address = [text for text in descriptions if ADDRESS.search(text)]
    addresses = {found.upper() for text in with_address for found in ADDRESS.findall(text)}
    # measured on the 2018 export: 126 descriptions name 53 distinct addresses
    assert (len(with_address), len(addresses)) == (126, 53)
    kept = re.compile(r"\$[0-9,.]+|[0-9]{1,2}/[0-9]{1,2}/[0-9]{2,4}|[A-Z]{2,}[0-9A-Z-]*[0-9]{5}")
    for text in descriptions:
        masked = mask_contacts(text).text
        assert not ADDRESS.search(masked), masked
        # amounts, dates and contract numbers written in the text are all still there
        assert kept.findall(masked) == [
            token
            for token in kept.findall(text)
            if not any(token in found for found in ADDRESS.findall(text))
        ], text


def test_deep_nesting_is_walked_without_recursion() -> None:
    document: object = {"description": "call 202-732-7354", "email": "a@b.gov"}
    for _ in range(100_000):
        document = {"a": [document]}
    counts = RedactionCounts()
    copy = redacted_tree(document, counts=counts)
    for _ in range(100_000):
        assert isinstance(copy, dict)
        (copy,) = copy["a"]
    assert copy == {"description": f"call {PHONE_MASK}"}
    assert (counts.fields, counts.phones) == (1, 1)


def test_trees_drop_contact_keys_and_mask_values() -> None:
    document = {
        "piid": "HSCETE11A00002",
        "officers": [{"name": "X"}],
        "Phone": "202-732-7354",
        "notes": ["reach J.DOE@ICE.DHS.GOV or (202) 732 7112"],
        "total": 2027327354,
        "id": "2027327354",
    }
    counts = RedactionCounts()
    copy = redacted_tree(document, frozenset({"officers"}), counts)
    assert copy == {
        "piid": "HSCETE11A00002",
        "notes": [f"reach {EMAIL_MASK} or {PHONE_MASK}"],
        "total": 2027327354,
        "id": "2027327354",
    }
    assert counts.audit() == {"(removed) field": 2, "(masked) e-mail": 1, "(masked) phone": 1}
