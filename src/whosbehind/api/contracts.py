"""Contract answers: award lists and obligations totalled by a grouping.

``as_of`` is record time: what the contract records said on that date (default: the newest).
Filters are keyword arguments; ``agency`` is a subtier code (7012) or name, or a toptier agency
(070, its department id 7000, or its name) meaning every subtier under it.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from whosbehind.analysis.agencies import AgencySelection, resolve_agency
from whosbehind.analysis.contracts import spending as spending_module
from whosbehind.analysis.contracts import spending_chart
from whosbehind.analysis.contracts.awards import SORTS, AwardsResult, list_awards
from whosbehind.analysis.contracts.lines import Filters
from whosbehind.analysis.contracts.spending import SpendingResult
from whosbehind.api.dates import When, instant
from whosbehind.api.options import AwardSort, SpendingBy
from whosbehind.errors import UsageError
from whosbehind.store.engine import Engine


def find_agency(engine: Engine, agency: str) -> AgencySelection:
    """The agency a code or name means: one subtier, or a toptier with every subtier under it."""
    return resolve_agency(engine, agency)


def contract_filters(
    engine: Engine,
    *,
    agency: str | None = None,
    recipient: str | None = None,
    fiscal_year: int | None = None,
    from_fy: int | None = None,
    to_fy: int | None = None,
    psc: str | None = None,
    naics: str | None = None,
) -> Filters:
    """The filters of an award list or a spending total. ``recipient``: part of the recipient's
    or its parent's name as reported, or a DUNS/UEI; ``psc``, ``naics``: a code or its prefix;
    one ``fiscal_year`` or a range ``from_fy``..``to_fy``."""
    selection = resolve_agency(engine, agency) if agency else None
    return Filters(selection, recipient, fiscal_year, psc, naics, from_fy, to_fy)


# the keyword arguments of ``contract_filters``, which every answer below takes (or all but
# ``fiscal_year``) and hands on through ``_filters``
_FILTER_WORDS = ("agency", "recipient", "fiscal_year", "from_fy", "to_fy", "psc", "naics")


def _filters(engine: Engine, given: Mapping[str, Any]) -> Filters:
    """The filters of a public call, from its arguments (``locals()``): those of
    ``_FILTER_WORDS`` it takes."""
    words = {word: given[word] for word in _FILTER_WORDS if word in given}
    return contract_filters(engine, **words)


def awards(
    engine: Engine,
    *,
    agency: str | None = None,
    recipient: str | None = None,
    fiscal_year: int | None = None,
    from_fy: int | None = None,
    to_fy: int | None = None,
    psc: str | None = None,
    naics: str | None = None,
    as_of: When | None = None,
    sort: AwardSort = AwardSort.OBLIGATED,
) -> AwardsResult:
    """One row per award: PIID, recipient, parent, agency, obligated, potential value, dates."""
    filters = _filters(engine, locals())
    if sort not in SORTS:
        raise UsageError(f"unknown sort {sort!r}; choose one of {', '.join(SORTS)}")
    return list_awards(engine, filters, instant(as_of), sort)


def spending(
    engine: Engine,
    *,
    by: SpendingBy,
    agency: str | None = None,
    recipient: str | None = None,
    fiscal_year: int | None = None,
    from_fy: int | None = None,
    to_fy: int | None = None,
    psc: str | None = None,
    naics: str | None = None,
    as_of: When | None = None,
    top: int | None = None,
) -> SpendingResult:
    """Obligations totalled by recipient, parent, agency, PSC, NAICS or fiscal year, with HHI
    and CR4 over every group. ``top`` returns only the largest groups (every fiscal year is
    returned whatever it says); the total, HHI, CR4 and group count stay those of every group,
    and only the groups returned are named and cited, which is faster."""
    filters = _filters(engine, locals())
    return spending_module.spending(engine, by, filters, instant(as_of), top)


def spending_by_year(
    engine: Engine,
    *,
    by: SpendingBy,
    agency: str | None = None,
    recipient: str | None = None,
    from_fy: int | None = None,
    to_fy: int | None = None,
    psc: str | None = None,
    naics: str | None = None,
    as_of: When | None = None,
    top: int | None = None,
) -> dict[int, SpendingResult]:
    """:func:`spending` for each fiscal year with obligations (from ``from_fy`` to ``to_fy``
    when given), in one call: each year's result is the one ``spending(..., fiscal_year=year)``
    gives, read in one pass over the money rollup where it answers (faster than a call per
    year). ``by`` is any grouping but ``fiscal-year``."""
    filters = _filters(engine, locals())
    return spending_module.spending_by_year(engine, by, filters, instant(as_of), top)


def plot_spending(result: SpendingResult, path: Path, *, top: int = 10) -> Path:
    """Draw a spending total's ``top`` groups as ``path`` (.png or .svg)."""
    return spending_chart.plot_spending(result, path, top)
