"""Scoring a predicted clustering of names against a gold one, and two baseline matchers.

A clustering maps each item (a raw name) to a cluster id; both clusterings must cover the same
items. Pairwise scores count unordered item pairs put in one cluster: a true positive is in one
cluster in both. With no predicted pairs precision is 1.0 and with no gold pairs recall is 1.0
(nothing was claimed, or nothing was there to find); the counts are kept so a reader can tell.
B-cubed averages, over items, the share of an item's predicted cluster that is in its gold
cluster (precision) and the reverse (recall). Scores add up across folds (``+``).

Matchers: ``key_equality`` puts names with the same ``name_key`` together; the fuzzy baseline
scores every pair of distinct keys with rapidfuzz and joins pairs at or above a threshold
(union-find). The threshold is only ever scored on clusters it was not chosen on:
``cross_validate_threshold`` splits the gold clusters into k folds, picks the threshold with
the best pairwise F1 on the other folds, and scores it on the held-out fold.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz, process

from whosbehind.errors import UsageError
from whosbehind.resolve.names import name_key

Clustering = Mapping[str, Hashable]
Scorer = Literal["ratio", "token_sort_ratio"]
_SCORERS = {"ratio": fuzz.ratio, "token_sort_ratio": fuzz.token_sort_ratio}


def _ratio(part: float, whole: float, empty: float) -> float:
    return part / whole if whole else empty


def _f1(precision: float, recall: float) -> float:
    return _ratio(2 * precision * recall, precision + recall, 0.0)


@dataclass(frozen=True, slots=True)
class PairwiseScore:
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0

    @property
    def precision(self) -> float:
        return _ratio(self.true_positives, self.true_positives + self.false_positives, 1.0)

    @property
    def recall(self) -> float:
        return _ratio(self.true_positives, self.true_positives + self.false_negatives, 1.0)

    @property
    def f1(self) -> float:
        return _f1(self.precision, self.recall)

    def __add__(self, other: PairwiseScore) -> PairwiseScore:
        return PairwiseScore(
            self.true_positives + other.true_positives,
            self.false_positives + other.false_positives,
            self.false_negatives + other.false_negatives,
        )


@dataclass(frozen=True, slots=True)
class BCubedScore:
    precision_sum: float = 0.0
    recall_sum: float = 0.0
    items: int = 0

    @property
    def precision(self) -> float:
        return _ratio(self.precision_sum, self.items, 1.0)

    @property
    def recall(self) -> float:
        return _ratio(self.recall_sum, self.items, 1.0)

    @property
    def f1(self) -> float:
        return _f1(self.precision, self.recall)

    def __add__(self, other: BCubedScore) -> BCubedScore:
        return BCubedScore(
            self.precision_sum + other.precision_sum,
            self.recall_sum + other.recall_sum,
            self.items + other.items,
        )


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def _contingency(
    predicted: Clustering, gold: Clustering
) -> tuple[Counter[tuple[Hashable, Hashable]], Counter[Hashable], Counter[Hashable]]:
    if predicted.keys() != gold.keys():
        missing, extra = gold.keys() - predicted.keys(), predicted.keys() - gold.keys()
        raise UsageError(f"clusterings differ: {len(missing)} missing, {len(extra)} extra items")
    joint = Counter((predicted[item], gold[item]) for item in gold)
    return joint, Counter(predicted.values()), Counter(gold.values())


def pairwise(predicted: Clustering, gold: Clustering) -> PairwiseScore:
    joint, predicted_sizes, gold_sizes = _contingency(predicted, gold)
    tp = sum(_pairs(n) for n in joint.values())
    predicted_pairs = sum(_pairs(n) for n in predicted_sizes.values())
    gold_pairs = sum(_pairs(n) for n in gold_sizes.values())
    return PairwiseScore(tp, predicted_pairs - tp, gold_pairs - tp)


def bcubed(predicted: Clustering, gold: Clustering) -> BCubedScore:
    joint, predicted_sizes, gold_sizes = _contingency(predicted, gold)
    precision = sum(n * n / predicted_sizes[p] for (p, _), n in joint.items())
    recall = sum(n * n / gold_sizes[g] for (_, g), n in joint.items())
    return BCubedScore(precision, recall, len(gold))


def agreement(gold: Clustering, other: Clustering) -> tuple[int, PairwiseScore, BCubedScore]:
    """``other``'s clustering scored against ``gold`` on the items both label: how far two
    annotators agree (the number of shared items, pairwise and B-cubed)."""
    shared = gold.keys() & other.keys()
    mine = {item: gold[item] for item in shared}
    theirs = {item: other[item] for item in shared}
    return len(shared), pairwise(theirs, mine), bcubed(theirs, mine)


def key_equality(names: Iterable[str], key: Callable[[str], str] = name_key) -> dict[str, str]:
    return {name: key(name) for name in names}


@dataclass(frozen=True, slots=True)
class ScoredKeys:
    """The names, their keys, and every pair of distinct keys scoring at least ``floor``."""

    keys: Mapping[str, str]
    edges: tuple[tuple[str, str, float], ...]
    floor: float


def score_keys(
    names: Iterable[str], scorer: Scorer, floor: float, key: Callable[[str], str] = name_key
) -> ScoredKeys:
    """Score the distinct keys of ``names`` pairwise; ``key`` defaults to ``name_key``."""
    keys = key_equality(names, key)
    distinct = sorted(set(keys.values()))
    score = _SCORERS[scorer]
    edges = [
        (key, distinct[j], similarity)
        for i, key in enumerate(distinct)
        for _, similarity, j in process.extract(
            key, distinct, scorer=score, score_cutoff=floor, limit=None
        )
        if j > i
    ]
    return ScoredKeys(keys, tuple(edges), floor)


def clusters_at(
    scored: ScoredKeys, threshold: float, items: Collection[str] | None = None
) -> dict[str, str]:
    """Union-find over the edges scoring at least ``threshold``, restricted to ``items``."""
    if threshold < scored.floor:
        raise UsageError(f"threshold {threshold} is below the scored floor {scored.floor}")
    chosen = scored.keys.keys() if items is None else items
    root = {scored.keys[item]: scored.keys[item] for item in chosen}

    def find(key: str) -> str:
        while root[key] != key:
            root[key] = root[root[key]]
            key = root[key]
        return key

    for left, right, similarity in scored.edges:
        if similarity >= threshold and left in root and right in root:
            a, b = sorted((find(left), find(right)))
            root[b] = a
    return {item: find(scored.keys[item]) for item in chosen}


def fuzzy_clusters(names: Iterable[str], threshold: float, scorer: Scorer) -> dict[str, str]:
    return clusters_at(score_keys(names, scorer, threshold), threshold)


def cluster_folds(gold: Clustering, k: int, seed: int = 0) -> list[set[str]]:
    """Split the items into ``k`` folds along gold clusters, spreading large clusters evenly."""
    if k < 2:
        raise UsageError(f"need at least 2 folds, got {k}")
    members: dict[Hashable, list[str]] = defaultdict(list)
    for item in sorted(gold):
        members[gold[item]].append(item)
    groups = sorted(members.values())
    random.Random(seed).shuffle(groups)
    groups.sort(key=len, reverse=True)
    folds: list[set[str]] = [set() for _ in range(k)]
    for i, group in enumerate(groups):
        folds[i % k].update(group)
    return folds


@dataclass(frozen=True, slots=True)
class FoldResult:
    pairwise: PairwiseScore
    bcubed: BCubedScore
    threshold: float | None = None


@dataclass(frozen=True, slots=True)
class HeldOut:
    """Scores summed over held-out folds: every item is scored once, by a fold not tuned on it."""

    folds: tuple[FoldResult, ...]

    @property
    def pairwise(self) -> PairwiseScore:
        return sum((f.pairwise for f in self.folds), PairwiseScore())

    @property
    def bcubed(self) -> BCubedScore:
        return sum((f.bcubed for f in self.folds), BCubedScore())

    @property
    def thresholds(self) -> list[float]:
        return [f.threshold for f in self.folds if f.threshold is not None]


def _restrict(gold: Clustering, items: Collection[str]) -> dict[str, Hashable]:
    return {item: gold[item] for item in items}


def score_folds(
    gold: Clustering, folds: Sequence[set[str]], predict: Callable[[set[str]], Clustering]
) -> HeldOut:
    """Score an untuned matcher on each fold alone, comparable with ``cross_validate_threshold``."""
    results = []
    for fold in folds:
        predicted, truth = predict(fold), _restrict(gold, fold)
        results.append(FoldResult(pairwise(predicted, truth), bcubed(predicted, truth)))
    return HeldOut(tuple(results))


def cross_validate_threshold(
    gold: Clustering, folds: Sequence[set[str]], scored: ScoredKeys, thresholds: Sequence[float]
) -> HeldOut:
    """Per fold: the threshold with the best training F1 (ties: the highest), scored held out."""
    results = []
    for i, fold in enumerate(folds):
        train = {item for j, other in enumerate(folds) if j != i for item in other}
        truth = _restrict(gold, train)
        best = max(
            thresholds,
            key=lambda t: (pairwise(clusters_at(scored, t, train), truth).f1, t),
        )
        predicted, held = clusters_at(scored, best, fold), _restrict(gold, fold)
        results.append(FoldResult(pairwise(predicted, held), bcubed(predicted, held), best))
    return HeldOut(tuple(results))
