"""What every route takes: the request's engine, and the date parameters (validated as dates;
a date means the end of that day, UTC, as on the command line)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Query, Request

from whosbehind import Engine
from whosbehind.web.provider import DataVersion, StoreProvider


def _engine(request: Request) -> Iterator[Engine]:
    store: StoreProvider = request.app.state.store
    with store.engine() as engine:
        yield engine


def _version(request: Request) -> DataVersion:
    store: StoreProvider = request.app.state.store
    return store.version()


Store = Annotated[Engine, Depends(_engine)]
Version = Annotated[DataVersion, Depends(_version)]

AsOf = Annotated[
    dt.date | None,
    Query(
        description="Cloud and ownership as of this date: what the FedRAMP record said then, "
        "ATOs dated on or before it. Default: now."
    ),
]
ContractsAsOf = Annotated[
    dt.date | None,
    Query(description="Record time of the contract data. Default: the newest records."),
]
FiscalYear = Annotated[int | None, Query(ge=1900, le=2200)]
Top = Annotated[int, Query(ge=1, le=200, description="Rows per ranking.")]


def instant(day: dt.date | None) -> dt.datetime | None:
    """The end of ``day``, UTC (as the library and the command line read a date)."""
    return dt.datetime.combine(day, dt.time.max, dt.UTC) if day else None
