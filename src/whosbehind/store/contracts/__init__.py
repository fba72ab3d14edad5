"""The contract tables: awards, transactions, recipients, agencies and their quarantine.

Their definitions (``schema``), the set-based merge of a staged batch into versions by
record time (``versions``), snapshot bookkeeping for the contract feeds (``snapshots``),
the money lines in SQL (``lines``) and the rollup of their sums kept at ingest
(``rollup``). The FedRAMP fact tables are generated in ``store.schema``.
"""
