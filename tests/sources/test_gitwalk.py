"""Walking the real snapshot histories (bare git repositories) with the git walker."""

from __future__ import annotations

import datetime as dt
import hashlib
import subprocess
from pathlib import Path

import pytest

from tests.conftest import LEGACY_REPO, MARKETPLACE_REPO
from whosbehind.errors import SourceError
from whosbehind.sources.gitwalk import (
    BlobStream,
    is_git_repository,
    list_snapshot_commits,
    walk_git_history,
)
from whosbehind.sources.snapshot import public_locator

LEGACY_PATH = ("data/data.json",)


def git(repo: Path, *args: str) -> bytes:
    return subprocess.run(
        ["git", "-c", "safe.directory=*", f"--git-dir={repo}", *args],
        capture_output=True,
        check=True,
    ).stdout


@pytest.fixture(scope="module")
def legacy_commits() -> list[tuple[str, dt.datetime, str, str]]:
    return list_snapshot_commits(LEGACY_REPO, LEGACY_PATH)


def test_legacy_commits_oldest_first(
    legacy_commits: list[tuple[str, dt.datetime, str, str]],
) -> None:
    log = git(LEGACY_REPO, "log", "--reverse", "--format=%H %cI", "--", "data/data.json")
    expected = [line.split() for line in log.decode().splitlines()]
    assert len(legacy_commits) == len(expected) == 4173
    assert [c[0] for c in legacy_commits] == [e[0] for e in expected]
    assert [c[1] for c in legacy_commits] == [dt.datetime.fromisoformat(e[1]) for e in expected]
    assert legacy_commits[0][1].date() == dt.date(2016, 6, 23)
    assert legacy_commits[-1][1].date() == dt.date(2026, 8, 22)
    assert {c[2] for c in legacy_commits} == {"data/data.json"}
    for commit, _, path, blob in legacy_commits[:: len(legacy_commits) // 4]:
        assert git(LEGACY_REPO, "rev-parse", f"{commit}:{path}").decode().strip() == blob


def test_marketplace_commits() -> None:
    commits = list_snapshot_commits(MARKETPLACE_REPO, ("data.json",))
    log = git(MARKETPLACE_REPO, "log", "--reverse", "--format=%H", "--", "data.json")
    assert [c[0] for c in commits] == log.decode().split()
    assert len(commits) == 1427


def test_path_never_in_history_gives_no_commits() -> None:
    assert list_snapshot_commits(LEGACY_REPO, ("no/such/file.json",)) == []
    assert list(walk_git_history(LEGACY_REPO, ("no/such/file.json",))) == []


def test_walk_selected_commits_gives_exact_bytes(
    legacy_commits: list[tuple[str, dt.datetime, str, str]],
) -> None:
    chosen = [legacy_commits[0], legacy_commits[len(legacy_commits) // 2], legacy_commits[-1]]
    walked = list(
        walk_git_history(LEGACY_REPO, LEGACY_PATH, only_commits=frozenset(c[0] for c in chosen))
    )
    assert [raw.commit for raw in walked] == [c[0] for c in chosen]  # oldest first
    for raw, (commit, when, path, _) in zip(walked, chosen, strict=True):
        assert raw.content == git(LEGACY_REPO, "show", f"{commit}:{path}")
        assert raw.sha256 == hashlib.sha256(raw.content).hexdigest()
        assert raw.fallback_time == when
        assert raw.kind == "git"
        assert raw.locator == f"{LEGACY_REPO}@{commit}:{path}"


def test_walk_marketplace_first_snapshot_is_one_byte() -> None:
    first = list_snapshot_commits(MARKETPLACE_REPO, ("data.json",))[0][0]
    walked = list(
        walk_git_history(MARKETPLACE_REPO, ("data.json",), only_commits=frozenset({first}))
    )
    assert len(walked) == 1
    assert walked[0].content == git(MARKETPLACE_REPO, "show", f"{first}:data.json")
    assert len(walked[0].content) == 1


def test_skip_commits(legacy_commits: list[tuple[str, dt.datetime, str, str]]) -> None:
    a, b, c = (legacy_commits[i][0] for i in (10, 11, 12))
    walked = list(
        walk_git_history(
            LEGACY_REPO, LEGACY_PATH, skip_commits=frozenset({b}), only_commits=frozenset({a, b, c})
        )
    )
    assert [raw.commit for raw in walked] == [a, c]
    skipped_all = walk_git_history(
        LEGACY_REPO,
        LEGACY_PATH,
        skip_commits=frozenset({a, b, c}),
        only_commits=frozenset({a, b, c}),
    )
    assert list(skipped_all) == []


def test_stopping_early_does_not_hang(
    legacy_commits: list[tuple[str, dt.datetime, str, str]],
) -> None:
    wanted = frozenset(c[0] for c in legacy_commits[-40:])
    walker = walk_git_history(LEGACY_REPO, LEGACY_PATH, only_commits=wanted)
    first = next(walker)
    walker.close()  # kills git and joins the feeder thread
    assert first.commit == legacy_commits[-40][0]


def test_blob_stream_gives_each_blob_whole_in_order_as_git_cat_file_does(
    legacy_commits: list[tuple[str, dt.datetime, str, str]],
) -> None:
    # blobs from every part of the history, and one asked for twice
    blobs = [blob for *_, blob in legacy_commits[::400]] + [legacy_commits[0][3]]
    stream = BlobStream(LEGACY_REPO, blobs)
    try:
        got = list(stream)
    finally:
        stream.stop()
    assert [hashlib.sha1(b"blob %d\0" % len(c) + c).hexdigest() for c in got] == blobs
    assert got[-1] == git(LEGACY_REPO, "cat-file", "blob", blobs[-1])


def test_a_blob_git_does_not_have_is_a_source_error_naming_it() -> None:
    missing = "0" * 40
    stream = BlobStream(LEGACY_REPO, [missing])
    try:
        with pytest.raises(SourceError, match=f"{LEGACY_REPO}: git cat-file returned .*{missing}"):
            list(stream)
    finally:
        stream.stop()


def test_git_ended_mid_way_is_a_source_error_not_a_short_snapshot(
    legacy_commits: list[tuple[str, dt.datetime, str, str]],
) -> None:
    stream = BlobStream(LEGACY_REPO, [blob for *_, blob in legacy_commits[-3:]])
    blobs = iter(stream)
    next(blobs)
    stream.stop()  # as the walk does when its reader stops early
    with pytest.raises(SourceError, match="git cat-file"):
        list(blobs)


def test_is_git_repository(tmp_path: Path) -> None:
    assert is_git_repository(LEGACY_REPO)
    assert is_git_repository(MARKETPLACE_REPO)
    assert not is_git_repository(tmp_path)


def test_not_a_repository_is_a_source_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=str(tmp_path)):
        list_snapshot_commits(tmp_path, LEGACY_PATH)


def test_each_snapshot_names_the_upstream_commit_of_its_archive_commit() -> None:
    log = git(MARKETPLACE_REPO, "log", "--format=%H%x09%B", "--", "data.json").decode()
    named = {}
    for entry in log.split("\n\n"):
        commit, _, message = entry.strip().partition("\t")
        if commit:
            named[commit] = message.rsplit("(upstream ", 1)[1].rstrip(")\n ")
    picked = frozenset(sorted(named)[::300])
    walked = list(walk_git_history(MARKETPLACE_REPO, ("data.json",), only_commits=picked))
    assert len(walked) == len(picked) > 3
    for raw in walked:
        assert raw.commit is not None and raw.upstream == named[raw.commit]
        # a citation names the upstream repository's commit, not this machine's archive
        public = public_locator(raw, "github.com/GSA/marketplace-fedramp-gov-data")
        assert public == f"github.com/GSA/marketplace-fedramp-gov-data@{raw.upstream}:data.json"
        assert public_locator(raw) == f"marketplace-history.git@{raw.commit}:data.json"
