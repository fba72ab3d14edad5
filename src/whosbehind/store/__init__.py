"""The store: snapshots, bitemporal fact tables, and the engine that runs SQL over them.

The FedRAMP fact tables are generated from the fact classes (``schema``, ``versions``); the
contract tables have their own package (``contracts``); the organization registry's tables
are ``orgs_schema`` and ``orgs_ownership``.
"""
