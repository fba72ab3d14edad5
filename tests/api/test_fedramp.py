"""The FedRAMP functions of the public API: keyword options with the CLI's defaults, every
date form, and the same answers as the analysis they call."""

from __future__ import annotations

import datetime as dt

import pytest

import whosbehind as wb
from whosbehind.analysis.fedramp import share as share_module
from whosbehind.analysis.fedramp.timeline import first_snapshot_date
from whosbehind.store.engine import Engine

AS_OF = dt.datetime(2020, 6, 30, 23, 59, 59, 999999, tzinfo=dt.UTC)


def test_options_are_keywords_only(engine: Engine) -> None:
    with pytest.raises(TypeError):
        wb.fedramp_share(engine, AS_OF)  # type: ignore[misc]


def test_share_defaults_are_the_cli_defaults_and_every_date_form_agrees(engine: Engine) -> None:
    expected = share_module.fedramp_share(engine, AS_OF, None, "authorizations", "infrastructure")
    for as_of in (AS_OF, AS_OF.date(), "2020-06-30"):
        found = wb.fedramp_share(engine, as_of=as_of)
        assert found.to_json() == expected.to_json()
    assert expected.measure == wb.Measure.AUTHORIZATIONS


def test_share_passes_each_option(engine: Engine) -> None:
    found = wb.fedramp_share(
        engine,
        as_of="2021-01-01",
        valid_at=dt.date(2019, 1, 1),
        measure=wb.Measure.LETTERS,
        attribution=wb.Attribution.DIRECT,
        impact=wb.Impact.MODERATE,
        feed=wb.Feed.LEGACY,
    )
    expected = share_module.fedramp_share(
        engine,
        dt.datetime(2021, 1, 1, 23, 59, 59, 999999, tzinfo=dt.UTC),
        dt.datetime(2019, 1, 1, 23, 59, 59, 999999, tzinfo=dt.UTC),
        "letters",
        "direct",
        "moderate",
        "legacy",
    )
    assert found.to_json() == expected.to_json()
    assert (found.measure, found.attribution, found.impact) == ("letters", "direct", "moderate")
    assert found.valid_at.date() == dt.date(2019, 1, 1)


def test_a_plain_string_works_as_an_option_and_a_wrong_one_is_a_usage_error(
    engine: Engine,
) -> None:
    assert wb.fedramp_share(engine, as_of=AS_OF, measure="offerings").measure == "offerings"  # type: ignore[arg-type]
    with pytest.raises(wb.UsageError, match="unknown measure 'atos'"):
        wb.fedramp_share(engine, as_of=AS_OF, measure="atos")  # type: ignore[arg-type]


def test_timeline_starts_at_the_first_snapshot_by_default(engine: Engine) -> None:
    found = wb.fedramp_timeline(engine, stop="2019-12-31", measure=wb.Measure.OFFERINGS)
    first = first_snapshot_date(engine)
    assert first is not None
    ends = [point.as_of.date() for point in found.points]
    assert ends == sorted(ends) and ends[-1] == dt.date(2019, 12, 31)
    assert all(first <= end for end in ends)
    assert (
        found.points[-1].to_json()
        == wb.fedramp_share(engine, as_of="2019-12-31", measure=wb.Measure.OFFERINGS).to_json()
    )


def test_timeline_skips_periods_before_the_data_and_refuses_too_many(engine: Engine) -> None:
    """From year 1 by month: the periods before the first snapshot are not computed (the same
    points as from the first snapshot); up to year 9999 by month is refused, not run for hours."""
    from_year_one = wb.fedramp_timeline(
        engine, start="0001-01-01", stop="2017-12-31", every="quarter"
    )  # type: ignore[arg-type]
    default = wb.fedramp_timeline(engine, stop="2017-12-31", every=wb.Period.QUARTER)
    assert [p.to_json() for p in from_year_one.points] == [p.to_json() for p in default.points]
    with pytest.raises(wb.UsageError, match="at most 600"):
        wb.fedramp_timeline(engine, stop="9999-12-31", every=wb.Period.MONTH)


def test_offering_runs_on_and_changes_answer_as_of_record_time(engine: Engine) -> None:
    share = wb.fedramp_share(engine, as_of=AS_OF, measure=wb.Measure.OFFERINGS)
    package_id = share.rows[0].offerings[0]
    offering = wb.fedramp_offering(engine, package_id, as_of=AS_OF)
    assert offering.package_id == package_id
    assert offering.snapshot.record_time <= AS_OF
    runs_on = wb.fedramp_runs_on(engine, "Amazon", as_of=AS_OF)
    assert runs_on.snapshot == offering.snapshot
    changes = wb.fedramp_changes(engine, since="2019-01-01", until=AS_OF)
    assert changes.before.record_time <= changes.after.record_time <= AS_OF
    with pytest.raises(wb.UsageError, match="--to is before --from"):
        wb.fedramp_changes(engine, since=AS_OF, until="2019-01-01")
