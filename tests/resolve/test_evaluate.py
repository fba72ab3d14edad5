from __future__ import annotations

import pytest

from whosbehind.errors import UsageError
from whosbehind.resolve.evaluate import (
    BCubedScore,
    PairwiseScore,
    agreement,
    bcubed,
    cluster_folds,
    clusters_at,
    cross_validate_threshold,
    fuzzy_clusters,
    key_equality,
    pairwise,
    score_folds,
    score_keys,
)
from whosbehind.resolve.labeled import true_pairs

GOLD = {"a": 1, "b": 1, "c": 1, "d": 2, "e": 2}
PREDICTED = {"a": "x", "b": "x", "c": "y", "d": "y", "e": "z"}


def test_pairwise_counts_on_a_hand_made_clustering() -> None:
    # gold pairs ab ac bc de; predicted pairs ab cd; only ab is shared
    score = pairwise(PREDICTED, GOLD)
    assert (score.true_positives, score.false_positives, score.false_negatives) == (1, 1, 3)
    assert score.precision == 0.5
    assert score.recall == 0.25
    assert score.f1 == pytest.approx(1 / 3)


def test_agreement_scores_only_the_items_both_annotators_label() -> None:
    # shared: a b c d; gold pairs ab ac bc; the other annotator's pairs ab cd
    other = {"a": "x", "b": "x", "c": "y", "d": "y", "q": "y"}
    shared, score, b3 = agreement(GOLD, other)
    assert shared == 4
    assert (score.true_positives, score.false_positives, score.false_negatives) == (1, 1, 2)
    assert b3.items == 4


def test_bcubed_on_a_hand_made_clustering() -> None:
    # per item (precision, recall): a (1, 2/3) b (1, 2/3) c (1/2, 1/3) d (1/2, 1/2) e (1, 1/2)
    score = bcubed(PREDICTED, GOLD)
    assert score.items == 5
    assert score.precision == pytest.approx(4 / 5)
    assert score.recall == pytest.approx(8 / 15)
    assert score.f1 == pytest.approx(2 * (4 / 5) * (8 / 15) / (4 / 5 + 8 / 15))


def test_a_perfect_prediction_scores_one() -> None:
    renamed = {item: f"cluster-{cluster}" for item, cluster in GOLD.items()}
    pw, b3 = pairwise(renamed, GOLD), bcubed(renamed, GOLD)
    assert (pw.precision, pw.recall, pw.f1) == (1.0, 1.0, 1.0)
    assert (b3.precision, b3.recall, b3.f1) == (1.0, 1.0, 1.0)
    assert (pw.true_positives, pw.false_positives, pw.false_negatives) == (4, 0, 0)


def test_singletons_have_pairwise_recall_zero() -> None:
    alone = {item: item for item in GOLD}
    pw, b3 = pairwise(alone, GOLD), bcubed(alone, GOLD)
    assert (pw.true_positives, pw.false_positives, pw.false_negatives) == (0, 0, 4)
    assert (pw.recall, pw.f1) == (0.0, 0.0)
    assert pw.precision == 1.0  # nothing claimed, nothing wrong; the counts show it
    assert b3.precision == 1.0
    assert b3.recall == pytest.approx((1 / 3 * 3 + 1 / 2 * 2) / 5)


def test_one_big_cluster_has_full_recall() -> None:
    together = dict.fromkeys(GOLD, 0)
    pw = pairwise(together, GOLD)
    assert (pw.true_positives, pw.false_positives, pw.false_negatives) == (4, 6, 0)
    assert pw.recall == 1.0
    assert pw.precision == 0.4
    assert bcubed(together, GOLD).recall == 1.0


def test_pairwise_agrees_with_explicit_pairs() -> None:
    gold, predicted = true_pairs(GOLD), true_pairs(PREDICTED)
    score = pairwise(PREDICTED, GOLD)
    assert score.true_positives == len(gold & predicted)
    assert score.false_positives == len(predicted - gold)
    assert score.false_negatives == len(gold - predicted)


def test_clusterings_must_cover_the_same_items() -> None:
    with pytest.raises(UsageError):
        pairwise({"a": 1}, GOLD)
    with pytest.raises(UsageError):
        bcubed({**PREDICTED, "f": "x"}, GOLD)


def test_scores_add_up() -> None:
    assert PairwiseScore(1, 2, 3) + PairwiseScore(4, 5, 6) == PairwiseScore(5, 7, 9)
    total = BCubedScore(1.5, 1.0, 2) + BCubedScore(1.0, 0.5, 1)
    assert (total.precision, total.recall) == (2.5 / 3, 1.5 / 3)


def test_key_equality_groups_equal_keys() -> None:
    names = ["PALANTIR USG, INC.", "PALANTIR USG INC.", "PALANTIR TECHNOLOGIES INC."]
    assert true_pairs(key_equality(names)) == {("PALANTIR USG INC.", "PALANTIR USG, INC.")}


def test_fuzzy_matcher_chains_through_union_find() -> None:
    # ratio(abcde, abcdx) = ratio(abcdx, abcyx) = 80 but ratio(abcde, abcyx) = 60
    names = ["ABCDE", "ABCDX INC", "ABCYX", "ZZZZZ"]
    clusters = fuzzy_clusters(names, 80, "ratio")
    assert len({clusters["ABCDE"], clusters["ABCDX INC"], clusters["ABCYX"]}) == 1
    assert clusters["ZZZZZ"] != clusters["ABCDE"]
    assert len(set(fuzzy_clusters(names, 81, "ratio").values())) == 4


def test_token_sort_ignores_word_order() -> None:
    clusters = fuzzy_clusters(
        ["SHERBURNE COUNTY SHERIFF", "SHERIFF SHERBURNE COUNTY"], 100, "token_sort_ratio"
    )
    assert len(set(clusters.values())) == 1
    assert len(set(fuzzy_clusters(list(clusters), 100, "ratio").values())) == 2


def test_threshold_below_the_scored_floor_is_refused() -> None:
    scored = score_keys(["A", "B"], "ratio", 90)
    with pytest.raises(UsageError):
        clusters_at(scored, 80)


def _synthetic_gold() -> dict[str, str]:
    gold: dict[str, str] = {}
    for i, stem in enumerate(["ALPHA", "BRAVO", "CHARLIE", "DELTA", "ECHO", "FOXTROT", "GOLF"]):
        gold[f"{stem} WIDGETS"] = stem
        gold[f"{stem} WIDGET"] = stem
        gold[f"{stem} GADGETS {i}"] = f"{stem}-gadgets"
    return gold


def test_cluster_folds_keep_clusters_whole_and_cover_every_item() -> None:
    gold = _synthetic_gold()
    folds = cluster_folds(gold, 3, seed=1)
    assert sorted(item for fold in folds for item in fold) == sorted(gold)
    for fold in folds:
        clusters = {gold[item] for item in fold}
        assert all(
            gold[item] not in clusters for other in folds if other is not fold for item in other
        )
    assert folds == cluster_folds(gold, 3, seed=1)
    with pytest.raises(UsageError):
        cluster_folds(gold, 1)


def test_cross_validation_scores_each_fold_with_a_threshold_chosen_elsewhere() -> None:
    gold = _synthetic_gold()
    names = sorted(gold)
    folds = cluster_folds(gold, 3, seed=0)
    thresholds = [float(t) for t in range(70, 101, 5)]
    scored = score_keys(names, "ratio", 70)
    held = cross_validate_threshold(gold, folds, scored, thresholds)
    assert held.bcubed.items == len(names)
    for i, fold in enumerate(folds):
        train = {item for j, other in enumerate(folds) if j != i for item in other}
        truth = {item: gold[item] for item in train}
        best = max(thresholds, key=lambda t: (pairwise(clusters_at(scored, t, train), truth).f1, t))
        assert held.folds[i].threshold == best
        held_out = {item: gold[item] for item in fold}
        assert held.folds[i].pairwise == pairwise(clusters_at(scored, best, fold), held_out)
    assert held.pairwise.recall == 1.0
    assert held.thresholds == [f.threshold for f in held.folds]


def test_score_folds_sums_untuned_matchers_over_folds() -> None:
    gold = _synthetic_gold()
    folds = cluster_folds(gold, 3)
    held = score_folds(gold, folds, key_equality)
    assert held.thresholds == []
    assert held.bcubed.items == len(gold)
    assert held.pairwise == pairwise(key_equality(gold), gold)
