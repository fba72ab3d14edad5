"""What a snapshot ingest sets for the time it reads, and sets back after."""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import legacy_snapshots
from whosbehind.pipeline.snapshot_ingest import (
    RUN_GC_THRESHOLD,
    RUN_SWITCH_INTERVAL,
    SnapshotIngest,
)
from whosbehind.sources.fedramp.source import FedrampSource
from whosbehind.sources.protocol import Skipped
from whosbehind.sources.snapshot import RawSnapshot
from whosbehind.store.engine import Engine

SNAPSHOTS = legacy_snapshots(every=500, count=3)


class Watched(FedrampSource):
    """Gives its snapshots, noting the GC threshold and GIL switch interval as each is read;
    ``fail`` raises after the last one."""

    def __init__(self, fail: bool = False) -> None:
        self.fail, self.seen = fail, list[tuple[int, float]]()

    def snapshots(
        self,
        where: str,
        skip_commits: frozenset[str],
        client: httpx.Client | None,
        skipped: Skipped,
    ) -> Iterator[RawSnapshot]:
        for raw in SNAPSHOTS:
            self.seen.append((gc.get_threshold()[0], sys.getswitchinterval()))
            yield raw
        if self.fail:
            raise KeyboardInterrupt


@pytest.mark.parametrize("fail", [False, True])
def test_a_run_reads_with_rarer_collections_and_quicker_gil_handovers_then_sets_them_back(
    tmp_path: Path, fail: bool
) -> None:
    before = (gc.get_threshold(), sys.getswitchinterval())
    source = Watched(fail)
    engine = Engine(tmp_path / "store.duckdb")
    try:
        if fail:
            with pytest.raises(KeyboardInterrupt):
                SnapshotIngest(source, engine).run("watched")
        else:
            summary = SnapshotIngest(source, engine).run("watched")
            assert summary.snapshots_stored == len(SNAPSHOTS)
    finally:
        engine.close()
    assert source.seen == [(max(before[0][0], RUN_GC_THRESHOLD), RUN_SWITCH_INTERVAL)] * len(
        SNAPSHOTS
    )
    assert (gc.get_threshold(), sys.getswitchinterval()) == before
