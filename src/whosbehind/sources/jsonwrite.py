"""Writing parsed JSON back out at any depth.

orjson reads documents nested up to 1,024 levels but writes only about 254; a redacted copy of a
deeper document is written by a loop with its own stack instead (same bytes orjson would give).
"""

from __future__ import annotations

import orjson


def dumps(document: object) -> bytes:
    """``document`` (as a JSON parser returns it) as compact JSON."""
    try:
        return orjson.dumps(document)
    except TypeError:  # orjson's recursion limit; anything else is no parsed JSON
        return _dumps_deep(document)


def _dumps_deep(document: object) -> bytes:
    out: list[bytes] = []
    stack: list[object] = [document]  # bytes are written as they are, values are expanded
    while stack:
        item = stack.pop()
        if isinstance(item, bytes):
            out.append(item)
        elif isinstance(item, dict):
            parts: list[object] = [b"{"]
            for index, (key, value) in enumerate(item.items()):
                parts += [b"," if index else b"", orjson.dumps(key) + b":", value]
            parts.append(b"}")
            stack.extend(reversed(parts))
        elif isinstance(item, list):
            parts = [b"["]
            for index, value in enumerate(item):
                parts += [b"," if index else b"", value]
            parts.append(b"]")
            stack.extend(reversed(parts))
        else:
            out.append(orjson.dumps(item))
    return b"".join(out)
