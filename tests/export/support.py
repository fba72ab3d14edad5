"""A store with both halves of the supply chain: ICE's FY13-FY18 contracts with the agency list,
and the FedRAMP history (legacy and marketplace snapshots, the organization export)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import ORG_EXPORT, legacy_snapshots, marketplace_snapshots
from tests.support.contracts import ICE_2018, build
from tests.support.stores import build_store
from whosbehind.sources.fetch import read_file


def build_supply_chain_store(path: Path) -> Path:
    legacy = legacy_snapshots(every=300) + legacy_snapshots(first=1000, count=1)
    org = [
        read_file(ORG_EXPORT / name)
        for name in ("fedramp-products.json", "fedramp-status-changelog.json")
    ]
    snapshots = sorted(legacy, key=lambda raw: raw.fallback_time)
    build_store(path, [*snapshots, *marketplace_snapshots(first=1, every=400), *org])
    build(path, ICE_2018)
    return path
