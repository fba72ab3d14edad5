"""Reading and writing the registry tables (``store/orgs_schema.py``) for ``registry``."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from typing import Any

import pyarrow as pa

from whosbehind.model.orgs import OrgRecord
from whosbehind.store.engine import Engine
from whosbehind.store.orgs_schema import RECORD_COLUMNS

_RECORD_FIELDS = [f.name for f in dataclasses.fields(OrgRecord)]
_ARROW = {"text": pa.string(), "int": pa.int64(), "date": pa.date32(), "float": pa.float64()}


def write_rows(
    engine: Engine, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Insert ``rows`` (tuples in ``columns`` order) into ``table`` through Arrow."""
    data = list(zip(*list(rows), strict=True))
    if not data:
        return 0
    engine.insert_arrow(
        table, pa.table({name: list(values) for name, values in zip(columns, data, strict=True)})
    )
    return len(data[0])


def write_records(
    engine: Engine, records: Sequence[OrgRecord], keys: dict[str, str], run: int
) -> int:
    """Append ``records`` with their name keys (``keys``: record_key -> name key)."""
    if not records:
        return 0
    columns: dict[str, list[Any]] = {name: [] for name, _ in RECORD_COLUMNS}
    for record in records:
        for name in _RECORD_FIELDS:
            columns[name].append(getattr(record, name))
        columns["name_key"].append(keys[record.record_key])
        columns["run"].append(run)
    schema = pa.schema([(name, _ARROW[kind]) for name, kind in RECORD_COLUMNS])
    engine.insert_arrow("org_record", pa.table(columns, schema=schema))
    return len(records)


def load_records(engine: Engine) -> tuple[list[OrgRecord], dict[str, str]]:
    """Every stored record (sorted by key) and its name key."""
    names = ", ".join(_RECORD_FIELDS)
    cursor = engine.connection.execute(
        f"SELECT {names}, name_key FROM org_record ORDER BY record_key"
    )
    records: list[OrgRecord] = []
    keys: dict[str, str] = {}
    for row in cursor.fetchall():
        records.append(OrgRecord(*row[:-1]))
        keys[row[0]] = row[-1]
    return records, keys


def record_rows(engine: Engine, where: str, params: Sequence[Any]) -> list[OrgRecord]:
    names = ", ".join(_RECORD_FIELDS)
    cursor = engine.connection.execute(
        f"SELECT {names} FROM org_record WHERE {where} ORDER BY record_key", list(params)
    )
    return [OrgRecord(*row) for row in cursor.fetchall()]


def pairs(engine: Engine, sql: str, params: Sequence[Any] = ()) -> dict[str, str]:
    """A two-column query as a dict."""
    return {str(a): str(b) for a, b in engine.connection.execute(sql, list(params)).fetchall()}
