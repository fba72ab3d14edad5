"""Everything engine-specific in SQL text lives here: type names and the few statements whose
spelling differs between engines. Analysis code writes portable SQL (range joins, no ASOF JOIN)
and asks the dialect for the rest, so a second engine (Spark SQL) adds a dialect, not rewrites.
"""

from __future__ import annotations

import datetime as dt
import decimal
import types
import typing
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Dialect:
    name: str
    text: str
    integer: str
    bigint: str
    date: str
    timestamp: str
    boolean: str
    blob: str
    money: str  # exact decimal with cents: amounts are never floats
    row_hash: str  # the type of ``hash_of``

    def column_type(self, annotation: object) -> str:
        """The SQL type of a fact field's Python annotation (``str | None`` -> text)."""
        if isinstance(annotation, str):
            annotation = _ANNOTATIONS[annotation.replace(" ", "").split("|")[0]]
        if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
            annotation = next(a for a in typing.get_args(annotation) if a is not type(None))
        mapping: dict[object, str] = {
            str: self.text,
            int: self.bigint,
            bool: self.boolean,
            dt.date: self.date,
            dt.datetime: self.timestamp,
            decimal.Decimal: self.money,
        }
        return mapping[annotation]

    def hash_of(self, columns: list[str]) -> str:
        """A row digest over ``columns`` (compare versions of a record set-based, in SQL).

        DuckDB's ``hash`` is deterministic but not promised stable across major versions
        (pinned: duckdb<3); a changed digest only stores one redundant version per record."""
        return f"hash({', '.join(columns)})"

    def create_table(self, name: str, columns: list[tuple[str, str]]) -> str:
        body = ", ".join(f"{column} {sql_type}" for column, sql_type in columns)
        return f"CREATE TABLE IF NOT EXISTS {name} ({body})"

    def add_column(self, table: str, column: str, sql_type: str) -> str:
        """A column added to a table made before it existed (a no-op when it is there)."""
        return f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {column} {sql_type}"

    def sha256_prefix(self, expression: str, digits: int) -> str:
        """The first ``digits`` hex digits of the sha256 of a text expression (UTF-8)."""
        return f"left(sha256({expression}), {digits})"


_ANNOTATIONS: dict[str, object] = {
    "str": str,
    "int": int,
    "bool": bool,
    "dt.date": dt.date,
    "dt.datetime": dt.datetime,
    "Decimal": decimal.Decimal,
}

DUCKDB = Dialect(
    name="duckdb",
    text="VARCHAR",
    integer="INTEGER",
    bigint="BIGINT",
    date="DATE",
    timestamp="TIMESTAMPTZ",
    boolean="BOOLEAN",
    blob="BLOB",
    money="DECIMAL(38,2)",
    row_hash="UBIGINT",
)
