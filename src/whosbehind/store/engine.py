"""The engine: one small class per backend that runs SQL and moves Arrow tables.

DuckDB is the embedded default: one file, no server.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import duckdb

from whosbehind.errors import StoreError
from whosbehind.store.dialect import DUCKDB, Dialect
from whosbehind.store.missing import missing_data
from whosbehind.store.published import Publisher

if TYPE_CHECKING:
    import pyarrow as pa

_T = TypeVar("_T")

DEFAULT_DB = "whosbehind.duckdb"
DB_ENV = "WHOSBEHIND_DB"
# tables of a whosbehind store; a database holding tables but none of these is another program's
_OWN_TABLES = ("snapshot", "audit_field", "raw_object", "citation")
_OWN_PREFIXES = ("fedramp_", "contract_", "org", "sec_")
# how DuckDB says that a file's bytes are damaged (checked blocks, short reads, bad headers)
_DAMAGE = ("Corrupt database file", "checksum", "Could not read enough bytes", "not a valid DuckDB")
_WHAT_TO_DO = "restore it from a backup, or ingest again into a new file (--db NEW.duckdb)"
_MASKED_CACHE = 16_384  # distinct descriptions masked once per engine
_opened: list[Path] = []  # stores this process opened, newest last (for ``damaged_store``)


def resolve_db_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """``--db`` first, then ``$WHOSBEHIND_DB``, then ``./whosbehind.duckdb``."""
    return Path(explicit or os.environ.get(DB_ENV) or DEFAULT_DB)


class Connection:
    """The DuckDB connection, except that a query on a table never created raises
    ``MissingDataError`` (what is not loaded, and how to load it) instead of DuckDB's error."""

    def __init__(self, raw: duckdb.DuckDBPyConnection) -> None:
        self.raw = raw

    def execute(self, sql: str, params: object = None) -> duckdb.DuckDBPyConnection:
        with missing_data():
            return self.raw.execute(sql, params)

    def executemany(self, sql: str, params: object = None) -> duckdb.DuckDBPyConnection:
        with missing_data():
            return self.raw.executemany(sql, params)

    def __getattr__(self, name: str) -> Any:  # register, unregister, close, ...
        return getattr(self.raw, name)


class Engine:
    """A DuckDB connection with the few operations the store needs."""

    dialect: Dialect = DUCKDB

    def __init__(
        self,
        path: str | os.PathLike[str],
        read_only: bool = False,
        *,
        publish: bool = True,
        isolated: bool = False,
    ) -> None:
        """Open the store at ``path``. A writing engine publishes a read-only copy beside it
        after commits and at close (``store/published.py``) unless ``publish`` is False.
        ``isolated`` (read-only) opens the file in a database instance of its own: DuckDB
        shares one instance per path within a process, so a file renamed over one still open
        would otherwise be read as the old file."""
        self.path = Path(path)
        self._isolated = isolated
        # a read-only store's tables cannot change while it is open (a writer needs the file's
        # lock): what the catalog checks answer is kept, and every query command asks them
        self._catalog: dict[tuple[str, ...], bool] | None = {} if read_only else None
        self._kept: dict[str, Any] | None = {} if read_only else None
        if read_only and not self.path.exists():
            raise StoreError(f"{self.path}: no store here yet (run `whosbehind ingest` first)")
        try:
            if isolated:
                raw = duckdb.connect(":memory:")
                raw.execute(f"ATTACH '{_quoted(self.path)}' AS store (READ_ONLY)")
                raw.execute("USE store")
            else:
                raw = duckdb.connect(str(self.path), read_only=read_only)
            self.connection = Connection(raw)
        except duckdb.Error as error:
            reason = _first_line(error)
            hint = f"; {_WHAT_TO_DO}" if _is_damage(reason) else ""
            raise StoreError(f"{self.path}: cannot open the store ({reason}){hint}") from None
        _opened.append(self.path)
        self._refuse_foreign()
        if not read_only:
            # readers mask contact data in descriptions; SQL that builds awards calls the same
            # code. Only ingest runs that SQL, and a Python function makes DuckDB import NumPy:
            # a query does not pay for it (nor for compiling the masker's patterns).
            from whosbehind.model.redaction import SQL_FUNCTION, masked_text

            # descriptions repeat (one award's text in every file that states it): each
            # distinct text is masked once per engine (a pure function, ~50 us a call)
            masker = functools.lru_cache(maxsize=_MASKED_CACHE)(masked_text)
            self.connection.create_function(
                SQL_FUNCTION, masker, [duckdb.sqltype("VARCHAR")], duckdb.sqltype("VARCHAR")
            )
        self._publisher = Publisher(self.path) if publish and not read_only else None

    def cursor(self) -> Engine:
        """Another engine on the same open database, for another thread (a DuckDB connection
        is used by one thread at a time). Closed with this one."""
        twin = object.__new__(Engine)
        twin.path, twin._isolated, twin._publisher = self.path, self._isolated, None
        twin._catalog, twin._kept = self._catalog, self._kept
        twin.connection = Connection(self.connection.raw.cursor())
        if self._isolated:
            twin.connection.execute("USE store")
        return twin

    def close(self) -> None:
        try:
            if self._publisher is not None:
                self._publisher.closing(self.connection)
        finally:
            self.connection.close()

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _refuse_foreign(self) -> None:
        """A DuckDB database of another program is not read, and not written into."""
        names = [  # DuckDB's catalog functions: a fifth of the time of information_schema
            row[0]
            for row in self.connection.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
                "AND schema_name = 'main' UNION ALL SELECT view_name FROM duckdb_views() "
                "WHERE NOT internal AND database_name = current_database() AND schema_name = 'main'"
            ).fetchall()
        ]
        if not names or any(
            name in _OWN_TABLES or name.startswith(_OWN_PREFIXES) for name in names
        ):
            return
        self.connection.close()
        shown = ", ".join(sorted(names)[:3]) + (", ..." if len(names) > 3 else "")
        raise StoreError(
            f"{self.path}: a DuckDB database of another program (tables {shown}), not a "
            "whosbehind store; pass --db with a whosbehind store, or a new file name to start one"
        )

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> None:
        self.connection.execute(sql, params or []).fetchall()

    def has_table(self, name: str) -> bool:
        """Whether a table of this name exists, in the store or among the temporary ones
        (DuckDB's catalog functions answer in about a fifth of the time of
        ``information_schema``, which every query command asks first; left out, DuckDB's own
        ``system`` catalog, whose hundreds of columns took most of a first question's ~10 ms)."""
        return self._ask_catalog(
            (name,),
            "SELECT count(*) FROM duckdb_tables() WHERE database_name <> 'system' "
            "AND table_name = ?",
        )

    def has_column(self, table: str, column: str) -> bool:
        return self._ask_catalog(
            (table, column),
            "SELECT count(*) FROM duckdb_columns() WHERE database_name <> 'system' "
            "AND table_name = ? AND column_name = ?",
        )

    def _ask_catalog(self, names: tuple[str, ...], sql: str) -> bool:
        if self._catalog is not None and names in self._catalog:
            return self._catalog[names]
        found = bool(self.scalar(sql, list(names)))
        if self._catalog is not None:
            self._catalog[names] = found
        return found

    def kept(self, key: str, compute: Callable[[], _T]) -> _T:
        """``compute()``, asked once per engine on a read-only store (its tables cannot
        change while it is open), every time otherwise: the checks and small lookups that
        every call of a query function makes (is there contract data, is the rollup fresh)."""
        if self._kept is None:
            return compute()
        if key not in self._kept:
            self._kept[key] = compute()
        found: _T = self._kept[key]
        return found

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
        if self._publisher is not None:
            self._publisher.committed(self.connection)


def damaged_store(error: BaseException) -> StoreError | None:
    """The one-line error for DuckDB finding a store file damaged while reading it (a block
    whose checksum does not match, a file cut short), or None for any other error."""
    if not isinstance(error, duckdb.Error) or not _is_damage(_first_line(error)):
        return None
    where = _opened[-1] if _opened else Path(DEFAULT_DB)
    return StoreError(f"{where}: the store file is damaged ({_first_line(error)}); {_WHAT_TO_DO}")


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


def _is_damage(text: str) -> bool:
    return any(marker in text for marker in _DAMAGE)
