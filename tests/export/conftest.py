"""Fixtures of the export tests: one store with contracts and FedRAMP, and graphs built from it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.export.support import build_supply_chain_store
from whosbehind.export.build import build_graph
from whosbehind.export.graph import Graph
from whosbehind.store.engine import Engine


@pytest.fixture(scope="session")
def chain_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_supply_chain_store(tmp_path_factory.mktemp("chain") / "chain.duckdb")


@pytest.fixture
def chain(chain_store: Path) -> Iterator[Engine]:
    opened = Engine(chain_store, read_only=True)
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def ice_graph(chain_store: Path) -> Graph:
    """The graph of ICE (subtier 7012): its contracts and the offerings it authorized."""
    engine = Engine(chain_store, read_only=True)
    try:
        return build_graph(engine, agency="7012")
    finally:
        engine.close()
