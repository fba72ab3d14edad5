"""``fedramp_share`` on the full store against counting from the raw snapshot, as Markdown.

Usage: python3 benchmarks/fedramp_share.py [--quick] [--dates 50] [--repeat 3] [--store PATH]

50 random instants (seeded) between the first legacy snapshot and the last marketplace one, and
for each every measure x attribution (impact: all), with the feed ``auto``. Each query runs
``--repeat`` times, alternating with the baseline; its figure is the median of its runs.

- store: ``fedramp_share(engine, instant, measure=..., attribution=...)`` on a store holding
  both whole histories (built with the real pipeline unless ``--store`` names an existing one),
  opened read-only once;
- baseline, what a user without whosbehind does: find the newest commit at or before the instant
  (``git log -1 --before``; marketplace history first, then legacy), ``git cat-file`` its JSON,
  ``parse_snapshot`` (orjson) and count in Python with the same rules (whosbehind's record
  readers normalize names, so both sides count the same things; the result is compared; the
  rules are those of ``fedramp_share`` as of this writing, including undated ``ato`` letters).

``--quick``: a store of the first 5 snapshots of each history and 3 instants.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import subprocess
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

from _common import (
    DEFAULT_DATA,
    GIT,
    all_facts,
    build_store,
    footer,
    header,
    histories,
    make_view,
    median,
    percentile,
    table,
    verdict,
    workdir,
)
from whosbehind.analysis.fedramp_share import ATTRIBUTIONS, MEASURES, fedramp_share
from whosbehind.errors import SnapshotError
from whosbehind.model.fedramp import Authorization, Offering, RunsOn
from whosbehind.sources.fedramp.reader import parse_snapshot
from whosbehind.sources.snapshot import RawSnapshot
from whosbehind.store.engine import Engine

TARGET_MS = 200.0
Result = tuple[str, int, list[tuple[str, int]]]  # commit, total, (provider, count) rows


def store_share(engine: Engine, instant: dt.datetime, measure: str, attribution: str) -> Result:
    found = fedramp_share(engine, instant, measure=measure, attribution=attribution)
    commit = found.snapshot.locator.rsplit("@", 1)[-1].split(":", 1)[0]
    return commit, found.total, [(row.provider, row.count) for row in found.rows]


def raw_at(repos: list[tuple[Path, str]], instant: dt.datetime) -> RawSnapshot | None:
    """The newest snapshot committed at or before ``instant`` that parses, first repo first."""
    for repo, path in repos:
        log = subprocess.run([*GIT, f"--git-dir={repo}", "log", "-3", "--format=%H %cI",
                              f"--before={instant.isoformat()}", "--", path],
                             capture_output=True, text=True, check=True).stdout.split()
        for commit, stamp in zip(log[::2], log[1::2], strict=True):
            content = subprocess.run([*GIT, f"--git-dir={repo}", "cat-file", "blob",
                                      f"{commit}:{path}"], capture_output=True, check=True).stdout
            if content.strip():
                return RawSnapshot(f"{repo}@{commit}:{path}", content,
                                   dt.datetime.fromisoformat(stamp), commit, "git")
    return None


def baseline_share(repos: list[tuple[Path, str]], instant: dt.datetime, measure: str,
                   attribution: str) -> Result:
    raw = raw_at(repos, instant)
    if raw is None or raw.commit is None:
        return "", 0, []
    try:
        parsed = parse_snapshot(raw)
    except SnapshotError:
        return raw.commit, 0, []
    day, valid = (parsed.record_time or raw.fallback_time).date(), instant.date()
    facts: dict[type, dict[tuple[object, ...], object]] = defaultdict(dict)
    for kind, found in all_facts(parsed).items():
        for fact in found:  # a duplicate key keeps its first fact, as the store does
            facts[kind].setdefault(tuple(getattr(fact, name) for name in kind.KEY), fact)
    offerings = [f for f in facts[Offering].values() if isinstance(f, Offering)]
    spellings: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for offering in offerings:
        spellings[offering.provider_key][offering.provider] += 1
    display = {key: min(c.items(), key=lambda kv: (-kv[1], kv[0]))[0]
               for key, c in spellings.items()}
    owner = {o.package_id: o.provider_key for o in offerings}
    authorized = {o.package_id: (o.provider_key, o.path) for o in offerings
                  if o.status == "authorized" and (o.authorization_date or day) <= valid}
    weights = dict.fromkeys(authorized, 0 if measure == "letters" else 1)
    letters: Counter[str] = Counter()
    atos: Counter[str] = Counter()  # undated ATOs: an agency-path offering's first is its initial
    for letter in facts[Authorization].values() if measure != "offerings" else ():
        assert isinstance(letter, Authorization)
        signed = letter.letter_date or letter.last_sign_date or day
        if letter.kind in ("letter", "ato") and signed <= valid and letter.package_id in weights:
            letters[letter.package_id] += 1
            atos[letter.package_id] += letter.kind == "ato"
    for package_id, count in letters.items():
        weights[package_id] += count - (atos[package_id] > 0 and authorized[package_id][1] != "jab")
    runs_on: defaultdict[str, list[str]] = defaultdict(list)
    if attribution == "infrastructure":
        for edge in facts[RunsOn].values():
            assert isinstance(edge, RunsOn)
            runs_on[edge.package_id].append(edge.underlying_id)
    counts: Counter[str] = Counter()
    for package_id, (key, _) in authorized.items():
        credited = {key} | {owner[u] for u in runs_on.get(package_id, ()) if u in owner}
        for provider in credited:
            counts[provider] += weights[package_id]
    rows = sorted(((display.get(k, k), c) for k, c in counts.items() if c > 0),
                  key=lambda row: (-row[1], row[0].casefold()))
    return raw.commit, sum(counts.values()), rows


def timed(function: Callable[..., Result], *args: object) -> tuple[float, Result]:
    start = time.perf_counter()
    result = function(*args)
    return (time.perf_counter() - start) * 1000, result


def compare(engine: Engine, repos: list[tuple[Path, str]], instant: dt.datetime, measure: str,
            attribution: str, repeat: int, flip: bool) -> tuple[float, float, Result, Result]:
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5 snapshots per history, 3 dates")
    parser.add_argument("--dates", type=int, default=50)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--store", type=Path, help="reuse (or build and keep) this store")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--workdir", type=Path)
    args = parser.parse_args()
    dates, repeat = (3, 1) if args.quick else (args.dates, args.repeat)
    print(header("FedRAMP share queries" + (" (--quick)" if args.quick else "")), flush=True)
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
            print(f"store built from both histories in {build_store(db, [r for r, _ in repos]):.1f}"
                  " s (not part of the comparison)\n")
        low, high = min(times).astimezone(dt.UTC) + dt.timedelta(days=1), max(times)
        rng = random.Random(args.seed)
        instants = sorted(low + (high - low) * rng.random() for _ in range(dates))
        start = time.perf_counter()
        engine = Engine(db, read_only=True)
        cold = store_share(engine, instants[0], MEASURES[0], ATTRIBUTIONS[0])
        cold_ms = (time.perf_counter() - start) * 1000
        done: list[tuple[str, float, float, bool, bool]] = []  # combo, ms, ms, snapshot, agree
        for i, instant in enumerate(instants):
            for measure in MEASURES:
                for attribution in ATTRIBUTIONS:
                    a, b, mine, other = compare(engine, repos, instant, measure, attribution,
                                                repeat, i % 2 == 1)
                    done.append((f"{measure} x {attribution}", a, b, mine[0] == other[0],
                                 mine[1:] == other[1:]))
        engine.close()
        rows: list[list[object]] = []
        for combo in [*dict.fromkeys(d[0] for d in done), "all"]:
            chosen = [d for d in done if combo in ("all", d[0])]
            mine_ms, base_ms = [d[1] for d in chosen], [d[2] for d in chosen]
            agree = f"{sum(d[4] for d in chosen)}/{len(chosen)} ({sum(d[3] for d in chosen)})"
            rows.append([combo, median(mine_ms), percentile(mine_ms, 95), max(mine_ms),
                         median(base_ms), percentile(base_ms, 95), max(base_ms),
                         median(base_ms) / median(mine_ms), agree])
        print(f"{dates} instants from {instants[0]:%Y-%m-%d} to {instants[-1]:%Y-%m-%d} "
              f"(first query: {cold[1]} in total), {repeat} runs each; "
              f"store {db.stat().st_size / 1e6:.1f} MB\n")
        print(table(["measure x attribution", "store median ms", "store p95 ms", "store max ms",
                     "baseline median ms", "baseline p95 ms", "baseline max ms",
                     "baseline / store (medians)", "same total and rows (same snapshot)"], rows))
        print(f"\ncold: opening the store and the first query took {cold_ms:.0f} ms")
        every = [d[1] for d in done]
        if not args.quick:
            print(f"\ntarget share query < {TARGET_MS:.0f} ms: {verdict(max(every) < TARGET_MS)} "
                  f"(p95 {percentile(every, 95):.0f} ms, max {max(every):.0f} ms)")
        print(flush=True)


if __name__ == "__main__":
    main()
    print(footer(), flush=True)
