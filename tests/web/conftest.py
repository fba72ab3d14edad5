"""Fixtures of the web tests: one real store (ICE's FY13-FY18 contracts, the agency list, the
FedRAMP history and organization export, resolved into organizations) and an app over it."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import pyarrow as pa
import pytest
from fastapi.testclient import TestClient

from tests.export.support import build_supply_chain_store
from whosbehind.resolve.registry import run_resolve
from whosbehind.store.engine import Engine
from whosbehind.web import FileStore, create_app

T = TypeVar("T")


@pytest.fixture(scope="session")
def web_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = build_supply_chain_store(tmp_path_factory.mktemp("web") / "web.duckdb")
    engine = Engine(path)
    try:
        run_resolve(engine, judgements_path=None)
    finally:
        engine.close()
    return path


def left_unread(engine: Engine) -> bool:
    """Whether a query result is left unread on ``engine``'s connection (DuckDB then refuses
    to register a table on it: "unfinished result from execute()")."""
    try:
        engine.connection.raw.register("_unread_probe", pa.table({"a": [1]}))
    except duckdb.Error as error:
        if "unfinished result" in str(error):
            return True
        raise
    engine.connection.raw.unregister("_unread_probe")
    return False


class CheckedStore(FileStore):
    """A ``FileStore`` that notes each request (or test question) that leaves a query result
    unread on the connection requests share, before the next one starts clean."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.unread: list[str] = []

    @contextmanager
    def engine(self) -> Iterator[Engine]:
        with super().engine() as engine:
            yield engine
            if left_unread(engine):
                self.unread.append(os.environ.get("PYTEST_CURRENT_TEST", "?"))


@pytest.fixture(scope="session")
def client(web_store: Path) -> Iterator[TestClient]:
    store = CheckedStore(web_store)
    with TestClient(create_app(store), raise_server_exceptions=False) as found:
        yield found
    store.close()


@pytest.fixture(autouse=True)
def nothing_left_unread(request: pytest.FixtureRequest) -> Iterator[None]:
    """No page, and no question a test asks on the app's connection, leaves a result unread
    (one did: a test's ``fetchone()`` made the next request's ``register()`` fail)."""
    yield
    if "client" in request.fixturenames:
        store: CheckedStore = request.getfixturevalue("client").app.state.store
        found, store.unread[:] = list(store.unread), []
        assert found == [], f"a query result left unread on the shared connection by {found}"


Ask = Callable[[Callable[[Engine], T]], T]


@pytest.fixture
def ask(client: TestClient) -> Ask[Any]:
    """Ask the library directly, on the app's own connection (DuckDB refuses a second
    connection of the same process that registers the engine's SQL function again)."""
    store: FileStore = client.app.state.store  # type: ignore[attr-defined]

    def run(question: Callable[[Engine], T]) -> T:
        with store.engine() as engine:
            return question(engine)

    return run
