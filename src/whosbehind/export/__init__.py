"""Exports: the supply-chain graph (agencies, companies, awards, cloud offerings) built from the
stores, and its writers (FollowTheMoney, GEXF, GraphML, SQLite, CSV, Parquet)."""
