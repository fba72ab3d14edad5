"""Cross-validated scoring of record matchers against a gold clustering of raw names.

Items are raw names; a matcher links records (several per name when a name is filed under
several DUNS). ``name_clusters`` turns links into a clustering of names: records of one name are
always together, and linked records join their names (union-find).

``cross_validate_model`` scores the Fellegi-Sunter matcher the way ``evaluate`` scores the fuzzy
baseline: per fold, m/u and the prior are counted on the candidate pairs inside the other folds,
the threshold is the one with the best pairwise F1 on the other folds (ties: the highest), and
only pairs inside the held-out fold are scored. Candidate pairs between two records of one name
are left out of training: they are linked regardless.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from whosbehind.resolve.evaluate import (
    Clustering,
    FoldResult,
    HeldOut,
    bcubed,
    pairwise,
)
from whosbehind.resolve.match_features import Levels, Profile
from whosbehind.resolve.match_model import MatchModel, train


def name_clusters(
    links: Iterable[tuple[str, str]], name_of: Mapping[str, str], items: Collection[str]
) -> dict[str, str]:
    """Union-find over the names in ``items``; links touching other names are ignored."""
    root = {name: name for name in items}

    def find(name: str) -> str:
        while root[name] != name:
            root[name] = root[root[name]]
            name = root[name]
        return name

    for left, right in links:
        a, b = name_of[left], name_of[right]
        if a in root and b in root:
            ra, rb = sorted((find(a), find(b)))
            root[rb] = ra
    return {name: find(name) for name in items}


@dataclass(frozen=True, slots=True)
class ScoredPairs:
    """Candidate pairs as (left key, right key, levels), over records named by ``name_of``."""

    pairs: tuple[tuple[str, str, Levels], ...]
    name_of: Mapping[str, str]

    @classmethod
    def of(
        cls,
        profiles: Sequence[Profile],
        pairs: Iterable[tuple[int, int, Levels]],
        name_of: Mapping[str, str],
    ) -> ScoredPairs:
        keyed = tuple(
            (profiles[i].record_key, profiles[j].record_key, levels) for i, j, levels in pairs
        )
        return cls(keyed, name_of)

    def within(self, items: Collection[str]) -> list[tuple[str, str, Levels]]:
        """Pairs of two different names, both in ``items``."""
        name = self.name_of
        return [
            p
            for p in self.pairs
            if name[p[0]] != name[p[1]] and name[p[0]] in items and name[p[1]] in items
        ]


def clusters_by_probability(
    pairs: Iterable[tuple[str, str, float]],
    threshold: float,
    name_of: Mapping[str, str],
    items: Collection[str],
) -> dict[str, str]:
    links = ((left, right) for left, right, p in pairs if p >= threshold)
    return name_clusters(links, name_of, items)


def _best_threshold(
    probabilities: Sequence[tuple[str, str, float]],
    thresholds: Sequence[float],
    name_of: Mapping[str, str],
    truth: Clustering,
) -> float:
    items = set(truth)
    return max(
        thresholds,
        key=lambda t: (
            pairwise(clusters_by_probability(probabilities, t, name_of, items), truth).f1,
            t,
        ),
    )


def cross_validate_model(
    gold: Clustering,
    folds: Sequence[set[str]],
    scored: ScoredPairs,
    thresholds: Sequence[float],
    fit: Callable[[list[tuple[Levels, bool]]], MatchModel] = train,
) -> tuple[HeldOut, list[MatchModel]]:
    """Held-out scores of a model fitted and thresholded on the other folds; and each model."""
    results, models = [], []
    for i, fold in enumerate(folds):
        train_items = {item for j, other in enumerate(folds) if j != i for item in other}
        inside = scored.within(train_items)
        labelled = [
            (levels, gold[scored.name_of[a]] == gold[scored.name_of[b]]) for a, b, levels in inside
        ]
        model = fit(labelled)
        probabilities = [(a, b, model.probability(levels)) for a, b, levels in inside]
        truth = {item: gold[item] for item in train_items}
        best = _best_threshold(probabilities, thresholds, scored.name_of, truth)
        held_pairs = [(a, b, model.probability(lv)) for a, b, lv in scored.within(fold)]
        predicted = clusters_by_probability(held_pairs, best, scored.name_of, fold)
        held = {item: gold[item] for item in fold}
        results.append(FoldResult(pairwise(predicted, held), bcubed(predicted, held), best))
        models.append(model)
    return HeldOut(tuple(results)), models


def score_probabilities(
    gold: Clustering,
    folds: Sequence[set[str]],
    pairs: Sequence[tuple[str, str, float]],
    thresholds: Sequence[float],
    name_of: Mapping[str, str],
) -> HeldOut:
    """Held-out scores of fixed pair probabilities (e.g. Splink's), threshold chosen per fold."""
    results = []
    for i, fold in enumerate(folds):
        train_items = {item for j, other in enumerate(folds) if j != i for item in other}
        truth = {item: gold[item] for item in train_items}
        inside = [p for p in pairs if name_of[p[0]] in train_items and name_of[p[1]] in train_items]
        best = _best_threshold(inside, thresholds, name_of, truth)
        predicted = clusters_by_probability(pairs, best, name_of, fold)
        held = {item: gold[item] for item in fold}
        results.append(FoldResult(pairwise(predicted, held), bcubed(predicted, held), best))
    return HeldOut(tuple(results))
