"""Government-name cores: one office written in several orders and abbreviations has one core;
other organizations and other offices do not share it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.support.contracts import ICE_LOCAL_GOV
from whosbehind.resolve.gov_names import GOVERNMENT_WORDS, STATES, core, same_core
from whosbehind.resolve.labeled_records import local_gov_names
from whosbehind.resolve.names import name_key


def _core(name: str, state: str | None) -> str:
    return core(name_key(name), state)


@pytest.mark.parametrize(
    ("left", "right", "state"),
    [
        ("ARIZONA DEPARTMENT OF PUBLIC SAFETY", "PUBLIC SAFETY ARIZONA DEPT OF (4791)", "AZ"),
        ("ARIZONA DEPARTMENT OF PUBLIC SAFETY", "PUBLIC SAFETY, ARIZONA", "AZ"),
        ("CITY OF TACOMA", "CITY OF TACOMA WASHINGTON", "WA"),
        ("PORT AUTHORITY OF SOUTH CAROLINA", "SC STATE PORTS AUTHORITY", "SC"),
        ("EMPLOYMENT SECURITY WASH DEPT OF", "DEPARTMENT OF EMPLOYMENT SECURITY WASHINGTON", "WA"),
        ("JACKSON COUNTY OR", "COUNTY OF JACKSON", "OR"),
        ("ATTORNEY GENERAL, PENNSYLVANIA", "THE ATTORNEY GENERAL PA OFFICE OF", "PA"),
        ("BOUNDRY COUNTY SHERIFF DEPARTMENT", "BOUNDRY COUNTY SHERRIF DEPT.", "ID"),
        (
            "TRANSPORTATION, WASHINGTON DEPT OF",
            "WASHINGTON STATE DEPARTMENT OF TRANSPORTATION",
            "wa",
        ),
        ("CORRECTIONS, TEXAS DEPARTMENT OF", "TEXAS DEPT OF CORRECTIONS", "Texas"),
    ],
)
def test_one_office_written_two_ways_has_one_core(left: str, right: str, state: str) -> None:
    assert same_core(_core(left, state), _core(right, state))


@pytest.mark.parametrize(
    ("left", "right", "state"),
    [
        ("WHATCOM COUNTY", "WHATCOM COUNTY PARKS AND RECREATION DEPARTMENT", "WA"),
        ("JACKSON COUNTY", "JACKSON COUNTY SHERIFFS OFFICE", "OR"),
        ("CITY OF MESA", "CITY OF TEMPE", "AZ"),
        ("SPOKANE SCHOOL DISTRICT #81", "SPOKANE SCHOOL DISTRICT #82", "WA"),
    ],
)
def test_different_offices_keep_different_cores(left: str, right: str, state: str) -> None:
    assert not same_core(_core(left, state), _core(right, state))


def test_only_government_names_with_words_beyond_their_state_have_a_core() -> None:
    assert _core("FLORIDA POWER & LIGHT", "FL") == ""  # a company: no government word
    assert _core("STATE OF ALASKA", "AK") == ""  # the government as a whole
    assert _core("COMMONWEALTH OF PENNSYLVANIA", "PA") == ""
    # the state is set aside only when it is the record's own
    assert "arizona" in _core("ARIZONA DEPARTMENT OF PUBLIC SAFETY", None)
    assert "arizona" in _core("ARIZONA DEPARTMENT OF PUBLIC SAFETY", "NM")
    assert _core("ARIZONA DEPARTMENT OF PUBLIC SAFETY", "AZ") == "public safety"


words = st.lists(
    st.sampled_from(["county", "sheriff", "adams", "of", "dept", "public"]), max_size=6
)


@given(words, st.randoms(use_true_random=False), st.sampled_from([None, *STATES]))
def test_core_ignores_word_order(tokens: list[str], rng: object, state: str | None) -> None:
    shuffled = list(tokens)
    rng.shuffle(shuffled)  # type: ignore[attr-defined]
    assert core(" ".join(tokens), state) == core(" ".join(shuffled), state)


def test_cores_of_real_government_names() -> None:
    """Every 2023 local-government recipient name with a government word and a word beyond its
    state has a core; the core's words are words of the key (abbreviations expanded, plurals
    singular), never the record's own state."""
    records, _ = local_gov_names(ICE_LOCAL_GOV)
    with_core = 0
    for record in records:
        found = _core(record.name, record.state)
        with_core += bool(found)
        if found:
            assert (record.state or "").casefold() not in found.split()
    assert with_core > len(records) // 2
    assert "sheriff" in GOVERNMENT_WORDS and "department" in GOVERNMENT_WORDS
