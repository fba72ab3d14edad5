"""Names of officials after a contact role (``COR IS JANE DOE``) are masked in free
text; companies, agencies and text without a role never are. Property tests, and the 2018 ICE
export counted with a pattern of its own."""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from whosbehind.model.redaction import (
    MAY_HOLD_CONTACTS,
    NAME_MASK,
    RedactionCounts,
    mask_contacts,
    redacted_tree,
)

ICE_2018 = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "contracts"
FY_FILES = ("fy13.csv", "fy14.csv", "fy15.csv", "fy16.csv", "fy17.csv", "fy18.csv")
DESCRIPTION = 69  # award_description in the 2018 export's 259 columns

GIVEN = ["JANE", "Mary", "JOHN", "Richard", "ROE", "Pat", "ANNA", "Quentin"]  # made up
FAMILY = ["DOE", "Public", "ROESTER", "Smith", "QUINCE", "Sample", "EXAMPLE", "Tester"]
ROLES = ["COR: ", "COR IS ", "POC: ", "POC; ", "ACOR: ", "COTR ", "POC ", "ATTN: ",
         "CONTRACTING OFFICER: ", "Contract Specialist: ", "Point of Contact: ", "CONTACT: ",
         "CO: ", "TECHNICAL REP: ", "OBLIGATION POC'S: "]  # fmt: skip
AFTER = st.sampled_from(["", ".", "; ", ": 202-732-4161", " 202-732-4161", ", OBLIGATION"])
LOWER = st.text(st.sampled_from("abcdefghij ,;()0123456789"), max_size=30)
COMPANY = st.sampled_from(["INC", "LLC", "CORP", "INDUSTRIES", "Group", "SERVICES"])
AGENCY = st.sampled_from(["ICE ERO", "DHS OFFICE", "ICE HSI", "OAQ DIVISION"])


@st.composite
def names(draw: st.DrawFn) -> str:
    middle = draw(st.sampled_from(["", "M ", "A. "]))
    name = f"{draw(st.sampled_from(GIVEN))} {middle}{draw(st.sampled_from(FAMILY))}"
    return name.upper() if draw(st.booleans()) else name


@given(LOWER, st.sampled_from(ROLES), names(), AFTER)
def test_a_name_after_a_contact_role_is_masked(
    before: str, role: str, name: str, after: str
) -> None:
    text = f"{before} {role}{name}{after}"
    masked = mask_contacts(text)
    assert masked.names == 1 and f"{role}{NAME_MASK}" in masked.text
    assert not any(word in masked.text for word in name.split() if len(word) > 2)
    assert re.search(MAY_HOLD_CONTACTS, text)  # the SQL path calls the masker for it


@given(LOWER, st.sampled_from(ROLES), st.sampled_from(FAMILY), COMPANY, AFTER)
def test_a_company_after_a_role_is_kept(
    before: str, role: str, word: str, suffix: str, after: str
) -> None:
    text = f"{before} {role}{word} {suffix}{after}"
    assert mask_contacts(text).names == 0


@given(LOWER, st.sampled_from(ROLES), AGENCY, AFTER)
def test_an_agency_after_a_role_is_kept(before: str, role: str, agency: str, after: str) -> None:
    text = f"{before} {role}{agency}{after}"
    assert mask_contacts(text).names == 0


@given(st.lists(st.sampled_from([*GIVEN, *FAMILY, "BODY", "ARMOR", "FOR", "Detention"])))
def test_capitalized_words_without_a_role_are_kept(words: list[str]) -> None:
    text = " ".join(words)
    assert mask_contacts(text).text == text


def test_raw_copies_lose_the_name_and_count_it() -> None:
    counts = RedactionCounts()
    copy = redacted_tree({"description": "COR IS JOHN EXAMPLE 202-555-0143."}, counts=counts)
    assert copy == {"description": f"COR IS {NAME_MASK} [phone removed]."}
    assert counts.audit() == {"(masked) phone": 1, "(masked) name": 1}


# an official named after a role as a reader would spot one, independent of the masker's
# pattern: a role, ':' ';' or 'IS', then two words (a middle initial between them)
ROLE_AND_NAME = re.compile(
    r"\b(?:COR|POC|COTR|ACOR|ACOTR)(?:\s*[:;]\s*|\s+IS\s+)"
    r"([A-Z][A-Za-z]+)\s+(?:[A-Z]\.?\s+)?([A-Z][A-Za-z]+)"
)


def test_real_descriptions_lose_every_name_after_a_role() -> None:
    csv.field_size_limit(sys.maxsize)
    descriptions: list[str] = []
    for name in FY_FILES:
        with (ICE_2018 / "ice-fy13-fy18" / name).open(newline="", encoding="utf-8-sig") as f:
            descriptions += [row[DESCRIPTION] for row in csv.reader(f) if len(row) > DESCRIPTION]
    named = [text for text in descriptions if ROLE_AND_NAME.search(text)]
    found = sum(len(ROLE_AND_NAME.findall(text)) for text in named)
    # measured on the 2018 export: 79 descriptions name an official 102 times this way
    assert (len(named), found) == (79, 102)
    masked = [mask_contacts(text) for text in descriptions]
    assert not any(ROLE_AND_NAME.search(result.text) for result in masked)
    assert sum(result.names for result in masked) >= found
    # the companies the export names after a role-like word are all still there
    for company in ("COR INDUSTRIES", "Cor Industries", "CO GEO GRP"):
        assert sum(company in text for text in descriptions) == sum(
            company in result.text for result in masked
        )
