"""Search by name or identifier in the store: agencies, organizations (by name, UEI, DUNS or
CIK), FedRAMP offerings, award PIIDs. Each kind asks its own table; a kind whose data is not
loaded answers nothing. Full-text search of award descriptions is ``search.py``'s."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from urllib.parse import quote

from whosbehind.errors import MissingDataError
from whosbehind.store import like
from whosbehind.store.engine import Engine
from whosbehind.store.orgs_schema import has_registry

KINDS = ("agency", "organization", "offering", "award")


@dataclass(frozen=True, slots=True)
class Hit:
    kind: str
    id: str
    label: str
    detail: str
    url: str

    def to_json(self) -> dict[str, str]:
        return asdict(self)


def find(engine: Engine, text: str, limit: int = 10, kinds: tuple[str, ...] = KINDS) -> list[Hit]:
    """At most ``limit`` hits of each kind asked, in the order of ``KINDS``."""
    text = " ".join(text.split())
    if not text:
        return []
    found: list[Hit] = []
    for kind in kinds:
        try:
            found += _FINDERS[kind](engine, text, limit)
        except MissingDataError:
            continue
    return found


def _link(kind: str, key: str) -> str:
    return f"/{kind}/{quote(key, safe='')}"


def _agencies(engine: Engine, text: str, limit: int) -> list[Hit]:
    rows = engine.connection.execute(
        "SELECT subtier_code, subtier_name, toptier_name FROM contract_agency "
        "WHERE record_to IS NULL AND (subtier_name ILIKE ? ESCAPE '\\' OR "
        "upper(subtier_abbreviation) = upper(?) OR subtier_code = ? OR toptier_code = ?) "
        "ORDER BY (upper(subtier_abbreviation) = upper(?)) DESC, length(subtier_name), 1 "
        "LIMIT ?",
        [like.contains(text), text, text, text, text, limit],
    ).fetchall()
    return [
        Hit("agency", code, name, f"{code} · {top}", _link("agency", code))
        for code, name, top in rows
    ]


def _organizations(engine: Engine, text: str, limit: int) -> list[Hit]:
    if has_registry(engine):
        return _registry_orgs(engine, text, limit)
    rows = engine.connection.execute(
        "SELECT recipient_name, any_value(coalesce(recipient_uei, recipient_duns)) "
        "FROM contract_award WHERE latest AND (recipient_name ILIKE ? ESCAPE '\\' "
        "OR upper(recipient_uei) = upper(?) OR recipient_duns = ?) "
        "GROUP BY 1 ORDER BY length(recipient_name), 1 LIMIT ?",
        [like.contains(text), text, text.zfill(9), limit],
    ).fetchall()
    return [
        Hit("organization", name, name, ident or "", _link("company", name)) for name, ident in rows
    ]


def _registry_orgs(engine: Engine, text: str, limit: int) -> list[Hit]:
    rows = engine.connection.execute(
        "SELECT m.org_id, arg_min(r.name, length(r.name)), count(*) AS n "
        "FROM org_record r JOIN org_member m USING (record_key) "
        "WHERE r.name ILIKE ? ESCAPE '\\' OR upper(r.uei) = upper(?) OR r.duns = ? "
        "OR r.cik = ? OR m.org_id = ? "
        "GROUP BY 1 ORDER BY n DESC, 1 LIMIT ?",
        [like.contains(text), text, text.zfill(9), text.lstrip("0"), text, limit],
    ).fetchall()
    return [
        Hit("organization", org, name or org, f"{org} · {n} records", _link("company", org))
        for org, name, n in rows
    ]


def _offerings(engine: Engine, text: str, limit: int) -> list[Hit]:
    rows = engine.connection.execute(
        "SELECT package_id, any_value(name), any_value(provider) FROM fedramp_offering "
        "WHERE to_seq IS NULL AND (name ILIKE ? ESCAPE '\\' OR provider ILIKE ? ESCAPE '\\' "
        "OR package_id = ?) GROUP BY 1 ORDER BY 1 LIMIT ?",
        [like.contains(text), like.contains(text), text, limit],
    ).fetchall()
    return [
        Hit("offering", pid, name, f"{provider} · {pid}", _link("offering", pid))
        for pid, name, provider in rows
    ]


def _awards(engine: Engine, text: str, limit: int) -> list[Hit]:
    rows = engine.connection.execute(
        "SELECT piid, any_value(recipient_name), any_value(awarding_subtier_name) "
        "FROM contract_award WHERE latest AND upper(piid) = upper(?) GROUP BY 1 LIMIT ?",
        [text, limit],
    ).fetchall()
    return [
        Hit("award", piid, piid, f"{who or ''} · {agency or ''}", _link("company", who or piid))
        for piid, who, agency in rows
    ]


_FINDERS: dict[str, Callable[[Engine, str, int], list[Hit]]] = {
    "agency": _agencies,
    "organization": _organizations,
    "offering": _offerings,
    "award": _awards,
}
