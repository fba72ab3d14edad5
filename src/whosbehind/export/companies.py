"""Which company a recipient or a FedRAMP provider is: the org registry when ``whosbehind
resolve`` has run, else a grouping by identifiers and name key.

- ``registry``: org records of the store (``org_record`` + ``org_member``) name each UEI, DUNS
  and name key's organization; a name the registry has not seen yet is grouped as below.
- ``identifiers-and-name-key`` (fallback): two statements are one company when they share a UEI,
  a DUNS, or a name key (``resolve.names.name_key``: case, punctuation and legal suffixes
  folded). Placeholder identifiers (``000000000``) join nothing (``resolve.records.clean_id``).

A company's node id is ``company:`` and its strongest member (``org`` id, else the smallest
UEI, DUNS, name key), so the same selection gives the same ids on every run.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from whosbehind.resolve.names import name_key
from whosbehind.resolve.records import clean_id
from whosbehind.store.engine import Engine
from whosbehind.store.orgs_schema import has_registry

REGISTRY = "registry"
FALLBACK = "identifiers-and-name-key"
_RANK = {"org": 0, "uei": 1, "duns": 2, "key": 3}


@dataclass
class Statement:
    uei: str | None
    duns: str | None
    name: str | None

    def elements(self) -> list[str]:
        found = []
        if uei := clean_id(self.uei):
            found.append(f"uei:{uei}")
        if duns := clean_id(self.duns):
            found.append(f"duns:{duns}")
        if self.name and (key := name_key(self.name)):
            found.append(f"key:{key}")
        return found


@dataclass
class Companies:
    """Collect every statement with ``add``, then ``resolve`` once, then ask ``company_of``."""

    engine: Engine
    grouping: str = FALLBACK
    _registry: dict[str, str] = field(default_factory=dict)
    _parent: dict[str, str] = field(default_factory=dict)
    _names: defaultdict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    _ids: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if has_registry(self.engine):
            self.grouping = REGISTRY
            self._registry = _registry_elements(self.engine)

    def add(self, uei: str | None, duns: str | None, name: str | None) -> None:
        elements = Statement(uei, duns, name).elements()
        if not elements:
            elements = ["key:-"]
        known = [self._registry[e] for e in elements if e in self._registry]
        if known:
            elements = [f"org:{known[0]}"]
        for element in elements:
            self._parent.setdefault(element, element)
        for element in elements[1:]:
            self._union(elements[0], element)
        if name:
            self._names[elements[0]][name] += 1

    def resolve(self) -> None:
        groups: defaultdict[str, list[str]] = defaultdict(list)
        for element in self._parent:
            groups[self._find(element)].append(element)
        names: defaultdict[str, Counter[str]] = defaultdict(Counter)
        for members in groups.values():
            best = min(members, key=lambda e: (_RANK[e.split(":", 1)[0]], e))
            for member in members:
                self._ids[member] = f"company:{best}"
                names[f"company:{best}"].update(self._names.get(member, Counter()))
        self._names = names

    def company_of(self, uei: str | None, duns: str | None, name: str | None) -> str:
        elements = Statement(uei, duns, name).elements() or ["key:-"]
        for element in elements:
            if element in self._registry:
                return self._ids[f"org:{self._registry[element]}"]
        return self._ids[elements[0]]

    def label(self, company_id: str) -> str:
        counted = self._names.get(company_id)
        if counted:
            return sorted(counted.items(), key=lambda item: (-item[1], item[0]))[0][0]
        return company_id.split(":", 2)[-1]

    def members(self, company_id: str) -> dict[str, list[str]]:
        found: defaultdict[str, list[str]] = defaultdict(list)
        for element, owner in self._ids.items():
            if owner == company_id:
                scheme, _, value = element.partition(":")
                found[scheme].append(value)
        return {scheme: sorted(values) for scheme, values in sorted(found.items())}

    def _find(self, element: str) -> str:
        root = element
        while self._parent[root] != root:
            root = self._parent[root]
        while self._parent[element] != root:
            self._parent[element], element = root, self._parent[element]
        return root

    def _union(self, left: str, right: str) -> None:
        a, b = self._find(left), self._find(right)
        if a != b:
            self._parent[max(a, b)] = min(a, b)


def _registry_elements(engine: Engine) -> dict[str, str]:
    """UEI, DUNS and name key -> org id, from the registry's newest run."""
    found: dict[str, str] = {}
    rows = engine.rows(
        "SELECT r.uei, r.duns, r.name_key, m.org_id FROM org_record r "
        "JOIN org_member m USING (record_key) ORDER BY m.org_id, r.record_key"
    )
    for row in rows:
        for scheme, value in (("uei", clean_id(row["uei"])), ("duns", clean_id(row["duns"]))):
            if value:
                found.setdefault(f"{scheme}:{value}", row["org_id"])
        if row["name_key"]:
            found.setdefault(f"key:{row['name_key']}", row["org_id"])
    return found


def registry_ownership(engine: Engine) -> list[dict[str, object]]:
    """Ownership edges of the registry (``org_ownership``), or none when it has no such table."""
    columns = {
        row["column_name"]
        for row in engine.rows(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'org_ownership'"
        )
    }
    if not {"parent_id", "child_id"} <= columns:
        return []
    wanted = [
        name
        for name in ("valid_from", "valid_to", "basis", "detail", "citation")
        if name in columns
    ]
    chosen = ", ".join(["parent_id", "child_id", *wanted])
    return engine.rows(f"SELECT {chosen} FROM org_ownership ORDER BY parent_id, child_id")
