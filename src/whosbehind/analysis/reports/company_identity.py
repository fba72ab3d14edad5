"""Which records are a company, for ``company_report``: its contract recipient statements, its
FedRAMP provider names, its parent and subsidiaries.

With the organization registry (``whosbehind resolve``): the org ``resolve.registry.lookup``
finds for the text; a recipient statement or provider is the company's when the registry puts it
in that org, or rolls it up to that org on the action's date; parents and subsidiaries are the
registry's ownership edges on the report's date.

Without it, by name: the text's normalized name key (``resolve.names.name_key``), or a DUNS or
UEI. A statement is the company's when its recipient's key is one of the company's keys, or when
the parent its action reports is (a subsidiary's money, rolled in for the actions that name the
company as parent). When no recipient or parent has exactly that key, the recipients whose key
starts with it are taken ("Palantir" -> "palantir technologies", "palantir usg"). Parents are
the parents its actions report; subsidiaries the recipients whose actions report it as parent.
A FedRAMP provider is the company's when its name has one of the company's keys.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass, field

import pyarrow as pa

from whosbehind.analysis.org_rollup import RollUp, load_rollup
from whosbehind.analysis.reports.money import Condition, Line
from whosbehind.analysis.reports.rollup import Statement, display_name, statement_key
from whosbehind.errors import NotFoundError
from whosbehind.resolve.names import name_key
from whosbehind.resolve.registry_read import lookup
from whosbehind.store import like
from whosbehind.store.engine import Engine
from whosbehind.store.orgs_schema import has_registry

_DUNS = re.compile(r"\d{9}")
_COMPACT = "regexp_replace(lower({}), '[^0-9a-z]', '', 'g')"
_UEI = re.compile(r"[0-9A-Z]{12}")


@dataclass
class Relation:
    name: str
    first: dt.date | None
    last: dt.date | None
    basis: str
    snapshots: set[tuple[str, int]] = field(default_factory=set)


@dataclass
class CompanyIdentity:
    query: str
    name: str
    method: str
    keys: frozenset[str] = frozenset()
    org_id: str | None = None
    rollup: RollUp | None = None
    parents: list[Relation] = field(default_factory=list)
    subsidiaries: list[Relation] = field(default_factory=list)

    def condition(self, engine: Engine | None = None) -> Condition:
        """A broad SQL prefilter on lines (``owns`` decides). With ``engine``, the names are
        compared once each (``_names_like``), not once a line."""
        if self.rollup is not None:
            return "true", []
        words = sorted({w for key in self.keys for w in key.removeprefix("name:").split()}, key=len)
        word = words[-1] if words else self.query
        ids = [key.split(":", 1)[1] for key in self.keys if not key.startswith("name:")]
        # letters and digits only on both sides: the key "amazoncom" is in "AMAZON.COM LLC"
        # (no wildcard survives; text without a letter or digit is matched literally)
        compact = _compact(word)
        pattern = like.contains(compact or word)
        # no identifier asked: no test of every line against an empty list (each such test is
        # a join over the whole store, and ``x IN (nothing)`` holds for no line)
        ids_sql = (
            " OR l.recipient_duns IN (SELECT unnest(?)) OR l.recipient_uei IN (SELECT unnest(?))"
            if ids
            else ""
        )
        id_params = [ids, ids] if ids else []
        if engine is not None and compact:
            names = _names_like(engine, pattern)
            return (
                "(l.recipient_name IN (SELECT unnest(?)) OR l.recipient_parent_name IN "
                f"(SELECT unnest(?)){ids_sql})",
                [names, names, *id_params],
            )
        column = _COMPACT if compact else "{}"
        return (
            f"({column.format('l.recipient_name')} LIKE ? {like.ESCAPE} "
            f"OR {column.format('l.recipient_parent_name')} LIKE ? {like.ESCAPE}{ids_sql})",
            [pattern, pattern, *id_params],
        )

    def owns(self, line: Line) -> bool:
        statement = line.statement
        if self.rollup is not None:
            day = line.date or dt.date.today()
            found = self.rollup.recipient_ids(statement.name, statement.duns, statement.uei, day)
            return found is not None and self.org_id in found
        return statement.own_key in self.keys or _parent_key(statement) in self.keys

    def owns_provider(self, provider: str | None, key: str, uei: str | None, on: dt.date) -> bool:
        if self.rollup is not None:
            found = self.rollup.provider(key, provider, uei, on)
            return found is not None and self.org_id in (found.org_id, found.parent_id)
        return bool(provider) and "name:" + name_key(provider or "") in self.keys


def identify(engine: Engine, text: str, lines: list[Line], on: dt.date) -> CompanyIdentity:
    """The company ``text`` names; ``lines`` are candidate money lines (see ``candidates``)."""
    if has_registry(engine):
        return _registry(engine, text, on)
    return _by_name(text, lines)


def candidates(text: str) -> CompanyIdentity:
    """A first, broad identity to fetch candidate lines with (name fallback only)."""
    query = text.strip()
    compact = query.upper()
    if _DUNS.fullmatch(compact):
        keys = frozenset({"duns:" + compact})
    elif _UEI.fullmatch(compact) and not compact.isalpha():
        keys = frozenset({"uei:" + compact})
    else:
        keys = frozenset({"name:" + name_key(query)})
    return CompanyIdentity(query, query, "name", keys)


def uses_registry(engine: Engine) -> bool:
    return has_registry(engine)


def _registry(engine: Engine, text: str, on: dt.date) -> CompanyIdentity:
    found = lookup(engine, text)
    if not found:
        raise NotFoundError(f"no organization matches {text!r} in the registry")
    org = found[0]
    rollup = load_rollup(engine)
    identity = CompanyIdentity(
        text,
        rollup.name(org),
        "organization registry (`whosbehind resolve`)"
        + (f"; {len(found)} organizations match, the first is shown" if len(found) > 1 else ""),
        org_id=org,
        rollup=rollup,
    )
    for edge in rollup.ownership.chain(org, on):
        identity.parents.append(
            Relation(rollup.name(edge.parent_id), edge.valid_from, edge.valid_to, edge.basis)
        )
    for child in rollup.ownership.subsidiaries(org, on):
        identity.subsidiaries.append(Relation(rollup.name(child), None, None, "registry"))
    return identity


def _names_like(engine: Engine, pattern: str) -> list[str]:
    """Every recipient or parent name in the contract records whose letters and digits (in
    lower case) match ``pattern``: the names a line can have, each compacted once (a read-only
    engine keeps them compacted between calls)."""
    names = engine.kept("reports:compact-names", lambda: _compact_names(engine))
    view = f"_report_names_{uuid.uuid4().hex}"
    engine.connection.register(view, names)
    try:
        found = engine.connection.execute(
            f"SELECT name FROM {view} WHERE compact LIKE ? {like.ESCAPE}", [pattern]
        ).fetchall()
    finally:
        engine.connection.unregister(view)
    return [row[0] for row in found]


def _compact_names(engine: Engine) -> pa.Table:
    every = " UNION ".join(
        f"SELECT {column} AS name FROM {table}"
        for table in ("contract_award", "contract_transaction")
        for column in ("recipient_name", "recipient_parent_name")
    )
    found: pa.Table = engine.connection.sql(
        f"SELECT name, {_COMPACT.format('name')} AS compact FROM ({every}) WHERE name IS NOT NULL"
    ).to_arrow_table()
    return found


def _compact(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.lower())


def _parent_key(statement: Statement) -> str | None:
    if not (statement.parent_name or statement.parent_duns or statement.parent_uei):
        return None
    return statement_key(statement.parent_name, statement.parent_duns, statement.parent_uei)


def _by_name(text: str, lines: list[Line]) -> CompanyIdentity:
    first = candidates(text)
    wanted = next(iter(first.keys))
    statements = {line.statement for line in lines}
    if wanted.startswith(("duns:", "uei:")):
        value = wanted.split(":", 1)[1]
        keys = {s.own_key for s in statements if value in (s.duns, s.uei)}
        how = f"by identifier {value}, then by the recipients' normalized names"
    else:
        keys = {wanted} & ({s.own_key for s in statements} | {_parent_key(s) for s in statements})
        how = "by normalized name (`resolve.names.name_key`)"
        if not keys:
            prefix = wanted + " "
            keys = {s.own_key for s in statements if s.own_key.startswith(prefix)}
            how = f"by normalized names starting with {wanted.removeprefix('name:')!r}"
    if not keys:  # perhaps a cloud provider only
        keys = {wanted}
        how = "by normalized name (no contract recipient or parent has it)"
    identity = CompanyIdentity(
        text,
        _best_name(lines, keys) or text.strip(),
        how + "; the organization registry (`whosbehind resolve`) is not in this store",
        frozenset(keys),
    )
    _relations(identity, lines)
    return identity


def _best_name(lines: list[Line], keys: set[str]) -> str | None:
    counts: dict[str, int] = {}
    for line in lines:
        if line.statement.own_key in keys:
            name = display_name(line.statement.name)
            counts[name] = counts.get(name, 0) + 1
    return _most_lines(counts) if counts else None


def _most_lines(counts: dict[str, int]) -> str:
    """The spelling on the most lines; of equals, the first in sort order (never line order)."""
    return min(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0]


def _relations(identity: CompanyIdentity, lines: list[Line]) -> None:
    parents: dict[str, Relation] = {}
    children: dict[str, Relation] = {}
    parent_spellings: dict[str, dict[str, int]] = {}
    child_spellings: dict[str, dict[str, int]] = {}
    for line in lines:
        statement = line.statement
        parent = _parent_key(statement)
        if statement.own_key in identity.keys and parent and parent not in identity.keys:
            _extend(parents, parent, display_name(statement.parent_name), line, parent_spellings)
        elif parent in identity.keys and statement.own_key not in identity.keys:
            _extend(
                children, statement.own_key, display_name(statement.name), line, child_spellings
            )
    for relations, spellings in ((parents, parent_spellings), (children, child_spellings)):
        for key, relation in relations.items():
            relation.name = _most_lines(spellings[key])
    identity.parents = sorted(parents.values(), key=lambda r: (r.first or dt.date.min, r.name))
    identity.subsidiaries = sorted(children.values(), key=lambda r: r.name)


def _extend(
    found: dict[str, Relation],
    key: str,
    name: str,
    line: Line,
    spellings: dict[str, dict[str, int]],
) -> None:
    counts = spellings.setdefault(key, {})
    counts[name] = counts.get(name, 0) + 1
    relation = found.setdefault(key, Relation(name, line.date, line.date, "reported parent"))
    if line.date is not None:
        relation.first = min(filter(None, (relation.first, line.date)))
        relation.last = max(filter(None, (relation.last, line.date)))
    relation.snapshots.add(line.snapshot)
