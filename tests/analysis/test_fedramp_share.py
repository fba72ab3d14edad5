"""Shares agree with counts made independently from the raw snapshot JSON."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from zoneinfo import ZoneInfo

import pytest

from whosbehind.analysis.fedramp.share import fedramp_share
from whosbehind.errors import NotFoundError, UsageError
from whosbehind.model.timeutil import parse_user_instant
from whosbehind.sources.snapshot import RawSnapshot
from whosbehind.store.engine import Engine


def _key(name: str) -> str:
    return re.sub(r"[\s.,;:]+$", "", " ".join(name.split()).casefold())


def _providers(raw: RawSnapshot) -> list[dict[str, object]]:
    data = json.loads(raw.content)["data"]
    return data if isinstance(data, list) else data["Providers"]


def _on_or_before(stamp: object, day: dt.date) -> bool:
    """A record date (an instant at US Eastern midnight or later that day) is on or before day;
    a missing date counts as known by the snapshot that states it."""
    if not isinstance(stamp, str) or not stamp:
        return True
    try:
        instant = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:  # the record holds junk such as "3/3/1/2020": treated as no date
        return True
    return instant.astimezone(ZoneInfo("America/New_York")).date() <= day


def _independent(raw: RawSnapshot, measure: str, infrastructure: bool) -> Counter[str]:
    day = json.loads(raw.content)["meta"]["Created_At"][:10]
    valid = dt.date.fromisoformat(day)
    providers = _providers(raw)
    owner: dict[str, str] = {}
    for p in providers:
        owner.setdefault(p["Package_ID"].strip(), _key(p["Cloud_Service_Provider_Name"]))
    counts: Counter[str] = Counter()
    seen: set[str] = set()
    for p in providers:
        pid = p["Package_ID"].strip()
        if pid in seen:
            continue
        seen.add(pid)  # a package listed twice: the first record counts, as in the store
        if p["Designation"] != "Compliant":
            continue
        if not _on_or_before(p.get("Original_Authorization_Date"), valid):
            continue  # the record dates the authorization after this day
        letters = sum(
            1
            for letter in p.get("Leveraged_ATO_Letters") or []
            if _on_or_before(
                letter.get("Letter_Date") or letter.get("Authorizing_Letter_Last_Sign_Date"), valid
            )
        )
        weight = {"offerings": 1, "authorizations": 1 + letters, "letters": letters}[measure]
        credited = {_key(p["Cloud_Service_Provider_Name"])}
        if infrastructure:
            for listed in p.get("Underlying_CSP_Package_ID") or []:
                underlying = listed.strip()
                if underlying != pid and underlying in owner:
                    credited.add(owner[underlying])
        for key in credited:
            counts[key] += weight
    return +counts


@pytest.mark.parametrize("measure", ["offerings", "authorizations", "letters"])
@pytest.mark.parametrize("attribution", ["direct", "infrastructure"])
def test_counts_match_the_raw_snapshot(
    engine: Engine, legacy_raw: list[RawSnapshot], measure: str, attribution: str
) -> None:
    for raw in legacy_raw[5::6]:
        if isinstance(json.loads(raw.content)["data"], list):
            continue  # the earliest layout has no meta
        moment = raw.fallback_time
        result = fedramp_share(
            engine, moment, measure=measure, attribution=attribution, feed="legacy"
        )
        assert result.snapshot.sha256 == raw.sha256
        got = Counter({_key(row.provider): row.count for row in result.rows})
        assert got == _independent(raw, measure, attribution == "infrastructure")
        assert result.total == sum(got.values())
        assert sum(row.share for row in result.rows) == pytest.approx(1.0)


def test_rows_sorted_and_concentration_consistent(engine: Engine) -> None:
    result = fedramp_share(
        engine,
        parse_user_instant("2019-06-01"),
        feed="legacy",
        measure="authorizations",
        attribution="infrastructure",
    )
    counts = [row.count for row in result.rows]
    assert counts == sorted(counts, reverse=True)
    assert result.hhi == pytest.approx(sum((row.share * 100) ** 2 for row in result.rows))
    assert result.cr4 == pytest.approx(sum(row.share for row in result.rows[:4]))
    assert result.rows[0].provider == "Amazon"


def test_valid_time_counts_only_what_was_authorized_by_then(engine: Engine) -> None:
    as_of = parse_user_instant("2019-06-01")
    everything = fedramp_share(engine, as_of, feed="legacy")
    earlier = fedramp_share(engine, as_of, parse_user_instant("2016-12-31"), feed="legacy")
    assert 0 < earlier.total < everything.total
    expected = engine.scalar(
        "SELECT count(*) FROM fedramp_offering WHERE feed = 'fedramp-legacy' AND from_seq <= ? "
        "AND (to_seq IS NULL OR to_seq > ?) AND status = 'authorized' "
        "AND authorization_date <= DATE '2016-12-31'",
        [everything.snapshot.seq, everything.snapshot.seq],
    )
    assert earlier.total == expected


def test_impact_filter(engine: Engine) -> None:
    as_of = parse_user_instant("2020-06-01")
    levels = {
        level: fedramp_share(engine, as_of, impact=level, feed="legacy").total
        for level in ("low", "li-saas", "moderate", "high")
    }
    assert sum(levels.values()) <= fedramp_share(engine, as_of, feed="legacy").total
    assert levels["moderate"] > levels["high"] > 0


def test_json_shape_and_citations(engine: Engine) -> None:
    result = fedramp_share(engine, parse_user_instant("2018-01-01"), feed="legacy")
    data = result.to_json(top=3)
    assert {
        "as_of",
        "measure",
        "attribution",
        "impact",
        "rows",
        "hhi",
        "cr4",
        "citations",
    } <= data.keys()
    assert len(data["rows"]) == 3  # type: ignore[arg-type]
    assert {"provider", "count", "share"} <= data["rows"][0].keys()  # type: ignore[index]
    citation = data["citations"][0]  # type: ignore[index]
    assert citation["content_hash"] == result.snapshot.sha256
    assert "@" in citation["locator"]
    assert citation["record_time"] == result.snapshot.record_time.isoformat()
    assert result.snapshot.record_time <= result.as_of
    assert data["rows"][0]["citations"] == [citation["id"]]  # type: ignore[index]


def test_auto_feed_prefers_marketplace_when_it_exists(engine: Engine) -> None:
    assert fedramp_share(engine, parse_user_instant("2020-01-01")).snapshot.feed == "fedramp-legacy"
    assert fedramp_share(engine, parse_user_instant("2025-01-01")).snapshot.feed == (
        "fedramp-marketplace"
    )


def test_bad_requests(engine: Engine) -> None:
    with pytest.raises(UsageError, match="measure"):
        fedramp_share(engine, parse_user_instant("2020-01-01"), measure="dollars")
    with pytest.raises(UsageError, match="impact"):
        fedramp_share(engine, parse_user_instant("2020-01-01"), impact="extreme")
    with pytest.raises(NotFoundError, match="2010-01-01"):
        fedramp_share(engine, parse_user_instant("2010-01-01"))
