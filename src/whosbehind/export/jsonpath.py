"""Evaluate the JSONPath locators the FedRAMP readers write (``sources.fedramp.jsonpath``):
``$.a.b``, ``['key']``, ``[0]`` and filters ``[?(@.k=='v' && @.n==12)]`` with strict equality
(strings single-quoted with ``\\'`` and ``\\\\`` escapes; numbers, ``true``, ``false``, ``null``
bare).
"""

from __future__ import annotations

import json
import re
from typing import Any

from whosbehind.errors import UsageError

_QUOTED = r"'((?:[^'\\]|\\.)*)'"
_STEP = re.compile(
    rf"\.(?P<field>[A-Za-z_][\w-]*)|\[\?\((?P<filter>.*?)\)\](?=\.|\[|$)"
    rf"|\[{_QUOTED}\]|\[(\d+)\]",
    re.DOTALL,
)
_CONDITION = re.compile(
    rf"\s*@\.([A-Za-z_][\w-]*)\s*==\s*(?:{_QUOTED}|(-?\d+(?:\.\d+)?|true|false|null))\s*"
)


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def _matches(item: object, wanted: list[tuple[str, Any]]) -> bool:
    if not isinstance(item, dict):
        return False
    return all(
        name in item and item[name] == value and type(item[name]) is type(value)
        for name, value in wanted
    )


def select(document: object, path: str) -> list[Any]:
    """Every value ``path`` selects in ``document``; raises UsageError for a path it cannot read."""
    if not path.startswith("$"):
        raise UsageError(f"not a JSONPath: {path!r}")
    nodes: list[Any] = [document]
    position = 1
    while position < len(path):
        step = _STEP.match(path, position)
        if step is None:
            raise UsageError(f"cannot read the JSONPath {path!r} at character {position}")
        position = step.end()
        if step.group("field") is not None:
            name = step.group("field")
            nodes = [n[name] for n in nodes if isinstance(n, dict) and name in n]
        elif step.group("filter") is not None:
            wanted = []
            for part in step.group("filter").split("&&"):
                match = _CONDITION.fullmatch(part)
                if match is None:
                    raise UsageError(f"cannot read the JSONPath filter {part!r}")
                name, quoted, bare = match.groups()
                wanted.append((name, _unescape(quoted) if quoted is not None else json.loads(bare)))
            nodes = [i for n in nodes if isinstance(n, list) for i in n if _matches(i, wanted)]
        elif step.group(3) is not None:
            key = _unescape(step.group(3))
            nodes = [n[key] for n in nodes if isinstance(n, dict) and key in n]
        else:
            index = int(step.group(4))
            nodes = [n[index] for n in nodes if isinstance(n, list) and index < len(n)]
    return nodes
