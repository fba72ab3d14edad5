"""Where snapshot bytes come from: a URL (replayed, never the network), a file, a folder, a
git repository."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import httpx
import pytest

from tests.conftest import LEGACY_REPO, ORG_EXPORT
from whosbehind.errors import SourceError
from whosbehind.sources.fedramp.reader import parse_snapshot
from whosbehind.sources.fetch import fetch_url, iter_folder, iter_source, read_file
from whosbehind.sources.gitwalk import list_snapshot_commits
from whosbehind.sources.snapshot import RawSnapshot

URL = "https://raw.githubusercontent.com/GSA/marketplace-fedramp-gov-data/main/data.json"


def _client(content: bytes, seen: list[httpx.Request]) -> httpx.Client:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if str(request.url) == URL:
            return httpx.Response(200, content=content)
        if request.url.path == "/moved.json":
            return httpx.Response(301, headers={"Location": URL})
        return httpx.Response(404, text="Not Found")

    return httpx.Client(transport=httpx.MockTransport(handler))


def test_url_source_replays_a_real_snapshot(marketplace_head: RawSnapshot) -> None:
    seen: list[httpx.Request] = []
    with _client(marketplace_head.content, seen) as client:
        snapshots = list(iter_source(URL, ("data.json",), client=client))
    assert len(snapshots) == 1
    raw = snapshots[0]
    assert raw.content == marketplace_head.content
    assert raw.sha256 == marketplace_head.sha256
    assert (raw.kind, raw.locator, raw.commit) == ("url", URL, None)
    assert raw.fallback_time.tzinfo is not None
    assert [str(r.url) for r in seen] == [URL]
    assert parse_snapshot(raw).feed == "fedramp-marketplace"


def test_url_redirect_is_followed(marketplace_head: RawSnapshot) -> None:
    seen: list[httpx.Request] = []
    with _client(marketplace_head.content, seen) as client:
        raw = fetch_url("https://example.org/moved.json", client=client)
    assert raw.content == marketplace_head.content
    assert [str(r.url) for r in seen] == ["https://example.org/moved.json", URL]


def test_url_404_is_a_source_error() -> None:
    seen: list[httpx.Request] = []
    missing = "https://example.org/missing.json"
    with _client(b"{}", seen) as client, pytest.raises(SourceError, match=r"missing\.json"):
        list(iter_source(missing, ("data.json",), client=client))
    assert len(seen) == 1


def test_url_transport_failure_is_a_source_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    with (
        httpx.Client(transport=httpx.MockTransport(handler)) as client,
        pytest.raises(SourceError, match="could not fetch"),
    ):
        fetch_url(URL, client=client)


def test_file_source() -> None:
    path = ORG_EXPORT / "fedramp-status-changelog.json"
    snapshots = list(iter_source(str(path), ("data.json",)))
    assert len(snapshots) == 1
    raw = snapshots[0]
    assert raw.content == path.read_bytes()
    assert (raw.kind, raw.locator) == ("file", str(path))
    assert parse_snapshot(raw).feed == "fedramp-org-status"


def test_folder_source(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    shutil.copy(ORG_EXPORT / "fedramp-products.json", tmp_path / "b" / "products.json")
    shutil.copy(ORG_EXPORT / "fedramp-status-changelog.json", tmp_path / "a-status.json")
    shutil.copy(ORG_EXPORT / "SOURCES.md", tmp_path / "SOURCES.md")  # not *.json: ignored
    snapshots = list(iter_source(str(tmp_path), ("data.json",)))
    assert [Path(raw.locator) for raw in snapshots] == [
        tmp_path / "a-status.json",
        tmp_path / "b" / "products.json",
    ]
    assert snapshots[0].content == (ORG_EXPORT / "fedramp-status-changelog.json").read_bytes()
    assert snapshots[1].content == (ORG_EXPORT / "fedramp-products.json").read_bytes()
    assert [parse_snapshot(raw).feed for raw in snapshots] == [
        "fedramp-org-status",
        "fedramp-org-products",
    ]


def test_real_folder_in_name_order() -> None:
    snapshots = list(iter_folder(ORG_EXPORT))
    assert [Path(raw.locator).name for raw in snapshots] == sorted(
        p.name for p in ORG_EXPORT.glob("*.json")
    )


def test_git_source_with_skip_commits() -> None:
    commits = [c[0] for c in list_snapshot_commits(LEGACY_REPO, ("data/data.json",))]
    skip = frozenset(commits[:-2])
    snapshots = list(iter_source(str(LEGACY_REPO), ("data/data.json",), skip_commits=skip))
    assert [raw.commit for raw in snapshots] == commits[-2:]
    for raw in snapshots:
        shown = subprocess.run(
            [
                "git",
                "-c",
                "safe.directory=*",
                f"--git-dir={LEGACY_REPO}",
                "show",
                f"{raw.commit}:data/data.json",
            ],
            capture_output=True,
            check=True,
        ).stdout
        assert raw.content == shown


def test_missing_path_is_a_source_error(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "data.json"
    with pytest.raises(SourceError, match="no such file"):
        list(iter_source(str(missing), ("data.json",)))
    with pytest.raises(SourceError, match="cannot read"):
        read_file(missing)
