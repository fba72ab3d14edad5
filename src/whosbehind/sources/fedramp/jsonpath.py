"""JSONPath locators that select one record by its key, as the record stores the key."""

from __future__ import annotations


def literal(value: object) -> str:
    """A JSONPath filter literal: numbers bare, strings single-quoted with ``\\`` and ``'``
    escaped, so that ``America's`` or ``"FR123 "`` (trailing space kept) select their record."""
    if type(value) is str:  # the usual: tested first
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    if isinstance(value, bool) or value is None:
        return "null" if value is None else str(value).lower()
    if isinstance(value, int | float):
        return str(value)
    escaped = str(value).replace("\\", "\\\\").replace("'", "\\'")
    return f"'{escaped}'"


def where(path: str, field: str, value: object) -> str:
    """``path[?(@.field==value)]``."""
    return f"{path}[?(@.{field}=={literal(value)})]"
