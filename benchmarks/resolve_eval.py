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

The product as a user runs it: for each scored set, the other curated files (the other two
sets' and child_companies_clean_names.csv) are imported as judgements through the real import
code (``whosbehind judgements import``, resolve.judgement_import), and applied as ``whosbehind
resolve`` applies them (resolve.judgement_eval): the registry row again with them (same folds,
same m/u and thresholds, which the judgements do not change), the judgements alone, and, since
fold rows never score a pair across folds (where most pairs a judgement wrongly joins fall),
the matcher trained on the other two sources, clustered with and without the judgements and
scored on every pair of the set. The scored set's own file gives only its gold labels. Then
what each import gave, how far the judgements overlap each set, and the errors left.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz.utils import default_process

from resolve_eval_methods import (  # type: ignore[import-not-found]
    PROBABILITY_THRESHOLDS,
    JudgedRun,
    RecordSet,
    fellegi_sunter,
    fixed_model,
    fold_fits,
    key_and_identifiers,
    pooled_model,
    registry_judged,
)
from whosbehind.model.orgs import Judgement
from whosbehind.resolve.evaluate import (
    BCubedScore,
    HeldOut,
    PairwiseScore,
    agreement,
    bcubed,
    cluster_folds,
    cross_validate_threshold,
    key_equality,
    pairwise,
    score_folds,
    score_keys,
)
from whosbehind.resolve.judgement_eval import FileImport, Overlap, import_others, overlap
from whosbehind.resolve.labeled import (
    LABEL_SOURCES,
    LabeledSet,
    build_labeled_set,
    read_awards,
    true_pairs,
)
from whosbehind.resolve.labeled_records import labeled_records, local_gov_names
from whosbehind.resolve.match_eval import ScoredPairs, score_probabilities
from whosbehind.resolve.match_model import MatchModel
from whosbehind.resolve.match_weights import DEFAULT_MODEL
from whosbehind.resolve.matching import MATCH_THRESHOLD
from whosbehind.resolve.splink_model import splink_probabilities

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT / "../shared/data/contracts/ice-fy13-fy18"
DEFAULT_LOCAL_GOV = ROOT / "../shared/data/contracts/ice-local-gov"
WEIGHTS = ROOT / "src/whosbehind/resolve/match_weights.py"
FOLDS = 5
JUDGED = "+ judgements imported from the other files"
JUDGED_ALONE = "judgements imported from the other files alone"
NAMES_ONLY = "names only"
WITH_DUNS = "with DUNS"
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


@dataclass
class Imported:
    """The judgements imported from the files other than one scored set, and what they did."""

    judgements: list[Judgement]
    files: list[FileImport]
    names: int = 0
    # setting (names only, with DUNS) -> the held-out row's errors, and the whole-set ones
    errors: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)
    alone: dict[str, tuple[PairwiseScore, Overlap]] = field(default_factory=dict)


def _import_others(directory: Path, scored_set: str, target: Path) -> Imported:
    """Every curated file but ``scored_set``, imported as a user would (the scored set's own
    file is never read here)."""
    return Imported(*import_others(directory, scored_set, target))


def _fellegi_sunter_rows(
    source: str,
    data: RecordSet,
    folds: list[set[str]],
    imported: Imported | None = None,
    setting: str = "",
) -> None:
    """The matcher held out: its own pairs, then clustered as ``whosbehind resolve`` does; then,
    given ``imported``, the same with the judgements of the other files applied."""
    held = fellegi_sunter(data, folds)
    method = "Fellegi-Sunter, CV m/u + threshold"
    print(_row(source, method, held.pairwise, held.bcubed, _note(held)))
    scored = data.scored()
    fits = fold_fits(data, folds, scored, registry=True)
    held = fellegi_sunter(data, folds, registry=True, fits=fits, scored=scored)
    method = "Fellegi-Sunter + registry clustering (resolve.clusters), CV"
    print(_row(source, method, held.pairwise, held.bcubed, _note(held)))
    if imported is not None:
        _judged_rows(source, data, folds, imported, setting, fits, scored)


def _judged_rows(
    source: str,
    data: RecordSet,
    folds: list[set[str]],
    imported: Imported,
    setting: str,
    fits: list[tuple[MatchModel, float]],
    scored: ScoredPairs,
) -> None:
    """The registry row with the other files' judgements (the same m/u and thresholds), and the
    judgements alone on the same folds."""
    judgements = imported.judgements
    run = registry_judged(data, folds, judgements, fits, scored=scored)
    method = f"Fellegi-Sunter + registry clustering (resolve.clusters), CV {JUDGED}"
    print(_row(source, method, run.held.pairwise, run.held.bcubed, _note(run.held)))
    alone = registry_judged(data, folds, judgements, evidence=False)
    print(_row(source, f"{JUDGED_ALONE}, {FOLDS} folds", alone.held.pairwise, alone.held.bcubed))
    everything = registry_judged(data, [set(data.gold)], judgements, evidence=False)
    imported.names = len(data.gold)
    imported.alone[setting] = (
        everything.held.pairwise,
        overlap(data.records, data.name_of, judgements),
    )
    plain = registry_judged(data, folds, [], fits, scored=scored)
    imported.errors.setdefault(setting, []).extend(
        _compared(f"held out ({FOLDS} folds)", run, plain)
    )


def _compared(row: str, judged: JudgedRun, plain: JudgedRun) -> list[tuple[str, ...]]:
    """``judged``'s errors, each marked new or also made without the judgements (``plain``)."""
    before = {(kind, a, b) for kind, a, b, _ in plain.errors}
    return [
        (row, kind, "also" if (kind, a, b) in before else "new", a, b, how)
        for kind, a, b, how in judged.errors
    ]


def _other_sources_rows(
    sets: dict[str, RecordSet], imported: dict[str, Imported], setting: str
) -> None:
    """Per set: the matcher trained on the other two sets' labels, scored on every pair of this
    one (nothing of it tuned on this set); with identifiers also as before, unclustered; then
    clustered as the registry does, without and with the other files' judgements. Every pair is
    scored, so a judgement joining two of this set's gold clusters always counts."""
    for source, data in sets.items():
        others = {name: d for name, d in sets.items() if name != source}
        model, threshold = pooled_model(others)
        note = f"t={threshold:g}"
        method = "Fellegi-Sunter trained on the other two sources"
        if setting == WITH_DUNS:
            pw, b3 = fixed_model(data, model, threshold)
            print(_row(source, f"{method} (whole set)", pw, b3, note))
        whole, fit = [set(data.gold)], [(model, threshold)]
        scored = data.scored()
        method += " + registry clustering"
        plain = registry_judged(data, whole, [], fit, scored=scored)
        print(_row(source, f"{method} (whole set)", plain.held.pairwise, plain.held.bcubed, note))
        found = imported[source]
        run = registry_judged(data, whole, found.judgements, fit, scored=scored)
        pw, b3 = run.held.pairwise, run.held.bcubed
        print(_row(source, f"{method} {JUDGED} (whole set)", pw, b3, note))
        found.errors.setdefault(setting, []).extend(
            _compared("whole set, trained on the other two sources", run, plain)
        )


def _judgement_report(imported: dict[str, Imported]) -> None:
    print("\n## Judgements imported from the other files\n")
    print("| scored set | imported file | format | rows | same | parent-of | different | skipped |")
    print("|---|---|---|---|---|---|---|---|")
    for scored_set, found in imported.items():
        for f in found.files:
            skipped = "; ".join(f"{why}: {n}" for why, n in sorted(f.skipped.items()))
            kinds = " | ".join(str(f.kinds[k]) for k in ("same", "parent-of", "different"))
            print(f"| {scored_set} | {f.file} | {f.format} | {f.rows} | {kinds} | {skipped} |")
    print(
        "\nOverlap: the scored set's names that an imported judgement names (a `name:` side equal"
        " to the raw name, whitespace and case folded; a `duns:` side equal to the DUNS of one of"
        " its records), and the scored set's pairs the judgements join alone (their `same` edges"
        " through the records they add, nothing else), whole set.\n"
    )
    print(
        "| scored set | records | names | true pairs | named by name | by DUNS | either |"
        " joined by judgements alone: TP | FP | FN |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for scored_set, found in imported.items():
        for setting, (pw, seen) in found.alone.items():
            true = pw.true_positives + pw.false_negatives
            print(
                f"| {scored_set} | {setting} | {found.names} | {true} | {seen.by_name} |"
                f" {seen.by_identifier} | {seen.either} | {pw.true_positives} |"
                f" {pw.false_positives} | {pw.false_negatives} |"
            )
    print(f"\n## Errors left {JUDGED}\n")
    print(
        "The false positives (with the chain of records and edges that joins them) and false"
        " negatives of the Fellegi-Sunter + registry rows with the judgements: held out (pairs"
        " inside a fold), and trained on the other two sources (every pair). *without"
        " judgements*: `also` when the same row without them makes the error too, `new` when"
        " it does not (for a false negative: the judgements did not fix it; `new` cannot"
        " happen unless a judgement refuses an edge).\n"
    )
    print("| scored set | records | row | kind | without judgements | name | name | joined by |")
    print("|---|---|---|---|---|---|---|---|")
    for scored_set, found in imported.items():
        for setting, errors in found.errors.items():
            for error in errors:
                print(f"| {scored_set} | {setting} | {' | '.join(error)} |")


def _agreement_table(labeled: LabeledSet) -> None:
    """How far the analysts agree: each file's labels scored as a prediction against another
    file's, on the raw names both label. No matcher can beat both files on the pairs where they
    disagree."""
    print("\n## Agreement between the analysts' files (raw names both label)\n")
    print("| gold | scored as prediction | shared names | gold pairs | TP | FP | FN | P | R |")
    print("|---|---|---|---|---|---|---|---|---|")
    for gold_source in LABEL_SOURCES:
        for other in LABEL_SOURCES:
            if other == gold_source:
                continue
            shared, score, _ = agreement(labeled.gold(gold_source), labeled.gold(other))
            print(
                f"| {gold_source} | {other} | {shared} | "
                f"{score.true_positives + score.false_negatives} | {score.true_positives} | "
                f"{score.false_positives} | {score.false_negatives} | {score.precision:.3f} | "
                f"{score.recall:.3f} |"
            )


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
    with tempfile.TemporaryDirectory() as scratch:
        imported = {
            source: _import_others(
                args.data.resolve(), source, Path(scratch) / f"without-{source}.tsv"
            )
            for source in LABEL_SOURCES
        }

    print("## Labeled set\n")
    print("| source | records | names | clusters | true pairs | dropped rows (reason: count) |")
    print("|---|---|---|---|---|---|")
    for source, dropped in labeled.dropped.items():
        gold = labeled.gold(source)
        count = sum(1 for r in labeled.records if r.source_file == source)
        reasons = "; ".join(f"{reason}: {n}" for reason, n in sorted(dropped.items()))
        clusters = len(set(gold.values()))
        print(
            f"| {source} | {count} | {len(gold)} | {clusters} | {len(true_pairs(gold))} |"
            f" {reasons} |"
        )

    _agreement_table(labeled)

    _header(f"Names only ({FOLDS}-fold rows: held-out scores, thresholds chosen per fold)")
    names_only: dict[str, RecordSet] = {}
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
        _fellegi_sunter_rows(source, data, folds, imported[source], NAMES_ONLY)
        names_only[source] = data
    _other_sources_rows(names_only, imported, NAMES_ONLY)

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
        _fellegi_sunter_rows(source, data, folds, imported[source], WITH_DUNS)
    _other_sources_rows(with_ids, imported, WITH_DUNS)

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

    _judgement_report(imported)

    if args.write_weights:
        model, threshold = pooled_model(with_ids)
        _write_weights(model, threshold, list(with_ids))
    print(f"\n_{time.perf_counter() - started:.1f} s_")


if __name__ == "__main__":
    main()
