"""Entity-resolution baselines on the analysts' labeled ICE names, as a Markdown report.

Usage (package installed, or PYTHONPATH=src): python benchmarks/resolve_eval.py [--data DIR]

Per source file: every name alone, key equality on the full set, and the same folds for key
equality and the fuzzy baselines (on match keys, and on raw names with only rapidfuzz's
default_process, to show what the normalization adds), whose threshold is chosen on the other
folds (5-fold, split along gold clusters). Fold rows score only pairs inside a fold, so their
false-positive counts are not comparable with the full-set rows.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from rapidfuzz.utils import default_process

from whosbehind.resolve.evaluate import (
    BCubedScore,
    PairwiseScore,
    bcubed,
    cluster_folds,
    cross_validate_threshold,
    key_equality,
    pairwise,
    score_folds,
    score_keys,
)
from whosbehind.resolve.labeled import LABEL_SOURCES, build_labeled_set, true_pairs

DEFAULT_DATA = Path(__file__).resolve().parents[1] / "../shared/data/contracts/ice-fy13-fy18"
FOLDS = 5
THRESHOLDS = [float(t) for t in range(70, 101)]


def _row(source: str, method: str, pw: PairwiseScore, b3: BCubedScore, note: str = "") -> str:
    predicted = pw.true_positives + pw.false_positives
    cells = [
        source,
        method,
        str(predicted),
        str(pw.true_positives),
        str(pw.false_positives),
        str(pw.false_negatives),
        *(f"{v:.3f}" for v in (pw.precision, pw.recall, pw.f1, b3.precision, b3.recall, b3.f1)),
        note,
    ]
    return "| " + " | ".join(cells) + " |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    started = time.perf_counter()
    labeled = build_labeled_set(args.data.resolve())

    print("## Labeled set\n")
    print("| source | records | names | clusters | true pairs | dropped rows (reason: count) |")
    print("|---|---|---|---|---|---|")
    for source, dropped in labeled.dropped.items():
        gold = labeled.gold(source)
        records = sum(1 for r in labeled.records if r.source_file == source)
        reasons = "; ".join(f"{reason}: {n}" for reason, n in sorted(dropped.items()))
        clusters = len(set(gold.values()))
        print(
            f"| {source} | {records} | {len(gold)} | {clusters} | {len(true_pairs(gold))} |"
            f" {reasons} |"
        )

    print(f"\n## Matchers ({FOLDS}-fold rows: held-out scores, thresholds chosen per fold)\n")
    print(
        "| source | method | pred. pairs | TP | FP | FN | P | R | F1 | B3 P | B3 R | B3 F1 | note |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for source in LABEL_SOURCES:
        gold = labeled.gold(source)
        names = sorted(gold)
        alone = {name: name for name in names}
        print(_row(source, "every name alone", pairwise(alone, gold), bcubed(alone, gold)))
        keys = key_equality(names)
        print(_row(source, "key equality", pairwise(keys, gold), bcubed(keys, gold)))
        folds = cluster_folds(gold, FOLDS, seed=0)
        held = score_folds(gold, folds, key_equality)
        print(_row(source, f"key equality, {FOLDS} folds", held.pairwise, held.bcubed))
        for scorer in ("ratio", "token_sort_ratio"):
            scored = score_keys(names, scorer, min(THRESHOLDS))
            held = cross_validate_threshold(gold, folds, scored, THRESHOLDS)
            note = "t=" + ",".join(f"{t:g}" for t in held.thresholds)
            method = f"fuzz.{scorer} on keys, CV threshold"
            print(_row(source, method, held.pairwise, held.bcubed, note))
        scored = score_keys(names, "token_sort_ratio", min(THRESHOLDS), key=default_process)
        held = cross_validate_threshold(gold, folds, scored, THRESHOLDS)
        note = "t=" + ",".join(f"{t:g}" for t in held.thresholds)
        method = "fuzz.token_sort_ratio on default_process(raw), CV threshold"
        print(_row(source, method, held.pairwise, held.bcubed, note))
    print(f"\n_{time.perf_counter() - started:.1f} s_")


if __name__ == "__main__":
    main()
