"""The engine: one small class per backend that runs SQL and moves Arrow tables.

DuckDB is the embedded default: one file, no server.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from whosbehind.errors import StoreError
from whosbehind.model.redaction import SQL_FUNCTION, masked_text
from whosbehind.store.dialect import DUCKDB, Dialect

DEFAULT_DB = "whosbehind.duckdb"
DB_ENV = "WHOSBEHIND_DB"


def resolve_db_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """``--db`` first, then ``$WHOSBEHIND_DB``, then ``./whosbehind.duckdb``."""
    return Path(explicit or os.environ.get(DB_ENV) or DEFAULT_DB)


class Engine:
    """A DuckDB connection with the few operations the store needs."""

    dialect: Dialect = DUCKDB

    def __init__(self, path: str | os.PathLike[str], read_only: bool = False) -> None:
        self.path = Path(path)
        if read_only and not self.path.exists():
            raise StoreError(f"{self.path}: no store here yet (run `whosbehind ingest` first)")
        try:
            self.connection = duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.Error as error:
            raise StoreError(f"{self.path}: cannot open the store ({error})") from error
        # readers mask contact data in descriptions; SQL that builds awards calls the same code
        self.connection.create_function(
            SQL_FUNCTION, masked_text, [duckdb.sqltype("VARCHAR")], duckdb.sqltype("VARCHAR")
        )

    def close(self) -> None:
        self.connection.close()

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> None:
        self.connection.execute(sql, params or []).fetchall()

    def rows(self, sql: str, params: Sequence[Any] | None = None) -> list[dict[str, Any]]:
        cursor = self.connection.execute(sql, params or [])
        names = [column[0] for column in cursor.description or []]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def scalar(self, sql: str, params: Sequence[Any] | None = None) -> Any:
        found = self.connection.execute(sql, params or []).fetchall()
        return found[0][0] if found else None

    def insert_arrow(self, table: str, data: pa.Table) -> None:
        if data.num_rows == 0:
            return
        self.connection.register("_incoming", data)
        try:
            columns = ", ".join(data.column_names)
            self.connection.execute(
                f"INSERT INTO {table} ({columns}) SELECT {columns} FROM _incoming"
            ).fetchall()
        finally:
            self.connection.unregister("_incoming")

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All or nothing: a crash inside leaves the store as it was before."""
        self.connection.execute("BEGIN TRANSACTION")
        try:
            yield
        except BaseException:
            self.connection.execute("ROLLBACK")
            raise
        self.connection.execute("COMMIT")
