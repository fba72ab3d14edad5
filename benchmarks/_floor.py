"""The floor of a whole-history FedRAMP ingest: read, parse and diff, with no store.

A plain reader that does the least any ingest of a history must do: stream every snapshot's
bytes from one ``git cat-file --batch``, skip a snapshot whose body (everything after the
header) repeats the previous snapshot's, parse the others with orjson and keep one version per
offering whose record changed (a marketplace offering: its product with its mapping rows, in
any order). No hashes of the whole file, no facts, no store. The pipeline does more on top of
this (the sha256 of every snapshot's bytes, facts with their citations, the store's
transactions and its published copy), which is what the ratio to the floor measures.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from whosbehind.sources.gitwalk import list_snapshot_commits

GIT = ("git", "-c", "safe.directory=*")
BODY = re.compile(rb'"(?:data|products)"\s*:')


@dataclass
class FloorCounts:
    snapshots: int = 0
    parsed: int = 0
    versions: int = 0  # offering versions kept (a new or changed record)


def blobs(repo: Path, paths: tuple[str, ...]) -> Iterator[bytes]:
    """The bytes of every snapshot of ``paths``, oldest first, through one git process."""
    wanted = [blob for *_, blob in list_snapshot_commits(repo, paths)]
    process = subprocess.Popen(
        [*GIT, f"--git-dir={repo}", "cat-file", "--batch"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        bufsize=1 << 20,
    )
    assert process.stdin is not None and process.stdout is not None
    stdin, stdout = process.stdin, process.stdout

    def feed() -> None:
        for blob in wanted:
            stdin.write(blob.encode() + b"\n")
        stdin.close()

    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    try:
        for _ in wanted:
            size = int(stdout.readline().split()[2])
            yield stdout.read(size)
            stdout.read(1)
    finally:
        process.kill()
        process.wait()
        feeder.join(timeout=1)


def offerings(document: Any) -> dict[str, Any]:
    """Package id -> the offering's record: legacy ``Providers`` (or the oldest snapshots' bare
    list), marketplace ``Products`` with their ``AtoMapping`` and ``ReuseMapping`` rows."""
    data = document.get("data")
    if isinstance(data, list) or "Providers" in data:
        records = data if isinstance(data, list) else data["Providers"]
        return {str(r["Package_ID"]).strip(): r for r in records if r.get("Package_ID")}
    mappings: dict[str, list[Any]] = {}
    for name in ("AtoMapping", "ReuseMapping"):
        for row in data.get(name) or ():
            mappings.setdefault(str(row.get("id")).strip(), []).append(row)
    return {
        str(p["id"]).strip(): (
            p,
            sorted(mappings.get(str(p["id"]).strip(), ()), key=lambda r: str(list(r.values()))),
        )
        for p in data["Products"]
        if p.get("id")
    }


def floor(
    repo: Path, paths: tuple[str, ...], progress: Callable[[bytes], None] | None = None
) -> FloorCounts:
    counts = FloorCounts()
    previous_body = b""
    current: dict[str, Any] = {}
    for content in blobs(repo, paths):
        counts.snapshots += 1
        if progress:
            progress(content)
        found = BODY.search(content, 0, 1024)
        start = found.start() if found else 0
        body = hashlib.blake2b(memoryview(content)[start:], digest_size=16).digest()
        if body == previous_body:
            continue
        previous_body = body
        try:
            document = orjson.loads(content)
        except orjson.JSONDecodeError:
            continue  # the pipeline records such a snapshot as failed
        counts.parsed += 1
        records = offerings(document)
        counts.versions += sum(current.get(key) != record for key, record in records.items())
        current = records
    return counts
