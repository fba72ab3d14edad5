"""A query on a table that was never created means a kind of data was never loaded.

DuckDB reports that as ``CatalogException: Table with name X does not exist``; ``missing_data``
turns it into a ``MissingDataError`` that names the data and the command that loads it, so every
command that reads a table says the same thing the same way (no traceback).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

from whosbehind.errors import MissingDataError

_FEDRAMP = (
    "no FedRAMP data",
    "`whosbehind ingest fedramp` (a URL, an archive, a folder or a file)",
)
_CONTRACTS = (
    "no contract data",
    "`whosbehind ingest usaspending PATH` or `whosbehind ingest fpds PATH`",
)
_AGENCIES = (
    "no agency list",
    "`whosbehind ingest agencies FILE` (or any contract ingest, which lists its agencies)",
)
_ORGS = ("no organization registry", "`whosbehind resolve`")
_SNAPSHOTS = (
    "no data at all",
    "`whosbehind ingest fedramp`, `whosbehind ingest usaspending` or `whosbehind ingest fpds`",
)
_TABLE = re.compile(r"Table with name (\w+) does not exist", re.IGNORECASE)


def what_is_missing(table: str) -> tuple[str, str]:
    """(what is missing, the command that loads it) for a table that does not exist."""
    if table == "contract_agency":
        return _AGENCIES
    if table.startswith("fedramp_"):
        return _FEDRAMP
    if table.startswith("contract_"):
        return _CONTRACTS
    if table.startswith("org_"):
        return _ORGS
    return _SNAPSHOTS


def missing_table(error: duckdb.CatalogException) -> MissingDataError | None:
    """The ``MissingDataError`` for ``error`` when it is a missing table, else None."""
    found = _TABLE.search(str(error))
    return MissingDataError(*what_is_missing(found.group(1).lower())) if found else None


@contextmanager
def missing_data() -> Iterator[None]:
    """Raise ``MissingDataError`` instead of DuckDB's error for a table that does not exist."""
    try:
        yield
    except duckdb.CatalogException as error:
        translated = missing_table(error)
        if translated is None:
            raise
        raise translated from error
