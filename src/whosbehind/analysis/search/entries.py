"""What the search index holds (``analysis/search/index.py``): one entry per agency, organization,
FedRAMP offering and contract award in the store, with every name and identifier it is known by
and, for an award, the full text of its description. A kind whose tables are not loaded gives
no entries."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from whosbehind.errors import MissingDataError
from whosbehind.store.engine import Engine
from whosbehind.store.orgs_schema import has_registry
from whosbehind.store.picks import newest, shortest

KINDS = ("agency", "organization", "offering", "award")


@dataclass(frozen=True, slots=True)
class Entry:
    kind: str  # one of KINDS
    id: str
    label: str
    detail: str
    url: str
    names: tuple[str, ...]  # every name it is known by: searched word by word
    identifiers: tuple[str, ...] = ()  # UEI, DUNS, CIK, codes, PIID: matched whole
    text: str = ""  # full text (an award's description)
    context: tuple[str, ...] = field(default=())  # names around it (an award's recipient)
    # how much the store holds about it (an agency's awards, an organization's records): ranks
    # equal matches, and puts an organization before the offerings that carry its name
    weight: float = 0.0


def link(kind: str, key: str) -> str:
    """The page of a hit (the web app's routes)."""
    return f"/{kind}/{quote(key, safe='')}"


def entries(engine: Engine) -> Iterator[Entry]:
    for read in _READERS:
        try:
            found = read(engine)
        except MissingDataError:
            continue
        yield from found


def _rows(engine: Engine, sql: str) -> list[tuple[Any, ...]]:
    return engine.connection.execute(sql).fetchall()


def _every(column: str) -> str:
    """Every distinct value of ``column``, sorted (``list(DISTINCT x)`` follows the order rows
    were written, and an organization's detail prints its identifiers)."""
    return f"list_sort(list(DISTINCT {column}))"


def _texts(*values: object) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for value in values:
        for item in value if isinstance(value, list | tuple) else [value]:
            text = " ".join(str(item).split()) if item is not None else ""
            if text:
                seen.setdefault(text, None)
    return tuple(seen)


def _agencies(engine: Engine) -> list[Entry]:
    awards = _award_counts(engine)
    rows = _rows(
        engine,
        "SELECT subtier_code, subtier_name, subtier_abbreviation, toptier_code, toptier_name, "
        "toptier_abbreviation FROM contract_agency WHERE record_to IS NULL ORDER BY 1",
    )
    return [
        Entry(
            "agency",
            str(code),
            str(name or code),
            " · ".join(_texts(code, top)),
            link("agency", str(code)),
            names=_texts(name, abbreviation, top, top_abbreviation),
            identifiers=_texts(code),
            weight=float(awards.get(str(code), 0)),
        )
        for code, name, abbreviation, top_code, top, top_abbreviation in rows
        if code
    ]


def _award_counts(engine: Engine) -> dict[str, int]:
    try:
        rows = _rows(
            engine,
            "SELECT awarding_subtier_code, count(*) FROM contract_award WHERE latest GROUP BY 1",
        )
    except MissingDataError:
        return {}
    return {str(code): int(count) for code, count in rows if code}


def _organizations(engine: Engine) -> list[Entry]:
    if has_registry(engine):
        return _registry(engine)
    rows = _rows(
        engine,
        f"SELECT recipient_name, {_every('recipient_uei')}, {_every('recipient_duns')}, "
        "count(*) FROM contract_award WHERE latest AND recipient_name IS NOT NULL GROUP BY 1 "
        "ORDER BY 1",
    )
    return [
        Entry(
            "organization",
            str(name),
            str(name),
            " · ".join(_texts(ueis, duns)),
            link("company", str(name)),
            names=_texts(name),
            identifiers=_texts(ueis, duns),
            weight=float(count),
        )
        for name, ueis, duns, count in rows
    ]


def _registry(engine: Engine) -> list[Entry]:
    rows = _rows(
        engine,
        f"SELECT m.org_id, {shortest('r.name')}, {_every('r.name')}, "
        f"{_every('r.uei')}, {_every('r.duns')}, {_every('r.cik')}, "
        f"{_every('r.cage')}, count(*) "
        "FROM org_record r JOIN org_member m USING (record_key) GROUP BY 1 ORDER BY 1",
    )
    found: list[Entry] = []
    for org, label, names, ueis, duns, ciks, cages, count in rows:
        identifiers = _texts(ueis, duns, ciks, [str(c).lstrip("0") for c in ciks or []], cages)
        found.append(
            Entry(
                "organization",
                str(org),
                str(label or org),
                f"{org} · {count} records",
                link("company", str(org)),
                names=_texts(names),
                identifiers=(*identifiers, str(org)),
                weight=float(count),
            )
        )
    return found


def _offerings(engine: Engine) -> list[Entry]:
    rows = _rows(
        engine,
        f"SELECT package_id, {newest('name', 'from_seq')}, {_every('name')}, "
        f"{newest('provider', 'from_seq')}, {_every('provider_raw')} "
        "FROM fedramp_offering GROUP BY 1 ORDER BY 1",
    )
    return [
        Entry(
            "offering",
            str(package),
            str(name or package),
            " · ".join(_texts(provider, package)),
            link("offering", str(package)),
            names=_texts(names, provider, providers),
            identifiers=_texts(package),
        )
        for package, name, names, provider, providers in rows
    ]


def _awards(engine: Engine) -> list[Entry]:
    rows = _rows(
        engine,
        "SELECT award_key, piid, description, recipient_name, recipient_parent_name, "
        "awarding_subtier_name, parent_idv_piid FROM contract_award WHERE latest ORDER BY 1",
    )
    return [
        Entry(
            "award",
            str(piid),
            str(piid),
            " · ".join(_texts(recipient, agency)),
            link("company", str(recipient or piid)),
            names=(),
            identifiers=_texts(piid, key, idv),
            text=str(description or ""),
            context=_texts(recipient, parent, agency),
        )
        for key, piid, description, recipient, parent, agency, idv in rows
    ]


_READERS: tuple[Callable[[Engine], list[Entry]], ...] = (
    _agencies,
    _organizations,
    _offerings,
    _awards,
)
