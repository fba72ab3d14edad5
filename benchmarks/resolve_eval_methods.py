"""The record matchers scored by resolve_eval.py, each as a function returning held-out scores.

Every tuned thing (m/u, prior, threshold) is fitted on the training folds and scored on the
held-out fold; pairs crossing folds are never scored (as in whosbehind.resolve.evaluate).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from whosbehind.model.orgs import OrgRecord
from whosbehind.resolve.clusters import Edge, cluster, identifier_edges, name_key_edges
from whosbehind.resolve.evaluate import (
    BCubedScore,
    Clustering,
    FoldResult,
    HeldOut,
    PairwiseScore,
    bcubed,
    pairwise,
)
from whosbehind.resolve.match_eval import ScoredPairs, clusters_by_probability
from whosbehind.resolve.match_features import Levels
from whosbehind.resolve.match_model import MatchModel, train
from whosbehind.resolve.matching import profiles_of, scored_pairs

PROBABILITY_THRESHOLDS = [
    0.001,
    0.005,
    0.01,
    0.02,
    *(t / 100 for t in range(5, 100, 5)),
    0.97,
    0.99,
    0.995,
    0.999,
]


@dataclass(frozen=True, slots=True)
class RecordSet:
    """One evaluation set: records, record key -> raw name, and the gold clustering of names."""

    records: list[OrgRecord]
    name_of: dict[str, str]
    gold: dict[str, str]

    def scored(self) -> ScoredPairs:
        profiles = profiles_of(self.records)
        return ScoredPairs.of(profiles, scored_pairs(profiles), self.name_of)

    def labelled(self, scored: ScoredPairs, items: set[str]) -> list[tuple[Levels, bool]]:
        name, gold = self.name_of, self.gold
        return [(lv, gold[name[a]] == gold[name[b]]) for a, b, lv in scored.within(items)]


def _pipeline_clusters(
    data: RecordSet, items: set[str], matches: Iterable[tuple[str, str, float]], threshold: float
) -> dict[str, str]:
    """Names clustered the way the registry does: resolve.clusters over identifier, name-key
    and matcher edges (and the records of one raw name, which are one name)."""
    records = [r for r in data.records if data.name_of[r.record_key] in items]
    keys = {r.record_key: r for r in records}
    first: dict[str, str] = {}
    same_name = []
    for record in records:
        hub = first.setdefault(record.name, record.record_key)
        if hub != record.record_key:
            same_name.append(Edge(hub, record.record_key, "same", 1.0, "one raw name"))
    profiles = {p.record_key: p.key for p in profiles_of(records)}
    match_edges = [
        Edge(a, b, "match", p, "matcher")
        for a, b, p in matches
        if p >= threshold and a in keys and b in keys
    ]
    edges = [*same_name, *identifier_edges(records), *name_key_edges(profiles), *match_edges]
    result = cluster(keys, edges)
    cluster_of = result.cluster_of()
    return {data.name_of[key]: str(cluster_of[first[data.name_of[key]]]) for key in keys}


def _fold_result(predicted: Clustering, data: RecordSet, fold: set[str], t: float) -> FoldResult:
    held = {item: data.gold[item] for item in fold}
    return FoldResult(pairwise(predicted, held), bcubed(predicted, held), t)


def fellegi_sunter(
    data: RecordSet, folds: Sequence[set[str]], *, registry: bool = False
) -> HeldOut:
    """m/u and threshold from the training folds; ``registry``: cluster as run_resolve does."""
    scored = data.scored()
    results = []
    for i, fold in enumerate(folds):
        train_items = {item for j, other in enumerate(folds) if j != i for item in other}
        model = train(data.labelled(scored, train_items))
        t = best_threshold(data, scored, model, train_items, registry=registry)
        pairs = [(a, b, model.probability(lv)) for a, b, lv in scored.within(fold)]
        predicted = (
            _pipeline_clusters(data, fold, pairs, t)
            if registry
            else clusters_by_probability(pairs, t, data.name_of, fold)
        )
        results.append(_fold_result(predicted, data, fold, t))
    return HeldOut(tuple(results))


def best_threshold(
    data: RecordSet,
    scored: ScoredPairs,
    model: MatchModel,
    items: set[str],
    *,
    registry: bool = False,
) -> float:
    pairs = [(a, b, model.probability(lv)) for a, b, lv in scored.within(items)]
    truth = {item: data.gold[item] for item in items}

    def f1(t: float) -> float:
        predicted = (
            _pipeline_clusters(data, items, pairs, t)
            if registry
            else clusters_by_probability(pairs, t, data.name_of, items)
        )
        return pairwise(predicted, truth).f1

    return max(PROBABILITY_THRESHOLDS, key=lambda t: (f1(t), t))


def fixed_model(
    data: RecordSet, model: MatchModel, threshold: float
) -> tuple[PairwiseScore, BCubedScore]:
    """A model and threshold fitted elsewhere, scored on the whole set."""
    scored = data.scored()
    items = set(data.gold)
    pairs = [(a, b, model.probability(lv)) for a, b, lv in scored.within(items)]
    predicted = clusters_by_probability(pairs, threshold, data.name_of, items)
    return pairwise(predicted, data.gold), bcubed(predicted, data.gold)


def pooled_model(sets: Mapping[str, RecordSet]) -> tuple[MatchModel, float]:
    """m/u counted over every set's candidate pairs; the threshold with the best summed F1."""
    scored = {name: data.scored() for name, data in sets.items()}
    labelled = [
        pair for name, data in sets.items() for pair in data.labelled(scored[name], set(data.gold))
    ]
    model = train(labelled)

    def f1(t: float) -> float:
        total = PairwiseScore()
        for name, data in sets.items():
            items = set(data.gold)
            pairs = [(a, b, model.probability(lv)) for a, b, lv in scored[name].within(items)]
            predicted = clusters_by_probability(pairs, t, data.name_of, items)
            total = total + pairwise(predicted, data.gold)
        return total.f1

    return model, max(PROBABILITY_THRESHOLDS, key=lambda t: (f1(t), t))


def key_and_identifiers(data: RecordSet, items: set[str]) -> dict[str, str]:
    """The registry's deterministic edges only: identifiers and equal usable name keys."""
    return _pipeline_clusters(data, items, (), 1.0)
