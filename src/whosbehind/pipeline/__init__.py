"""Pipelines: move what sources read into the store.

``ingest_fedramp`` reads FedRAMP snapshots; ``contracts`` reads contract files, responses and
pages. The modules at this level are shared: error isolation (``isolation``), the removal
guard, the work folder and zip extraction limits.
"""
