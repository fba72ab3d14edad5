"""Family-level scores on the analysts' labelled ICE names: what whosbehind gives for roll-ups.

Usage (package installed, or PYTHONPATH=src):
    python benchmarks/resolve_eval_family.py [--data DIR] [--examples N] [--by-level]

``--by-level`` prints only each file scored at the level its labels mean (issue 14): Hoovers at
organization level, freezer ``parent_name`` and vendor_decorations ``cleanName`` at family level,
as the registry builds its records (the variant below), with their errors; no judgements and no
whole-set rows, so it runs in a fraction of the time.

For each labelled raw name the prediction is its org's *ultimate parent* as of the name's last
award date (the latest action date of an award row filing it as recipient; for a name seen only
as a reported parent, the latest row reporting it). It is computed, per held-out fold, from:

1. the org-level clustering of resolve_eval.py's best held-out method (Fellegi-Sunter m/u and
   threshold fitted on the other four folds, then resolve.clusters over same-name, identifier,
   name-key and matcher edges), with one more kind of node, as ``whosbehind resolve`` has: every
   reported parent (name, parent DUNS) of the fold's names' award rows is a record of its own
   (``usaspending-parent``), joined to the others by the same identifier and name-key edges;
2. the ownership layer of resolve.ownership.build_edges, with no judgements (but see the judged
   rows below), over one record per distinct recipient statement (raw name, DUNS, reported
   parent name and DUNS) dated by its first and last action date; and
   resolve.ultimate.OwnershipIndex.ultimate on the name's date.

Only the award files (the public record: recipient name, DUNS, reported parent, city, state,
dates) feed the prediction, and in the judged rows the other analysts' files. The scored set's
labels are the gold and are used only to fit the matcher's m/u and threshold on the training
folds, exactly as at org level. Folds are the same 5 folds along gold (org-label) clusters,
seed 0; pairs crossing folds are never scored (except in the whole-set rows).

Gold: each set's own label (vendor_decorations ``cleanName``, the Hoovers name, freezer
``recipient_name``) and, for freezer, also its ``parent_name`` column (the analysts' roll-up),
scored on 5 folds along its own clusters (the matcher still trains on the training folds'
``recipient_name`` labels). Rows: org level (the registry's clusters, as resolve_eval.py, and the
same clustering with the parent records in it) and family level; then both again as the
registry builds its records (the variant): no parent record with the reporting name's own name,
and a nameless record of a DUNS that recipients of two or more name keys state under their own
names (records.contract_records).
Then the registry's rows (org, and the variant's org + parent records and family) with the
judgements imported from the other curated files (resolve.judgement_eval.import_others: every
file but the scored set's, through the real import code), applied as ``whosbehind resolve``
applies them: the records they add (matched by each fold's model), ``same`` edges and
cannot-links in the clustering, ``parent-of`` edges in ownership.build_edges. Last, org and family
with the matcher trained on the other two sources, on the whole set (every pair scored, also
across folds), without and with those judgements; and the pairs the family level gets wrong or
still misses, with each name's chain of parents on its date.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from resolve_eval_methods import (  # type: ignore[import-not-found]
    RecordSet,
    fold_fits,
    judgement_pairs,
    pooled_model,
)
from whosbehind.model.orgs import Judgement, OrgRecord
from whosbehind.resolve.clusters import Edge, cluster, identifier_edges, name_key_edges
from whosbehind.resolve.evaluate import (
    BCubedScore,
    PairwiseScore,
    bcubed,
    cluster_folds,
    pairwise,
)
from whosbehind.resolve.judgement_eval import apply_judgements, import_others
from whosbehind.resolve.labeled import (
    AWARD_FILES,
    FREEZER,
    HOOVERS,
    LABEL_SOURCES,
    VENDOR_DECORATIONS,
    Award,
    LabeledSet,
    build_labeled_set,
    label_key,
    read_awards,
)
from whosbehind.resolve.labeled_records import labeled_records
from whosbehind.resolve.match_model import MatchModel
from whosbehind.resolve.matching import profiles_of
from whosbehind.resolve.ownership import build_edges
from whosbehind.resolve.records import self_named_parent_ids, sister_parent_ids
from whosbehind.resolve.ultimate import OwnershipIndex

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT / "../shared/data/contracts/ice-fy13-fy18"
FOLDS = 5
FREEZER_PARENT = "freezer.csv parent_name"
VARIANT = "variant as the registry"
JUDGED = "+ judgements imported from the other files"
OTHER_SOURCES = "matcher trained on the other two sources (whole set)"


def _day(text: str) -> dt.date | None:
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text.strip()[:10], fmt).date()
        except ValueError:
            continue
    return None


def action_dates(directory: Path) -> dict[str, dt.date]:
    """Award locator (``file:line``, as read_awards gives it) -> action date."""
    with (directory / "follow_the_money_data_dictionary.csv").open(encoding="utf-8") as handle:
        columns = [row[1] for row in csv.reader(handle)]
    column = columns.index("action_date")
    dates: dict[str, dt.date] = {}
    for file in AWARD_FILES:
        with (directory / file).open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            for row in reader:
                day = _day(row[column]) if len(row) > column else None
                if day is not None:
                    dates[f"{file}:{reader.line_num}"] = day
    return dates


@dataclass(frozen=True, slots=True)
class Statements:
    """Per raw name: the dated recipient statements of its award rows, the parents they report,
    and the name's date (its last award, or the last row reporting it as a parent)."""

    records: dict[str, list[OrgRecord]]  # raw name -> statement records
    parents: dict[str, list[OrgRecord]]  # raw name -> its reported parents, as records
    day: dict[str, dt.date]
    nameless: dict[str, OrgRecord]  # the registry's nameless parent records (sisters' DUNS)

    @classmethod
    def of(cls, awards: Sequence[Award], dates: Mapping[str, dt.date]) -> Statements:
        spans: dict[tuple[str, str, str, str], list[dt.date]] = defaultdict(list)
        parent_spans: dict[tuple[str, str], list[dt.date]] = defaultdict(list)
        by_name: dict[str, set[tuple[str, str]]] = defaultdict(set)
        as_parent: dict[str, list[dt.date]] = defaultdict(list)
        for a in awards:
            day = dates.get(a.locator)
            if day is None or not a.name.strip():
                continue
            spans[(a.name, a.duns, a.parent_duns, a.parent_name)].append(day)
            if a.parent_name.strip():  # as records.contract_records: a parent needs a name
                parent_spans[(a.parent_name, a.parent_duns)].append(day)
                by_name[a.name].add((a.parent_name, a.parent_duns))
                as_parent[a.parent_name].append(day)
        records: dict[str, list[OrgRecord]] = defaultdict(list)
        day_of: dict[str, dt.date] = {name: max(days) for name, days in as_parent.items()}
        for (name, duns, parent_duns, parent_name), days in sorted(spans.items()):
            key = f"stmt#{name}#{duns}#{parent_duns}#{parent_name}"
            records[name].append(
                OrgRecord(
                    key,
                    "usaspending",
                    name,
                    duns=duns or None,
                    parent_name=parent_name or None,
                    parent_duns=parent_duns or None,
                    first_seen=min(days),
                    last_seen=max(days),
                )
            )
        for name, found in records.items():
            day_of[name] = max(r.last_seen for r in found if r.last_seen)
        parents: dict[str, list[OrgRecord]] = {
            name: [
                OrgRecord(
                    f"parent#{p_name}#{p_duns}",
                    "usaspending-parent",
                    p_name,
                    duns=p_duns or None,
                    first_seen=min(parent_spans[(p_name, p_duns)]),
                    last_seen=max(parent_spans[(p_name, p_duns)]),
                )
                for p_name, p_duns in sorted(found)
            ]
            for name, found in by_name.items()
        }
        statements = [r for found in records.values() for r in found]
        return cls(dict(records), parents, day_of, nameless_parents(statements))


def nameless_parents(statements: Sequence[OrgRecord]) -> dict[str, OrgRecord]:
    """What ``records.contract_records`` adds for a DUNS stated under the recipient's own name
    by recipients of two or more name keys (``records.sister_parent_ids``): a record of that
    DUNS and no name. Read from every award row (the public record, as ``resolve`` reads it),
    not from the labels."""
    sisters = sister_parent_ids(statements)
    days: dict[str, list[dt.date]] = defaultdict(list)
    for statement in statements:
        uei, duns = self_named_parent_ids(statement)
        if duns and (duns, uei) in sisters:
            days[duns] += [d for d in (statement.first_seen, statement.last_seen) if d]
    return {
        f"parent#-#{duns}": OrgRecord(
            f"parent#-#{duns}",
            "usaspending-parent",
            "",
            duns=duns,
            first_seen=min(found, default=None),
            last_seen=max(found, default=None),
        )
        for duns, found in sorted(days.items())
    }


@dataclass(frozen=True, slots=True)
class FoldPrediction:
    org: dict[str, str]  # raw name -> org (the registry's clustering, as resolve_eval.py)
    org_with_parents: dict[str, str]  # the same with the parent records clustered in
    family: dict[str, str]  # raw name -> ultimate parent on the name's date
    chain: dict[str, list[str]]  # raw name -> the reported parents walked up, nearest first


def _letters(name: str) -> str:
    return "".join(ch for ch in name.casefold() if ch.isalnum())


def predict_fold(
    data: RecordSet,
    statements: Statements,
    fold: set[str],
    matches: list[tuple[str, str, float]],
    *,
    self_named_parents: bool = True,
    judgements: Sequence[Judgement] = (),
    model: tuple[MatchModel, float] | None = None,
) -> FoldPrediction:
    """``self_named_parents=False`` leaves out of the clustering a parent record whose name is
    the reporting name's own (to case and punctuation), which ownership.build_edges already
    reads as "no parent" (what ``whosbehind resolve`` does since c2f70b3).

    ``judgements`` are applied as ``whosbehind resolve`` applies them: the records they add
    (matched with the others by ``model`` at its threshold), ``same`` edges and cannot-links in
    the clustering, ``parent-of`` judgements in ownership.build_edges."""
    records = [r for r in data.records if data.name_of[r.record_key] in fold]
    first: dict[str, str] = {}
    same_name: list[Edge] = []
    for record in records:
        hub = first.setdefault(record.name, record.record_key)
        if hub != record.record_key:
            same_name.append(Edge(hub, record.record_key, "same", 1.0, "one raw name"))
    parents = {
        p.record_key: p
        for name in fold
        for p in statements.parents.get(name, ())
        if self_named_parents or _letters(p.name) != _letters(name)
    }
    if not self_named_parents:
        parents.update(statements.nameless)

    def clusters(members: list[OrgRecord]) -> tuple[dict[str, int], list[OrgRecord]]:
        """The clustering of ``members`` and the records the judgements add to them."""
        judged = apply_judgements(members, judgements)
        found = list(matches)
        if model is not None:
            added = judgement_pairs(members, judged, model[0])
            found += [(a, b, p) for a, b, p in added if p >= model[1]]
        members = [*members, *judged.records]
        keys = {r.record_key for r in members}
        profiles = {p.record_key: p.key for p in profiles_of(members)}
        edges = [
            *same_name,
            *judged.same,
            *identifier_edges(members),
            *name_key_edges(profiles, {r.record_key: r.state for r in members}),
            *(Edge(a, b, "match", p, "matcher") for a, b, p in found),
        ]
        edges = [e for e in edges if e.left in keys and e.right in keys]
        return cluster(sorted(keys), edges, judged.cannot).cluster_of(), judged.records

    plain, _ = clusters(records)
    joined, added = clusters(records + list(parents.values()))
    nodes = [*records, *parents.values(), *added]
    org = {name: f"org{plain[first[name]]}" for name in fold}
    org_with_parents = {name: f"org{joined[first[name]]}" for name in fold}
    org_of = {key: f"org{c}" for key, c in joined.items()}
    dated = [s for name in fold for s in statements.records.get(name, ())]
    for s in dated:
        org_of[s.record_key] = org_with_parents[s.name]
    edges = build_edges([*nodes, *dated], org_of, judgements)
    index = OwnershipIndex(edges)
    names_of_org: dict[str, set[str]] = defaultdict(set)
    for record in nodes:
        if record.name:  # a judgement's duns: side has none
            names_of_org[org_of[record.record_key]].add(record.name)
    family, chain = {}, {}
    for name in fold:
        day = statements.day.get(name, dt.date(2018, 9, 30))
        family[name] = index.ultimate(org_with_parents[name], day)
        chain[name] = [
            " / ".join(sorted(names_of_org[e.parent_id])[:2]) or f"(no name: {e.parent_id})"
            for e in index.chain(org_with_parents[name], day)
        ]
    return FoldPrediction(org, org_with_parents, family, chain)


def predict(
    data: RecordSet,
    statements: Statements,
    folds: Sequence[set[str]],
    judgements: Sequence[Judgement] = (),
) -> tuple[list[FoldPrediction], list[FoldPrediction], list[FoldPrediction]]:
    """Per held-out fold: m/u and threshold from the other folds (org-level F1, registry
    clustering, as resolve_eval_methods.fellegi_sunter), then the fold's prediction, its
    variant, and the variant with ``judgements`` (empty without them)."""
    scored = data.scored()
    out, variant, judged = [], [], []
    for fold, (model, t) in zip(folds, fold_fits(data, folds, scored, registry=True), strict=True):
        pairs = [(a, b, model.probability(lv)) for a, b, lv in scored.within(fold)]
        matches = [p for p in pairs if p[2] >= t]
        out.append(predict_fold(data, statements, fold, matches))
        variant.append(predict_fold(data, statements, fold, matches, self_named_parents=False))
        if judgements:
            judged.append(
                predict_fold(
                    data,
                    statements,
                    fold,
                    matches,
                    self_named_parents=False,
                    judgements=judgements,
                    model=(model, t),
                )
            )
    return out, variant, judged


def predict_whole(
    data: RecordSet,
    statements: Statements,
    model: MatchModel,
    threshold: float,
    judgements: Sequence[Judgement],
) -> FoldPrediction:
    """The whole set as one fold (every pair scored), matched by a model fitted elsewhere."""
    items = set(data.gold)
    pairs = [(a, b, model.probability(lv)) for a, b, lv in data.scored().within(items)]
    matches = [p for p in pairs if p[2] >= threshold]
    return predict_fold(
        data,
        statements,
        items,
        matches,
        self_named_parents=False,
        judgements=judgements,
        model=(model, threshold),
    )


def score(
    predictions: Sequence[FoldPrediction],
    folds: Sequence[set[str]],
    gold: Mapping[str, str],
    level: str,
) -> tuple[PairwiseScore, BCubedScore]:
    pw, b3 = PairwiseScore(), BCubedScore()
    for prediction, fold in zip(predictions, folds, strict=True):
        items = [name for name in fold if name in gold]
        predicted = {name: getattr(prediction, level)[name] for name in items}
        truth = {name: gold[name] for name in items}
        pw, b3 = pw + pairwise(predicted, truth), b3 + bcubed(predicted, truth)
    return pw, b3


def errors(
    predictions: Sequence[FoldPrediction],
    folds: Sequence[set[str]],
    gold: Mapping[str, str],
    level: str,
) -> tuple[list[tuple[str, str, FoldPrediction]], list[tuple[str, str, FoldPrediction]]]:
    """False-positive and false-negative pairs of names at ``level``."""
    fps, fns = [], []
    for prediction, fold in zip(predictions, folds, strict=True):
        items = sorted(name for name in fold if name in gold)
        got = getattr(prediction, level)
        for i, a in enumerate(items):
            for b in items[i + 1 :]:
                same_pred, same_gold = got[a] == got[b], gold[a] == gold[b]
                if same_pred and not same_gold:
                    fps.append((a, b, prediction))
                elif same_gold and not same_pred:
                    fns.append((a, b, prediction))
    return fps, fns


def freezer_parent_gold(directory: Path, labeled: LabeledSet) -> dict[str, str]:
    """Raw name -> the analysts' ``parent_name`` of its freezer rows (names given two: left out)."""
    with (directory / FREEZER).open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        parent_of = {}
        for row in reader:
            parent_of[reader.line_num] = row["parent_name"]
    labels: dict[str, set[str]] = defaultdict(set)
    for record in labeled.records:
        if record.source_file == FREEZER:
            labels[record.raw_name].add(label_key(parent_of[record.row]))
    return {name: next(iter(found)) for name, found in labels.items() if len(found) == 1}


def _row(source: str, gold: str, level: str, pw: PairwiseScore, b3: BCubedScore) -> str:
    cells = [
        source,
        gold,
        level,
        str(pw.true_positives + pw.false_positives),
        str(pw.true_positives),
        str(pw.false_positives),
        str(pw.false_negatives),
        *(f"{v:.3f}" for v in (pw.precision, pw.recall, pw.f1, b3.precision, b3.recall, b3.f1)),
    ]
    return "| " + " | ".join(cells) + " |"


LEVELS = (
    ("org", "org"),
    ("org_with_parents", "org + parent records"),
    ("family", "family"),
)


def _examples(
    gold_name: str,
    kind: str,
    found: list[tuple[str, str, FoldPrediction]],
    limit: int,
) -> list[str]:
    lines = [
        f"| {gold_name} | {kind} | {a} -> {' > '.join(p.chain[a]) or '-'}"
        f" | {b} -> {' > '.join(p.chain[b]) or '-'} |"
        for a, b, p in found[:limit]
    ]
    if len(found) > limit:
        lines.append(f"| {gold_name} | {kind} | ... {len(found) - limit} more | |")
    return lines


def error_class(kind: str, a: str, b: str, prediction: FoldPrediction) -> str:
    """What an error's two names' chains of reported parents (on their dates) say: the class
    each remaining error is counted in (docs/benchmarks.md names the pairs)."""
    up_a, up_b = prediction.chain[a], prediction.chain[b]
    if kind == "false positive":
        if not up_a and not up_b:
            return "no parent on either chain: one organization by its own records"
        if set(up_a) & set(up_b) and all(p.startswith("(no name") for p in (*up_a, *up_b)):
            return "sisters stating one parent identifier with no name (self-named parent rows)"
        if set(up_a) & set(up_b) or a in up_b or b in up_a:
            return "one reported parent: subsidiaries, or a subsidiary and its parent"
        return "other"
    if not up_a and not up_b:
        return "no reported parent on either name"
    if up_a and up_b and up_a[-1] == up_b[-1]:
        return "one reported ultimate parent, two organizations"
    return "different reported parents on the names' dates (or one has none)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--examples", type=int, default=12)
    parser.add_argument("--by-level", action="store_true")
    args = parser.parse_args()
    if args.by_level:
        by_level(args.data.resolve(), args.examples)
        return
    started = time.perf_counter()
    directory = args.data.resolve()
    labeled = build_labeled_set(directory)
    awards = read_awards(directory)
    statements = Statements.of(awards, action_dates(directory))
    with tempfile.TemporaryDirectory() as scratch:
        imported = {
            source: import_others(directory, source, Path(scratch) / f"without-{source}.tsv")[0]
            for source in LABEL_SOURCES
        }
    sets: dict[str, RecordSet] = {}
    for source in LABEL_SOURCES:
        records, name_of = labeled_records(labeled, source, awards, identifiers=True)
        sets[source] = RecordSet(records, name_of, labeled.gold(source))

    print(f"## Family level ({FOLDS}-fold, held out; names with the award rows' DUNS and parent)\n")
    print(
        "| source | gold | level | pred. pairs | TP | FP | FN | P | R | F1 | B3 P | B3 R | B3 F1 |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    examples: list[str] = []
    for source in LABEL_SOURCES:
        gold = labeled.gold(source)
        data = sets[source]
        folds = cluster_folds(gold, FOLDS, seed=0)
        runs = [(source, gold, folds)]
        if source == FREEZER:
            parent_gold = freezer_parent_gold(directory, labeled)
            runs.append(
                (
                    f"{FREEZER_PARENT}, folds by parent_name",
                    parent_gold,
                    cluster_folds(parent_gold, FOLDS, seed=0),
                )
            )
        others = {name: d for name, d in sets.items() if name != source}
        model, threshold = pooled_model(others)
        whole = {
            "": predict_whole(data, statements, model, threshold, []),
            JUDGED: predict_whole(data, statements, model, threshold, imported[source]),
        }
        cache: dict[int, tuple[list[FoldPrediction], ...]] = {}
        for gold_name, truth, run_folds in runs:
            if id(run_folds) not in cache:
                cache[id(run_folds)] = predict(data, statements, run_folds, imported[source])
            predictions, variant, judged = cache[id(run_folds)]
            for level, label in LEVELS:
                pw, b3 = score(predictions, run_folds, truth, level)
                print(_row(source, gold_name, label, pw, b3))
            for level, label in LEVELS[1:]:
                pw, b3 = score(variant, run_folds, truth, level)
                print(_row(source, gold_name, f"{label}, {VARIANT}", pw, b3))
            for level, label in LEVELS:
                variant_label = label if level == "org" else f"{label}, {VARIANT}"
                pw, b3 = score(judged, run_folds, truth, level)
                print(_row(source, gold_name, f"{variant_label} {JUDGED}", pw, b3))
            for suffix, prediction in whole.items():
                for level, label in (LEVELS[0], LEVELS[2]):
                    variant_label = label if level == "org" else f"{label}, {VARIANT}"
                    pw, b3 = score([prediction], [set(data.gold)], truth, level)
                    method = f"{variant_label}, {OTHER_SOURCES}{' ' + suffix if suffix else ''}"
                    print(_row(source, gold_name, method, pw, b3))
            fps, fns = errors(predictions, run_folds, truth, "family")
            examples += _examples(gold_name, "family false positive", fps, args.examples)
            examples += _examples(gold_name, "family missed", fns, args.examples)
            fps, fns = errors(judged, run_folds, truth, "family")
            kind = f"family, {VARIANT} {JUDGED}"
            examples += _examples(gold_name, f"{kind}: false positive", fps, args.examples)
            examples += _examples(gold_name, f"{kind}: missed", fns, args.examples)
            fps, fns = errors([whole[JUDGED]], [set(data.gold)], truth, "family")
            kind = f"family, {VARIANT}, {OTHER_SOURCES} {JUDGED}"
            examples += _examples(gold_name, f"{kind}: false positive", fps, args.examples)
            examples += _examples(gold_name, f"{kind}: missed", fns, args.examples)
    print("\n## Family-level errors (name -> its chain of reported parents on its date)\n")
    print("| gold | kind | name -> parents | name -> parents |")
    print("|---|---|---|---|")
    print("\n".join(examples))
    print(f"\n_{time.perf_counter() - started:.1f} s_")


# (gold, level each file's labels mean) for --by-level; FREEZER_PARENT is freezer's roll-up.
BY_LEVEL = (
    (HOOVERS, "org_with_parents"),
    (FREEZER_PARENT, "family"),
    (VENDOR_DECORATIONS, "family"),
)


def by_level(directory: Path, examples: int) -> None:
    """Each file at its own level, held out (5 folds along that gold's clusters), as the
    registry builds its records; then every error."""
    started = time.perf_counter()
    labeled = build_labeled_set(directory)
    awards = read_awards(directory)
    statements = Statements.of(awards, action_dates(directory))
    print("## Each file at the level its labels mean (5-fold, held out; registry's records)\n")
    print("| gold | level | pred. pairs | TP | FP | FN | P | R | F1 | B3 P | B3 R | B3 F1 |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    lines: list[str] = []
    classes: list[str] = []
    for gold_name, level in BY_LEVEL:
        source = FREEZER if gold_name == FREEZER_PARENT else gold_name
        records, name_of = labeled_records(labeled, source, awards, identifiers=True)
        data = RecordSet(records, name_of, labeled.gold(source))
        truth = (
            freezer_parent_gold(directory, labeled) if gold_name == FREEZER_PARENT else data.gold
        )
        folds = cluster_folds(truth, FOLDS, seed=0)
        _, variant, _ = predict(data, statements, folds)
        pw, b3 = score(variant, folds, truth, level)
        label = dict(LEVELS)[level]
        print(_row(gold_name, label, f"{label}, {VARIANT}", pw, b3).replace(f" {label} |", "", 1))
        fps, fns = errors(variant, folds, truth, level)
        lines += _examples(gold_name, f"{level} false positive", fps, examples)
        lines += _examples(gold_name, f"{level} missed", fns, examples)
        for kind, found in (("false positive", fps), ("missed", fns)):
            counted = Counter(error_class(kind, a, b, p) for a, b, p in found)
            classes += [f"| {gold_name} | {kind} | {c} | {n} |" for c, n in sorted(counted.items())]
    print("\n## Every error in a class (by the two names' chains of reported parents)\n")
    print("| gold | kind | class | pairs |")
    print("|---|---|---|---|")
    print("\n".join(classes))
    print("\n## Errors (name -> its chain of reported parents on its date)\n")
    print("| gold | kind | name -> parents | name -> parents |")
    print("|---|---|---|---|")
    print("\n".join(lines))
    print(f"\n_{time.perf_counter() - started:.1f} s_")


if __name__ == "__main__":
    main()
