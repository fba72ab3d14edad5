"""The public API's default values that the command line shows in its help. Plain values,
importable without the library behind them, so that ``whosbehind --help`` stays fast."""

from __future__ import annotations

from whosbehind.export.path_limits import LIMIT, MAX_HOPS
from whosbehind.sources.fedramp.metadata import DEFAULT_URL
from whosbehind.sources.usaspending.agency_list import URL as AGENCY_LIST

FEDRAMP_FEED_URL = DEFAULT_URL
"""The live FedRAMP Marketplace feed, which :func:`ingest_fedramp` reads by default."""
AGENCY_LIST_URL = AGENCY_LIST
"""USAspending's agency list, which :func:`ingest_agencies` reads by default."""
PATH_MAX_HOPS = MAX_HOPS
"""The longest chain :func:`supply_chain_path` looks for, by default."""
PATH_TOP = LIMIT
"""How many chains :func:`supply_chain_path` returns, by default."""
