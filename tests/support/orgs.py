"""Org records and a stand-in registry for ownership and roll-up tests, read from real stores.

Until the registry (resolve.registry) is built, ``org_of`` here clusters records the simplest
defensible way: records sharing a UEI, DUNS or CIK are one org; a record with none of those
joins the records of its name key. Two records with different identifiers are never merged by
name (AMAZON.COM LLC and its parent AMAZON.COM INC. stay two orgs).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from whosbehind.model.orgs import OrgRecord
from whosbehind.resolve.names import name_key
from whosbehind.store.engine import Engine


def contract_records(engine: Engine) -> list[OrgRecord]:
    """One record per recipient statement and reported parent, dated by its first and last
    action; one undated record per reported parent (the parent as an organization)."""
    rows = engine.rows(
        "SELECT recipient_name AS name, recipient_duns AS duns, recipient_uei AS uei, "
        "recipient_parent_name AS parent_name, recipient_parent_duns AS parent_duns, "
        "recipient_parent_uei AS parent_uei, min(action_date) AS first_seen, "
        "max(action_date) AS last_seen, min(s.locator || '#' || t.award_key) AS citation "
        "FROM contract_transaction t JOIN snapshot s ON s.feed = t.feed AND s.seq = t.seq "
        "WHERE t.record_to IS NULL AND recipient_name IS NOT NULL GROUP BY ALL"
    )
    records: dict[str, OrgRecord] = {}
    for row in rows:
        parts = [row[k] or "" for k in ("uei", "duns", "name", "parent_uei", "parent_duns")]
        key = "usaspending:recipient:" + "|".join([*parts, row["parent_name"] or ""])
        records[key] = OrgRecord(key, "usaspending", **row)
        if row["parent_name"] or row["parent_duns"] or row["parent_uei"]:
            parent_key = "usaspending:parent:" + "|".join(
                row[k] or "" for k in ("parent_uei", "parent_duns", "parent_name")
            )
            records.setdefault(
                parent_key,
                OrgRecord(
                    parent_key,
                    "usaspending",
                    row["parent_name"] or "",
                    uei=row["parent_uei"],
                    duns=row["parent_duns"],
                    citation=row["citation"],
                ),
            )
    return sorted(records.values(), key=lambda r: r.record_key)


def fedramp_records(engine: Engine) -> list[OrgRecord]:
    """One record per FedRAMP provider key. Without the UEI: the marketplace feed gives some
    offerings another provider's UEI (Pega Cloud has Adobe's, Avaya Government Cloud one of
    Google's), and a stand-in clustering would merge those companies on it."""
    rows = engine.rows(
        "SELECT provider_key, min(provider) AS name, min(feed) AS feed "
        "FROM fedramp_offering GROUP BY provider_key ORDER BY ALL"
    )
    return [
        OrgRecord(
            f"fedramp:{row['provider_key']}",
            "fedramp",
            row["name"],
            citation=f"{row['feed']}:provider {row['provider_key']}",
        )
        for row in rows
    ]


def cluster(records: Sequence[OrgRecord]) -> dict[str, str]:
    """record_key -> org id ("org:" and the smallest record key of the cluster)."""
    parent = {r.record_key: r.record_key for r in records}

    def find(key: str) -> str:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    def union(keys: Iterable[str]) -> None:
        keys = list(keys)
        for other in keys[1:]:
            a, b = find(keys[0]), find(other)
            if a != b:
                parent[max(a, b)] = min(a, b)

    by_ref: defaultdict[tuple[str, str], list[str]] = defaultdict(list)
    for record in records:
        identified = False
        for scheme in ("uei", "duns", "cik"):
            value = getattr(record, scheme)
            if value:
                by_ref[(scheme, value)].append(record.record_key)
                identified = True
        by_ref[("key" if not identified else "key-identified", name_key(record.name))].append(
            record.record_key
        )
    for (scheme, _), keys in by_ref.items():
        if scheme != "key-identified":
            union(keys)
    for (scheme, value), keys in by_ref.items():
        if scheme == "key" and ("key-identified", value) in by_ref:
            union([keys[0], by_ref[("key-identified", value)][0]])
    return {r.record_key: "org:" + find(r.record_key) for r in records}
