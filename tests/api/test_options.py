"""The option enums offer what the library accepts, and the CLI offers the same choices."""

from __future__ import annotations

import typing
from enum import StrEnum

import pytest

from whosbehind.analysis.contracts.awards import SORTS
from whosbehind.analysis.contracts.spending import GROUPS
from whosbehind.analysis.fedramp.share import ATTRIBUTIONS, GROUPINGS, MEASURES
from whosbehind.api import options
from whosbehind.cli import choices
from whosbehind.export.formats import GRAPH_FORMATS
from whosbehind.export.report_formats import REPORT_FORMATS
from whosbehind.model.fedramp import IMPACT_LEVELS
from whosbehind.resolve.judgement_import import FORMATS as IMPORT_FORMATS

PAIRS: list[tuple[type[StrEnum], object]] = [
    (options.Measure, choices.MeasureName),
    (options.Attribution, choices.AttributionName),
    (options.Impact, choices.ImpactLevel),
    (options.Feed, choices.FeedChoice),
    (options.ShareBy, choices.ShareGrouping),
    (options.Period, choices.Period),
    (options.AwardSort, choices.AwardSort),
    (options.SpendingBy, choices.SpendingGroup),
    (options.ExportFormat, choices.ExportFormat),
    (options.ReportFormat, choices.ReportFormat),
    (options.ImportFormat, choices.ImportFormatChoice),
    (options.Relation, choices.Relation),
]


@pytest.mark.parametrize(("option", "choice"), PAIRS, ids=[p[0].__name__ for p in PAIRS])
def test_the_cli_offers_each_option_in_the_same_order(
    option: type[StrEnum], choice: object
) -> None:
    assert typing.get_args(choice) == tuple(member.value for member in option)


@pytest.mark.parametrize(
    ("option", "accepted"),
    [
        (options.Measure, MEASURES),
        (options.Attribution, ATTRIBUTIONS),
        (options.ShareBy, GROUPINGS),
        (options.Impact, IMPACT_LEVELS),
        (options.AwardSort, tuple(SORTS)),
        (options.SpendingBy, tuple(GROUPS)),
        (options.ExportFormat, tuple(GRAPH_FORMATS)),
        (options.ReportFormat, ("table", *REPORT_FORMATS)),
        (options.ImportFormat, ("auto", *IMPORT_FORMATS)),
    ],
)
def test_each_option_is_what_the_library_accepts(
    option: type[StrEnum], accepted: tuple[str, ...]
) -> None:
    assert {member.value for member in option} == set(accepted)


def test_a_member_is_its_string() -> None:
    assert options.Measure.LETTERS == "letters"
    assert f"{options.SpendingBy.FISCAL_YEAR}" == "fiscal-year"
    assert options.Impact("li-saas") is options.Impact.LI_SAAS
    with pytest.raises(ValueError, match="'medium' is not a valid Impact"):
        options.Impact("medium")
