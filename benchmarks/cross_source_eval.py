"""Cross-source identity: do the largest FedRAMP providers resolve with their contract recipients
and SEC registrants?

Usage (package installed, or PYTHONPATH=src):
    python benchmarks/cross_source_eval.py [--data DIR] [--store PATH] [--top 50]
        [--labels FILE] [--rebuild] [--weights-without-judged]

1. Builds a store (or reuses ``--store`` when it exists): ICE's contracts (``ice-fy13-fy18``,
   ``ice-local-gov``), FedRAMP (every 400th legacy snapshot and every 200th marketplace
   snapshot, the newest of each, the organization export), the SEC company files
   (``whosbehind ingest sec``), then ``whosbehind resolve``, no judgements.
   ``--weights-without-judged``: resolved instead with the shipped model's fit
   (``resolve_eval_methods.pooled_model``) counted without any labelled ICE name whose key is a
   name of the labels file, so that no weight is fitted on a judged name (16 of its names are
   among the labelled ICE names); the fitted threshold is applied by shifting the prior so that
   the registry's ``MATCH_THRESHOLD`` falls where the fit's threshold does.
2. Ranks providers by ``fedramp share --measure authorizations --attribution direct`` (the
   newest snapshot, today) and takes the ``--top`` largest.
3. For each, the organization ``org "fedramp:KEY"`` returns, and every *candidate*: a contract
   recipient or reported parent, or an SEC registrant, whose name carries the provider's name:
   the name key's first distinctive word (the first two when the first is a common word such as
   "general") as a word of the candidate's key, or starting a key written without spaces
   ("AMAZON.COM" -> "amazoncom"), or, for a provider named by an acronym ("IBM"), a key with
   those initials. One candidate per source, name and identifier.
4. Compares each with the hand judgement in the labels file
   (``benchmarks/labels/cross_source_identity.csv``: same / parent-of / different):
   a ``same`` candidate is joined when it is in the provider's org; a ``parent-of`` one when it
   is in the org or the two orgs have one ultimate parent today; a ``different`` one is wrongly
   joined when either holds. A candidate without a label is listed and makes the exit code 1.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import functools
import math
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from whosbehind.analysis.fedramp.share import fedramp_share
from whosbehind.analysis.org_rollup import RollUp, load_rollup
from whosbehind.pipeline.contracts.ingest import ingest_usaspending
from whosbehind.pipeline.ingest_fedramp import FedrampIngest
from whosbehind.pipeline.ingest_sec import ingest_sec
from whosbehind.resolve.cross_source import brand_of
from whosbehind.resolve.match_model import MatchModel
from whosbehind.resolve.matching import MATCH_THRESHOLD, match_records
from whosbehind.resolve.names import name_key, normalize_name
from whosbehind.resolve.registry import Matcher, run_resolve
from whosbehind.resolve.registry_read import lookup
from whosbehind.sources.fetch import read_file
from whosbehind.sources.gitwalk import list_snapshot_commits, walk_git_history
from whosbehind.store.engine import Engine

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = (ROOT / "../shared/data").resolve()
DEFAULT_LABELS = ROOT / "benchmarks" / "labels" / "cross_source_identity.csv"
# First words that do not say which company a name is: take two words instead.
COMMON_LEADS = frozenset(
    "general united national american us usa the federal government global first new".split()
)
_ACRONYM = re.compile(r"[A-Z][A-Z0-9]{1,5}")


@dataclass
class Candidate:
    source: str  # usaspending | sec
    name: str
    identifier: str  # duns:..., uei:..., cik:... or ""
    roles: set[str] = field(default_factory=set)  # recipient, parent, registrant
    orgs: set[str] = field(default_factory=set)
    key: str = ""


@dataclass
class Provider:
    name: str
    keys: list[str]
    count: int
    org: str | None
    candidates: list[Candidate] = field(default_factory=list)


def build_store(path: Path, data: Path, matcher: Matcher = match_records) -> None:
    engine = Engine(path)
    try:
        for folder in ("ice-fy13-fy18", "ice-local-gov"):
            ingest_usaspending(engine, data / "contracts" / folder)
        job = FedrampIngest(engine)
        fedramp = data / "fedramp"
        for repo, snapshot_path, every, first in (
            ("legacy-history.git", "data/data.json", 400, 0),
            ("marketplace-history.git", "data.json", 200, 1),  # the first is not JSON
        ):
            commits = [c[0] for c in list_snapshot_commits(fedramp / repo, (snapshot_path,))]
            picked = frozenset(commits[first::every] + commits[-1:])
            for raw in walk_git_history(fedramp / repo, (snapshot_path,), only_commits=picked):
                job.add(raw)
        for name in ("fedramp-products.json", "fedramp-status-changelog.json"):
            job.add(read_file(fedramp / "org-export" / name))
        ingest_sec(engine, str(data / "sec"))  # SEC's files as snapshots, read back by resolve
        run_resolve(engine, judgements_path=None, matcher=matcher)
    finally:
        engine.close()


def matcher_without(names: set[str], data: Path) -> tuple[Matcher, MatchModel, float]:
    """``match_records`` with the shipped model's fit counted without ``names``' keys; the fit's
    threshold moved to ``MATCH_THRESHOLD`` through the prior (same decisions at the registry's
    threshold)."""
    from resolve_eval_methods import RecordSet, pooled_model  # type: ignore[import-not-found]
    from whosbehind.resolve.labeled import LABEL_SOURCES, build_labeled_set, read_awards
    from whosbehind.resolve.labeled_records import labeled_records

    directory = data / "contracts" / "ice-fy13-fy18"
    labeled, awards = build_labeled_set(directory), read_awards(directory)
    sets = {
        source: RecordSet(*labeled_records(labeled, source, awards), labeled.gold(source))
        for source in LABEL_SOURCES
    }
    model, threshold = pooled_model(sets, without={name_key(name) for name in names})
    shift = _logit(MATCH_THRESHOLD) - _logit(threshold)
    prior = 1 / (1 + math.exp(-(_logit(model.prior) + shift)))
    moved = MatchModel(prior=prior, weights=model.weights)
    return functools.partial(match_records, model=moved), model, threshold


def _logit(p: float) -> float:
    return math.log(p / (1 - p))


def judged_names(labels: Path) -> set[str]:
    """Every provider and candidate name of the labels file."""
    with labels.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        return {name for row in rows for name in (row["provider"], row["name"]) if name}


def providers(engine: Engine, top: int) -> list[Provider]:
    now = dt.datetime.now(dt.UTC)
    share = fedramp_share(engine, now, measure="authorizations", attribution="direct")
    snapshot = share.snapshot
    found: list[Provider] = []
    for row in share.rows[:top]:
        keys = sorted(
            str(key)
            for (key,) in engine.connection.execute(
                "SELECT DISTINCT provider_key FROM fedramp_offering WHERE feed = ? "
                "AND from_seq <= ? AND (to_seq IS NULL OR to_seq > ?) "
                "AND package_id IN (SELECT unnest(?))",
                [snapshot.feed, snapshot.seq, snapshot.seq, row.offerings],
            ).fetchall()
        )
        orgs = [org for key in keys for org in lookup(engine, f"fedramp:{key}")]
        found.append(Provider(row.provider, keys, row.count, orgs[0] if orgs else None))
    return found


def leads(provider: str) -> list[list[str]]:
    """The words a candidate's key must hold to carry the provider's name (see the docstring)."""
    normalized = normalize_name(provider)
    found = []
    for text in (normalized.display, normalized.trade_name):
        words = name_key(text).split() if text else []
        if not words:
            continue
        lead = words[:2] if words[0] in COMMON_LEADS or len(words[0]) < 3 else words[:1]
        found.append(lead)
    return found


def carries(provider: str, key: str) -> bool:
    words = key.split()
    for lead in leads(provider):
        n = len(lead)
        if any(words[i : i + n] == lead for i in range(len(words) - n + 1)):
            return True
        compact = "".join(lead)
        if len(compact) >= 5 and key.replace(" ", "").startswith(compact):
            return True
    name = provider.strip()
    if _ACRONYM.fullmatch(name) and len(words) == len(name):
        return "".join(w[0] for w in words) == name.lower()
    return False


def candidates(engine: Engine, found: list[Provider]) -> None:
    rows = engine.rows(
        "SELECT r.record_key, r.source, r.name, r.duns, r.uei, r.cik, r.name_key, m.org_id "
        "FROM org_record r JOIN org_member m USING (record_key) "
        "WHERE r.source IN ('usaspending', 'sec') AND coalesce(r.name, '') <> '' "
        "ORDER BY r.record_key"
    )
    for provider in found:
        units: dict[tuple[str, str, str], Candidate] = {}
        for row in rows:
            key = row["name_key"] or name_key(row["name"])
            if not carries(provider.name, key):
                continue
            identifier = (
                f"cik:{row['cik']}"
                if row["cik"]
                else f"uei:{row['uei']}"
                if row["uei"]
                else f"duns:{row['duns']}"
                if row["duns"]
                else ""
            )
            name = " ".join(row["name"].split())
            unit = units.setdefault(
                (row["source"], name.casefold(), identifier),
                Candidate(row["source"], name, identifier, key=key),
            )
            unit.orgs.add(row["org_id"])
            record_key = str(row["record_key"])
            unit.roles.add(
                "registrant"
                if record_key.startswith("sec:")
                else "parent"
                if record_key.startswith("usaspending-parent:")
                else "recipient"
            )
        provider.candidates = sorted(units.values(), key=lambda c: (c.source, c.name, c.identifier))


Labels = dict[tuple[str, str, str, str], dict[str, str]]
LABEL_COLUMNS = ("provider", "source", "name", "identifier", "roles", "judgement", "reason")


def write_candidates(found: list[Provider]) -> None:
    """The candidates as label rows with the judgement and reason empty: what a person judges,
    without anything the method decided."""
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(LABEL_COLUMNS)
    for provider in found:
        for c in provider.candidates:
            roles = "+".join(sorted(c.roles))
            writer.writerow([provider.name, c.source, c.name, c.identifier, roles, "", ""])


def read_labels(path: Path) -> Labels:
    with path.open(newline="", encoding="utf-8") as stream:
        return {
            (row["provider"], row["source"], row["name"].casefold(), row["identifier"]): row
            for row in csv.DictReader(line for line in stream if not line.startswith("#"))
        }


@dataclass
class Outcome:
    provider: Provider
    candidate: Candidate
    label: dict[str, str] | None
    result: str  # joined | missed | wrongly joined | apart | unlabeled
    how: str


def judge(
    found: list[Provider], labels: dict[tuple[str, str, str, str], dict[str, str]], rollup: RollUp
) -> list[Outcome]:
    today = dt.date.today()
    outcomes: list[Outcome] = []
    for provider in found:
        top = rollup.up(provider.org, today).parent_id if provider.org else None
        for candidate in provider.candidates:
            label = labels.get(
                (provider.name, candidate.source, candidate.name.casefold(), candidate.identifier)
            )
            one_org = provider.org is not None and candidate.orgs == {provider.org}
            family = top is not None and all(
                rollup.up(org, today).parent_id == top for org in candidate.orgs
            )
            how = "one org" if one_org else "one family" if family else "apart"
            if label is None:
                result = "unlabeled"
            elif label["judgement"] == "same":
                result = "joined" if one_org else "missed"
            elif label["judgement"] == "parent-of":
                result = "joined" if one_org or family else "missed"
            else:
                result = "wrongly joined" if one_org or family else "apart"
            outcomes.append(Outcome(provider, candidate, label, result, how))
    return outcomes


def report(found: list[Provider], outcomes: list[Outcome], rollup: RollUp) -> str:
    lines: list[str] = []
    counts: defaultdict[str, int] = defaultdict(int)
    by_label: defaultdict[tuple[str, str], int] = defaultdict(int)
    for outcome in outcomes:
        counts[outcome.result] += 1
        judgement = outcome.label["judgement"] if outcome.label else "-"
        by_label[(judgement, outcome.result)] += 1
    with_candidates = sum(1 for p in found if p.candidates)
    lines.append(
        f"{len(found)} providers, {with_candidates} with candidates, "
        f"{len(outcomes)} candidates judged by hand"
    )
    lines.append("")
    lines.append("| hand judgement | candidates | joined | missed | wrongly joined | kept apart |")
    lines.append("|---|---|---|---|---|---|")
    for judgement in ("same", "parent-of", "different"):
        total = sum(v for (j, _), v in by_label.items() if j == judgement)
        lines.append(
            f"| {judgement} | {total} | {by_label[(judgement, 'joined')]} | "
            f"{by_label[(judgement, 'missed')]} | {by_label[(judgement, 'wrongly joined')]} | "
            f"{by_label[(judgement, 'apart')]} |"
        )
    positives = counts["joined"] + counts["missed"]
    lines.append(
        f"| **all** | {len(outcomes)} | **{counts['joined']}** | **{counts['missed']}** | "
        f"**{counts['wrongly joined']}** | {counts['apart']} |"
    )
    if positives:
        lines.append("")
        lines.append(
            f"Recall {counts['joined']}/{positives} = {counts['joined'] / positives:.3f}; "
            f"wrong joins {counts['wrongly joined']}."
        )
    lines.append("")
    lines.append('| # | provider | authorizations | org (`org "fedramp:KEY"`) | candidates |')
    lines.append("|---|---|---|---|---|")
    for rank, provider in enumerate(found, 1):
        shown = (
            f"{rollup.name(provider.org)} [{provider.org}]" if provider.org else "(not resolved)"
        )
        parts = [
            f"{o.candidate.name} ({o.candidate.source}, {o.how}: {o.result})"
            for o in outcomes
            if o.provider is provider
        ]
        lines.append(
            f"| {rank} | {provider.name} | {provider.count} | {shown} | "
            + ("; ".join(parts) or "none")
            + " |"
        )
    for title, kind in (
        ("Misses", "missed"),
        ("Wrong joins", "wrongly joined"),
        ("Unlabeled", "unlabeled"),
    ):
        chosen = [o for o in outcomes if o.result == kind]
        lines.append("")
        lines.append(f"{title}: {len(chosen)}")
        for o in chosen:
            seen = (
                f"keys {name_key(o.provider.name)!r} / {o.candidate.key!r}, brands "
                f"{brand_of(name_key(o.provider.name))!r} / {brand_of(o.candidate.key)!r}; "
                f"candidate in {', '.join(sorted(rollup.name(org) for org in o.candidate.orgs))}"
            )
            why = f" Label: {o.label['judgement']}: {o.label['reason']}" if o.label else ""
            lines.append(
                f"- {o.provider.name} ~ {o.candidate.name} ({o.candidate.source} "
                f"{o.candidate.identifier or 'no id'}): {seen}.{why}"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--store", type=Path, default=Path("/tmp/whosbehind-cross-source.duckdb"))
    parser.add_argument("--rebuild", action="store_true", help="build the store again")
    parser.add_argument("--top", type=int, default=50)
    parser.add_argument("--labels", type=Path, default=DEFAULT_LABELS)
    parser.add_argument(
        "--candidates",
        action="store_true",
        help="print the candidates to judge (CSV, no method output) and stop",
    )
    parser.add_argument(
        "--weights-without-judged",
        action="store_true",
        help="resolve with the shipped model's fit counted without the judged names (rebuilds)",
    )
    args = parser.parse_args(argv)
    if args.weights_without_judged:
        matcher, model, threshold = matcher_without(judged_names(args.labels), args.data)
        print(
            f"Weights counted without the {len(judged_names(args.labels))} judged names' keys:"
            f" prior {model.prior:.3f}, threshold {threshold:g}; "
            + ", ".join(
                f"{c}.{level} {w:+.2f}"
                for c, levels in model.weights.items()
                for level, w in levels.items()
            )
            + "\n"
        )
        args.store.unlink(missing_ok=True)
        build_store(args.store, args.data, matcher)
    elif args.rebuild or not args.store.exists():
        args.store.unlink(missing_ok=True)
        build_store(args.store, args.data)
    engine = Engine(args.store, read_only=True)
    try:
        found = providers(engine, args.top)
        candidates(engine, found)
        if args.candidates:
            write_candidates(found)
            return 0
        rollup = load_rollup(engine)
        outcomes = judge(found, read_labels(args.labels), rollup)
        print(report(found, outcomes, rollup))
    finally:
        engine.close()
    return 1 if any(o.result == "unlabeled" for o in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
