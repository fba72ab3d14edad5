"""Searching text with ``LIKE``: what a user types is matched literally.

In a ``LIKE`` pattern ``%`` and ``_`` are wildcards, so ``fedramp offering _`` would name any
offering. Every pattern built from user text goes through ``literal``, and every such
comparison says ``ESCAPE`` (spelled ``LIKE ? {ESCAPE}``).
"""

from __future__ import annotations

ESCAPE = "ESCAPE '\\'"


def literal(text: str) -> str:
    """``text`` with the escape character and the wildcards escaped."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def contains(text: str) -> str:
    """A pattern matching any value that contains ``text``."""
    return f"%{literal(text)}%"
