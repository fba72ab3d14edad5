"""Where the money of a rolled-in recipient went: the recipients whose actions count under more
than one owner, so that every rolled-up total reconciles with the actions of the recipients it
rolls in.

Ownership is dated (``reports.rollup``): an action counts under the owner of its recipient *on
the action's date*. A recipient bought, sold or first reported under a parent in the middle of
the data has actions under two owners: PALANTIR USG's FY2017 action names itself as its parent,
its FY2018 action names Palantir Technologies, so one counts under PALANTIR USG and the other
under Palantir Technologies. An owner's total is then less than the sum of the actions of the
recipients listed as rolled into it, and the difference is exactly the other parts of those
recipients' splits. The reports list every split in their coverage notes, with the amounts.

A recipient is grouped as the "recipients rolled in" column groups it (``Statement.own_key``:
its normalized name, else DUNS, else UEI). For every owner ``O``::

    O's total + remainder(O) == sum of every action of the recipients rolled into O

where ``remainder(O)`` sums the parts of its recipients' splits that went to other owners.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from whosbehind.analysis.reports.money import Line, largest_share
from whosbehind.analysis.reports.rollup import display_name
from whosbehind.analysis.reports.sections import date_text, money

OwnerKey = Callable[[Line], tuple[str, str]]


@dataclass
class Part:
    """The actions of one recipient that counted under one owner."""

    owner_key: str
    owner: str
    amount: Decimal = Decimal(0)
    lines: int = 0
    first: dt.date | None = None
    last: dt.date | None = None
    snapshots: set[tuple[str, int]] = field(default_factory=set)

    def add(self, line: Line) -> None:
        self.amount += line.amount
        self.lines += 1
        self.snapshots.add(line.snapshot)
        if line.date is not None:
            self.first = min(filter(None, (self.first, line.date)))
            self.last = max(filter(None, (self.last, line.date)))


@dataclass
class Split:
    """A recipient whose actions counted under more than one owner; parts largest first."""

    recipient_key: str
    recipient: str
    parts: list[Part]

    @property
    def amount(self) -> Decimal:
        return sum((part.amount for part in self.parts), Decimal(0))

    def outside(self, owner_key: str) -> list[Part]:
        return [part for part in self.parts if part.owner_key != owner_key]


def splits(lines: Iterable[Line], owner: OwnerKey) -> list[Split]:
    """Every recipient of ``lines`` whose actions went to two owners or more, the largest
    (by absolute money) first."""
    parts: defaultdict[str, dict[str, Part]] = defaultdict(dict)
    names: defaultdict[str, defaultdict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    owner_names: defaultdict[str, defaultdict[str, Decimal]] = defaultdict(
        lambda: defaultdict(Decimal)
    )
    for line in lines:
        recipient = line.statement.own_key
        key, name = owner(line)
        part = parts[recipient].setdefault(key, Part(key, name))
        part.add(line)
        names[recipient][display_name(line.statement.name)] += abs(line.amount)
        owner_names[key][name] += abs(line.amount)
    found = []
    for recipient, by_owner in parts.items():
        if len(by_owner) < 2:
            continue
        name = largest_share(names[recipient])
        for part in by_owner.values():
            # Lines may spell one owner several ways; its name is that of its largest share of
            # money over all the lines (as ``group_lines`` names the owner), not the first seen.
            part.owner = largest_share(owner_names[part.owner_key])
        ordered = sorted(by_owner.values(), key=lambda p: (-p.amount, p.owner, p.owner_key))
        found.append(Split(recipient, name, ordered))
    return sorted(found, key=lambda s: (-sum(abs(p.amount) for p in s.parts), s.recipient))


def remainder(found: Iterable[Split], owner_key: str) -> Decimal:
    """Money of the recipients rolled into ``owner_key`` that counted under other owners."""
    return sum(
        (
            part.amount
            for split in found
            if any(p.owner_key == owner_key for p in split.parts)
            for part in split.outside(owner_key)
        ),
        Decimal(0),
    )


def involving(found: Iterable[Split], owner_key: str) -> list[Split]:
    """The splits of the recipients rolled into ``owner_key``."""
    return [split for split in found if any(p.owner_key == owner_key for p in split.parts)]


def part_text(part: Part) -> str:
    """ "709,653.84 in 1 action (2017-09-25) under PALANTIR USG, INC." """
    return f"{money(part.amount)} in {_actions(part.lines)} ({_span(part)}) under {part.owner}"


def _actions(count: int) -> str:
    return f"{count} action" + ("" if count == 1 else "s")


def _span(part: Part) -> str:
    if part.first is None or part.last is None:
        return "undated"
    if part.first == part.last:
        return date_text(part.first)
    return f"{date_text(part.first)} to {date_text(part.last)}"
