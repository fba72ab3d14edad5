"""Tables of the organization registry (written by ``resolve.registry.run_resolve``).

- ``org_record``: every org record ever collected (``model.orgs.OrgRecord`` plus its name key and
  the run that first saw it). Statements once made stay: an incremental run only adds.
- ``org``: every org id ever issued and the run that issued it ("oldest" when clusters merge).
- ``org_member``: record_key -> org_id of the newest run.
- ``org_alias``: an id that no longer names a cluster (merged away) -> the id that now does.
- ``org_match``: matcher pairs at or above the review threshold, kept across incremental runs.
- ``org_evidence``: every edge the clustering considered, ``status`` applied / redundant /
  refused (``reason`` says why), so that ``org explain`` can show the chain or the refusal.
- ``org_candidate``: uncertain matcher pairs left in different orgs, for ``whosbehind review``.
- ``org_run``: one row per run with its counts.
"""

from __future__ import annotations

from whosbehind.store.engine import Engine

Columns = tuple[tuple[str, str], ...]

RECORD_COLUMNS: Columns = (
    ("record_key", "text"),
    ("source", "text"),
    ("name", "text"),
    ("uei", "text"),
    ("duns", "text"),
    ("cik", "text"),
    ("cage", "text"),
    ("city", "text"),
    ("state", "text"),
    ("country", "text"),
    ("parent_name", "text"),
    ("parent_duns", "text"),
    ("parent_uei", "text"),
    ("first_seen", "date"),
    ("last_seen", "date"),
    ("citation", "text"),
    ("name_key", "text"),
    ("run", "int"),
)
ORG_TABLES: dict[str, Columns] = {
    "org_record": RECORD_COLUMNS,
    "org": (("org_id", "text"), ("created_run", "int"), ("first_member", "text")),
    "org_member": (("record_key", "text"), ("org_id", "text")),
    "org_alias": (("old_id", "text"), ("org_id", "text"), ("run", "int")),
    "org_match": (
        ("left_key", "text"),
        ("right_key", "text"),
        ("probability", "float"),
        ("method", "text"),
        ("detail", "text"),
        ("run", "int"),
    ),
    "org_evidence": (
        ("left_key", "text"),
        ("right_key", "text"),
        ("kind", "text"),
        ("weight", "float"),
        ("detail", "text"),
        ("source", "text"),
        ("status", "text"),
        ("reason", "text"),
    ),
    "org_candidate": (
        ("left_key", "text"),
        ("right_key", "text"),
        ("probability", "float"),
        ("detail", "text"),
    ),
    "org_run": (
        ("run", "int"),
        ("started_at", "timestamp"),
        ("full_run", "bool"),
        ("records", "int"),
        ("new_records", "int"),
        ("orgs", "int"),
        ("merges", "int"),
        ("aliases", "int"),
        ("candidates", "int"),
        ("refused", "int"),
        ("matched_pairs", "int"),
        ("seconds", "float"),
    ),
}


def create_org_tables(engine: Engine) -> None:
    dialect = engine.dialect
    kinds = {
        "text": dialect.text,
        "int": dialect.bigint,
        "date": dialect.date,
        "timestamp": dialect.timestamp,
        "bool": dialect.boolean,
        "float": "DOUBLE",
    }
    for table, columns in ORG_TABLES.items():
        engine.execute(dialect.create_table(table, [(name, kinds[k]) for name, k in columns]))


def has_registry(engine: Engine) -> bool:
    """True when a resolve run has completed in this store."""
    return engine.has_table("org_run") and bool(engine.scalar("SELECT count(*) FROM org_run"))
