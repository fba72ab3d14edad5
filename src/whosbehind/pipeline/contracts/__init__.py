"""The contract ingest: USAspending CSV downloads and API responses, FPDS pages, into the store.

``ingest`` is the entry point (files, folders, zip archives, recorded responses); ``job`` writes
one snapshot per file, response or page in its own transaction; CSV files are streamed by
DuckDB (``csv_files``, ``csv_load``, and the one-pass load of new award summaries in
``csv_direct``); API responses and FPDS pages are read into records in Python (``pages``,
``records``); ``summary`` counts what a run read, stored, skipped and quarantined.
"""
