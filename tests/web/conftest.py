"""Fixtures of the web tests: one real store (ICE's FY13-FY18 contracts, the agency list, the
FedRAMP history and organization export, resolved into organizations) and an app over it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

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


@pytest.fixture(scope="session")
def client(web_store: Path) -> Iterator[TestClient]:
    store = FileStore(web_store)
    with TestClient(create_app(store), raise_server_exceptions=False) as found:
        yield found
    store.close()


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
