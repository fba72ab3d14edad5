"""Table ``org_ownership``: the dated parent -> child edges of the newest resolve run.

The edges are derived data (``resolve.ownership.build_edges`` over the registry, the records
and the judgements), so a run replaces them all, inside the run's own transaction: the caller
opens it (``engine.transaction()``), so the edges and the clusters they name commit together.
"""

from __future__ import annotations

from collections.abc import Sequence

from whosbehind.model.orgs import OwnershipEdge
from whosbehind.store.engine import Engine

TABLE = "org_ownership"
COLUMNS: tuple[tuple[str, str], ...] = (
    ("parent_id", "text"),
    ("child_id", "text"),
    ("valid_from", "date"),
    ("valid_to", "date"),
    ("basis", "text"),
    ("detail", "text"),
    ("citation", "text"),
)


def create_ownership_table(engine: Engine) -> None:
    dialect = engine.dialect
    types = {"text": dialect.text, "date": dialect.date}
    engine.execute(dialect.create_table(TABLE, [(name, types[kind]) for name, kind in COLUMNS]))


def has_ownership(engine: Engine) -> bool:
    return bool(
        engine.scalar(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [TABLE]
        )
    )


def replace_edges(engine: Engine, edges: Sequence[OwnershipEdge]) -> int:
    """Delete every stored edge and write ``edges``. Runs inside the caller's transaction."""
    import pyarrow as pa  # here, not at the top: queries that read the edges do not need it

    arrow = {"text": pa.string(), "date": pa.date32()}
    create_ownership_table(engine)
    engine.execute(f"DELETE FROM {TABLE}")
    schema = pa.schema([(name, arrow[kind]) for name, kind in COLUMNS])
    data = {name: [getattr(edge, name) for edge in edges] for name, _ in COLUMNS}
    engine.insert_arrow(TABLE, pa.table(data, schema=schema))
    return len(edges)


save_edges = replace_edges  # the name resolve.registry calls


def load_edges(engine: Engine) -> list[OwnershipEdge]:
    """Every stored edge, by child, start, parent; none when no run has stored any."""
    if not has_ownership(engine):
        return []
    names = ", ".join(name for name, _ in COLUMNS)
    cursor = engine.connection.execute(
        f"SELECT {names} FROM {TABLE} ORDER BY child_id, valid_from NULLS FIRST, parent_id, basis"
    )
    return [OwnershipEdge(*row) for row in cursor.fetchall()]
