"""The matcher on data its rules never saw: weights learned without labels, scored held out.

Usage (package installed, or PYTHONPATH=src):
    python benchmarks/resolve_eval_unseen.py [--data DIR] [--local-gov DIR] [--shared DIR]

1. **Training, no labels.** ``match_em.estimate`` fits m, u and the prior by expectation
   maximisation to the candidate pairs of the registry's own records, with no label of any
   file: the fy13-fy18 award rows as the registry states them
   (``labeled_records.award_statements``: recipient statements with DUNS, reported parent, city
   and state, and the reported parents), and the same with the 2023 local-government names
   (no UEI). The levels are the matcher's (``match_features.COMPARISONS``, with the
   term-frequency ``descriptor`` level), the ``ESTIMATED_TOGETHER`` levels counted as one, as
   the shipped model counts them.
2. **Threshold, chosen elsewhere.** Each EM model's threshold is the one with the best summed
   pairwise F1 on the three labelled ICE files (names with their award rows' DUNS, parent, city,
   state), as ``resolve_eval.py --write-weights`` chose the shipped model's.
3. **Scores, every pair of each set.** Each row says which records it scores and whether the
   method saw them: the development split (fy13-fy18 recipient names grouped by DUNS, names,
   city and state only; the name rules were written on these rows), the labelled files names
   only (they chose the thresholds and trained the shipped model), the 2023 ICE
   local-government split (gold = recipient UEI, names, city and state; never used to fit a
   weight or choose a threshold, but every pair of it studied: half A in session 5, half B,
   held out then, in session 6; ``state_half``), and session 6's **held-out sets**
   (``resolve_heldout.py``: FedRAMP provider names by UEI, Treasury's 2016-09 vendors by DUNS;
   defined and committed before any of their pairs was scored, scored once at commit 2d906cc
   after the rules were fixed; two rules were written from their pairs after that, so they are
   studied now: docs/benchmarks.md gives the held-out score). *matcher*: the matcher's pairs
   at the threshold, union-find (the row resolve_eval.py prints); *registry*: with the
   identifier and name-key edges, as ``whosbehind resolve`` clusters. The shipped weights were
   counted on the labelled files, whose names are also among the development split's, 69 of
   the 2023 split's, 26 of Treasury's and 3 of FedRAMP's; so each set is also scored by
   ``fitted_without``: the same fit with every labelled name of the scored set left out (one
   fit per set; 5 folds for the labelled files and the development split, whose names are the
   training names), so that no score rests on a weight or threshold fitted on its own names.
4. **What the gold allows**: pairs of names with one name key filed under different
   identifiers (a method that joins equal keys makes each a false positive), and the precision
   bound that follows.
5. **Pairs classified** (true positives, false positives, false negatives) by what each pair's
   names have in common, for the shipped model, on the 2023 split and on each held-out set
   (after scoring; nothing is fitted or written from them, and whatever is written after
   reading them must be scored elsewhere).
"""

from __future__ import annotations

import argparse
import hashlib
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

from resolve_eval_methods import (  # type: ignore[import-not-found]
    PROBABILITY_THRESHOLDS,
    RecordSet,
    pooled_model,
)
from resolve_heldout import DEFAULT_SHARED, HELDOUT_SETS  # type: ignore[import-not-found]
from whosbehind.model.orgs import OrgRecord
from whosbehind.resolve.evaluate import PairwiseScore, cluster_folds, pairwise
from whosbehind.resolve.gov_names import STATES
from whosbehind.resolve.judgement_eval import pair_errors, registry_clusters
from whosbehind.resolve.labeled import LABEL_SOURCES, Award, build_labeled_set, read_awards
from whosbehind.resolve.labeled_records import (
    award_statements,
    duns_names,
    labeled_records,
    local_gov_names,
)
from whosbehind.resolve.match_em import estimate
from whosbehind.resolve.match_eval import ScoredPairs, clusters_by_probability
from whosbehind.resolve.match_features import COMPARISONS, Profile, compare
from whosbehind.resolve.match_model import MatchModel
from whosbehind.resolve.match_weights import DEFAULT_MODEL, FITTED_THRESHOLD
from whosbehind.resolve.matching import profiles_of, scored_pairs
from whosbehind.resolve.names import name_key, place_bound
from whosbehind.resolve.term_frequency import descriptor_words

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT / "../shared/data/contracts/ice-fy13-fy18"
DEFAULT_LOCAL_GOV = ROOT / "../shared/data/contracts/ice-local-gov"
SCORED: dict[int, ScoredPairs] = {}


def scored_of(data: RecordSet) -> ScoredPairs:
    """The set's candidate pairs and levels (cached: each set is compared once)."""
    key = id(data)
    if key not in SCORED:
        profiles = profiles_of(data.records)
        SCORED[key] = ScoredPairs.of(profiles, scored_pairs(profiles), data.name_of)
    return SCORED[key]


@dataclass(frozen=True)
class Method:
    name: str
    model: MatchModel
    threshold: float

    def pairs(self, data: RecordSet) -> list[tuple[str, str, float]]:
        scored = scored_of(data)
        return [(a, b, self.model.probability(lv)) for a, b, lv in scored.within(set(data.gold))]

    def matcher(self, data: RecordSet) -> dict[str, str]:
        return clusters_by_probability(
            self.pairs(data), self.threshold, data.name_of, set(data.gold)
        )

    def registry(self, data: RecordSet) -> dict[str, str]:
        named = registry_clusters(
            data.records,
            data.name_of,
            set(data.gold),
            matches=self.pairs(data),
            threshold=self.threshold,
        )
        return named.of


def em_method(
    name: str, records: list[OrgRecord], sets: Mapping[str, RecordSet]
) -> tuple[Method, int, int]:
    """EM on ``records``' candidate pairs, the threshold chosen on ``sets``; pairs, iterations."""
    profiles = profiles_of(records)
    pairs = scored_pairs(profiles, duplicates=False)
    model, iterations = estimate(lv for _, _, lv in pairs)

    def f1(t: float) -> float:
        total = PairwiseScore()
        for data in sets.values():
            total = total + pairwise(Method(name, model, t).matcher(data), data.gold)
        return total.f1

    threshold = max(PROBABILITY_THRESHOLDS, key=lambda t: (f1(t), t))
    return Method(name, model, threshold), len(pairs), iterations


FOLDS = 5


Fit = Callable[..., tuple[MatchModel, float]]


def fitted_without(
    data: RecordSet, training: Mapping[str, RecordSet], *, folds: bool, fit: Fit = pooled_model
) -> tuple[PairwiseScore, str]:
    """The shipped model's fit (``pooled_model``: m/u counted on the labelled files with their
    award rows, threshold by best summed F1; or another ``fit`` with its arguments) with every
    labelled name whose key is a name of the scored records left out, and its score on them
    (registry clustering).

    ``folds=False``: one fit without all of ``data``'s names, every pair scored. ``folds=True``
    (sets whose names are the training names, or most of them): 5 folds along ``data``'s gold
    clusters (seed 0), each scored by a fit without that fold's names; only pairs inside a fold
    are scored, as in resolve_eval.py's 5-fold rows.
    """
    compared = {name: scored_of(other) for name, other in training.items()}
    parts = cluster_folds(data.gold, FOLDS, seed=0) if folds else [set(data.gold)]
    total, notes = PairwiseScore(), []
    for part in parts:
        keys = {name_key(name) for name in part}
        model, threshold = fit(training, without=keys, scored=compared)
        pairs = [(a, b, model.probability(lv)) for a, b, lv in scored_of(data).within(part)]
        named = registry_clusters(
            data.records, data.name_of, part, matches=pairs, threshold=threshold
        )
        total = total + pairwise(named.of, {name: data.gold[name] for name in part})
        notes.append(f"{threshold:g}")
    return total, ",".join(notes)


def _row(records: str, seen: str, method: str, pw: PairwiseScore) -> str:
    cells = [
        records,
        seen,
        method,
        str(pw.true_positives + pw.false_positives),
        str(pw.true_positives),
        str(pw.false_positives),
        str(pw.false_negatives),
        f"{pw.precision:.3f}",
        f"{pw.recall:.3f}",
        f"{pw.f1:.3f}",
    ]
    return "| " + " | ".join(cells) + " |"


def classify(data: RecordSet, predicted: Mapping[str, str]) -> list[tuple[str, str, int, str]]:
    """(kind, class, count, an example) of the true positives and errors of ``predicted`` on
    ``data``, by the name level of the pair (as the matcher computes it on ``data``)."""
    profiles = {data.name_of[p.record_key]: p for p in profiles_of(data.records)}
    common = descriptor_words(p.key for p in profiles.values())
    counts: Counter[tuple[str, str]] = Counter()
    example: dict[tuple[str, str], str] = {}
    fps, fns = pair_errors(predicted, data.gold)
    tps = [
        (a, b)
        for a, b in combinations(sorted(data.gold), 2)
        if predicted[a] == predicted[b] and data.gold[a] == data.gold[b]
    ]
    for kind, pairs in (("TP", tps), ("FP", fps), ("FN", fns)):
        for a, b in pairs:
            pa, pb = profiles[a], profiles[b]
            level = compare(pa, pb, common)[0]
            if kind == "FN" and _government_and_office(pa, pb):
                what = "a government and one of its offices (sheriff, police, department, ...)"
            elif level == "equal":
                what = "equal name key"
            elif level in ("compact", "sort95", "truncated", "sort90", "sort80"):
                what = "spelling variant (token-sort ratio >= 80)"
            elif level == "core":
                what = "one government name's core (gov_names)"
            elif level == "descriptor":
                what = "one name's words all in the other's, descriptor words added"
            elif level == "subset":
                what = "one name's words all in the other's"
            elif pa.tokens & pb.tokens:
                what = "some words shared, names otherwise differ"
            else:
                what = "no word shared: names differ entirely"
            if kind != "FN" and level == "other":
                what += " (joined through other names)"
            counts[kind, what] += 1
            example.setdefault((kind, what), f"{a} / {b}")
    return [(k, w, n, example[k, w]) for (k, w), n in sorted(counts.items())]


_OFFICE_WORDS = frozenset(
    "sheriff sheriffs police department dept jail attorney court courts corrections".split()
)


def _government_and_office(a: Profile, b: Profile) -> bool:
    """One name is a county, city, town or state as a whole, the other an office naming it."""
    for whole, part in ((a, b), (b, a)):
        bare = place_bound(whole.key) and _OFFICE_WORDS.isdisjoint(whole.tokens)
        state = whole.tokens <= {"state", "commonwealth", "of", *_STATE_WORDS.get(whole.state, ())}
        if (bare or state) and not _OFFICE_WORDS.isdisjoint(part.tokens):
            return (whole.tokens - {"county", "city", "town", "state", "commonwealth", "of"}) <= (
                part.tokens | _STATE_WORDS.get(part.state, frozenset())
            )
    return False


_STATE_WORDS = {code: frozenset(name.split()) for code, name in STATES.items()}


def equal_keys_apart(data: RecordSet) -> tuple[int, int]:
    """Pairs of names with one name key but different gold clusters, and true pairs."""
    by_key: dict[str, list[str]] = defaultdict(list)
    for name in data.gold:
        by_key[name_key(name)].append(name)
    apart = sum(
        1
        for names in by_key.values()
        for a, b in combinations(names, 2)
        if data.gold[a] != data.gold[b]
    )
    sizes = Counter(data.gold.values())
    return apart, sum(n * (n - 1) // 2 for n in sizes.values())


def state_half(state: str | None) -> str:
    """The half of the local-government split a record's state falls in: "A" or "B" by the
    first byte of the state code's sha256, fixed before either half was scored."""
    return "B" if hashlib.sha256((state or "").encode()).digest()[0] % 2 else "A"


def _half(data: RecordSet, half: str) -> RecordSet:
    records = [r for r in data.records if state_half(r.state) == half]
    names = {data.name_of[r.record_key] for r in records}
    return RecordSet(
        records,
        {r.record_key: data.name_of[r.record_key] for r in records},
        {name: data.gold[name] for name in names},
    )


def _states(data: RecordSet) -> str:
    states = sorted({r.state for r in data.records if r.state})
    return f"{len(states)} states: {', '.join(states)}"


def arguments(description: str) -> argparse.Namespace:
    """--data (the labelled ICE files and their award rows), --local-gov, --shared."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--local-gov", type=Path, default=DEFAULT_LOCAL_GOV)
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    return parser.parse_args()


def labelled_sets(
    data_dir: Path,
) -> tuple[list[Award], dict[str, RecordSet], dict[str, RecordSet]]:
    """The award rows, and each labelled file's names with their award rows' DUNS, parent,
    city and state, and with their names only."""
    awards = read_awards(data_dir)
    labeled = build_labeled_set(data_dir)
    with_ids, names_only = {}, {}
    for source in LABEL_SOURCES:
        gold = labeled.gold(source)
        with_ids[source] = RecordSet(*labeled_records(labeled, source, awards), gold)
        names_only[source] = RecordSet(
            *labeled_records(labeled, source, awards, identifiers=False), gold
        )
    return awards, with_ids, names_only


def named(records: list[OrgRecord], gold: Mapping[str, str]) -> RecordSet:
    """Records scored by their own names."""
    return RecordSet(records, {r.record_key: r.name for r in records}, gold)


def evaluation_sets(
    awards: list[Award], local_gov: Path, shared: Path
) -> tuple[RecordSet, RecordSet, dict[str, RecordSet]]:
    """The sets scored beside the labelled files: the development split (fy13-fy18 names by
    DUNS), the 2023 local-government split (by UEI) and the held-out sets."""
    dev = named(*duns_names(awards))
    unseen = named(*local_gov_names(local_gov.resolve()))
    held_out = {
        label: named(records, gold)
        for label, build in HELDOUT_SETS.items()
        for records, gold in (build(shared.resolve()),)
    }
    return dev, unseen, held_out


def main() -> None:
    args = arguments(__doc__)
    started = time.perf_counter()
    awards, with_ids, names_only = labelled_sets(args.data.resolve())
    statements = award_statements(awards)
    shipped = Method("shipped model (match_weights.py)", DEFAULT_MODEL, FITTED_THRESHOLD)
    print("## Training (no labels)\n")
    dev, unseen, held_out = evaluation_sets(awards, args.local_gov, args.shared)
    halves = {half: _half(unseen, half) for half in ("A", "B")}
    methods = [shipped]
    for name, training, what in (
        ("EM on the award statements", statements, ""),
        (
            "EM on the award statements and the local-gov names",
            [*statements, *unseen.records],
            f" and the {len(unseen.records)} local-government names of 2023 (no UEI)",
        ),
    ):
        method, n_pairs, iterations = em_method(name, training, with_ids)
        methods.append(method)
        print(
            f"- {name}: {len(statements)} unlabelled award statements and reported parents"
            f" (fy13-fy18){what}, {n_pairs} candidate pairs, {iterations} EM iterations, prior"
            f" {method.model.prior:.3f}; threshold {method.threshold:g} (best summed F1 on the"
            " labelled ICE files with DUNS)"
        )
    print("\n| comparison | level | " + " | ".join(f"{m.name}: ln(m/u)" for m in methods) + " |")
    print("|---|---|" + "---|" * len(methods))
    for comparison, levels in COMPARISONS.items():
        for level in levels:
            weights = [m.model.weights.get(comparison, {}).get(level) for m in methods]
            cells = " | ".join("" if w is None else f"{w:+.2f}" for w in weights)
            print(f"| {comparison} | {level} | {cells} |")

    scored_sets = [
        (
            "dev: fy13-fy18 names by DUNS",
            "rules written on these rows; the labelled names (the shipped weights') are among them",
            dev,
        ),
        *(
            (
                f"{source}, names only",
                "trained the shipped model (in-sample); chose the EM thresholds",
                data,
            )
            for source, data in names_only.items()
        ),
        ("local-gov 2023 by UEI, whole split", "studied (sessions 4-6)", unseen),
        (
            f"local-gov 2023 by UEI, half A ({_states(halves['A'])})",
            "studied: rules written from its misses (sessions 5, 6)",
            halves["A"],
        ),
        (
            f"local-gov 2023 by UEI, half B ({_states(halves['B'])})",
            "studied: held out in session 5, its misses read in session 6",
            halves["B"],
        ),
        *(
            (
                label,
                "held out until scored once at 2d906cc (session 6); two rules (numbers, HTML"
                " references) written from its pairs after",
                data,
            )
            for label, data in held_out.items()
        ),
    ]
    print("\n## Scores (whole sets, every pair)\n")
    print("| records | seen by the method | method | pred. pairs | TP | FP | FN | P | R | F1 |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for label, seen, data in scored_sets:
        for method in methods:
            for how in ("matcher", "registry"):
                predicted = method.matcher(data) if how == "matcher" else method.registry(data)
                pw = pairwise(predicted, data.gold)
                print(_row(label, seen, f"{method.name}, t={method.threshold:g}, {how}", pw))
        folds = data is dev or any(data is other for other in names_only.values())
        pw, thresholds = fitted_without(data, with_ids, folds=folds)
        how = (
            f"{FOLDS} folds, each fit without its fold's names, pairs inside a fold"
            if folds
            else "one fit without any of these names, every pair"
        )
        print(
            _row(
                label,
                "no weight or threshold fitted on these names",
                f"shipped model's fit without the scored names ({how}), t={thresholds}, registry",
                pw,
            )
        )

    for label, data in (("Whole split", unseen), ("Half B", halves["B"]), *held_out.items()):
        apart, true = equal_keys_apart(data)
        print(
            f"\n{label}: {apart} pairs of names with one name key are filed under different"
            f" identifiers, against {true} true pairs; a method that joins every equal key has"
            f" precision at most {true / (true + apart):.3f} there, whatever else it does."
        )
    for label, data in (
        ("the 2023 local-government split", unseen),
        ("the 2023 local-government split, half B", halves["B"]),
        *held_out.items(),
    ):
        print(f"\n## Pairs of {label} by what their names share (shipped model)\n")
        print("| clustering | kind | class | pairs | example |")
        print("|---|---|---|---|---|")
        for how in ("matcher", "registry"):
            predicted = shipped.matcher(data) if how == "matcher" else shipped.registry(data)
            for kind, what, n, example in classify(data, predicted):
                print(f"| {how} | {kind} | {what} | {n} | {example} |")
    print(f"\n_{time.perf_counter() - started:.1f} s_")


if __name__ == "__main__":
    main()
