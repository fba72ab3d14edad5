"""Roll-up to ultimate parents as of a date: a contract recipient or a FedRAMP provider, as its
record states it, to the org the registry puts it in, then up its ownership chain on that date.

Contract money rolls up as of each action's date (a company bought in 2018 counts under its
buyer only from then on); a FedRAMP share as of the share's valid date. A statement the
registry does not know rolls up to nothing (``None``): callers keep it as reported.

``rollup_lines_sql`` is the SQL form for spending: it joins a lines query to three small tables
(statement -> org, org and date range -> ultimate parent, org -> display name), registered on the
connection for the duration of a ``with`` block.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from whosbehind.errors import MissingDataError
from whosbehind.model.orgs import OrgRecord, OwnershipEdge
from whosbehind.resolve.org_index import OrgIndex
from whosbehind.resolve.ultimate import OwnershipIndex
from whosbehind.store.engine import Engine
from whosbehind.store.missing import what_is_missing
from whosbehind.store.orgs_ownership import load_edges

_names = itertools.count()


@dataclass(frozen=True, slots=True)
class RolledUp:
    org_id: str  # the org the statement is in
    parent_id: str  # its ultimate parent on the date (the org itself when it has none)
    parent_name: str


class RollUp:
    """The registry (records and their orgs) with the ownership edges, ready for many lookups."""

    def __init__(
        self,
        records: Iterable[OrgRecord],
        org_of: Mapping[str, str],
        edges: Sequence[OwnershipEdge],
        name_keys: Mapping[str, str] | None = None,
    ) -> None:
        self.orgs = OrgIndex(records, org_of, name_keys)
        self.ownership = OwnershipIndex(edges)
        self._names: dict[str, str] = {}  # display names, normalized once per org

    def name(self, org_id: str) -> str:
        found = self._names.get(org_id)
        if found is None:
            found = self._names[org_id] = self.orgs.display_name(org_id)
        return found

    def up(self, org_id: str, on: dt.date) -> RolledUp:
        top = self.ownership.ultimate(org_id, on)
        return RolledUp(org_id, top, self.name(top))

    def recipient(
        self, name: str | None, duns: str | None, uei: str | None, on: dt.date
    ) -> RolledUp | None:
        """A contract recipient as the transaction states it, on the action date."""
        org = self.orgs.org_for_statement(name, duns, uei)
        return None if org is None else self.up(org, on)

    def recipient_ids(
        self, name: str | None, duns: str | None, uei: str | None, on: dt.date
    ) -> tuple[str, str] | None:
        """``recipient`` without the display name: (its org, its ultimate parent on ``on``)."""
        org = self.orgs.org_for_statement(name, duns, uei)
        return None if org is None else (org, self.ownership.ultimate(org, on))

    def provider(
        self, provider_key: str, name: str | None, uei: str | None, on: dt.date
    ) -> RolledUp | None:
        """A FedRAMP provider (its key, name and UEI as the offering states them)."""
        org = self.orgs.org_for_provider(provider_key, name, uei)
        return None if org is None else self.up(org, on)


def load_rollup(engine: Engine) -> RollUp:
    """The registry and edges the newest ``whosbehind resolve`` stored."""
    # Imported here: the registry's modules are only needed once a roll-up is asked for.
    from whosbehind.resolve.registry_read import org_of
    from whosbehind.resolve.registry_store import load_records
    from whosbehind.store.orgs_schema import has_registry

    if not has_registry(engine):
        raise MissingDataError(*what_is_missing("org_run"))
    records, name_keys = load_records(engine)
    return RollUp(records, org_of(engine), load_edges(engine), name_keys)


@contextmanager
def rollup_lines_sql(
    engine: Engine,
    rollup: RollUp,
    lines: str,
    params: Sequence[Any] = (),
    date_column: str = "first_date",
) -> Iterator[tuple[str, list[Any]]]:
    """``lines`` (a query with recipient_name, recipient_duns, recipient_uei and a date column)
    with three more columns: ``org_id`` (the recipient's org, NULL when the registry does not
    know it), ``parent_org_id`` (its ultimate parent on that line's date) and
    ``parent_org_name``. Yields the SQL and its parameters; valid inside the block only."""
    import pyarrow as pa  # here, not at the top: `fedramp share` imports this module

    statements = engine.connection.execute(
        f"SELECT DISTINCT recipient_name, recipient_duns, recipient_uei FROM ({lines}) l",
        list(params),
    ).fetchall()
    columns: dict[str, list[Any]] = {"name": [], "duns": [], "uei": [], "org_id": []}
    for name, duns, uei in statements:
        org = rollup.orgs.org_for_statement(name, duns, uei)
        if org is not None:
            for column, value in zip(columns, (name, duns, uei, org), strict=True):
                columns[column].append(value)
    segments = rollup.ownership.segments()
    named = set(columns["org_id"]) | {top for *_, top in segments}
    tables = {
        "statement": pa.table(columns, schema=pa.schema([(c, pa.string()) for c in columns])),
        "segment": pa.table(
            {
                "org_id": [s[0] for s in segments],
                "valid_from": pa.array([s[1] for s in segments], pa.date32()),
                "valid_to": pa.array([s[2] for s in segments], pa.date32()),
                "parent_id": [s[3] for s in segments],
            },
            schema=pa.schema(
                [
                    ("org_id", pa.string()),
                    ("valid_from", pa.date32()),
                    ("valid_to", pa.date32()),
                    ("parent_id", pa.string()),
                ]
            ),
        ),
        "name": pa.table(
            {"org_id": sorted(named), "name": [rollup.name(o) for o in sorted(named)]},
            schema=pa.schema([("org_id", pa.string()), ("name", pa.string())]),
        ),
    }
    suffix = next(_names)
    registered = {kind: f"_rollup_{kind}_{suffix}" for kind in tables}
    for kind, table in tables.items():
        engine.connection.register(registered[kind], table)
    s, u, n = registered["statement"], registered["segment"], registered["name"]
    day = f"l.{date_column}"
    sql = (
        "SELECT l.*, s.org_id AS org_id, coalesce(u.parent_id, s.org_id) AS parent_org_id, "
        f"n.name AS parent_org_name FROM ({lines}) l "
        f"LEFT JOIN {s} s ON s.name IS NOT DISTINCT FROM l.recipient_name "
        "AND s.duns IS NOT DISTINCT FROM l.recipient_duns "
        "AND s.uei IS NOT DISTINCT FROM l.recipient_uei "
        f"LEFT JOIN {u} u ON u.org_id = s.org_id "
        f"AND (u.valid_from IS NULL OR {day} >= u.valid_from) "
        f"AND (u.valid_to IS NULL OR {day} < u.valid_to) "
        f"LEFT JOIN {n} n ON n.org_id = coalesce(u.parent_id, s.org_id)"
    )
    try:
        yield sql, list(params)
    finally:
        for name in registered.values():
            engine.connection.unregister(name)
