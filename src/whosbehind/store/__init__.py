"""The store: snapshots, bitemporal fact tables, and the engine that runs SQL over them."""
