"""Common words counted on real record sets, and when the words a longer name adds describe it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.support.contracts import ICE_LOCAL_GOV
from whosbehind.resolve.labeled_records import local_gov_names
from whosbehind.resolve.names import name_key
from whosbehind.resolve.term_frequency import (
    COMMON_SHARE,
    NAMING_WORDS,
    common_words,
    descriptor_words,
    extra_words_describe,
)


def _local_gov_keys() -> list[str]:
    records, _ = local_gov_names(ICE_LOCAL_GOV)
    return [name_key(r.name) for r in records]


def test_common_words_are_counted_on_the_set() -> None:
    keys = _local_gov_keys()
    common = common_words(keys)
    distinct = set(keys)
    # counted independently: the share of distinct keys holding each word
    for word in ("county", "department", "sheriff", "city", "services"):
        share = sum(word in key.split() for key in distinct) / len(distinct)
        assert (word in common) == (share >= COMMON_SHARE), word
    assert "county" in common and "services" in common
    assert "alameda" not in common  # one county's name
    # the same words, each key repeated, give the same common words (distinct keys count)
    assert common_words(keys * 3) == common


def test_a_word_in_one_key_is_never_common() -> None:
    assert common_words(["acme widgets"]) == frozenset()
    assert common_words(["acme widgets", "acme gadgets"]) == {"acme"}


def _describes(short: str, long: str, describing: frozenset[str]) -> bool:
    return extra_words_describe(frozenset(name_key(short).split()), name_key(long), describing)


@pytest.mark.parametrize(
    ("short", "long"),
    [
        ("CALIFORNIA DEPARTMENT OF TECHNOLOGY", "CALIFORNIA DEPARTMENT OF TECHNOLOGY SERVICES DTS"),
        ("DEPARTMENT OF PUBLIC SAFETY LOUISIANA", "LOUISIANA DEPARTMENT OF PUBLIC SAFETY SERVICES"),
    ],
)
def test_descriptor_words_and_acronyms_describe(short: str, long: str) -> None:
    assert _describes(short, long, descriptor_words(_local_gov_keys()))


@pytest.mark.parametrize(
    ("short", "long"),
    [
        ("COUNTY OF DALLAS (0905)", "DALLAS COUNTY SHERIFF DEPT"),  # a government and an office
        ("COUNTY OF HILLSBOROUGH", "HILLSBOROUGH COUNTY SHERIFFS OFFICE"),
        ("WHATCOM COUNTY", "WHATCOM COUNTY PARKS AND RECREATION DEPARTMENT"),
        ("TEXAS STATE UNIVERSITY", "TEXAS STATE UNIVERSITY-SAN MARCOS"),  # words not common
        ("RSW REGIONAL JAIL", "RSW REGIONAL JAIL AUTHORITY"),  # a body of its own
        ("DALLAS", "DALLAS COUNTY"),
    ],
)
def test_words_naming_another_body_do_not_describe(short: str, long: str) -> None:
    assert not _describes(short, long, descriptor_words(_local_gov_keys()))


def test_an_owner_is_never_a_descriptor() -> None:
    keys = ["acme holdings", "acme services", "beta holdings", "beta services"]
    describing = descriptor_words(keys)
    assert describing == {"acme", "beta", "services"}  # "holdings" names an owner
    assert not _describes("ACME", "ACME HOLDINGS", describing)
    assert _describes("ACME", "ACME SERVICES", describing)
    assert {"holding", "county", "sheriff", "department"} <= NAMING_WORDS
    # counted independently of descriptor_words: the common words less the naming ones
    local = _local_gov_keys()
    assert descriptor_words(local) <= common_words(local)
    assert not descriptor_words(local) & {"county", "sheriff", "department", "city", "police"}


words = st.lists(st.text("abcdefgh", min_size=3, max_size=7), min_size=2, max_size=6, unique=True)


@given(words, st.data())
def test_a_run_of_the_names_initials_describes_it(tokens: list[str], data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(tokens) - 2))
    stop = data.draw(st.integers(start + 2, len(tokens)))
    acronym = "".join(t[0] for t in tokens[start:stop])
    short = " ".join(tokens)
    if acronym in tokens:
        return  # not an added word
    assert extra_words_describe(frozenset(tokens), f"{short} {acronym}", frozenset())


@given(words)
def test_nothing_added_describes_nothing(tokens: list[str]) -> None:
    key = " ".join(tokens)
    assert not extra_words_describe(frozenset(tokens), key, frozenset(tokens))
