"""Ownership edges survive the store unchanged, are replaced whole, and roll back with a run."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.orgs import cluster, contract_records
from whosbehind.resolve.ownership import build_edges
from whosbehind.store.engine import Engine
from whosbehind.store.orgs_ownership import load_edges, replace_edges


def test_edges_round_trip_and_are_replaced_whole(ice_store: Path, tmp_db: Path) -> None:
    source = Engine(ice_store, read_only=True)
    try:
        records = contract_records(source)
    finally:
        source.close()
    edges = build_edges(records, cluster(records), [])
    assert edges and any(e.valid_to is not None for e in edges)
    engine = Engine(tmp_db)
    try:
        assert load_edges(engine) == []
        with engine.transaction():
            assert replace_edges(engine, edges) == len(edges)
        assert sorted(load_edges(engine), key=repr) == sorted(edges, key=repr)
        with engine.transaction():
            replace_edges(engine, edges[:3])
        assert sorted(load_edges(engine), key=repr) == sorted(edges[:3], key=repr)
        with pytest.raises(RuntimeError), engine.transaction():
            replace_edges(engine, edges)
            raise RuntimeError("the resolve run dies before it commits")
        assert sorted(load_edges(engine), key=repr) == sorted(edges[:3], key=repr)
    finally:
        engine.close()
