"""Splink with its default settings, on the analysts' freezer names with their award DUNS."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from whosbehind.resolve.labeled import FREEZER, build_labeled_set, read_awards
from whosbehind.resolve.labeled_records import labeled_records
from whosbehind.resolve.matching import profiles_of
from whosbehind.resolve.splink_model import splink_probabilities

ICE = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "contracts" / "ice-fy13-fy18"


def test_splink_scores_pairs_within_its_blocking_rules() -> None:
    labeled, awards = build_labeled_set(ICE), read_awards(ICE)
    records, _ = labeled_records(labeled, FREEZER, awards)
    profiles = {p.record_key: p for p in profiles_of(records)}
    scored = splink_probabilities(records)
    assert scored
    for left, right, probability in scored:
        assert 0.0 <= probability <= 1.0
        a, b = profiles[left], profiles[right]
        same_first_token = a.key.split()[:1] == b.key.split()[:1]
        assert same_first_token or (a.ids and min(a.ids) == min(b.ids)), (left, right)
    # on average, equal keys with a shared DUNS score above pairs that share neither
    best = {(left, right): p for left, right, p in scored}
    equal = [
        p
        for (left, right), p in best.items()
        if profiles[left].key == profiles[right].key and profiles[left].ids & profiles[right].ids
    ]
    loose = [
        p
        for (left, right), p in best.items()
        if profiles[left].key != profiles[right].key
        and not profiles[left].ids & profiles[right].ids
    ]
    assert equal and loose
    assert sum(equal) / len(equal) > 0.99 > sum(loose) / len(loose)


def test_names_only_records_train_without_an_identifier_rule() -> None:
    labeled, awards = build_labeled_set(ICE), read_awards(ICE)
    records, _ = labeled_records(labeled, FREEZER, awards, identifiers=False)
    scored = splink_probabilities(records)
    assert scored and all(0.0 <= p <= 1.0 for _, _, p in scored)


def test_without_splink_the_error_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "splink", None)  # what an environment without it imports
    with pytest.raises(ImportError, match=r"pip install 'whosbehind\[resolve\]'"):
        splink_probabilities([])
