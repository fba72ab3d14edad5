"""Contract analysis: the money the government obligated, from the contract tables.

The money lines, each obligation counted once (``lines``), totals and shares by recipient,
parent, agency, PSC, NAICS or fiscal year (``spending``, with its chart in
``spending_chart``), and one row per award (``awards``). Reads the contract tables and the
rollup kept by ``store.contracts``; FedRAMP lives in ``analysis.fedramp``.
"""
