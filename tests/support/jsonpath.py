"""A small JSONPath subset, written for tests independently of the library's locators:
``$.a.b[?(@.k=='v' && @.j==12)]``, ``['key']`` and ``[0]``, with strict equality. Strings are
single-quoted with ``\\'`` and ``\\\\`` escapes; numbers are bare. A path it cannot parse raises
ValueError."""

from __future__ import annotations

import json
import re
from typing import Any

_QUOTED = r"'((?:[^'\\]|\\.)*)'"
_VALUE = rf"(?:{_QUOTED}|(-?\d+(?:\.\d+)?))"
_STEP = re.compile(
    rf"\.(?P<field>[A-Za-z_][\w-]*)|\[\?\((?P<filter>.*?)\)\](?=\.|\[|$)"
    rf"|\[{_QUOTED}\]|\[(\d+)\]",
    re.DOTALL,
)
_COND = re.compile(rf"\s*@\.([A-Za-z_][\w-]*)\s*==\s*{_VALUE}\s*")


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def _condition(match: re.Match[str]) -> tuple[str, Any]:
    name, quoted, number = match.groups()
    return name, _unescape(quoted) if quoted is not None else json.loads(number)


def select(document: object, path: str) -> list[Any]:
    if not path.startswith("$"):
        raise ValueError(path)
    nodes: list[Any] = [document]
    position = 1
    while position < len(path):
        step = _STEP.match(path, position)
        if step is None:
            raise ValueError(f"cannot parse {path!r} at {position}")
        position = step.end()
        if step.group("field") is not None:
            name = step.group("field")
            nodes = [n[name] for n in nodes if isinstance(n, dict) and name in n]
        elif step.group("filter") is not None:
            parsed = [_COND.fullmatch(c) for c in step.group("filter").split("&&")]
            if not all(parsed):
                raise ValueError(f"cannot parse filter {step.group('filter')!r}")
            wanted = [_condition(m) for m in parsed if m]
            nodes = [
                item
                for n in nodes
                if isinstance(n, list)
                for item in n
                if isinstance(item, dict)
                and all(k in item and item[k] == v and type(item[k]) is type(v) for k, v in wanted)
            ]
        elif step.group(3) is not None:
            key = _unescape(step.group(3))
            nodes = [n[key] for n in nodes if isinstance(n, dict) and key in n]
        else:
            index = int(step.group(4))
            nodes = [n[index] for n in nodes if isinstance(n, list) and index < len(n)]
    return nodes
