"""``fedramp_share`` on the full store against counting from the raw snapshot, as Markdown.

Usage: python3 benchmarks/fedramp_share.py [--quick] [--dates 50] [--repeat 3] [--store PATH]
       [--allow-dirty]

50 random instants (seeded) between the first legacy snapshot and the last marketplace one, and
for each every measure x attribution (impact: all), with the feed ``auto``. Each query runs
``--repeat`` times, alternating with the baseline; its figure is the median of its runs.

- store: ``fedramp_share(engine, instant, measure=..., attribution=...)`` on a store holding
  both whole histories (built with the real pipeline unless ``--store`` names an existing one;
  the code that built it is noted in ``PATH.built-by``), opened read-only once;
- baseline, what a user without whosbehind does: find the newest snapshot committed at or before
  the instant (``git log -1 --before``; marketplace history first, then legacy), ``git cat-file``
  its JSON, parse it with orjson and count in Python with the rules of docs/fedramp.md, written
  here independently of whosbehind's readers and store: authorized offerings (``Compliant``,
  ``FedRAMP Authorized``, ``Authorized``) authorized on or before the valid date; letters dated
  on or before it (letter date, else last signature date); an undated record counts as known
  from the snapshot; a package id listed twice keeps its first record; ids are whitespace-
  trimmed; without ``ReuseMapping``, each non-JAB agency's ``auths`` entry is one undated ATO,
  and one of a non-JAB offering's ATOs is its initial authorization.

Every disagreement is listed (instant, measure, attribution, snapshots, differing providers).
Where the two chose different snapshots, the baseline also counts the store's snapshot, to tell
a snapshot choice apart from a counting difference. Exit status 1 if the measured modules
changed during the run or differ from HEAD (unless ``--allow-dirty``), 2 if they differ from
HEAD at the start (nothing measured).

``--quick``: a store of the first 5 snapshots of each history and 3 instants.
"""

from __future__ import annotations

import argparse
import ast
import datetime as dt
import random
import re
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import orjson

from _common import (
    DEFAULT_DATA,
    GIT,
    build_store,
    finish,
    header,
    histories,
    make_view,
    median,
    percentile,
    require_clean,
    source_fingerprint,
    table,
    verdict,
    workdir,
)
from whosbehind.analysis.fedramp.share import ATTRIBUTIONS, MEASURES, fedramp_share
from whosbehind.sources.snapshot import RawSnapshot
from whosbehind.store.engine import Engine

TARGET_MS = 200.0
Result = tuple[str, int, list[tuple[str, int]]]  # commit, total, (provider, count) rows


RECORD_TIMES: dict[str, dt.datetime] = {}  # commit -> the store's record time of its snapshot


def store_share(engine: Engine, instant: dt.datetime, measure: str, attribution: str) -> Result:
    found = fedramp_share(engine, instant, measure=measure, attribution=attribution)
    commit = found.snapshot.locator.rsplit("@", 1)[-1].split(":", 1)[0]
    RECORD_TIMES[commit] = found.snapshot.record_time
    return commit, found.total, [(row.provider, row.count) for row in found.rows]


def raw_at(repos: list[tuple[Path, str]], instant: dt.datetime) -> RawSnapshot | None:
    """The newest snapshot committed at or before ``instant`` that parses, first repo first."""
    for repo, path in repos:
        log = subprocess.run(
            [
                *GIT,
                f"--git-dir={repo}",
                "log",
                "-3",
                "--format=%H %cI",
                f"--before={instant.isoformat()}",
                "--",
                path,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        for commit, stamp in zip(log[::2], log[1::2], strict=True):
            content = subprocess.run(
                [*GIT, f"--git-dir={repo}", "cat-file", "blob", f"{commit}:{path}"],
                capture_output=True,
                check=True,
            ).stdout
            if content.strip():
                return RawSnapshot(
                    f"{repo}@{commit}:{path}",
                    content,
                    dt.datetime.fromisoformat(stamp),
                    commit,
                    "git",
                )
    return None


def raw_of(repos: list[tuple[Path, str]], commit: str) -> RawSnapshot | None:
    """The snapshot of a given commit (the one the store answered from)."""
    for repo, path in repos:
        shown = subprocess.run(
            [*GIT, f"--git-dir={repo}", "show", "-s", "--format=%cI", commit],
            capture_output=True,
            text=True,
        )
        if shown.returncode == 0 and shown.stdout.strip():
            content = subprocess.run(
                [*GIT, f"--git-dir={repo}", "cat-file", "blob", f"{commit}:{path}"],
                capture_output=True,
                check=True,
            ).stdout
            stamp = dt.datetime.fromisoformat(shown.stdout.strip())
            return RawSnapshot(f"{repo}@{commit}:{path}", content, stamp, commit, "git")
    return None


def committed(repos: list[tuple[Path, str]], commit: str) -> str:
    for repo, _ in repos:
        shown = subprocess.run(
            [*GIT, f"--git-dir={repo}", "show", "-s", "--format=%cI", commit],
            capture_output=True,
            text=True,
        )
        if shown.returncode == 0 and shown.stdout.strip():
            return dt.datetime.fromisoformat(shown.stdout.strip()).astimezone(dt.UTC).isoformat()
    return "unknown"


# ---- the baseline: the documented share rules applied to the raw JSON (docs/fedramp.md) -----
# Written independently of whosbehind's readers and store: it parses the JSON itself.

_JAB = re.compile(r"\bJAB\b|joint authorization board", re.IGNORECASE)
_AUTHORIZED = frozenset({"compliant", "authorized", "fedramp authorized"})
EASTERN = ZoneInfo("America/New_York")


def _text(value: object) -> str:
    return "" if value is None else " ".join(str(value).split())


def _key(name: str) -> str:
    """Provider grouping key: case, runs of spaces and trailing punctuation ignored."""
    return re.sub(r"[\s.,;:]+$", "", _text(name).casefold())


def _stamp(value: object) -> dt.datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        found = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:  # junk such as "3/3/1/2020": no date
        return None
    return found if found.tzinfo else found.replace(tzinfo=dt.UTC)


def _day(value: object) -> dt.date | None:
    """A record date: an instant read as a US Eastern calendar date; None if absent or junk."""
    found = _stamp(value)
    return found.astimezone(EASTERN).date() if found else None


def _ids(value: object) -> list[str]:
    """A list of ids, published as a list, a single string or a Python repr of a list."""
    if isinstance(value, str) and value.strip().startswith("["):
        try:
            value = ast.literal_eval(value.strip())
        except (ValueError, SyntaxError):
            value = [value]
    items = value if isinstance(value, list) else [value] if isinstance(value, str) else []
    return [text for item in items if (text := _text(item))]


def _objects(value: object) -> list[dict[str, Any]]:
    if isinstance(value, str) and value.strip().startswith("["):
        try:
            value = ast.literal_eval(value.strip())
        except (ValueError, SyntaxError):
            return []
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


@dataclass
class Listed:
    """One offering as the first record of its package id states it."""

    provider: str  # spaces collapsed (display)
    authorized: bool
    authorized_on: dt.date | None
    jab: bool
    letters: list[dt.date | None] = field(default_factory=list)  # dated agency ATO letters
    atos: int = 0  # undated ATOs of which one may be the initial authorization (2023)
    runs_on: list[str] = field(default_factory=list)


def _first(records: object, id_field: str) -> dict[str, dict[str, Any]]:
    """package id -> its first record (a package id listed twice keeps its first record)."""
    first: dict[str, dict[str, Any]] = {}
    for record in records if isinstance(records, list) else ():
        if isinstance(record, dict) and (package_id := _text(record.get(id_field))):
            first.setdefault(package_id, record)
    return first


def read_legacy(data: object) -> dict[str, Listed]:
    providers = data if isinstance(data, list) else (data or {}).get("Providers", [])
    found: dict[str, Listed] = {}
    for package_id, record in _first(providers, "Package_ID").items():
        letters = record.get("Leveraged_ATO_Letters")
        found[package_id] = Listed(
            _text(record.get("Cloud_Service_Provider_Name")),
            _text(record.get("Designation")).casefold() in _AUTHORIZED,
            _day(record.get("Original_Authorization_Date")),
            bool(_JAB.search(_text(record.get("Path")))),
            [
                _day(letter.get("Letter_Date"))
                or _day(letter.get("Authorizing_Letter_Last_Sign_Date"))
                for letter in letters
                if isinstance(letter, dict)
            ]
            if isinstance(letters, list)
            else [],
            runs_on=[u for u in _ids(record.get("Underlying_CSP_Package_ID")) if u != package_id],
        )
    return found


def read_marketplace(data: dict[str, Any]) -> dict[str, Listed]:
    found: dict[str, Listed] = {}
    products = _first(data.get("Products"), "id")
    for package_id, product in products.items():
        found[package_id] = Listed(
            _text(product.get("csp") or product.get("name")),
            _text(product.get("status")).casefold() in _AUTHORIZED,
            _day(product.get("auth_date")) or _day(product.get("fedramp_auth")),
            bool(_JAB.search(_text(product.get("auth_type")))),
        )
    for package_id, product in products.items():  # leveraged_systems: who runs ON this one
        for system in _objects(product.get("leveraged_systems")):
            runs = _text(system.get("id"))
            if runs and runs != package_id and runs in found:
                found[runs].runs_on.append(package_id)
    if "ReuseMapping" in data:  # each row one agency ATO letter
        for row in data["ReuseMapping"] or ():
            if isinstance(row, dict) and (listed := found.get(_text(row.get("id")))):
                listed.letters.append(_day(row.get("ato_date")) or _day(row.get("auth_date")))
    else:  # before it: each agency's undated ATOs; the JAB's list holds initial P-ATOs
        for agency in _first(data.get("Agencies"), "id").values():
            if _JAB.search(_text(agency.get("parent"))):
                continue
            for system in _objects(agency.get("auths")):
                if listed := found.get(_text(system.get("id"))):
                    listed.atos += 1
    return found


def baseline_share(
    repos: list[tuple[Path, str]],
    instant: dt.datetime,
    measure: str,
    attribution: str,
    commit: str | None = None,
) -> Result:
    """The same answer computed from the raw snapshot with the rules of docs/fedramp.md: from
    the newest snapshot committed by ``instant``, or from the snapshot of ``commit``."""
    raw = raw_of(repos, commit) if commit else raw_at(repos, instant)
    if raw is None or raw.commit is None:
        return "", 0, []
    try:
        document = orjson.loads(raw.content)
        data = document["data"]
        listed = read_marketplace(data) if "Products" in data else read_legacy(data)
    except (orjson.JSONDecodeError, KeyError, TypeError, AttributeError):
        return raw.commit, 0, []
    meta = document.get("meta") if isinstance(document.get("meta"), dict) else {}
    stated = _stamp(meta.get("Created_At") or meta.get("last_change"))
    day, valid = (stated or raw.fallback_time).astimezone(dt.UTC).date(), instant.date()
    counted = {
        package_id: offering
        for package_id, offering in listed.items()
        if offering.authorized and (offering.authorized_on or day) <= valid
    }
    spellings: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for offering in listed.values():
        spellings[_key(offering.provider)][offering.provider] += 1
    display = {
        key: min(c.items(), key=lambda kv: (-kv[1], kv[0]))[0] for key, c in spellings.items()
    }
    counts: Counter[str] = Counter()
    for offering in counted.values():
        letters = sum((signed or day) <= valid for signed in offering.letters)
        # undated 2023 ATOs: one of a non-JAB offering's is its initial authorization
        letters += offering.atos - (offering.atos > 0 and not offering.jab)
        weight = {"offerings": 1, "authorizations": 1 + letters, "letters": letters}[measure]
        credited = {_key(offering.provider)}
        if attribution == "infrastructure":
            credited |= {_key(listed[u].provider) for u in offering.runs_on if u in listed}
        for provider in credited:
            counts[provider] += weight
    rows = sorted(
        ((display[k], c) for k, c in counts.items() if c > 0),
        key=lambda row: (-row[1], row[0].casefold()),
    )
    return raw.commit, sum(counts.values()), rows


def timed(function: Callable[..., Result], *args: object) -> tuple[float, Result]:
    start = time.perf_counter()
    result = function(*args)
    return (time.perf_counter() - start) * 1000, result


def compare(
    engine: Engine,
    repos: list[tuple[Path, str]],
    instant: dt.datetime,
    measure: str,
    attribution: str,
    repeat: int,
    flip: bool,
) -> tuple[float, float, Result, Result]:
    """Median ms of the store and of the baseline over ``repeat`` alternating runs."""
    ours: list[float] = []
    theirs: list[float] = []
    mine: Result = ("", 0, [])
    other: Result = ("", 0, [])
    for round_ in range(repeat):
        for side in ("baseline", "store") if (round_ % 2 == 1) != flip else ("store", "baseline"):
            if side == "store":
                ms, mine = timed(store_share, engine, instant, measure, attribution)
                ours.append(ms)
            else:
                ms, other = timed(baseline_share, repos, instant, measure, attribution)
                theirs.append(ms)
    return median(ours), median(theirs), mine, other


def differences(mine: Result, other: Result, limit: int = 8) -> str:
    """The providers whose counts differ, as ``name store/baseline``."""
    ours, theirs = dict(mine[2]), dict(other[2])
    differ = [
        (name, ours.get(name, 0), theirs.get(name, 0))
        for name in sorted({*ours, *theirs})
        if ours.get(name, 0) != theirs.get(name, 0)
    ]
    shown = "; ".join(f"{name} {a}/{b}" for name, a, b in differ[:limit])
    if not differ and mine[2] != other[2]:
        shown = "same counts, different order"
    return shown + (f"; and {len(differ) - limit} more" if len(differ) > limit else "")


@dataclass
class Done:
    instant: dt.datetime
    measure: str
    attribution: str
    store_ms: float
    baseline_ms: float
    mine: Result
    other: Result
    # where the snapshots differ: the baseline's count on the store's snapshot
    recheck: Result | None = None

    @property
    def combo(self) -> str:
        return f"{self.measure} x {self.attribution}"

    @property
    def same_snapshot(self) -> bool:
        return self.mine[0] == self.other[0]

    @property
    def agree(self) -> bool:
        return self.mine[1:] == self.other[1:]


def store_origin(db: Path) -> str:
    """Which code built the store (recorded beside it when this script builds one)."""
    note = db.with_name(db.name + ".built-by")
    if not note.exists():
        return "built by code not recorded (no " + note.name + ")"
    built = note.read_text().strip()
    now = source_fingerprint()
    same = built.split("fingerprint ", 1)[-1].split(",", 1)[0] == now
    return f"built by {built}" + (
        "" if same else f" -- **WARNING: the measured modules are now {now}**"
    )


def main() -> bool:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5 snapshots per history, 3 dates")
    parser.add_argument("--dates", type=int, default=50)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--store", type=Path, help="reuse (or build and keep) this store")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--workdir", type=Path)
    parser.add_argument(
        "--allow-dirty",
        action="store_true",
        help="measure even if the measured modules differ from HEAD",
    )
    args = parser.parse_args()
    dates, repeat = (3, 1) if args.quick else (args.dates, args.repeat)
    print(header("FedRAMP share queries" + (" (--quick)" if args.quick else "")), flush=True)
    require_clean(args.allow_dirty)
    with workdir(args.workdir) as folder:
        found = histories(args.data)
        repos: list[tuple[Path, str]] = []
        times: list[dt.datetime] = []
        for name in ("marketplace", "legacy"):
            commits = found[name].commits()[: 5 if args.quick else None]
            repo = found[name].repo
            if args.quick:
                repo = make_view(repo, folder / f"{name}.git", commits[-1][0])
            repos.append((repo, found[name].paths[0]))
            times += [commits[0][1], commits[-1][1]]
        db = args.store or folder / "store.duckdb"
        if not db.exists():
            fingerprint = source_fingerprint()
            seconds = build_store(db, [r for r, _ in repos])
            built = f"fingerprint {fingerprint}, {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC"
            if source_fingerprint() != fingerprint:
                built += " (the measured modules changed on disk while it was built; this process"
                built += " ran the code it had imported)"
            db.with_name(db.name + ".built-by").write_text(built + "\n")
            print(
                f"store built from both histories in {seconds:.1f} s (not part of the "
                f"comparison), {built}\n"
            )
        else:
            print(f"store reused: {db}, {store_origin(db)}\n")
        low, high = min(times).astimezone(dt.UTC) + dt.timedelta(days=1), max(times)
        rng = random.Random(args.seed)
        instants = sorted(low + (high - low) * rng.random() for _ in range(dates))
        start = time.perf_counter()
        engine = Engine(db, read_only=True)
        cold = store_share(engine, instants[0], MEASURES[0], ATTRIBUTIONS[0])
        cold_ms = (time.perf_counter() - start) * 1000
        done: list[Done] = []
        for i, instant in enumerate(instants):
            for measure in MEASURES:
                for attribution in ATTRIBUTIONS:
                    a, b, mine, other = compare(
                        engine, repos, instant, measure, attribution, repeat, i % 2 == 1
                    )
                    done.append(Done(instant, measure, attribution, a, b, mine, other))
                    if mine[0] != other[0] and mine[0]:
                        done[-1].recheck = baseline_share(
                            repos, instant, measure, attribution, mine[0]
                        )
        engine.close()
        rows: list[list[object]] = []
        for combo in [*dict.fromkeys(d.combo for d in done), "all"]:
            chosen = [d for d in done if combo in ("all", d.combo)]
            mine_ms, base_ms = [d.store_ms for d in chosen], [d.baseline_ms for d in chosen]
            agree = (
                f"{sum(d.agree for d in chosen)}/{len(chosen)} "
                f"({sum(d.same_snapshot for d in chosen)})"
            )
            rows.append(
                [
                    combo,
                    median(mine_ms),
                    percentile(mine_ms, 95),
                    max(mine_ms),
                    median(base_ms),
                    percentile(base_ms, 95),
                    max(base_ms),
                    median(base_ms) / median(mine_ms),
                    agree,
                ]
            )
        print(
            f"{dates} instants from {instants[0]:%Y-%m-%d} to {instants[-1]:%Y-%m-%d} "
            f"(first query: {cold[1]} in total), {repeat} runs each; "
            f"store {db.stat().st_size / 1e6:.1f} MB\n"
        )
        print(
            table(
                [
                    "measure x attribution",
                    "store median ms",
                    "store p95 ms",
                    "store max ms",
                    "baseline median ms",
                    "baseline p95 ms",
                    "baseline max ms",
                    "baseline / store (medians)",
                    "same total and rows (same snapshot)",
                ],
                rows,
            )
        )
        print(f"\ncold: opening the store and the first query took {cold_ms:.0f} ms")
        every = [d.store_ms for d in done]
        if not args.quick:
            print(
                f"\ntarget share query < {TARGET_MS:.0f} ms: {verdict(max(every) < TARGET_MS)} "
                f"(p95 {percentile(every, 95):.0f} ms, max {max(every):.0f} ms)"
            )
        wrong = [d for d in done if not d.agree]
        apart = [d for d in wrong if not d.same_snapshot]
        rechecked = sum(d.recheck is not None and d.recheck[1:] == d.mine[1:] for d in apart)
        if not wrong:
            print(f"\nstore and baseline agree in all {len(done)} comparisons")
        else:
            print(
                f"\nstore and baseline disagree in {len(wrong)} of {len(done)} comparisons"
                f" ({len(wrong) - len(apart)} on the same snapshot; {len(apart)} where they"
                " chose different snapshots, of which the baseline agrees with the store in"
                f" {rechecked} when it counts the store's snapshot):\n"
            )
        if wrong:
            print(
                table(
                    [
                        "instant (UTC)",
                        "measure",
                        "attribution",
                        "snapshot store / baseline",
                        "total store / baseline",
                        "providers differing (store/baseline)",
                        "baseline on the store's snapshot",
                    ],
                    [
                        [
                            f"{d.instant:%Y-%m-%d %H:%M}",
                            d.measure,
                            d.attribution,
                            f"{d.mine[0][:10]} / {d.other[0][:10]}"
                            + ("" if d.same_snapshot else " (**different snapshots**)"),
                            f"{d.mine[1]} / {d.other[1]}",
                            differences(d.mine, d.other),
                            "(same snapshot)"
                            if d.recheck is None
                            else "agrees"
                            if d.recheck[1:] == d.mine[1:]
                            else "differs: " + differences(d.mine, d.recheck),
                        ]
                        for d in wrong
                    ],
                )
            )
        chose = {(d.instant, d.mine[0], d.other[0]) for d in done if not d.same_snapshot}
        if chose:
            print("\nwhere the two chose different snapshots (commit times from git):\n")
            for instant, mine, other in sorted(chose):
                print(
                    f"- {instant:%Y-%m-%d %H:%M:%S} UTC: store {mine[:10]} (record time "
                    f"{RECORD_TIMES.get(mine, 'unknown')}, committed {committed(repos, mine)}), "
                    f"baseline {other[:10]} (committed {committed(repos, other)})"
                )
        print(flush=True)
    return bool(args.allow_dirty)


if __name__ == "__main__":
    text, status = finish(main())
    print(text, flush=True)
    sys.exit(status)
