"""Pipelines: move what sources read into the store."""
