"""The clouds under an agency's contractors: the FedRAMP offerings of its suppliers
(each provider rolled up by the organization registry to its ultimate parent, as the suppliers
are) and what those offerings run on. An agency's own authorizations show the clouds it chose;
these are the clouds its contractors' work may sit on, whoever authorized them.

Needs the registry (``whosbehind resolve``): without it a FedRAMP provider cannot be tied to a
contract recipient by anything firmer than a spelling, and the section is left out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from whosbehind.analysis.fedramp.agency import AuthorizedOffering
from whosbehind.analysis.fedramp.company import company_cloud
from whosbehind.analysis.reports.money import Group
from whosbehind.analysis.reports.rollup import RegistryRollup
from whosbehind.store.asof import SnapshotRef
from whosbehind.store.engine import Engine


@dataclass
class ContractorOffering:
    supplier_key: str  # the supplier's group key in the report (its owner)
    supplier: str
    offering: AuthorizedOffering


@dataclass
class ContractorClouds:
    snapshot: SnapshotRef
    suppliers: int  # how many suppliers were looked for
    offerings: list[ContractorOffering]


def contractor_clouds(
    engine: Engine,
    rollup: RegistryRollup,
    suppliers: list[Group],
    as_of: dt.datetime,
    feed: str = "auto",
    valid_at: dt.datetime | None = None,
) -> ContractorClouds:
    """The offerings, in the FedRAMP record as of ``as_of``, whose provider's ultimate parent
    on ``valid_at`` (default ``as_of``) is one of ``suppliers`` (rolled-up owners)."""
    wanted = {group.key: group for group in suppliers}
    matched: dict[tuple[str | None, str | None], str] = {}

    def owns(provider: str | None, key: str, uei: str | None, on: dt.date) -> bool:
        owner = rollup.provider_owner_key(key, provider, uei, on)
        if owner in wanted:
            matched[(provider, uei)] = owner
            return True
        return False

    cloud = company_cloud(engine, owns, as_of, feed, valid_at)
    rank = {key: i for i, key in enumerate(wanted)}
    found = [
        ContractorOffering(key, wanted[key].name, offering)
        for offering in cloud.offerings
        if (key := matched.get((offering.provider, offering.uei))) is not None
    ]
    found.sort(key=lambda o: (rank[o.supplier_key], o.offering.package_id))
    return ContractorClouds(cloud.snapshot, len(suppliers), found)
