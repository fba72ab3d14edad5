"""Shared fixtures: the real public data in ../shared/data, and small stores built from it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from whosbehind.sources.gitwalk import list_snapshot_commits, walk_git_history
from whosbehind.sources.snapshot import RawSnapshot

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
