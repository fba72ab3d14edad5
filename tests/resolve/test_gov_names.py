"""Government-name cores: one office written in several orders and abbreviations has one core;
other organizations and other offices do not share it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.support.contracts import ICE_LOCAL_GOV
from whosbehind.resolve.gov_names import GOVERNMENT_WORDS, STATES, core, letters, same_core
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
        # a state ending in "s" is its state, not a plural ("texas" is not "texa")
        ("PUBLIC SAFETY TX DEPT OF (0130)", "TEXAS DEPARTMENT OF PUBLIC SAFETY", "TX"),
        ("ARKANSAS STATE POLICE", "STATE POLICE, AR", "AR"),
        # two words written as one, in any order
        ("COUNTY OF BROADWATER", "BROAD WATER COUNTY", "MT"),
        ("SHERIFF OF BROAD WATER COUNTY", "BROADWATER COUNTY SHERIFF", "MT"),
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
        # a county and its sheriff, even with a word written as two
        ("BROAD WATER COUNTY SHERIFFS OFFICE", "COUNTY OF BROADWATER", "MT"),
        ("GRAND FORKS COUNTY", "GRANDFORKS COUNTY SHERIFF", "ND"),
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


core_words = st.lists(
    st.text("abcdefg", min_size=2, max_size=6), min_size=2, max_size=5, unique=True
)


@given(core_words, st.data())
def test_two_words_written_as_one_are_one_core(tokens: list[str], data: st.DataObject) -> None:
    """Joining two words of a core gives the same core (``same_core``), with the same sorted
    letters, which is how the matcher finds such pairs in bulk (``letters``)."""
    i = data.draw(st.integers(0, len(tokens) - 2))
    joined = [*tokens[:i], tokens[i] + tokens[i + 1], *tokens[i + 2 :]]
    if tokens[i] + tokens[i + 1] in tokens:
        return  # the joined word is already a word of the core
    a, b = " ".join(sorted(tokens)), " ".join(sorted(joined))
    assert same_core(a, b) and same_core(b, a)
    assert letters(a) == letters(b)


@given(core_words, core_words)
def test_same_core_is_symmetric(left: list[str], right: list[str]) -> None:
    a, b = " ".join(sorted(left)), " ".join(sorted(right))
    assert same_core(a, b) == same_core(b, a)


@given(st.sampled_from(sorted(STATES)), words)
def test_the_own_state_never_stays_in_a_core(code: str, tokens: list[str]) -> None:
    """Whatever the state's name ends with ("texas", "illinois", "arkansas"), it is set aside
    whole, and no trace of it (a "plural" made singular) stays in the core."""
    state_words = STATES[code].split()
    found = core(" ".join([*state_words, "department", *tokens]), code.upper())
    for word in state_words:
        assert word not in found.split()
        assert word.rstrip("s") not in found.split() or word.rstrip("s") in tokens
