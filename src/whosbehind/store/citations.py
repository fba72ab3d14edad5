"""Finding a citation by its id in the stored records, on a store opened read-only.

Citations are not registered anywhere: they are a property of the stored records, fixed when
the records are ingested. A citation id (``model.citation``) is the hash of a stored snapshot
(feed, public locator, record time, sha256) followed by the hash of a record selector. The
selectors an output may use are the stored records themselves:

- in a FedRAMP or SEC snapshot, the JSONPath (``locator`` column) of a fact version live in it;
- in a contract file, response or page, ``column=value`` for a column of ``SELECTORS`` and a
  value of a version that snapshot stated (``award_id_piid=X``, ``recipient_duns=Y``,
  ``subtier_code=7012``).

So ``find_citation`` hashes the snapshot rows, keeps those whose part of the id matches (one,
but a collision of 7 hex digits is handled), and asks the store, in SQL, for the stored
selector of that snapshot whose hash matches the rest. (Ids of 15 hex digits came from
versions that registered them in a ``citation`` table; re-run the output for today's ids.)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from whosbehind.model.citation import (
    SELECTOR_DIGITS,
    SNAPSHOT_DIGITS,
    Citation,
    selector_part,
    snapshot_part,
)
from whosbehind.store.asof import LIVE
from whosbehind.store.engine import Engine
from whosbehind.store.snapshots import public_locator_sql

# selector name in a citation -> the column of the contract tables that holds its value
SELECTORS: dict[str, str] = {
    "award_id_piid": "piid",  # the CSV files' column name
    "piid": "piid",  # API responses, FPDS pages
    "recipient_duns": "recipient_duns",
    "recipient_uei": "recipient_uei",
    "recipient_name": "recipient_name",
    "recipient_parent_duns": "recipient_parent_duns",
    "recipient_parent_uei": "recipient_parent_uei",
    "recipient_parent_name": "recipient_parent_name",
    "recipient_id": "recipient_id",
    "subtier_code": "subtier_code",
    "toptier_code": "toptier_code",
}
_ID_LENGTH = 1 + SNAPSHOT_DIGITS + SELECTOR_DIGITS


def record_selector(column: str, value: object) -> str:
    """The selector of the contract records whose ``column`` (a key of ``SELECTORS``) holds
    ``value``: ``award_id_piid=X``."""
    if column not in SELECTORS:
        raise ValueError(f"{column!r} is not a citation selector (see store.citations)")
    return f"{column}={value}"


def snapshot_citations(
    engine: Engine, where: str = "true", params: list[Any] | None = None
) -> dict[tuple[str, int], Citation]:
    """The whole-file citation of every good snapshot (``where`` narrows them), by (feed, seq)."""
    public = public_locator_sql(engine)
    found = engine.rows(
        f"SELECT feed, seq, {public} AS locator, record_time, sha256 FROM snapshot "
        f"WHERE status = 'ok' AND record_time IS NOT NULL AND ({where})",
        params or [],
    )
    return {
        (row["feed"], row["seq"]): Citation(
            row["feed"], row["locator"], row["record_time"], row["sha256"]
        )
        for row in found
    }


def find_citation(engine: Engine, citation_id: str) -> Citation | None:
    """The citation with this id, found in the stored snapshots and records; else None."""
    wanted = citation_id.strip().lower()
    return find_citations(engine, [wanted]).get(wanted)


def find_citations(engine: Engine, citation_ids: Iterable[str]) -> dict[str, Citation]:
    """The citations of these ids that the store holds, by id (a batch: one query per
    snapshot and table, whatever the number of ids)."""
    tails: dict[str, set[str]] = {}
    for wanted in citation_ids:
        if len(wanted) == _ID_LENGTH and wanted.startswith("c"):
            tails.setdefault(wanted[1 : 1 + SNAPSHOT_DIGITS], set()).add(wanted[8:])
    found: dict[str, Citation] = {}
    if not tails:
        return found
    whole_file = selector_part("")
    for (feed, seq), whole in snapshot_citations(engine).items():
        parts = (whole.source, whole.locator, whole.record_time, whole.content_hash)
        head = snapshot_part(*parts)
        if head not in tails:
            continue
        if whole_file in tails[head]:
            found[f"c{head}{whole_file}"] = whole
        for digits, selector in _stored_selectors(engine, feed, seq, tails[head] - {whole_file}):
            found.setdefault(f"c{head}{digits}", whole.narrow(selector))
    return found


def _stored_selectors(
    engine: Engine, feed: str, seq: int, wanted: set[str]
) -> list[tuple[str, str]]:
    """(hash digits, selector) of the stored selectors of a snapshot whose hash is wanted."""
    if not wanted:
        return []
    hashed = engine.dialect.sha256_prefix("selector", SELECTOR_DIGITS)
    found: list[tuple[str, str]] = []
    for table, names in sorted(_columns(engine).items()):
        if {"feed", "from_seq", "to_seq", "locator"} <= names:  # FedRAMP and SEC facts
            sql = f"SELECT DISTINCT locator AS selector FROM {table} WHERE feed = ? AND {LIVE}"
            params: list[Any] = [feed, seq, seq]
        elif {"feed", "seq"} <= names:  # contract versions
            parts = [
                f"SELECT DISTINCT '{name}=' || {column} AS selector FROM {table} "
                f"WHERE feed = ? AND seq = ? AND {column} IS NOT NULL"
                for name, column in SELECTORS.items()
                if column in names
            ]
            if not parts:
                continue
            sql = " UNION ".join(parts)
            params = [feed, seq] * len(parts)
        else:
            continue
        rows = engine.rows(
            f"SELECT {hashed} AS digits, selector FROM ({sql}) "
            f"WHERE {hashed} IN (SELECT unnest(?)) ORDER BY selector",
            [*params, sorted(wanted)],
        )
        found += [(row["digits"], str(row["selector"])) for row in rows]
    return found


def _columns(engine: Engine) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for row in engine.rows(
        "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'main'"
    ):
        found.setdefault(row["table_name"], set()).add(row["column_name"])
    return found
