"""Which organization a contract action's money rolls up to, for the reports.

A ``Rollup`` maps a recipient as one action states it (name, DUNS, UEI, reported parent) and the
action's date to an owner: a key, a display name and how it was found. Two are possible:

- the organization registry of issue 4 (``whosbehind resolve``): the recipient's ultimate parent
  organization as of the action date (``analysis.org_rollup``). ``choose_rollup`` uses it when
  the store holds a registry;
- otherwise the **reported parent**: the parent named on the action itself (a recipient whose
  action names no parent is its own parent), grouped by the normalized name key of
  ``resolve.names.name_key`` so that spellings of one name ("PALANTIR USG  INC.",
  "PALANTIR USG, INC.") are one owner. Only what each action reports: a subsidiary is rolled up
  into its parent for the actions that name that parent, and a recipient that reports itself as
  its parent stays on its own.

The method used is stated in every report's coverage notes.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Protocol

from whosbehind.analysis.org_rollup import RollUp, load_rollup
from whosbehind.resolve.names import name_key, normalize_name
from whosbehind.store.engine import Engine
from whosbehind.store.orgs_schema import has_registry

REPORTED = "reported parent"


@dataclass(frozen=True, slots=True)
class Statement:
    """A recipient as one contract action states it."""

    name: str | None
    duns: str | None
    uei: str | None
    parent_name: str | None
    parent_duns: str | None
    parent_uei: str | None

    @property
    def own_key(self) -> str:
        return statement_key(self.name, self.duns, self.uei)

    @property
    def identified(self) -> bool:
        return bool(self.duns or self.uei)


@dataclass(frozen=True, slots=True)
class Owner:
    key: str
    name: str
    via: str  # "itself", REPORTED, or the registry's own word


class Rollup(Protocol):
    method: str

    def owner(self, statement: Statement, on: dt.date | None) -> Owner: ...


@functools.lru_cache(maxsize=65536)
def _key(name: str) -> str:
    return name_key(name)


def statement_key(name: str | None, duns: str | None, uei: str | None) -> str:
    """A recipient's grouping key: its name key, else its DUNS, else its UEI."""
    if name and name.strip():
        return "name:" + _key(name)
    if duns:
        return "duns:" + duns
    if uei:
        return "uei:" + uei
    return "-"


@functools.lru_cache(maxsize=65536)
def display_name(raw: str | None) -> str:
    return normalize_name(raw).display if raw and raw.strip() else "(name not stated)"


class ReportedParentRollup:
    """The parent each action reports, grouped by name key (see the module text)."""

    method = (
        f"{REPORTED}: each action's money goes to the parent that action reports (a recipient "
        "naming no parent, or itself, is its own parent), grouped by normalized name; the "
        "organization registry (`whosbehind resolve`) is not in this store"
    )

    def owner(self, statement: Statement, on: dt.date | None) -> Owner:
        own = statement.own_key
        if statement.parent_name or statement.parent_duns or statement.parent_uei:
            parent = statement_key(
                statement.parent_name, statement.parent_duns, statement.parent_uei
            )
            if parent != own:
                return Owner(parent, display_name(statement.parent_name), REPORTED)
        return Owner(own, display_name(statement.name), "itself")


class RegistryRollup:
    """The organization registry: the recipient's org, then its ultimate parent on the action
    date (``analysis.org_rollup``); a statement the registry does not know is rolled up by the
    parent its action reports."""

    method = (
        "organization registry (`whosbehind resolve`): each action's recipient is resolved to "
        "its organization and rolled up to that organization's ultimate parent as of the action "
        "date; recipients the registry does not know are rolled up by the parent their action "
        "reports"
    )

    def __init__(self, rollup: RollUp) -> None:
        self._rollup = rollup
        self._fallback = ReportedParentRollup()

    def provider_owner(
        self, provider_key: str, name: str | None, uei: str | None, on: dt.date
    ) -> str | None:
        """A FedRAMP provider's ultimate parent on ``on``, None when the registry does not know
        the provider."""
        found = self._rollup.provider(provider_key, name, uei, on)
        return None if found is None else found.parent_name

    def provider_owner_key(
        self, provider_key: str, name: str | None, uei: str | None, on: dt.date
    ) -> str | None:
        """A FedRAMP provider's ultimate parent on ``on`` as the key ``owner`` gives a contract
        recipient's (so a provider meets the supplier it is); None when the registry does not
        know the provider."""
        found = self._rollup.provider(provider_key, name, uei, on)
        return None if found is None else f"org:{found.parent_id}"

    def owner(self, statement: Statement, on: dt.date | None) -> Owner:
        day = on or dt.date.today()
        found = self._rollup.recipient(statement.name, statement.duns, statement.uei, day)
        if found is None:
            return self._fallback.owner(statement, on)
        via = "registry" if found.parent_id == found.org_id else "registry: ultimate parent"
        return Owner(f"org:{found.parent_id}", found.parent_name, via)


def choose_rollup(engine: Engine) -> Rollup:
    """The registry's roll-up when the store holds a registry; the reported parent otherwise."""
    if not has_registry(engine):
        return ReportedParentRollup()
    return RegistryRollup(load_rollup(engine))
