"""The record matchers scored by resolve_eval.py, each as a function returning held-out scores.

Every tuned thing (m/u, prior, threshold) is fitted on the training folds and scored on the
held-out fold; pairs crossing folds are never scored (as in whosbehind.resolve.evaluate).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from whosbehind.model.orgs import Judgement, OrgRecord
from whosbehind.resolve.evaluate import (
    BCubedScore,
    Clustering,
    FoldResult,
    HeldOut,
    PairwiseScore,
    bcubed,
    pairwise,
)
from whosbehind.resolve.judgement_eval import (
    Judged,
    NameClusters,
    apply_judgements,
    pair_errors,
    registry_clusters,
)
from whosbehind.resolve.match_eval import ScoredPairs, clusters_by_probability
from whosbehind.resolve.match_features import Levels
from whosbehind.resolve.match_model import MatchModel, train
from whosbehind.resolve.matching import profiles_of, scored_pairs
from whosbehind.resolve.names import name_key

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
    return registry_clusters(
        data.records, data.name_of, items, matches=matches, threshold=threshold
    ).of


def _fold_result(predicted: Clustering, data: RecordSet, fold: set[str], t: float) -> FoldResult:
    held = {item: data.gold[item] for item in fold}
    return FoldResult(pairwise(predicted, held), bcubed(predicted, held), t)


def fold_fits(
    data: RecordSet, folds: Sequence[set[str]], scored: ScoredPairs, *, registry: bool = False
) -> list[tuple[MatchModel, float]]:
    """Per fold: m/u counted on the other folds' labelled pairs, and the threshold with the best
    F1 on them (``registry``: clustered as run_resolve does)."""
    fits = []
    for i in range(len(folds)):
        train_items = {item for j, other in enumerate(folds) if j != i for item in other}
        model = train(data.labelled(scored, train_items))
        fits.append((model, best_threshold(data, scored, model, train_items, registry=registry)))
    return fits


def fellegi_sunter(
    data: RecordSet,
    folds: Sequence[set[str]],
    *,
    registry: bool = False,
    fits: Sequence[tuple[MatchModel, float]] | None = None,
    scored: ScoredPairs | None = None,
) -> HeldOut:
    """m/u and threshold from the training folds; ``registry``: cluster as run_resolve does."""
    scored = scored or data.scored()
    fits = fits or fold_fits(data, folds, scored, registry=registry)
    results = []
    for fold, (model, t) in zip(folds, fits, strict=True):
        pairs = [(a, b, model.probability(lv)) for a, b, lv in scored.within(fold)]
        predicted = (
            _pipeline_clusters(data, fold, pairs, t)
            if registry
            else clusters_by_probability(pairs, t, data.name_of, fold)
        )
        results.append(_fold_result(predicted, data, fold, t))
    return HeldOut(tuple(results))


@dataclass(frozen=True, slots=True)
class JudgedRun:
    """Held-out scores with judgements applied, and each fold's errors: (kind, name, name,
    the edges joining them for a false positive)."""

    held: HeldOut
    errors: list[tuple[str, str, str, str]]


def judgement_pairs(
    own: Sequence[OrgRecord], judged: Judged, model: MatchModel
) -> list[tuple[str, str, float]]:
    """The matcher's pairs touching a record the judgements added, as run_resolve matches them
    with every other record (blocking over the fold's records and the added ones)."""
    if not judged.records:
        return []
    profiles = profiles_of([*own, *judged.records])
    only = {r.record_key for r in judged.records}
    return [
        (profiles[i].record_key, profiles[j].record_key, model.probability(levels))
        for i, j, levels in scored_pairs(profiles, only=only)
    ]


def _describe(named: NameClusters, a: str, b: str, sources: Mapping[str, str]) -> str:
    """The chain of records and edges joining names ``a`` and ``b``."""
    steps, node = [], named.hub[a]
    for edge in named.path(a, b):
        if edge.source in sources:  # a judgement: cite the analysts' file and line
            how = f"same ({sources[edge.source]})"
        elif edge.kind == "match":
            how = f"match {edge.weight:.3f}"
        else:
            how = edge.detail
        node = edge.right if edge.left == node else edge.left
        steps.append(f"={how}= {named.record_names[node]}")
    return " ".join(steps)


def registry_judged(
    data: RecordSet,
    folds: Sequence[set[str]],
    judgements: Sequence[Judgement],
    fits: Sequence[tuple[MatchModel, float]] | None = None,
    *,
    evidence: bool = True,
    scored: ScoredPairs | None = None,
) -> JudgedRun:
    """The registry's clustering of each fold with ``judgements`` applied as run_resolve applies
    them: their records, ``same`` edges and cannot-links, with the identifier and name-key edges
    and, given ``fits`` (each fold's model and threshold from ``fold_fits``: the training folds'
    labels; the judgements change neither), the matcher's pairs, also those of the records the
    judgements add. ``evidence=False``: the judgements' edges alone."""
    sources = {f"{j.file}:{j.line}": j.source for j in judgements}
    if fits is not None:
        scored = scored or data.scored()
    results, errors = [], []
    for i, fold in enumerate(folds):
        own = [r for r in data.records if data.name_of[r.record_key] in fold]
        judged = apply_judgements(own, judgements)
        pairs: list[tuple[str, str, float]] = []
        t = None
        if fits is not None and scored is not None and evidence:
            model, t = fits[i]
            pairs = [(a, b, model.probability(lv)) for a, b, lv in scored.within(fold)]
            pairs += judgement_pairs(own, judged, model)
        named = registry_clusters(
            own,
            data.name_of,
            fold,
            matches=pairs,
            threshold=1.0 if t is None else t,
            judged=judged,
            evidence=evidence,
        )
        held = {item: data.gold[item] for item in fold}
        results.append(FoldResult(pairwise(named.of, held), bcubed(named.of, held), t))
        fps, fns = pair_errors(named.of, held)
        errors += [("FP", a, b, _describe(named, a, b, sources)) for a, b in fps]
        errors += [("FN", a, b, "") for a, b in fns]
    return JudgedRun(HeldOut(tuple(results)), errors)


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


def pooled_model(
    sets: Mapping[str, RecordSet],
    *,
    without: Collection[str] = frozenset(),
    scored: Mapping[str, ScoredPairs] | None = None,
) -> tuple[MatchModel, float]:
    """m/u counted over every set's candidate pairs; the threshold with the best summed F1.

    ``without``: name keys whose names are left out of the counts and of the threshold's
    choice, so that a set holding those names is scored by weights not fitted on them
    (``resolve_eval_unseen.py``). ``scored``: the sets' candidate pairs, if already compared.
    """
    scored = scored or {name: data.scored() for name, data in sets.items()}
    kept = {
        name: {item for item in data.gold if name_key(item) not in without}
        for name, data in sets.items()
    }
    labelled = [
        pair for name, data in sets.items() for pair in data.labelled(scored[name], kept[name])
    ]
    model = train(labelled)
    return model, pooled_threshold(sets, model, without=without, scored=scored)


def pooled_threshold(
    sets: Mapping[str, RecordSet],
    model: MatchModel,
    *,
    without: Collection[str] = frozenset(),
    scored: Mapping[str, ScoredPairs] | None = None,
) -> float:
    """The threshold with the best summed pairwise F1 of ``model`` on the sets' names (those
    whose key is not in ``without``)."""
    scored = scored or {name: data.scored() for name, data in sets.items()}
    kept = {
        name: {item for item in data.gold if name_key(item) not in without}
        for name, data in sets.items()
    }

    def f1(t: float) -> float:
        total = PairwiseScore()
        for name, data in sets.items():
            items = kept[name]
            pairs = [(a, b, model.probability(lv)) for a, b, lv in scored[name].within(items)]
            predicted = clusters_by_probability(pairs, t, data.name_of, items)
            total = total + pairwise(predicted, {item: data.gold[item] for item in items})
        return total.f1

    return max(PROBABILITY_THRESHOLDS, key=lambda t: (f1(t), t))


def key_and_identifiers(data: RecordSet, items: set[str]) -> dict[str, str]:
    """The registry's deterministic edges only: identifiers and equal usable name keys."""
    return _pipeline_clusters(data, items, (), 1.0)
