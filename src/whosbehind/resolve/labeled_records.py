"""Org records for the evaluation: the labelled raw names, with what the award rows say of them.

``labeled_records`` makes one ``OrgRecord`` per (raw name, DUNS) that fy13-fy18.csv files the
name under, carrying that DUNS, the reported parent (name and DUNS) and the city and state most
often given with it; a name filed only as a parent name gets the parent DUNS; a name the awards
never give gets a record with the name alone. With ``identifiers=False`` every name gets one
record with the name alone: the names-only task.

``local_gov_names`` is a split the name rules were not written against: the 2023 ICE
local-government award summaries (current USAspending layout). Each row gives a recipient UEI
with its ``recipient_name`` and ``recipient_name_raw``; the gold cluster of a name is its UEI
(names under two UEIs are dropped). Records carry the name, city and state only, since the
identifier is the answer.

``award_statements`` are the fy13-fy18 award rows as the registry states them, with no label:
one record per distinct recipient statement (name, DUNS, reported parent name and DUNS) with its
most frequent city and state, and one per reported parent (name, parent DUNS); the matcher's
weights are learned from them without labels (``match_em``). ``duns_names`` is a development
split built like ``local_gov_names`` from the same rows: recipient names grouped by DUNS, names,
city and state only.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path

from whosbehind.errors import SourceError
from whosbehind.model.orgs import OrgRecord
from whosbehind.resolve.labeled import Award, LabeledSet

LOCAL_GOV_FILES = ("us-local-gov-ice-contracts.csv", "us-reg-state-gov-ice-contracts.csv")


def _most_common(values: Sequence[tuple[str, ...]]) -> tuple[str, ...]:
    counts = Counter(values)
    return min(counts, key=lambda v: (-counts[v], v))


def labeled_records(
    labeled: LabeledSet, source: str, awards: Sequence[Award], *, identifiers: bool = True
) -> tuple[list[OrgRecord], dict[str, str]]:
    """The records of one source's raw names, and record key -> raw name."""
    own: dict[str, dict[str, list[tuple[str, ...]]]] = defaultdict(lambda: defaultdict(list))
    as_parent: dict[str, set[str]] = defaultdict(set)
    if identifiers:
        for a in awards:
            own[a.name][a.duns].append((a.parent_duns, a.parent_name, a.city, a.state))
            if a.parent_duns:
                as_parent[a.parent_name].add(a.parent_duns)
    records: list[OrgRecord] = []
    name_of: dict[str, str] = {}
    for raw in sorted(labeled.gold(source)):
        found: list[OrgRecord] = []
        for duns, facts in sorted(own.get(raw, {}).items()):
            parent_duns, parent_name, city, state = _most_common(facts)
            key = f"{source}#{raw}#{duns}"
            found.append(
                OrgRecord(
                    key,
                    "labeled",
                    raw,
                    duns=duns or None,
                    city=city or None,
                    state=state or None,
                    parent_name=parent_name or None,
                    parent_duns=parent_duns or None,
                )
            )
        if not found:
            found = [
                OrgRecord(f"{source}#{raw}#{duns}", "labeled", raw, duns=duns)
                for duns in sorted(as_parent.get(raw, ()))
            ] or [OrgRecord(f"{source}#{raw}#", "labeled", raw)]
        records.extend(found)
        name_of.update((r.record_key, raw) for r in found)
    return records, name_of


def local_gov_names(directory: Path) -> tuple[list[OrgRecord], dict[str, str]]:
    """Records (name, city, state) of the local-government recipients, and name -> UEI gold."""
    uei_of: dict[str, set[str]] = defaultdict(set)
    places: dict[str, list[tuple[str, ...]]] = defaultdict(list)
    for file in LOCAL_GOV_FILES:
        path = directory / file
        try:
            with path.open(encoding="utf-8", newline="") as handle:
                reader = csv.DictReader(handle)
                for row in reader:
                    uei = row.get("recipient_uei", "").strip()
                    if not uei:
                        continue
                    for column in ("recipient_name", "recipient_name_raw"):
                        name = " ".join(row.get(column, "").split())
                        if name:
                            uei_of[name].add(uei)
                            places[name].append(
                                (row["recipient_city_name"], row["recipient_state_code"])
                            )
        except (OSError, KeyError) as error:
            raise SourceError(f"{path}: {error}") from error
    return _named_records("localgov", uei_of, places)


def _named_records(
    prefix: str, ids_of: dict[str, set[str]], places: dict[str, list[tuple[str, ...]]]
) -> tuple[list[OrgRecord], dict[str, str]]:
    """One record per name filed under exactly one identifier (at its most common place), and
    that name -> identifier gold; names filed under two identifiers are dropped."""
    gold = {name: next(iter(ids)) for name, ids in ids_of.items() if len(ids) == 1}
    records = []
    for name in sorted(gold):
        city, state = _most_common(places[name])
        records.append(
            OrgRecord(f"{prefix}#{name}", "labeled", name, city=city or None, state=state or None)
        )
    return records, gold


def _usable(awards: Sequence[Award]) -> list[Award]:
    return [a for a in awards if not a.sole_proprietorship]


def award_statements(awards: Sequence[Award]) -> list[OrgRecord]:
    """Unlabelled records of the award rows: each distinct recipient statement, and each
    reported parent (sole proprietorships left out, as in the labelled sets)."""
    places: dict[tuple[str, ...], list[tuple[str, ...]]] = defaultdict(list)
    parents: set[tuple[str, str]] = set()
    for a in _usable(awards):
        places[a.name, a.duns, a.parent_name, a.parent_duns].append((a.city, a.state))
        if a.parent_name.strip():
            parents.add((a.parent_name, a.parent_duns))
    records = []
    for n, ((name, duns, parent_name, parent_duns), seen) in enumerate(sorted(places.items())):
        city, state = _most_common(seen)
        records.append(
            OrgRecord(
                f"statement#{n}",
                "usaspending",
                name,
                duns=duns or None,
                city=city or None,
                state=state or None,
                parent_name=parent_name or None,
                parent_duns=parent_duns or None,
            )
        )
    for n, (name, duns) in enumerate(sorted(parents)):
        records.append(OrgRecord(f"parent#{n}", "usaspending-parent", name, duns=duns or None))
    return records


def duns_names(awards: Sequence[Award]) -> tuple[list[OrgRecord], dict[str, str]]:
    """Records (name, city, state) of the fy13-fy18 recipient names, and name -> DUNS gold
    (names filed under two DUNS are dropped)."""
    duns_of: dict[str, set[str]] = defaultdict(set)
    places: dict[str, list[tuple[str, ...]]] = defaultdict(list)
    for a in _usable(awards):
        name = " ".join(a.name.split())
        if a.duns and name:
            duns_of[name].add(a.duns)
            places[name].append((a.city, a.state))
    return _named_records("dev", duns_of, places)
