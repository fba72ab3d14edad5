"""Walk a git repository whose history holds dated snapshots of a published file.

Blobs are streamed through one ``git cat-file --batch`` process, fed by a thread so that git
never waits for Python: reading every blob of a 5 GB history this way costs seconds, where one
``git show`` per commit costs minutes. Another thread reads (and hashes) the next few blobs
while the caller works on the one before (``readahead``), so git and the caller work at once.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import socket
import subprocess
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from whosbehind.errors import SourceError
from whosbehind.sources.readahead import read_ahead
from whosbehind.sources.snapshot import RawSnapshot

_GIT = ("git", "-c", "safe.directory=*")
_HEADER_MAX = 128  # bytes of a ``git cat-file --batch`` header: ``<id> blob <size>``
READ_AHEAD = 4  # snapshots read, and hashed, while the caller works on the one before
# an archive of a published repository names the upstream commit in its message
_UPSTREAM = re.compile(r"\(upstream ([0-9a-f]{40})\)")


def is_git_repository(path: Path) -> bool:
    return ((path / "HEAD").is_file() and (path / "objects").is_dir()) or (path / ".git").exists()


def _git(repo: Path, *args: str) -> list[str]:
    command = [*_GIT, f"--git-dir={_git_dir(repo)}", *args]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SourceError(f"{repo}: git {' '.join(args[:2])} failed: {done.stderr.strip()}")
    return done.stdout.splitlines()


def _git_dir(repo: Path) -> Path:
    return repo / ".git" if (repo / ".git").exists() else repo


def read_blob(repo: Path, commit: str, path: str) -> bytes:
    """The bytes of ``path`` at ``commit`` in the git archive ``repo``."""
    command = [*_GIT, f"--git-dir={_git_dir(repo)}", "cat-file", "blob", f"{commit}:{path}"]
    done = subprocess.run(command, capture_output=True, check=False)
    if done.returncode != 0:
        raise SourceError(f"{repo}: cannot read {commit}:{path} ({done.stderr.decode().strip()})")
    return done.stdout


def list_snapshot_commits(
    repo: Path, paths: tuple[str, ...]
) -> list[tuple[str, dt.datetime, str, str]]:
    """(commit, commit time, path, blob id) for every commit that adds or changes one of
    ``paths``, oldest first. A commit that deletes the file yields nothing."""
    lines = _git(
        repo, "log", "--reverse", "--format=C %H %cI", "--raw", "--no-abbrev", "--", *paths
    )
    found: list[tuple[str, dt.datetime, str, str]] = []
    commit, when = "", dt.datetime.min
    for line in lines:
        if line.startswith("C "):
            _, commit, stamp = line.split(" ")
            when = dt.datetime.fromisoformat(stamp)
        elif line.startswith(":"):
            meta, path = line.split("\t", 1)
            blob, status = meta.split()[3], meta.split()[4]
            if not status.startswith("D"):
                found.append((commit, when, path, blob))
    return found


def upstream_commits(repo: Path, paths: tuple[str, ...]) -> dict[str, str]:
    """The upstream commit each archive commit's message names (``(upstream <sha>)``)."""
    found: dict[str, str] = {}
    for line in _git(repo, "log", "--format=%H %s", "--", *paths):
        commit, _, subject = line.partition(" ")
        match = _UPSTREAM.search(subject)
        if match:
            found[commit] = match.group(1)
    return found


def walk_git_history(
    repo: Path,
    paths: tuple[str, ...],
    skip_commits: frozenset[str] = frozenset(),
    only_commits: frozenset[str] | None = None,
    prepare: Callable[[RawSnapshot], RawSnapshot] | None = None,
) -> Iterator[RawSnapshot]:
    """Every snapshot of ``paths`` in ``repo``, oldest first, skipping commits already read
    (and, when ``only_commits`` is given, every commit not in it). ``prepare`` runs on each
    in the reading thread (``with_identity``: the body's digest, made ahead)."""
    wanted = [
        item
        for item in list_snapshot_commits(repo, paths)
        if item[0] not in skip_commits and (only_commits is None or item[0] in only_commits)
    ]
    if not wanted:
        return
    upstream = upstream_commits(repo, paths)
    blobs = BlobStream(repo, [blob for *_, blob in wanted])

    def snapshots() -> Iterator[RawSnapshot]:  # runs in the reading thread
        try:
            for (commit, when, path, _), content in zip(wanted, blobs, strict=True):
                raw = RawSnapshot(
                    locator=f"{repo}@{commit}:{path}",
                    content=content,
                    fallback_time=when,
                    commit=commit,
                    kind="git",
                    upstream=upstream.get(commit),
                )
                yield prepare(raw) if prepare else raw
        finally:
            blobs.socket.close()  # in the thread that reads from it, also when stopped early

    try:
        yield from read_ahead(snapshots(), READ_AHEAD)
    finally:
        blobs.stop()


class BlobStream:
    """The bytes of ``blobs`` in ``repo``, in order, from one ``git cat-file --batch``.

    Git writes into a socket, not a pipe: a pipe hands over at most 64 KB a read, and the
    thread that reads takes the GIL back after every read (up to 5 ms each while another thread
    runs Python: dozens a snapshot), while one ``recv`` with ``MSG_WAITALL`` takes a whole
    snapshot, released from the GIL, in one call. A thread feeds git the blob ids, so that git
    never waits for Python."""

    def __init__(self, repo: Path, blobs: list[str]) -> None:
        self.repo, self.blobs = repo, blobs
        ours, theirs = socket.socketpair()
        self.socket, self.reading = ours, False
        try:
            self.process = subprocess.Popen(
                [*_GIT, f"--git-dir={_git_dir(repo)}", "cat-file", "--batch"],
                stdin=subprocess.PIPE,
                stdout=theirs.fileno(),
            )
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()
        stdin = self.process.stdin
        assert stdin is not None

        def feed() -> None:
            try:
                for blob in blobs:
                    stdin.write(blob.encode() + b"\n")
                stdin.close()
            except (BrokenPipeError, ValueError):  # the reader stopped early
                pass

        self.feeder = threading.Thread(target=feed, name="git-feed", daemon=True)
        self.feeder.start()

    def __iter__(self) -> Iterator[bytes]:
        self.reading = True
        try:
            for blob in self.blobs:
                yield self._next(blob)
        finally:
            self.socket.close()  # by the thread that reads: its number is never reused under it

    def _next(self, blob: str) -> bytes:
        # the header, ``<id> blob <size>``, then the bytes and a newline
        head = self.socket.recv(_HEADER_MAX, socket.MSG_PEEK)
        end = head.find(b"\n")
        header = head[:end].split()
        if end < 0 or len(header) != 3:
            raise SourceError(f"{self.repo}: git cat-file returned {head[:80]!r} for {blob}")
        size = int(header[2])
        self.socket.recv(end + 1, socket.MSG_WAITALL)
        content = self.socket.recv(size, socket.MSG_WAITALL) if size else b""
        if len(content) != size or self.socket.recv(1, socket.MSG_WAITALL) != b"\n":
            raise SourceError(f"{self.repo}: git cat-file stopped inside {blob}")
        return content

    def stop(self) -> None:
        """End git. A read waiting for its bytes then returns, short; the socket is closed by
        the thread that reads from it (here only if none ever did)."""
        self.process.kill()
        self.process.wait()
        with contextlib.suppress(OSError):
            self.socket.shutdown(socket.SHUT_RDWR)
        if not self.reading:
            self.socket.close()
        self.feeder.join(timeout=1)


def read_git_blob(repo: Path, commit: str, path: str) -> bytes:
    """The bytes of ``path`` at ``commit`` in the git archive ``repo``."""
    command = [*_GIT, f"--git-dir={_git_dir(repo)}", "cat-file", "blob", f"{commit}:{path}"]
    done = subprocess.run(command, capture_output=True, check=False)
    if done.returncode != 0:
        raise SourceError(f"{repo}: cannot read {commit}:{path} ({done.stderr.decode().strip()})")
    return done.stdout
