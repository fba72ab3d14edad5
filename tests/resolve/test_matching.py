"""The matcher on the analysts' labelled ICE names and on small hand-made records."""

from __future__ import annotations

import math
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rapidfuzz import fuzz

from tests.support.contracts import ICE_LOCAL_GOV
from whosbehind.errors import UsageError
from whosbehind.model.orgs import OrgRecord
from whosbehind.resolve.blocking import MAX_BLOCK, PREFIX, RARE_TOKENS, WINDOW, block
from whosbehind.resolve.labeled import (
    FREEZER,
    LABEL_SOURCES,
    LabeledSet,
    build_labeled_set,
    read_awards,
    true_pairs,
)
from whosbehind.resolve.labeled_records import labeled_records, local_gov_names
from whosbehind.resolve.match_features import (
    COMPARISONS,
    ESTIMATED_TOGETHER,
    Levels,
    Profile,
    compare,
    compare_names_first,
)
from whosbehind.resolve.match_model import MatchModel, train
from whosbehind.resolve.match_weights import DEFAULT_MODEL
from whosbehind.resolve.matching import (
    MATCH_THRESHOLD,
    REVIEW_THRESHOLD,
    match_records,
    profiles_of,
    scored_pairs,
)
from whosbehind.resolve.term_frequency import descriptor_words

DATA = (
    Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "contracts" / "ice-fy13-fy18"
)


@cache
def _labeled() -> tuple[LabeledSet, tuple[object, ...]]:
    return build_labeled_set(DATA), tuple(read_awards(DATA))


def _records(source: str, identifiers: bool = True) -> tuple[list[OrgRecord], dict[str, str]]:
    labeled, awards = _labeled()
    return labeled_records(labeled, source, awards, identifiers=identifiers)  # type: ignore[arg-type]


def test_match_records_returns_scored_candidates_above_the_floor() -> None:
    records, _ = _records(FREEZER)
    keys = {r.record_key for r in records}
    pairs = match_records(records)
    assert pairs, "the freezer set has names that match"
    assert all(
        p.left_key in keys and p.right_key in keys and p.left_key < p.right_key for p in pairs
    )
    assert all(REVIEW_THRESHOLD <= p.probability <= 1 for p in pairs)
    assert [p.probability for p in pairs] == sorted((p.probability for p in pairs), reverse=True)
    assert len({(p.left_key, p.right_key) for p in pairs}) == len(pairs)
    every = match_records(records, floor=0.0)
    assert {(p.left_key, p.right_key) for p in pairs} == {
        (p.left_key, p.right_key) for p in every if p.probability >= REVIEW_THRESHOLD
    }


def test_only_keeps_the_pairs_touching_the_given_records() -> None:
    records, _ = _records(FREEZER)
    every = match_records(records, floor=0.0)
    touched = {every[0].left_key, every[-1].right_key}
    some = match_records(records, only=touched, floor=0.0)
    expected = [p for p in every if p.left_key in touched or p.right_key in touched]
    assert some == expected


def test_the_detail_names_each_comparison_and_the_probability() -> None:
    records, _ = _records(FREEZER)
    pair = match_records(records)[0]
    assert all(f"{comparison}=" in pair.detail for comparison in COMPARISONS)
    assert pair.detail.endswith(f"p={pair.probability:.3f}")
    assert pair.method == "fellegi-sunter"


def test_a_name_cut_at_30_characters_matches_the_full_name() -> None:
    # Both spellings are in the hoovers file under one DUNS; here the DUNS is left out.
    short = OrgRecord("a", "test", "SYSTEMS RESEARCH AND APPLICATI", city="FAIRFAX", state="VA")
    full = OrgRecord(
        "b", "test", "SYSTEMS RESEARCH AND APPLICATIONS CORPORATION", city="FAIRFAX", state="VA"
    )
    other = OrgRecord(
        "c", "test", "SYSTEMS PLANNING AND ANALYSIS, INC.", city="FAIRFAX", state="VA"
    )
    pairs = {(p.left_key, p.right_key): p for p in match_records([short, full, other], floor=0.0)}
    assert pairs[("a", "b")].probability >= MATCH_THRESHOLD
    assert "name=truncated" in pairs[("a", "b")].detail or "name=sort95" in pairs[("a", "b")].detail
    assert ("a", "c") not in pairs or pairs[("a", "c")].probability < MATCH_THRESHOLD


def test_records_saying_the_same_are_matched_once() -> None:
    one = OrgRecord("1", "test", "PALANTIR USG, INC.", duns="080961462")
    two = OrgRecord("2", "test", "PALANTIR USG INC.", duns="080961462")
    third = OrgRecord("3", "test", "PALANTIR USG INCORPORATED", state="CA")
    pairs = match_records([one, two, third], floor=0.0)
    assert {(p.left_key, p.right_key) for p in pairs} == {("1", "3")}
    profiles = profiles_of([one, two, third])
    assert profiles[0].signature == profiles[1].signature
    with_duplicates = scored_pairs(profiles)
    assert {(i, j) for i, j, _ in with_duplicates} == {(0, 1), (0, 2)}


def test_records_without_a_name_are_never_paired() -> None:
    """Parents known only by a DUNS have no name: compared by name, every two of them would be
    "equal" and each a "subset" of any named record of their blocks."""
    nameless = [
        OrgRecord(f"p{i}", "usaspending", "", duns=duns)
        for i, duns in enumerate(("150776503", "338309115", "627071103"))
    ]
    named = OrgRecord("n", "usaspending", "TIME WARNER CABLE INC.", duns="150776503")
    twin = OrgRecord("t", "usaspending", "TIME WARNER CABLE INC", state="NY")
    records = [*nameless, named, twin]
    assert {(p.left_key, p.right_key) for p in match_records(records, floor=0.0)} == {("n", "t")}
    assert {(i, j) for i, j, _ in scored_pairs(profiles_of(records))} == {(3, 4)}


def test_compare_is_symmetric_on_real_pairs() -> None:
    records, _ = _records(FREEZER)
    profiles = profiles_of(records)
    common = descriptor_words(p.key for p in profiles)
    for i, j, levels in scored_pairs(profiles):
        assert compare(profiles[j], profiles[i], common) == levels


def _one_by_one(profiles: list[Profile]) -> list[tuple[int, int, Levels]]:
    blocking = block(profiles)
    candidates = blocking.pairs + [
        (rep, i) for i, rep in enumerate(blocking.representative) if rep != i
    ]
    found = []
    common = descriptor_words(p.key for p in profiles)
    for i, j in candidates:
        levels = compare_names_first(profiles[i], profiles[j], None, common)
        if levels is not None:
            found.append((i, j, levels))
    return found


def test_scored_pairs_compares_in_bulk_as_one_by_one() -> None:
    tricky = [
        "SYSTEMS RESEARCH AND APPLICATI",
        "SYSTEMS RESEARCH AND APPLICATIONS CORPORATION",
        "FITZGERALD, BEN REAL ESTATE SE",
        "BEN FITZGERALD REAL ESTATE SERVICES LLC",
        "J OLIVA TRUCKING",
        "JOLIVA TRUCKING LLC",
        "---",
        "***",
        "CELLEBRITE INC.",
        "CELLEBRITE USA CORP",
    ]
    extra = [OrgRecord(f"x{i}", "test", name) for i, name in enumerate(tricky)]
    for source in LABEL_SOURCES:
        records, _ = _records(source)
        profiles = profiles_of([*records, *extra])
        assert scored_pairs(profiles) == _one_by_one(profiles)
    # government names, whose cores meet in any word order (gov_names)
    local, _ = local_gov_names(ICE_LOCAL_GOV)
    profiles = profiles_of(local)
    found = scored_pairs(profiles)
    assert found == _one_by_one(profiles)
    assert sum(levels[0] == "core" for _, _, levels in found) >= 20
    # a name and the same with descriptor words (term_frequency), and two cores, one of which
    # writes two words as one
    named = {frozenset({profiles[i].key, profiles[j].key}): levels[0] for i, j, levels in found}
    dts = frozenset(
        {"california department of technology", "california department of technology services dts"}
    )
    assert named[dts] == "descriptor"
    spaced = [
        OrgRecord("a", "test", "COUNTY OF BROADWATER", state="MT"),
        OrgRecord("b", "test", "BROAD WATER, COUNTY OF", state="MT"),
        OrgRecord("c", "test", "SHERIFF OF BROAD WATER COUNTY", state="MT"),
        OrgRecord("d", "test", "BROADWATER COUNTY SHERIFF", state="MT"),
    ]
    profiles = profiles_of(spaced)
    found = scored_pairs(profiles)
    assert found == _one_by_one(profiles)
    assert {(i, j) for i, j, levels in found if levels[0] in ("compact", "core")} == {
        (0, 1),
        (2, 3),
    }


def test_blocking_finds_every_pair_sharing_a_key_prefix_in_the_labelled_sets() -> None:
    for source in LABEL_SOURCES:
        records, _ = _records(source, identifiers=False)
        profiles = profiles_of(records)
        blocking = block(profiles)
        reps = blocking.representative
        found = {(min(reps[i], reps[j]), max(reps[i], reps[j])) for i, j in blocking.pairs}
        for i, a in enumerate(profiles):
            for j in range(i + 1, len(profiles)):
                b = profiles[j]
                if reps[i] != reps[j] and a.compact[:PREFIX] == b.compact[:PREFIX]:
                    assert (min(reps[i], reps[j]), max(reps[i], reps[j])) in found, (a, b)


def test_blocking_stays_linear_when_every_name_shares_a_prefix() -> None:
    # 3000 distinct names: one prefix block far over MAX_BLOCK, windowed.
    records = [OrgRecord(str(i), "test", f"COUNTY HALL PLACE{i:05d}") for i in range(3000)]
    blocking = block(profiles_of(records))
    keys_per_profile = 1 + RARE_TOKENS
    assert blocking.windowed >= 1
    assert len(blocking.pairs) <= len(records) * keys_per_profile * max(WINDOW, MAX_BLOCK)
    assert len(blocking.pairs) < len(records) * (len(records) - 1) // 20


def test_the_shipped_model_is_trained_on_the_pooled_labelled_sets() -> None:
    labelled = []
    for source in LABEL_SOURCES:
        records, name_of = _records(source)
        gold = _labeled()[0].gold(source)
        profiles = profiles_of(records)
        for i, j, levels in scored_pairs(profiles):
            a, b = name_of[profiles[i].record_key], name_of[profiles[j].record_key]
            if a != b:
                labelled.append((levels, gold[a] == gold[b]))
    fitted = train(labelled)
    assert fitted.prior == pytest.approx(DEFAULT_MODEL.prior)
    for comparison, levels in COMPARISONS.items():
        for level in levels:
            assert fitted.weights[comparison][level] == pytest.approx(
                DEFAULT_MODEL.weights[comparison][level]
            ), "match_weights.py is stale: run benchmarks/resolve_eval.py --write-weights"


def test_key_equal_gold_pairs_score_above_the_match_threshold_mostly() -> None:
    records, name_of = _records(FREEZER)
    gold = _labeled()[0].gold(FREEZER)
    profiles = profiles_of(records)
    equal = [
        DEFAULT_MODEL.probability(levels)
        for i, j, levels in scored_pairs(profiles)
        if levels[0] == "equal"
        and gold[name_of[profiles[i].record_key]] == gold[name_of[profiles[j].record_key]]
    ]
    assert equal
    assert sum(p >= MATCH_THRESHOLD for p in equal) / len(equal) > 0.9
    assert len(true_pairs(gold)) >= len(equal) // 2


def test_train_counts_m_and_u_with_half_pseudo_pairs() -> None:
    same = ("equal", "same", "city", "missing")
    differ = ("other", "differ", "differ", "missing")
    model = train([(same, True), (same, True), (differ, False), (differ, False), (differ, False)])
    assert model.prior == pytest.approx(2 / 5)
    together = ESTIMATED_TOGETHER["name"]
    k = len({together.get(level, level) for level in COMPARISONS["name"]}) * 0.5
    expected = math.log(((2 + 0.5) / (2 + k)) / ((0 + 0.5) / (3 + k)))
    assert model.weights["name"]["equal"] == pytest.approx(expected)
    assert model.weights["name"]["other"] < 0 < model.weights["name"]["equal"]
    assert model.weights["parent"]["missing"] == 0.0  # absence is no evidence
    assert model.weights["name"]["subset"] == 0.0  # never seen
    assert model.probability(same) > 0.9 > 0.1 > model.probability(differ)


def test_levels_estimated_together_share_one_weight() -> None:
    compact = ("compact", "missing", "missing", "missing")
    truncated = ("truncated", "missing", "missing", "missing")
    differ = ("other", "differ", "differ", "missing")
    model = train([(compact, True), (truncated, True), (differ, False)])
    weights = model.weights["name"]
    assert weights["compact"] == weights["truncated"] == weights["sort95"] > 0


def test_train_needs_both_kinds_of_pairs() -> None:
    with pytest.raises(UsageError, match="matches and non-matches"):
        train([(("equal", "same", "city", "same"), True)])


def test_probability_is_the_logistic_of_the_log_odds() -> None:
    model = MatchModel(0.1, {c: dict.fromkeys(levels, 0.0) for c, levels in COMPARISONS.items()})
    levels = ("equal", "missing", "missing", "missing")
    assert model.probability(levels) == pytest.approx(0.1)
    assert model.explain(levels).endswith("p=0.100")


@given(st.lists(st.sampled_from(["acme", "widgets", "a", "co", "zeta", "widget"]), max_size=5))
def test_bulk_ratio_over_sorted_tokens_is_token_sort_ratio(words: list[str]) -> None:
    left = " ".join(words)
    right = " ".join(reversed(words[1:])) + " acme"
    sorted_left, sorted_right = (" ".join(sorted(k.split())) for k in (left, right))
    assert fuzz.ratio(sorted_left, sorted_right, score_cutoff=80) == fuzz.token_sort_ratio(
        left, right, score_cutoff=80
    )


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("FAKE CSP 1", "FAKE CSP 10"),
        ("REGION 4 EDUCATION SERVICE CENTER", "REGION 5 EDUCATION SERVICE CENTER"),
        ("SPOKANE SCHOOL DISTRICT 81", "SPOKANE SCHOOL DISTRICT 82"),
    ],
)
def test_names_with_different_numbers_are_never_alike(left: str, right: str) -> None:
    a, b = profiles_of([OrgRecord("a", "test", left), OrgRecord("b", "test", right)])
    assert compare(a, b)[0] == "other"
    assert compare_names_first(a, b) is None
    # the same numbers, or numbers on one side only, leave the names alike
    c, d = profiles_of([OrgRecord("c", "test", left), OrgRecord("d", "test", f"{left} INC")])
    assert compare(c, d)[0] == "equal"


@given(st.lists(st.sampled_from(["ACME", "WIDGET", "SERVICES", "REGION"]), min_size=1, max_size=4))
def test_a_changed_number_makes_two_names_other(words: list[str]) -> None:
    name = " ".join(words)
    a, b = profiles_of([OrgRecord("a", "t", f"{name} 12"), OrgRecord("b", "t", f"{name} 13")])
    assert compare(a, b)[0] == "other"
