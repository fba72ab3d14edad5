"""Shared fixtures: the real public data in ../shared/data, and small stores built from it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from whosbehind.sources.gitwalk import list_snapshot_commits, walk_git_history
from whosbehind.sources.snapshot import RawSnapshot
from whosbehind.store.engine import Engine

# Property tests: no per-example deadline (the machines are shared and noisy), and in CI the
# same examples every run, so a red build is reproducible.
settings.register_profile("whosbehind", deadline=None)
settings.register_profile("ci", parent=settings.get_profile("whosbehind"), derandomize=True)
settings.load_profile("ci" if os.environ.get("CI") else "whosbehind")

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"
FEDRAMP = SHARED_DATA / "fedramp"
LEGACY_REPO = FEDRAMP / "legacy-history.git"
MARKETPLACE_REPO = FEDRAMP / "marketplace-history.git"
ORG_EXPORT = FEDRAMP / "org-export"


def pick_snapshots(
    repo: Path, path: str, every: int = 1, first: int = 0, count: int | None = None
) -> list[RawSnapshot]:
    """Real snapshots: every ``every``-th commit from ``first``, ``count`` of them."""
    commits = [c[0] for c in list_snapshot_commits(repo, (path,))][first::every][:count]
    return list(walk_git_history(repo, (path,), only_commits=frozenset(commits)))


def legacy_snapshots(every: int = 1, first: int = 0, count: int | None = None) -> list[RawSnapshot]:
    return pick_snapshots(LEGACY_REPO, "data/data.json", every, first, count)


def marketplace_snapshots(
    every: int = 1, first: int = 0, count: int | None = None
) -> list[RawSnapshot]:
    return pick_snapshots(MARKETPLACE_REPO, "data.json", every, first, count)


@pytest.fixture(scope="session")
def legacy_head() -> RawSnapshot:
    commits = list_snapshot_commits(LEGACY_REPO, ("data/data.json",))
    return next(
        iter(
            walk_git_history(
                LEGACY_REPO, ("data/data.json",), only_commits=frozenset({commits[-1][0]})
            )
        )
    )


@pytest.fixture(scope="session")
def marketplace_head() -> RawSnapshot:
    commits = list_snapshot_commits(MARKETPLACE_REPO, ("data.json",))
    return next(
        iter(
            walk_git_history(
                MARKETPLACE_REPO, ("data.json",), only_commits=frozenset({commits[-1][0]})
            )
        )
    )


@pytest.fixture
def tmp_db(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path / "test.duckdb"


@pytest.fixture(scope="session")
def legacy_raw() -> list[RawSnapshot]:
    """Legacy snapshots 2016-2026, every 150th, plus three consecutive days of 2019."""
    picked = legacy_snapshots(every=150) + legacy_snapshots(first=1000, count=3)
    return sorted(picked, key=lambda raw: raw.fallback_time)


@pytest.fixture(scope="session")
def store_path(tmp_path_factory: pytest.TempPathFactory, legacy_raw: list[RawSnapshot]) -> Path:
    """A small real store: those legacy snapshots, marketplace snapshots, the org export."""
    from tests.support.stores import build_store
    from whosbehind.sources.fetch import read_file

    path = tmp_path_factory.mktemp("store") / "store.duckdb"
    org = [
        read_file(ORG_EXPORT / name)
        for name in ("fedramp-products.json", "fedramp-status-changelog.json")
    ]
    build_store(path, [*legacy_raw, *marketplace_snapshots(first=1, every=200), *org])
    return path


@pytest.fixture
def engine(store_path: Path) -> Iterator[Engine]:
    opened = Engine(store_path, read_only=True)
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def ice_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A contract store: ICE's FY13-FY18 awards (the 2018 export) and the agency list."""
    from tests.support.contracts import ICE_2018, build

    path = tmp_path_factory.mktemp("contracts") / "ice.duckdb"
    build(path, ICE_2018)
    return path


@pytest.fixture(scope="session")
def local_gov_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A contract store: ICE award summaries in today's layout, and the agency list."""
    from tests.support.contracts import ICE_LOCAL_GOV, build

    path = tmp_path_factory.mktemp("contracts") / "local-gov.duckdb"
    build(path, ICE_LOCAL_GOV)
    return path
