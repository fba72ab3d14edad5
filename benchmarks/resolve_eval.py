"""Entity resolution on the analysts' labeled ICE names, as a Markdown report.

Usage (package installed, or PYTHONPATH=src):
    python benchmarks/resolve_eval.py [--data DIR] [--local-gov DIR] [--write-weights]

Per source file: every name alone, key equality on the full set, and the same folds for key
equality and the fuzzy baselines (on match keys, and on raw names with only rapidfuzz's
default_process, to show what the normalization adds), whose threshold is chosen on the other
folds (5-fold, split along gold clusters). Fold rows score only pairs inside a fold, so their
false-positive counts are not comparable with the full-set rows.

Then the record matchers (names only, and with the DUNS, reported parent, city and state that
the award rows give each name): Splink with its default settings, the Fellegi-Sunter matcher
(m/u and threshold from the training folds), the same clustered as the registry does, and the
matcher trained on the other two sources. Last, the 2023 local-government awards, a split the
name rules were not written against, scored with the shipped model (match_weights.py) and with
the methods cross-validated on it. ``--write-weights`` regenerates
src/whosbehind/resolve/match_weights.py from all three sources (names with identifiers).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from rapidfuzz.utils import default_process

from resolve_eval_methods import (  # type: ignore[import-not-found]
    PROBABILITY_THRESHOLDS,
    RecordSet,
    fellegi_sunter,
    fixed_model,
    key_and_identifiers,
    pooled_model,
)
from whosbehind.resolve.evaluate import (
    BCubedScore,
    HeldOut,
    PairwiseScore,
    bcubed,
    cluster_folds,
    cross_validate_threshold,
    key_equality,
    pairwise,
    score_folds,
    score_keys,
)
from whosbehind.resolve.labeled import LABEL_SOURCES, build_labeled_set, read_awards, true_pairs
from whosbehind.resolve.labeled_records import labeled_records, local_gov_names
from whosbehind.resolve.match_eval import score_probabilities
from whosbehind.resolve.match_model import MatchModel
from whosbehind.resolve.match_weights import DEFAULT_MODEL
from whosbehind.resolve.matching import MATCH_THRESHOLD
from whosbehind.resolve.splink_model import splink_probabilities

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT / "../shared/data/contracts/ice-fy13-fy18"
DEFAULT_LOCAL_GOV = ROOT / "../shared/data/contracts/ice-local-gov"
WEIGHTS = ROOT / "src/whosbehind/resolve/match_weights.py"
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


def _note(held: HeldOut) -> str:
    return "t=" + ",".join(f"{t:g}" for t in held.thresholds)


def _splink_row(label: str, method: str, data: RecordSet, folds: list[set[str]]) -> str:
    started = time.perf_counter()
    probabilities = splink_probabilities(data.records)
    held = score_probabilities(
        data.gold, folds, probabilities, PROBABILITY_THRESHOLDS, data.name_of
    )
    note = f"{_note(held)}; {time.perf_counter() - started:.1f} s"
    return _row(label, method, held.pairwise, held.bcubed, note)


def _name_baselines(
    names: list[str], gold: dict[str, str], folds: list[set[str]], label: str
) -> None:
    keys = key_equality(names)
    print(_row(label, "key equality", pairwise(keys, gold), bcubed(keys, gold)))
    held = score_folds(gold, folds, key_equality)
    print(_row(label, f"key equality, {FOLDS} folds", held.pairwise, held.bcubed))
    for scorer in ("ratio", "token_sort_ratio"):
        scored = score_keys(names, scorer, min(THRESHOLDS))
        held = cross_validate_threshold(gold, folds, scored, THRESHOLDS)
        method = f"fuzz.{scorer} on keys, CV threshold"
        print(_row(label, method, held.pairwise, held.bcubed, _note(held)))
    scored = score_keys(names, "token_sort_ratio", min(THRESHOLDS), key=default_process)
    held = cross_validate_threshold(gold, folds, scored, THRESHOLDS)
    method = "fuzz.token_sort_ratio on default_process(raw), CV threshold"
    print(_row(label, method, held.pairwise, held.bcubed, _note(held)))


def _fellegi_sunter_rows(source: str, data: RecordSet, folds: list[set[str]]) -> None:
    """The matcher held out: its own pairs, then clustered as ``whosbehind resolve`` does."""
    for method, registry in (
        ("Fellegi-Sunter, CV m/u + threshold", False),
        ("Fellegi-Sunter + registry clustering (resolve.clusters), CV", True),
    ):
        held = fellegi_sunter(data, folds, registry=registry)
        print(_row(source, method, held.pairwise, held.bcubed, _note(held)))


def _header(title: str) -> None:
    print(f"\n## {title}\n")
    print(
        "| source | method | pred. pairs | TP | FP | FN | P | R | F1 | B3 P | B3 R | B3 F1 | note |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")


def _write_weights(model: MatchModel, threshold: float, sources: list[str]) -> None:
    lines = [
        '"""Generated by benchmarks/resolve_eval.py --write-weights: do not edit.\n',
        "The Fellegi-Sunter weights counted on the candidate pairs of the labelled ICE sets",
        f"({', '.join(sources)}),",
        "names with the DUNS, parent and place of their award rows.",
        f"Best summed pairwise F1 on those sets at threshold {threshold:g} (in-sample;",
        'the held-out scores are in docs/benchmarks.md).\n"""\n',
        "from __future__ import annotations\n",
        "from whosbehind.resolve.match_model import MatchModel\n",
        f"FITTED_THRESHOLD = {threshold!r}",
        "DEFAULT_MODEL = MatchModel(",
        f"    prior={model.prior!r},",
        "    weights={",
    ]
    for comparison, levels in model.weights.items():
        lines.append(f'        "{comparison}": {{')
        lines.extend(f'            "{level}": {w!r},' for level, w in levels.items())
        lines.append("        },")
    lines += ["    },", ")", ""]
    WEIGHTS.write_text("\n".join(lines))
    print(f"\nwrote {WEIGHTS.relative_to(ROOT)} (threshold {threshold:g})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--local-gov", type=Path, default=DEFAULT_LOCAL_GOV)
    parser.add_argument("--write-weights", action="store_true")
    args = parser.parse_args()
    started = time.perf_counter()
    labeled = build_labeled_set(args.data.resolve())
    awards = read_awards(args.data.resolve())

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

    _header(f"Names only ({FOLDS}-fold rows: held-out scores, thresholds chosen per fold)")
    for source in LABEL_SOURCES:
        gold = labeled.gold(source)
        names = sorted(gold)
        alone = {name: name for name in names}
        print(_row(source, "every name alone", pairwise(alone, gold), bcubed(alone, gold)))
        folds = cluster_folds(gold, FOLDS, seed=0)
        _name_baselines(names, gold, folds, source)
        records, name_of = labeled_records(labeled, source, awards, identifiers=False)
        data = RecordSet(records, name_of, gold)
        print(_splink_row(source, "Splink defaults, CV threshold", data, folds))
        _fellegi_sunter_rows(source, data, folds)

    _header(f"Names with the award rows' DUNS, parent, city, state ({FOLDS}-fold, held out)")
    with_ids: dict[str, RecordSet] = {}
    for source in LABEL_SOURCES:
        gold = labeled.gold(source)
        records, name_of = labeled_records(labeled, source, awards, identifiers=True)
        data = with_ids[source] = RecordSet(records, name_of, gold)
        folds = cluster_folds(gold, FOLDS, seed=0)
        held = score_folds(gold, folds, lambda fold, d=data: key_and_identifiers(d, fold))
        print(
            _row(source, "key equality + shared DUNS (registry edges)", held.pairwise, held.bcubed)
        )
        print(_splink_row(source, "Splink defaults, CV threshold", data, folds))
        _fellegi_sunter_rows(source, data, folds)
    for source in LABEL_SOURCES:
        others = {name: data for name, data in with_ids.items() if name != source}
        model, threshold = pooled_model(others)
        pw, b3 = fixed_model(with_ids[source], model, threshold)
        method = "Fellegi-Sunter trained on the other two sources (whole set)"
        print(_row(source, method, pw, b3, f"t={threshold:g}"))

    _header("Unseen split: 2023 ICE local-government awards (gold: recipient UEI)")
    records, gold = local_gov_names(args.local_gov.resolve())
    label = "local-gov 2023"
    data = RecordSet(records, {r.record_key: r.name for r in records}, gold)
    names = sorted(gold)
    folds = cluster_folds(gold, FOLDS, seed=0)
    alone = {name: name for name in names}
    print(_row(label, "every name alone", pairwise(alone, gold), bcubed(alone, gold)))
    _name_baselines(names, gold, folds, label)
    print(_splink_row(label, "Splink defaults, CV threshold", data, folds))
    pw, b3 = fixed_model(data, DEFAULT_MODEL, MATCH_THRESHOLD)
    method = "Fellegi-Sunter, shipped model and MATCH_THRESHOLD (fitted on ICE fy13-18)"
    print(_row(label, method, pw, b3, f"t={MATCH_THRESHOLD:g}"))
    held = fellegi_sunter(data, folds)
    print(
        _row(label, "Fellegi-Sunter, CV m/u + threshold", held.pairwise, held.bcubed, _note(held))
    )

    if args.write_weights:
        model, threshold = pooled_model(with_ids)
        _write_weights(model, threshold, list(with_ids))
    print(f"\n_{time.perf_counter() - started:.1f} s_")


if __name__ == "__main__":
    main()
