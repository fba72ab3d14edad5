"""Every fact type kept as versions over the snapshots of a feed (``store.schema`` makes one
table of each, ``store.versions`` diffs them). A source whose facts are versioned this way
adds its fact types here (contract records have their own tables: ``store.contracts``)."""

from __future__ import annotations

from whosbehind.model import fedramp, sec
from whosbehind.model.facts import Fact

SNAPSHOT_FACT_TYPES: tuple[type[Fact], ...] = (*fedramp.FACT_TYPES, *sec.FACT_TYPES)
