"""Org records: every way the stores name an organization, as ``model.orgs.OrgRecord``.

- ``usaspending:`` one record per distinct recipient statement (name, DUNS, UEI and the parent
  as reported) over the newest versions of contract transactions and awards, with its first and
  last action date, the most frequent city/state/country of its awards, and a citation (the file
  and one award's PIID).
- ``usaspending-parent:`` each reported parent (name, parent DUNS, parent UEI) as a record of
  its own, so that a parent that never received an award still exists as an organization. A
  parent reported under the recipient's own name with another entity's DUNS/UEI
  (``self_named_parent_ids``) is a record of those identifiers and no name when recipients of
  two or more name keys state it (sisters; one company alone is stating its own headquarters
  number): it joins other records only through them, never by name (with the recipient's
  name it would join the recipient, and through the DUNS every sister, into one organization).
- ``usaspending-recipient:`` recipient profiles, and each of their alternate names.
- ``fedramp:<provider_key>`` one record per provider (per UEI when it has one) over the live
  offerings of the newest snapshot of each FedRAMP feed; first/last authorization date.
- ``sec:cik:<CIK>`` one record per SEC registrant (CIK and name) in the newest snapshot of each
  SEC ticker file; a CIK in both files takes its name and citation from ``company_tickers.json``.

Which tables give which records is ``COLLECTORS``: each source declares the collector names it
feeds (``sources.protocol.Source.org_records``).

Keys are built from the identifying fields only (a hash of them, never a row number), so the
same statement read again, in any run, has the same key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from whosbehind.model.citation import Citation
from whosbehind.model.orgs import OrgRecord
from whosbehind.resolve.names import name_key, names_itself
from whosbehind.resolve.org_index import canonical_ref
from whosbehind.store.citations import record_selector, snapshot_citations
from whosbehind.store.engine import Engine

Day = dt.date | None
_CSV_FEEDS = ("usaspending-csv",)
# Identifiers that stand for "unknown" in the contract files; joining on them would merge
# unrelated recipients.
_PLACEHOLDER_IDS = frozenset({"", "000000000", "999999999", "123456789", "NONE", "N/A"})


@dataclass(frozen=True, slots=True)
class Collector:
    """The org records a source's stored tables give (read when all ``tables`` exist)."""

    name: str  # what a source lists in ``org_records``
    tables: frozenset[str]
    collect: Callable[[Engine], list[OrgRecord]]


def collect_records(engine: Engine) -> list[OrgRecord]:
    """Every org record the store's tables state (``COLLECTORS``), sorted by key."""
    tables = _tables(engine)
    found: list[OrgRecord] = []
    for collector in COLLECTORS:
        if collector.tables <= tables:
            found += collector.collect(engine)
    unique = {record.record_key: record for record in found}
    return [unique[key] for key in sorted(unique)]


def clean_id(value: object) -> str | None:
    """An identifier as stored, or None for blanks and placeholders."""
    if value is None:
        return None
    text = str(value).strip().upper()
    if text in _PLACEHOLDER_IDS or len(set(text)) == 1:
        return None
    return text


def stable_key(prefix: str, *parts: object) -> str:
    """``prefix:`` + a digest of every identifying part (stable across runs and machines)."""
    digest = hashlib.sha1(
        "\x1f".join("" if p is None else str(p) for p in parts).encode()
    ).hexdigest()[:12]
    return f"{prefix}:{digest}"


def _tables(engine: Engine) -> set[str]:
    return {
        row["table_name"] for row in engine.rows("SELECT table_name FROM information_schema.tables")
    }


_STATEMENTS_SQL = """
WITH said AS (
    SELECT recipient_name AS name, recipient_duns AS duns, recipient_uei AS uei,
           recipient_parent_name AS parent_name, recipient_parent_duns AS parent_duns,
           recipient_parent_uei AS parent_uei, action_date AS first_day,
           action_date AS last_day, award_key, piid, feed, seq
    FROM contract_transaction
    WHERE record_to IS NULL AND recipient_name IS NOT NULL
    UNION ALL
    SELECT recipient_name, recipient_duns, recipient_uei, recipient_parent_name,
           recipient_parent_duns, recipient_parent_uei,
           coalesce(base_action_date, start_date, latest_action_date),
           coalesce(latest_action_date, base_action_date, start_date), award_key, piid, feed, seq
    FROM contract_award
    WHERE record_to IS NULL AND recipient_name IS NOT NULL
),
places AS (
    SELECT award_key, recipient_city AS city, recipient_state AS state,
           recipient_country AS country
    FROM contract_award WHERE latest
)
SELECT s.name, s.duns, s.uei, s.parent_name, s.parent_duns, s.parent_uei,
       min(s.first_day) AS first_seen, max(s.last_day) AS last_seen,
       list([p.city, p.state, p.country]) FILTER (WHERE p.award_key IS NOT NULL) AS places,
       arg_min(s.piid, s.feed || lpad(CAST(s.seq AS VARCHAR), 12, '0') || s.piid) AS piid,
       arg_min(s.seq, s.feed || lpad(CAST(s.seq AS VARCHAR), 12, '0') || s.piid) AS seq,
       arg_min(s.feed, s.feed || lpad(CAST(s.seq AS VARCHAR), 12, '0') || s.piid) AS feed
FROM said s
LEFT JOIN places p USING (award_key)
GROUP BY s.name, s.duns, s.uei, s.parent_name, s.parent_duns, s.parent_uei
-- a reported parent cites the earliest statement that reported it
ORDER BY first_seen NULLS LAST, s.name, s.duns NULLS FIRST, s.uei NULLS FIRST,
         s.parent_name NULLS FIRST, s.parent_duns NULLS FIRST, s.parent_uei NULLS FIRST
"""


def contract_records(engine: Engine) -> list[OrgRecord]:
    """Recipient statements and reported parents from contract transactions and awards."""
    records: list[OrgRecord] = []
    parents: dict[tuple[str | None, str | None, str | None], tuple[Day, Day, str]] = {}
    files = snapshot_citations(engine)
    for row in engine.rows(_STATEMENTS_SQL):
        name = _text(row["name"])
        if not name:
            continue
        duns, uei = clean_id(row["duns"]), clean_id(row["uei"])
        parent_name = _text(row["parent_name"])
        parent_duns, parent_uei = clean_id(row["parent_duns"]), clean_id(row["parent_uei"])
        citation = _cite(row, files)
        city, state, country = _most_common_place(row["places"])
        record = OrgRecord(
            record_key=stable_key(
                "usaspending", name, duns, uei, parent_name, parent_duns, parent_uei
            ),
            source="usaspending",
            name=name,
            uei=uei,
            duns=duns,
            city=city,
            state=state,
            country=country,
            parent_name=parent_name,
            parent_duns=parent_duns,
            parent_uei=parent_uei,
            first_seen=row["first_seen"],
            last_seen=row["last_seen"],
            citation=citation,
        )
        records.append(record)
        key = _parent_key(record)
        if key is not None:
            first, last, cited = parents.get(key, (None, None, citation))
            parents[key] = (
                _min_date(first, row["first_seen"]),
                _max_date(last, row["last_seen"]),
                cited,
            )
    sisters = sister_parent_ids(records)
    for (parent, duns, uei), (first, last, citation) in parents.items():
        if parent is None and (duns, uei) not in sisters:
            continue  # one company's own headquarters number, not a parent of several
        records.append(
            OrgRecord(
                record_key=stable_key("usaspending-parent", parent, duns, uei),
                source="usaspending",
                name=parent or "",
                duns=duns,
                uei=uei,
                first_seen=first,
                last_seen=last,
                citation=f"parent reported in {citation}",
            )
        )
    return records


def _parent_key(record: OrgRecord) -> tuple[str | None, str | None, str | None] | None:
    """(name, DUNS, UEI) of the parent record a statement makes: the reported parent; for a
    parent under the recipient's own name, its other identifiers and no name; else None."""
    if not record.parent_name:
        return None
    if not names_itself(record.name, record.parent_name):
        return (record.parent_name, record.parent_duns, record.parent_uei)
    uei, duns = self_named_parent_ids(record)
    return (None, duns, uei) if uei or duns else None


def self_named_parent_ids(record: OrgRecord) -> tuple[str | None, str | None]:
    """(UEI, DUNS) of the parent a record reports under its own name, each only where it is not
    the record's own: the row says "owned by whoever holds these". (None, None) when the parent
    is not the record's own name, or gives no identifier but the record's own."""
    if not names_itself(record.name, record.parent_name):
        return (None, None)
    return (
        _other(record.parent_uei, record.uei, "uei"),
        _other(record.parent_duns, record.duns, "duns"),
    )


def sister_parent_ids(statements: Iterable[OrgRecord]) -> set[tuple[str | None, str | None]]:
    """(DUNS, UEI) of the parents that recipients of two or more name keys state under their
    own names: the common parent of sisters. One company alone doing so is stating its own
    headquarters number."""
    namers: defaultdict[tuple[str | None, str | None], set[str]] = defaultdict(set)
    for statement in statements:
        uei, duns = self_named_parent_ids(statement)
        if uei or duns:
            namers[(duns, uei)].add(name_key(statement.name))
    return {ids for ids, keys in namers.items() if len(keys) >= 2}


def _other(parent: str | None, own: str | None, scheme: str) -> str | None:
    if not parent or not parent.strip():
        return None
    if own and canonical_ref(scheme, own) == canonical_ref(scheme, parent):
        return None
    return parent


def recipient_profile_records(engine: Engine) -> list[OrgRecord]:
    """USAspending recipient profiles, one record per name they list (their alternate names
    share the profile's identifiers, so they join it)."""
    rows = engine.rows("SELECT r.* FROM contract_recipient r WHERE r.record_to IS NULL")
    files = snapshot_citations(engine)
    records: list[OrgRecord] = []
    for row in rows:
        citation = _cited(files, row, record_selector("recipient_id", row["recipient_id"]))
        names = [_text(row["name"])] + [
            _text(alt) for alt in str(row["alternate_names"] or "").split(" | ")
        ]
        for i, name in enumerate(dict.fromkeys(n for n in names if n)):
            records.append(
                OrgRecord(
                    record_key=stable_key("usaspending-recipient", row["recipient_id"], name),
                    source="usaspending",
                    name=name,
                    uei=clean_id(row["uei"]),
                    duns=clean_id(row["duns"]),
                    city=_text(row["city"]),
                    state=_text(row["state"]),
                    country=_text(row["country"]),
                    parent_name=_text(row["parent_name"]),
                    parent_duns=clean_id(row["parent_duns"]),
                    parent_uei=clean_id(row["parent_uei"]),
                    citation=citation if i == 0 else f"{citation} (alternate name)",
                )
            )
    return records


_FEDRAMP_SQL = """
WITH newest AS (
    SELECT feed, max(seq) AS seq FROM snapshot
    WHERE status = 'ok' AND feed LIKE 'fedramp%' GROUP BY feed
)
SELECT o.provider_key, o.provider_raw, o.authorization_date, o.locator, o.package_id,
       -- the feed sometimes files an offering under another provider's UEI (Pega Cloud under
       -- Adobe's); only today's versions, as corrected, give a provider its UEI
       CASE WHEN o.to_seq IS NULL OR o.to_seq > n.seq THEN o.uei END AS uei,
       o.feed, o.from_seq AS seq
FROM fedramp_offering o JOIN newest n ON o.feed = n.feed
ORDER BY o.provider_key, o.feed, o.package_id, o.from_seq
"""


def fedramp_records(engine: Engine) -> list[OrgRecord]:
    """One record per FedRAMP provider key and UEI over every version of every offering of every
    feed: a provider gone from today's marketplace (delisted, renamed, acquired) still owns the
    offerings it had, and a share of an earlier date must roll it up."""
    groups: dict[tuple[str, str | None], list[dict[str, Any]]] = {}
    files = snapshot_citations(engine)
    for row in engine.rows(_FEDRAMP_SQL):
        key = str(row["provider_key"] or "").strip()
        if key:
            groups.setdefault((key, clean_id(row["uei"])), []).append(row)
    records: list[OrgRecord] = []
    for (key, uei), rows in sorted(groups.items(), key=lambda item: (item[0][0], item[0][1] or "")):
        names: dict[str, int] = {}
        for row in rows:
            raw = _text(row["provider_raw"])
            if raw:
                names[raw] = names.get(raw, 0) + 1
        if not names:
            continue
        name = min(names, key=lambda n: (-names[n], n))
        dates = [row["authorization_date"] for row in rows if row["authorization_date"]]
        path = rows[0]["locator"] or ""  # the offering's JSONPath, live in that snapshot
        records.append(
            OrgRecord(
                record_key=f"fedramp:{key}" + (f"|uei:{uei}" if uei else ""),
                source="fedramp",
                name=name,
                uei=uei,
                first_seen=min(dates) if dates else None,
                last_seen=max(dates) if dates else None,
                citation=_cited(files, rows[0], path),
            )
        )
    return records


_SEC_SQL = """
WITH newest AS (
    SELECT feed, max(seq) AS seq FROM snapshot
    WHERE status = 'ok' AND feed IN ('sec-company-tickers', 'sec-company-tickers-exchange')
    GROUP BY feed
)
SELECT r.cik, r.name, r.locator, r.feed, r.from_seq AS seq
FROM sec_registrant r JOIN newest n ON r.feed = n.feed
WHERE r.from_seq <= n.seq AND (r.to_seq IS NULL OR r.to_seq > n.seq)
-- company_tickers.json first: a CIK in both files is named and cited as that file says
ORDER BY r.cik, r.feed = 'sec-company-tickers-exchange'
"""


def sec_records(engine: Engine) -> list[OrgRecord]:
    """One record per SEC registrant with a ticker: CIK and canonical name (EDGAR's tag
    removed), cited to its record in the newest snapshot of its ticker file."""
    files = snapshot_citations(engine)
    records: dict[str, OrgRecord] = {}
    for row in engine.rows(_SEC_SQL):
        if row["cik"] in records:
            continue
        whole = files.get((row["feed"], row["seq"]))
        citation = whole.narrow(row["locator"]) if whole else None
        records[row["cik"]] = OrgRecord(
            record_key=f"sec:cik:{row['cik']}",
            source="sec",
            name=row["name"],
            cik=row["cik"],
            citation=f"{citation.id} {citation.where}" if citation else str(row["feed"]),
        )
    return list(records.values())


COLLECTORS: tuple[Collector, ...] = (
    Collector(
        "usaspending", frozenset({"contract_transaction", "contract_award"}), contract_records
    ),
    Collector("usaspending", frozenset({"contract_recipient"}), recipient_profile_records),
    Collector("fedramp", frozenset({"fedramp_offering", "snapshot"}), fedramp_records),
    Collector("sec", frozenset({"sec_registrant", "snapshot"}), sec_records),
)


def with_records(records: Iterable[OrgRecord], extra: Iterable[OrgRecord]) -> list[OrgRecord]:
    """``records`` and ``extra`` (e.g. SEC companies), one per key (the first wins), by key."""
    unique: dict[str, OrgRecord] = {}
    for record in (*records, *extra):
        unique.setdefault(record.record_key, record)
    return [unique[key] for key in sorted(unique)]


def _most_common_place(places: list[list[str | None]] | None) -> tuple[str | None, ...]:
    """The (city, state, country) most awards state; ties go to the smallest, so that the
    choice never depends on row order."""
    counts = Counter(tuple(_text(part) for part in place) for place in places or [])
    counts.pop((None, None, None), None)
    if not counts:
        return (None, None, None)
    return min(counts, key=lambda place: (-counts[place], [p or "" for p in place]))


def _text(value: object) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def _cite(row: dict[str, Any], files: dict[tuple[str, int], Citation]) -> str:
    piid = row["piid"]
    column = "award_id_piid" if row["feed"] in _CSV_FEEDS else "piid"
    return _cited(files, row, record_selector(column, piid) if piid else "")


def _cited(files: dict[tuple[str, int], Citation], row: dict[str, Any], selector: str) -> str:
    """A record's citation as the id ``whosbehind cite`` resolves, then where it points."""
    whole = files.get((row["feed"], row["seq"]))
    if whole is None:
        return str(row["feed"] or "contract store")
    cited = whole.narrow(selector)
    return f"{cited.id} {cited.where}"


def _min_date(a: Day, b: Day) -> Day:
    dates = [d for d in (a, b) if isinstance(d, dt.date)]
    return min(dates) if dates else None


def _max_date(a: Day, b: Day) -> Day:
    dates = [d for d in (a, b) if isinstance(d, dt.date)]
    return max(dates) if dates else None
