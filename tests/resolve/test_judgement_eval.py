"""Judgements imported from other analysts' files, applied and scored as the registry would."""

from __future__ import annotations

from pathlib import Path

import pytest

from whosbehind.model.orgs import Judgement, OrgRecord, RecordRef
from whosbehind.resolve import labeled
from whosbehind.resolve.evaluate import pairwise
from whosbehind.resolve.judgement_eval import (
    apply_judgements,
    import_files,
    import_others,
    overlap,
    pair_errors,
    registry_clusters,
)
from whosbehind.resolve.labeled_records import labeled_records

ICE = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "contracts" / "ice-fy13-fy18"


def _name(value: str) -> RecordRef:
    return RecordRef("name", value)


RECORDS = [
    OrgRecord("r1", "labeled", "COMPUTER SCIENCES CORPORATION", duns="043991108"),
    OrgRecord("r2", "labeled", "CSRA LLC", duns="079735371"),
    OrgRecord("r3", "labeled", "GENERAL DYNAMICS CORPORATION", duns="001381284"),
    OrgRecord("r4", "labeled", "ACME WIDGETS INC"),
    OrgRecord("r5", "labeled", "ACME WIDGETS, INC."),
]
NAME_OF = {r.record_key: r.name for r in RECORDS}
GOLD = {
    "COMPUTER SCIENCES CORPORATION": "csra",
    "CSRA LLC": "csra",
    "GENERAL DYNAMICS CORPORATION": "gd",
    "ACME WIDGETS INC": "acme",
    "ACME WIDGETS, INC.": "acme 2",  # the label keeps them apart; the name key joins them
}
JUDGEMENTS = [
    # a DUNS and a raw name given one clean name that no record has: joined through its record
    Judgement("same", RecordRef("duns", "43991108"), _name("CSRA"), source="a.csv:2"),
    Judgement("same", _name("csra llc"), _name("CSRA"), source="a.csv:3"),
    # ownership, not sameness
    Judgement("parent-of", _name("General Dynamics Corporation"), _name("CSRA LLC")),
]


def test_same_judgements_join_through_the_records_they_add_and_parent_of_joins_nothing() -> None:
    judged = apply_judgements(RECORDS, JUDGEMENTS)
    assert [r.name for r in judged.records] == ["CSRA"]  # every other side names a record
    alone = registry_clusters(RECORDS, NAME_OF, GOLD, judged=judged, evidence=False)
    assert alone.of["COMPUTER SCIENCES CORPORATION"] == alone.of["CSRA LLC"]
    assert alone.of["CSRA LLC"] != alone.of["GENERAL DYNAMICS CORPORATION"]
    assert alone.of["ACME WIDGETS INC"] != alone.of["ACME WIDGETS, INC."]  # no name-key edges
    assert pairwise(alone.of, GOLD).true_positives == 1
    assert pairwise(alone.of, GOLD).false_positives == 0
    steps = alone.path("COMPUTER SCIENCES CORPORATION", "CSRA LLC")
    assert [e.kind for e in steps] == ["same", "same"]
    assert {e.detail.split(" (")[-1] for e in steps} == {"a.csv:2)", "a.csv:3)"}

    full = registry_clusters(RECORDS, NAME_OF, GOLD, judged=judged)
    fps, fns = pair_errors(full.of, GOLD)
    assert fps == [("ACME WIDGETS INC", "ACME WIDGETS, INC.")]
    assert fns == []
    assert full.path("ACME WIDGETS INC", "GENERAL DYNAMICS CORPORATION") == []


def test_a_different_judgement_refuses_the_name_key_edge() -> None:
    different = Judgement("different", _name("ACME WIDGETS INC"), _name("ACME WIDGETS, INC."))
    judged = apply_judgements(RECORDS, [*JUDGEMENTS, different])
    full = registry_clusters(RECORDS, NAME_OF, GOLD, judged=judged)
    assert pair_errors(full.of, GOLD) == ([], [])
    assert full.clustering.count("refused") == 1


def test_matcher_pairs_count_at_or_above_the_threshold_and_only_inside_the_items() -> None:
    items = {"CSRA LLC", "GENERAL DYNAMICS CORPORATION"}
    matches = [("r2", "r3", 0.8), ("r1", "r2", 0.99)]
    low = registry_clusters(RECORDS, NAME_OF, items, matches=matches, threshold=0.8)
    high = registry_clusters(RECORDS, NAME_OF, items, matches=matches, threshold=0.9)
    assert set(low.of) == items
    assert low.of["CSRA LLC"] == low.of["GENERAL DYNAMICS CORPORATION"]
    assert high.of["CSRA LLC"] != high.of["GENERAL DYNAMICS CORPORATION"]


def test_overlap_counts_names_named_by_name_and_by_identifier() -> None:
    seen = overlap(RECORDS, NAME_OF, JUDGEMENTS)
    # by name: CSRA LLC, GENERAL DYNAMICS CORPORATION; by DUNS: COMPUTER SCIENCES CORPORATION
    assert (seen.by_name, seen.by_identifier, seen.either) == (2, 1, 3)


def test_import_files_dedupes_across_files_as_successive_imports_do(tmp_path: Path) -> None:
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    first.write_text('"origName","cleanName"\n"ACME WIDGETS INC","Acme"\n"X CORP",""\n')
    second.write_text('"origName","cleanName"\n"ACME WIDGETS INC","Acme"\n"ACME LLC","Acme"\n')
    target = tmp_path / "judgements.tsv"
    judgements, files = import_files([first, second], target)
    assert [(f.file, f.kinds["same"]) for f in files] == [("first.csv", 1), ("second.csv", 1)]
    assert files[0].skipped["empty mapping"] == 1
    assert files[1].skipped["already present"] == 1
    assert [j.source for j in judgements] == ["first.csv:2", "second.csv:3"]
    assert {j.file for j in judgements} == {str(target)}  # read back from the judgements file


def test_import_others_never_opens_the_scored_file(tmp_path: Path) -> None:
    (tmp_path / labeled.VENDOR_DECORATIONS).write_text(
        "duns,cleanName,vendorName,origName,url\n43991108,CSRA,CSRA LLC,COMPUTER SCIENCES CORP,\n"
    )
    (tmp_path / labeled.HOOVERS).write_text("name, duns\n'CSRA LLC', '043991108'\n")
    (tmp_path / labeled.CHILD_COMPANIES).write_text('"origName","cleanName"\n"A",""\n')
    (tmp_path / labeled.FREEZER).write_text("not, a, freezer, file\n")  # would fail if read
    judgements, files = import_others(tmp_path, labeled.FREEZER, tmp_path / "j.tsv")
    assert [f.file for f in files] == [
        labeled.VENDOR_DECORATIONS,
        labeled.HOOVERS,
        labeled.CHILD_COMPANIES,
    ]
    assert len(judgements) == 3  # duns -> CSRA, raw -> CSRA, duns -> CSRA LLC
    assert files[2].kinds == {}  # an empty cleanName maps nothing


@pytest.mark.skipif(not ICE.is_dir(), reason="the shared ICE data is not here")
def test_real_files_other_than_vendor_decorations_join_csc_and_csra(tmp_path: Path) -> None:
    judgements, files = import_others(ICE, labeled.VENDOR_DECORATIONS, tmp_path / "j.tsv")
    assert not any(j.source.startswith(labeled.VENDOR_DECORATIONS) for j in judgements)
    assert {f.file: sum(f.kinds.values()) for f in files}[labeled.CHILD_COMPANIES] == 0
    labeled_set, awards = labeled.build_labeled_set(ICE), labeled.read_awards(ICE)
    gold = labeled_set.gold(labeled.VENDOR_DECORATIONS)
    records, name_of = labeled_records(labeled_set, labeled.VENDOR_DECORATIONS, awards)
    judged = apply_judgements(records, judgements)
    alone = registry_clusters(records, name_of, gold, judged=judged, evidence=False)
    # Hoovers gives CSC's DUNS its D&B name CSRA LLC: the rename the name rules cannot see
    assert alone.of["COMPUTER SCIENCES CORPORATION"] == alone.of["CSRA LLC"]
    assert gold["COMPUTER SCIENCES CORPORATION"] == gold["CSRA LLC"]
