"""Would an acronym name level help? Every pair of names in a set where one is the other's
initials, scored against the set's gold before any such level exists.

Usage (package installed, or PYTHONPATH=src):
    python benchmarks/resolve_eval_acronym.py [--data DIR] [--local-gov DIR] [--shared DIR]

The rule measured: one name key is a single word of ``MIN_LETTERS`` letters or more (the
cross-source rules found three-letter initials pointing at two companies: CSC, GDT), and it is
the initials of the other key's words (at least three words), with or without the small words
("of", "the", "and", "for"): "WMATA" / "WASHINGTON METROPOLITAN AREA TRANSIT AUTHORITY", "VITA"
/ "VIRGINIA INFORMATION TECHNOLOGIES AGENCY". For each set: the pairs the rule finds, how many
are true pairs of its gold and how many the shipped model (registry clustering) misses, and
the place evidence of the false ones. Treasury's 2016-09 set is studied (its acronym misses are
what suggested the rule), so it is not a test of it; the labelled files, the development split
and the 2023 split are the check for false joins. Nothing is fitted here.
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from pathlib import Path

from resolve_eval_methods import RecordSet  # type: ignore[import-not-found]
from resolve_eval_unseen import (  # type: ignore[import-not-found]
    DEFAULT_DATA,
    DEFAULT_LOCAL_GOV,
    Method,
)
from resolve_heldout import DEFAULT_SHARED, HELDOUT_SETS  # type: ignore[import-not-found]
from whosbehind.resolve.labeled import LABEL_SOURCES, build_labeled_set, read_awards
from whosbehind.resolve.labeled_records import duns_names, labeled_records, local_gov_names
from whosbehind.resolve.match_weights import DEFAULT_MODEL, FITTED_THRESHOLD
from whosbehind.resolve.names import name_key

MIN_LETTERS = 4
SMALL_WORDS = frozenset({"of", "the", "and", "for"})


def initials(key: str) -> set[str]:
    """The key's initials with and without its small words ("" if under three words)."""
    words = key.split()
    if len(words) < 3:
        return set()
    return {"".join(w[0] for w in words), "".join(w[0] for w in words if w not in SMALL_WORDS)}


def acronym_pairs(names: list[str]) -> list[tuple[str, str]]:
    """Pairs (acronym name, whole name) the rule finds among ``names``."""
    by_initials: dict[str, list[str]] = defaultdict(list)
    for name in names:
        for found in initials(name_key(name)):
            by_initials[found].append(name)
    pairs = []
    for name in names:
        key = name_key(name)
        if " " in key or len(key) < MIN_LETTERS or not key.isalpha():
            continue
        pairs += [(name, whole) for whole in by_initials.get(key, ()) if whole != name]
    return sorted(set(pairs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--local-gov", type=Path, default=DEFAULT_LOCAL_GOV)
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    args = parser.parse_args()
    data_dir = args.data.resolve()
    awards = read_awards(data_dir)
    labeled = build_labeled_set(data_dir)
    dev_records, dev_gold = duns_names(awards)
    lg_records, lg_gold = local_gov_names(args.local_gov.resolve())
    sets = [
        *(
            (
                f"{source}, names only (rules; trained the shipped model)",
                RecordSet(
                    *labeled_records(labeled, source, awards, identifiers=False),
                    labeled.gold(source),
                ),
            )
            for source in LABEL_SOURCES
        ),
        (
            "dev: fy13-fy18 names by DUNS (rules)",
            RecordSet(dev_records, {r.record_key: r.name for r in dev_records}, dev_gold),
        ),
        (
            "local-gov 2023 by UEI (studied)",
            RecordSet(lg_records, {r.record_key: r.name for r in lg_records}, lg_gold),
        ),
        *(
            (f"{label} (studied)", RecordSet(rs, {r.record_key: r.name for r in rs}, gold))
            for label, build in HELDOUT_SETS.items()
            for rs, gold in (build(args.shared.resolve()),)
        ),
    ]
    shipped = Method("shipped", DEFAULT_MODEL, FITTED_THRESHOLD)
    print("| records | names | acronym pairs | true | false | true, missed by the shipped model |")
    print("|---|---|---|---|---|---|")
    found_pairs = []
    for label, data in sets:
        pairs = acronym_pairs(sorted(data.gold))
        predicted = shipped.registry(data)
        true = [(a, b) for a, b in pairs if data.gold[a] == data.gold[b]]
        missed = [(a, b) for a, b in true if predicted[a] != predicted[b]]
        print(
            f"| {label} | {len(data.gold)} | {len(pairs)} | {len(true)} |"
            f" {len(pairs) - len(true)} | {len(missed)} |"
        )
        found_pairs += [
            (label, a, b, data.gold[a] == data.gold[b], predicted[a] == predicted[b])
            for a, b in pairs
        ]
    print("\n| records | acronym | whole name | gold | shipped model |")
    print("|---|---|---|---|---|")
    for label, a, b, same, joined in found_pairs:
        print(
            f"| {label} | {a} | {b} | {'one' if same else 'two'} |"
            f" {'joined' if joined else 'apart'} |"
        )


if __name__ == "__main__":
    main()
