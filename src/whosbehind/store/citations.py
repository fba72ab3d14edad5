"""The citation index: the citation ids that outputs have issued, so that ``whosbehind cite ID``
finds them again.

A citation id is a hash (``model.citation.Citation.id``) and cannot be reversed. Outputs that
issue ids (``whosbehind export``; the reports that build on its graph) register them here:
``citation(id, source, locator, record_time, content_hash, issued_by, issued_at)``, one row per
id. A snapshot's own citation (the whole file, no record selector, as ``fedramp share --json``
cites) is found without registration, by hashing the snapshot rows.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyarrow as pa

from whosbehind.model.citation import Citation
from whosbehind.model.timeutil import now_utc
from whosbehind.store.engine import Engine

TABLE = "citation"


def create_citation_table(engine: Engine) -> None:
    d = engine.dialect
    engine.execute(
        d.create_table(
            TABLE,
            [
                ("id", d.text),
                ("source", d.text),
                ("locator", d.text),
                ("record_time", d.timestamp),
                ("content_hash", d.text),
                ("issued_by", d.text),
                ("issued_at", d.timestamp),
            ],
        )
    )


def register_citations(engine: Engine, citations: Iterable[Citation], issued_by: str) -> int:
    """Add the ids not yet registered; returns how many were new."""
    unique = {c.id: c for c in citations}
    if not unique:
        return 0
    create_citation_table(engine)
    rows = list(unique.values())
    staged = pa.table(
        {
            "id": [c.id for c in rows],
            "source": [c.source for c in rows],
            "locator": [c.locator for c in rows],
            "record_time": pa.array([c.record_time for c in rows], pa.timestamp("us", tz="UTC")),
            "content_hash": [c.content_hash for c in rows],
        }
    )
    before = int(engine.scalar(f"SELECT count(*) FROM {TABLE}"))
    engine.connection.register("_citations", staged)
    try:
        with engine.transaction():
            engine.execute(
                f"INSERT INTO {TABLE} SELECT s.id, s.source, s.locator, s.record_time, "
                "s.content_hash, ?, ? FROM _citations s "
                f"WHERE NOT EXISTS (SELECT 1 FROM {TABLE} c WHERE c.id = s.id)",
                [issued_by, now_utc()],
            )
    finally:
        engine.connection.unregister("_citations")
    return int(engine.scalar(f"SELECT count(*) FROM {TABLE}")) - before


def find_citation(engine: Engine, citation_id: str) -> Citation | None:
    """The registered citation with this id, else the snapshot whose own citation has it."""
    wanted = citation_id.strip()
    if engine.scalar(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [TABLE]
    ):
        found = engine.rows(
            f"SELECT source, locator, record_time, content_hash FROM {TABLE} WHERE id = ? LIMIT 1",
            [wanted],
        )
        if found:
            row = found[0]
            return Citation(row["source"], row["locator"], row["record_time"], row["content_hash"])
    for row in engine.rows(
        "SELECT feed, locator, record_time, sha256 FROM snapshot "
        "WHERE status = 'ok' AND record_time IS NOT NULL"
    ):
        citation = Citation(row["feed"], row["locator"], row["record_time"], row["sha256"])
        if citation.id == wanted:
            return citation
    return None
