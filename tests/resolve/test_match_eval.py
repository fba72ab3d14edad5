"""Evaluation records (ICE labelled names, 2023 local-government awards) and matcher scoring."""

from __future__ import annotations

from pathlib import Path

import duckdb

from whosbehind.model.orgs import OrgRecord
from whosbehind.resolve.evaluate import cluster_folds, pairwise
from whosbehind.resolve.labeled import FREEZER, HOOVERS, build_labeled_set, read_awards
from whosbehind.resolve.labeled_records import LOCAL_GOV_FILES, labeled_records, local_gov_names
from whosbehind.resolve.match_eval import (
    ScoredPairs,
    clusters_by_probability,
    cross_validate_model,
    name_clusters,
    score_probabilities,
)
from whosbehind.resolve.matching import profiles_of, scored_pairs

CONTRACTS = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "contracts"
ICE = CONTRACTS / "ice-fy13-fy18"
LOCAL_GOV = CONTRACTS / "ice-local-gov"


def test_labeled_records_carry_the_award_rows_duns() -> None:
    labeled, awards = build_labeled_set(ICE), read_awards(ICE)
    records, name_of = labeled_records(labeled, HOOVERS, awards)
    gold = labeled.gold(HOOVERS)
    assert set(name_of.values()) == set(gold)
    filed = {(a.name, a.duns) for a in awards}
    for record in records:
        assert name_of[record.record_key] == record.name
        if record.duns is not None:
            assert (record.name, record.duns) in filed or any(
                a.parent_name == record.name and a.parent_duns == record.duns for a in awards
            )
    plain, plain_names = labeled_records(labeled, HOOVERS, awards, identifiers=False)
    assert len(plain) == len(gold) == len(set(plain_names.values()))
    assert all(r.duns is None and r.city is None for r in plain)


def test_local_gov_gold_is_the_single_uei_of_each_name() -> None:
    records, gold = local_gov_names(LOCAL_GOV)
    files = ", ".join(f"'{LOCAL_GOV / f}'" for f in LOCAL_GOV_FILES)
    # Independent count: names (either name column, whitespace folded) with exactly one UEI.
    count = duckdb.sql(
        f"""
        WITH rows AS (SELECT * FROM read_csv([{files}], all_varchar=true, union_by_name=true)),
        names AS (
            SELECT regexp_replace(trim(recipient_name), '\\s+', ' ', 'g') AS name, recipient_uei
            FROM rows WHERE coalesce(trim(recipient_uei), '') <> ''
            UNION ALL
            SELECT regexp_replace(trim(recipient_name_raw), '\\s+', ' ', 'g'), recipient_uei
            FROM rows WHERE coalesce(trim(recipient_uei), '') <> ''
        )
        SELECT count(*) FROM (
            SELECT name FROM names WHERE name <> '' GROUP BY name
            HAVING count(DISTINCT trim(recipient_uei)) = 1
        )
        """
    ).fetchall()
    assert len(gold) == count[0][0]
    assert [r.name for r in records] == sorted(gold)
    assert len(set(gold.values())) < len(gold)  # some UEIs have several names: pairs to find


def test_name_clusters_joins_names_through_their_records() -> None:
    name_of = {"a1": "A", "a2": "A", "b": "B", "c": "C", "d": "D"}
    clusters = name_clusters(
        [("a2", "b"), ("c", "x-not-in-items")],
        name_of | {"x-not-in-items": "X"},
        {"A", "B", "C", "D"},
    )
    assert clusters["A"] == clusters["B"]
    assert len({clusters["A"], clusters["C"], clusters["D"]}) == 3
    by_p = clusters_by_probability([("a1", "c", 0.4), ("b", "d", 0.9)], 0.5, name_of, set("ABCD"))
    assert by_p["B"] == by_p["D"] and by_p["A"] != by_p["C"]


def test_cross_validated_model_scores_every_name_once_on_real_data() -> None:
    labeled, awards = build_labeled_set(ICE), read_awards(ICE)
    gold = labeled.gold(FREEZER)
    records, name_of = labeled_records(labeled, FREEZER, awards)
    profiles = profiles_of(records)
    scored = ScoredPairs.of(profiles, scored_pairs(profiles), name_of)
    folds = cluster_folds(gold, 3, seed=0)
    thresholds = [0.5, 0.9, 0.99]
    held, models = cross_validate_model(gold, folds, scored, thresholds)
    assert held.bcubed.items == len(gold)
    assert len(models) == 3 and all(t in thresholds for t in held.thresholds)
    # each fold's model never saw its fold: refitting on the other folds gives the same prior
    for i, fold in enumerate(folds):
        train_items = set(gold) - fold
        inside = scored.within(train_items)
        matches = sum(gold[name_of[a]] == gold[name_of[b]] for a, b, _ in inside)
        assert models[i].prior == matches / len(inside)
    assert held.pairwise.true_positives > 0


def test_score_probabilities_chooses_the_threshold_on_the_other_folds() -> None:
    gold = {"A": 1, "B": 1, "C": 2, "D": 2, "E": 3, "F": 3}
    name_of = {k: k for k in gold}
    pairs = [("A", "B", 0.6), ("C", "D", 0.6), ("E", "F", 0.6), ("A", "C", 0.3)]
    folds = [{"A", "B"}, {"C", "D"}, {"E", "F"}]
    held = score_probabilities(gold, folds, pairs, [0.2, 0.5, 0.7], name_of)
    assert held.thresholds == [0.5, 0.5, 0.5]
    assert held.pairwise.recall == 1.0 and held.pairwise.precision == 1.0
    whole = clusters_by_probability(pairs, 0.2, name_of, set(gold))
    assert pairwise(whole, gold).false_positives > 0


def test_records_without_a_name_match_nothing() -> None:
    records = [OrgRecord("1", "t", "ACME"), OrgRecord("2", "t", "ZENITH")]
    profiles = profiles_of(records)
    assert all(levels[0] != "equal" for _, _, levels in scored_pairs(profiles))
