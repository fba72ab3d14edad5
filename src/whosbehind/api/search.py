"""Search: one box for agencies, organizations (any name, UEI, DUNS, CIK, CAGE), FedRAMP
offerings, award PIIDs and the words of award descriptions."""

from __future__ import annotations

from whosbehind.analysis.search import KINDS, SearchIndex
from whosbehind.store.engine import Engine

SEARCH_KINDS = KINDS
"""What a search :class:`Hit` can be: ``agency``, ``organization``, ``offering``, ``award``."""


def search_index(engine: Engine) -> SearchIndex:
    """A search index of the store as it is now: build it once, then ``search`` and
    ``suggest`` as often as needed (each answers typed :class:`Hit` objects)."""
    return SearchIndex.build(engine)
