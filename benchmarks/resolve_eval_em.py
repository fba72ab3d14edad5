"""Can weights learned by EM keep the labelled pairs? Semi-supervised EM, cross-validated.

Usage (package installed, or PYTHONPATH=src):
    python benchmarks/resolve_eval_em.py [--data DIR] [--local-gov DIR] [--shared DIR]

Unsupervised EM on the award statements (``match_em.estimate``) puts most near-spellings
("J OLIVA TRUCKING" / "JOLIVA TRUCKING LLC") in its non-match class and loses six labelled
pairs. This script fits three models on the same comparison vector
(``match_features.COMPARISONS``, the ``ESTIMATED_TOGETHER`` levels counted as one) and scores
each the same way, with no weight or threshold fitted on the scored names
(``resolve_eval_unseen.fitted_without``: every labelled name whose key is a scored name left
out of the fit and of the threshold's choice; 5 folds for the labelled files and the
development split):

- *counted* (the shipped model's fit): m/u counted on the labelled pairs;
- *EM*: m/u by EM on the award statements' candidate pairs, no labels (as session 6);
- *EM + labels*: EM on the award statements' candidate pairs and the labelled pairs together,
  the labelled pairs' classes fixed (semi-supervised, ``match_em.estimate(..., fixed=...)``:
  each labelled pair counts as a match or a non-match in every M step, the unlabelled pairs by
  their expected class).

Each threshold is chosen by best summed F1 on the labelled names left in the fit. The EM
models read the award statements, which hold the labelled and development names (unsupervised,
as Splink trains on the records it links).
"""

from __future__ import annotations

import time
from collections.abc import Collection, Mapping

from resolve_eval_methods import (  # type: ignore[import-not-found]
    RecordSet,
    pooled_model,
    pooled_threshold,
)
from resolve_eval_unseen import (  # type: ignore[import-not-found]
    FOLDS,
    _half,
    _row,
    arguments,
    evaluation_sets,
    fitted_without,
    labelled_sets,
)
from whosbehind.resolve.labeled_records import award_statements
from whosbehind.resolve.match_em import estimate
from whosbehind.resolve.match_eval import ScoredPairs
from whosbehind.resolve.match_features import COMPARISONS
from whosbehind.resolve.match_model import MatchModel
from whosbehind.resolve.matching import profiles_of, scored_pairs
from whosbehind.resolve.names import name_key


def main() -> None:
    args = arguments(__doc__)
    started = time.perf_counter()
    awards, with_ids, names_only = labelled_sets(args.data.resolve())
    profiles = profiles_of(award_statements(awards))
    statements = [lv for _, _, lv in scored_pairs(profiles, duplicates=False)]
    unsupervised, _ = estimate(statements)

    def em(
        sets: Mapping[str, RecordSet],
        *,
        without: Collection[str],
        scored: Mapping[str, ScoredPairs],
    ) -> tuple[MatchModel, float]:
        return unsupervised, pooled_threshold(sets, unsupervised, without=without, scored=scored)

    def em_labels(
        sets: Mapping[str, RecordSet],
        *,
        without: Collection[str],
        scored: Mapping[str, ScoredPairs],
    ) -> tuple[MatchModel, float]:
        labelled = [
            pair
            for name, data in sets.items()
            for pair in data.labelled(
                scored[name], {n for n in data.gold if name_key(n) not in without}
            )
        ]
        model, _ = estimate(statements, fixed=labelled)
        return model, pooled_threshold(sets, model, without=without, scored=scored)

    fits = {"counted (shipped fit)": pooled_model, "EM": em, "EM + labels": em_labels}
    model_all = em_labels(
        with_ids, without=frozenset(), scored={n: d.scored() for n, d in with_ids.items()}
    )[0]
    print("## Weights (ln m/u), fitted on all labelled pairs\n")
    counted = pooled_model(with_ids)[0]
    print("| comparison | level | counted | EM | EM + labels |")
    print("|---|---|---|---|---|")
    for comparison, levels in COMPARISONS.items():
        for level in levels:
            cells = [
                f"{model.weights[comparison][level]:+.2f}"
                for model in (counted, unsupervised, model_all)
            ]
            print(f"| {comparison} | {level} | {' | '.join(cells)} |")
    print(
        f"\nPriors: counted {counted.prior:.3f}, EM {unsupervised.prior:.3f}, EM + labels"
        f" {model_all.prior:.3f}; {len(statements)} unlabelled candidate pairs.\n"
    )

    dev, unseen, held_out = evaluation_sets(awards, args.local_gov, args.shared)
    scored_sets: list[tuple[str, RecordSet, bool]] = [
        *((f"{s}, names only", d, True) for s, d in names_only.items()),
        *((f"{s}, with DUNS", d, True) for s, d in with_ids.items()),
        ("dev: fy13-fy18 names by DUNS", dev, True),
        ("local-gov 2023, whole split", unseen, False),
        ("local-gov 2023, half B", _half(unseen, "B"), False),
        *((label, data, False) for label, data in held_out.items()),
    ]
    print("## Scores, no weight or threshold fitted on the scored names\n")
    print("| records | fits | method | pred. pairs | TP | FP | FN | P | R | F1 |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for label, data, folds in scored_sets:
        how = f"{FOLDS} folds, pairs inside a fold" if folds else "one fit, every pair"
        for name, fit in fits.items():
            pw, thresholds = fitted_without(data, with_ids, folds=folds, fit=fit)
            print(_row(label, how, f"{name}, t={thresholds}", pw))
    print(f"\n_{time.perf_counter() - started:.1f} s_")


if __name__ == "__main__":
    main()
