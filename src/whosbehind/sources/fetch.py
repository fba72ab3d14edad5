"""Fetchers: where snapshot bytes come from. A live URL, a file, a folder of files, or a git
repository whose history holds dated snapshots."""

from __future__ import annotations

import datetime as dt
import fnmatch
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx

from whosbehind.errors import SourceError
from whosbehind.model.timeutil import UTC, now_utc
from whosbehind.sources.folder import Skipped, list_folder
from whosbehind.sources.gitwalk import is_git_repository, list_snapshot_commits, walk_git_history
from whosbehind.sources.snapshot import RawSnapshot

OrderKey = Callable[[Path], Any]
USER_AGENT = "whosbehind (public-records research tool)"


def fetch_url(url: str, client: httpx.Client | None = None, timeout: float = 60.0) -> RawSnapshot:
    """Download one snapshot. Pass ``client`` to supply a transport (tests replay recordings)."""
    own = client is None
    http = client or httpx.Client(timeout=timeout, headers={"User-Agent": USER_AGENT})
    try:
        response = http.get(url, follow_redirects=True)
        response.raise_for_status()
    except httpx.HTTPError as error:
        raise SourceError(f"{url}: could not fetch ({error})") from error
    finally:
        if own:
            http.close()
    return RawSnapshot(locator=url, content=response.content, fallback_time=now_utc(), kind="url")


def read_file(path: Path) -> RawSnapshot:
    try:
        content = path.read_bytes()
        mtime = dt.datetime.fromtimestamp(path.stat().st_mtime, UTC)
    except OSError as error:
        raise SourceError(f"{path}: cannot read ({error.strerror})") from error
    return RawSnapshot(locator=str(path), content=content, fallback_time=mtime, kind="file")


def iter_folder(
    folder: Path,
    pattern: str = "*.json",
    order: OrderKey | None = None,
    skipped: Skipped | None = None,
) -> Iterator[RawSnapshot]:
    """Every matching file below ``folder``, sorted by ``order(path)`` (e.g. the timestamp in
    the file's header), then by name. Links out of the folder are not read: each is passed
    to ``skipped`` with the reason (see ``folder.list_folder``)."""
    listing = list_folder(folder, lambda path: fnmatch.fnmatch(path.name, pattern), True)
    for path, reason in listing.skipped:
        if skipped is not None:
            skipped(path, reason)
    paths = listing.files
    if order is not None:
        paths.sort(key=order)
    for path in paths:
        yield read_file(path)


def iter_source(
    source: str,
    git_paths: tuple[str, ...],
    skip_commits: frozenset[str] = frozenset(),
    client: httpx.Client | None = None,
    order: OrderKey | None = None,
    skipped: Skipped | None = None,
    prepare: Callable[[RawSnapshot], RawSnapshot] | None = None,
) -> Iterator[RawSnapshot]:
    """Snapshots from a SOURCE string: a URL, a git repository, a folder or a file.
    ``prepare``: what the git walker does to each snapshot in its reading thread."""
    if source.startswith(("http://", "https://")):
        yield fetch_url(source, client=client)
        return
    path = Path(source)
    if not path.exists():
        raise SourceError(f"{source}: no such file, folder or URL")
    if path.is_dir() and is_git_repository(path):
        yield from walk_git_history(path, git_paths, skip_commits, prepare=prepare)
    elif path.is_dir():
        yield from iter_folder(path, order=order, skipped=skipped)
    else:
        yield read_file(path)


def holds_no_snapshot(source: str, git_paths: tuple[str, ...], pattern: str = "*.json") -> bool:
    """True when SOURCE is a folder without a matching file, or a git repository without a
    commit of ``git_paths``: a wrong or empty folder, as opposed to one already read."""
    if source.startswith(("http://", "https://")):
        return False
    path = Path(source)
    if path.is_dir() and is_git_repository(path):
        return not list_snapshot_commits(path, git_paths)
    if path.is_dir():
        return not any(child.is_file() for child in path.rglob(pattern))
    return not path.exists()
