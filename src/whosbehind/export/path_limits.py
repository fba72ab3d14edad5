"""The defaults of the chain search (``export/paths.py``), in a module of their own so that the
command line can show them in its help without importing the graph code."""

from __future__ import annotations

MAX_HOPS = 8
LIMIT = 10
