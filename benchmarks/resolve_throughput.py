"""Organization resolution at 1,000,000 synthetic records: normalize, block, match, cluster.

Usage (package installed, or PYTHONPATH=src):
    python benchmarks/resolve_throughput.py [--records N] [--orgs N] [--seed S]

The records are SYNTHETIC, generated from the real name distributions:

- real names: the ICE fy13-fy18 award recipients (weighted by their number of award rows, with
  their city, state and reported parent), the 2023 ICE local-government recipients, and the
  FedRAMP providers (org-export/fedramp-products.json);
- organizations: every real name, plus made-up ones up to ``--orgs``, each a real name whose
  first word is replaced by the first word of another real name ("PALANTIR SECURITY SERVICES,
  INC.");
- each organization gets an identifier (9-digit DUNS; UEI for FedRAMP and local government) with
  the share its source has one, and a weight drawn from the real number of award rows per name;
- each record draws an organization by weight and, with probability ``VARY``, writes its name
  with one variation: a different legal suffix, punctuation dropped, another case, common
  abbreviations (SERVICES -> SVCS ...), cut at 30 characters (as older USAspending rows are),
  or doubled spaces. A record repeats its organization's identifier, city, state and parent.

Timed, end to end and in memory: ``matching.profiles_of`` (names.normalize_name, cached per
distinct raw name), ``matching.match_profiles`` (blocking, comparison, scoring), and
``clusters.cluster`` over identifier, name-key and matcher edges (as run_resolve builds them).
The baseline, in the same run: exact name-key grouping (normalize_name per distinct raw name,
then a dict of key -> records). Peak RSS is the process's (ru_maxrss), generation included.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import time
from collections import Counter
from pathlib import Path

from whosbehind.model.orgs import OrgRecord
from whosbehind.resolve.clusters import Edge, cluster, identifier_edges, name_key_edges
from whosbehind.resolve.labeled import read_awards
from whosbehind.resolve.matching import MATCH_THRESHOLD, match_profiles, profiles_of
from whosbehind.resolve.names import normalize_name

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "../shared/data"
VARY = 0.3
TRUNCATE_AT = 30
SUFFIXES = ("INC", "INC.", ", INC.", " INCORPORATED", " LLC", ", LLC", " CORP", " CORPORATION")
ABBREVIATIONS = {
    "ASSOCIATES": "ASSOC",
    "SERVICES": "SVCS",
    "INTERNATIONAL": "INTL",
    "TECHNOLOGIES": "TECH",
    "TECHNOLOGY": "TECH",
    "MANAGEMENT": "MGMT",
    "DEPARTMENT": "DEPT",
    "CORPORATION": "CORP",
    "COMPANY": "CO",
    "SYSTEMS": "SYS",
    "GOVERNMENT": "GOVT",
    "AND": "&",
}
GENERIC_HEADS = frozenset("THE A AN CITY COUNTY STATE TOWN OF DEPARTMENT DEPT US U.S.".split())


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def real_names() -> tuple[list[dict[str, object]], list[int]]:
    """Real organizations (name, id scheme, id share, place, parent, weight) and row counts."""
    awards = read_awards(DATA / "contracts/ice-fy13-fy18")
    rows = Counter(a.name for a in awards if a.name.strip())
    first = {a.name: a for a in awards}
    found: list[dict[str, object]] = []
    for name, count in rows.items():
        a = first[name]
        parent = a.parent_name if a.parent_name and a.parent_name != name else None
        found.append(
            {
                "name": name,
                "scheme": "duns",
                "share": 1.0,
                "city": a.city,
                "state": a.state,
                "parent": parent,
                "weight": count,
            }
        )
    products = json.loads((DATA / "fedramp/org-export/fedramp-products.json").read_text())
    providers = Counter(p["csp"] for p in products["products"] if p["csp"].strip())
    with_uei = sum(1 for p in products["products"] if p.get("uei")) / len(products["products"])
    for name, count in providers.items():
        found.append(
            {
                "name": name,
                "scheme": "uei",
                "share": with_uei,
                "city": None,
                "state": None,
                "parent": None,
                "weight": count,
            }
        )
    return found, list(rows.values())


def _vary(name: str, rnd: random.Random) -> str:
    kind = rnd.randrange(6)
    if kind == 0:
        stem = normalize_name(name).display.upper()
        for suffix in SUFFIXES:
            stem = stem.removesuffix(suffix)
        return stem.rstrip(" ,") + rnd.choice((*SUFFIXES, ""))
    if kind == 1:
        return name.replace(",", "").replace(".", "")
    if kind == 2:
        return name.title() if rnd.random() < 0.5 else name.lower()
    if kind == 3:
        return " ".join(ABBREVIATIONS.get(word, word) for word in name.split())
    if kind == 4:
        return name[:TRUNCATE_AT]
    return name.replace(" ", "  ", 1)


def generate(n_records: int, n_orgs: int, seed: int) -> list[OrgRecord]:
    rnd = random.Random(seed)
    real, row_counts = real_names()
    heads = [str(r["name"]).split()[0] for r in real]
    heads = [h for h in heads if h.upper() not in GENERIC_HEADS and len(h) > 2]
    orgs = list(real)
    names = {str(o["name"]) for o in orgs}
    while len(orgs) < n_orgs:
        template = rnd.choice(real)
        words = str(template["name"]).split()
        name = " ".join(
            [rnd.choice(heads), *words[1:]] if len(words) > 1 else [rnd.choice(heads), *words]
        )
        if name in names:
            continue
        names.add(name)
        orgs.append({**template, "name": name, "weight": rnd.choice(row_counts)})
    for i, org in enumerate(orgs):
        if rnd.random() < float(str(org["share"])):
            org["id"] = f"{i:09d}" if org["scheme"] == "duns" else f"SYN{i:09d}"
    weights = [float(str(o["weight"])) for o in orgs]
    records = []
    for k, org in enumerate(rnd.choices(orgs, weights=weights, k=n_records)):
        name = str(org["name"])
        if rnd.random() < VARY:
            name = _vary(name, rnd)
        ident = org.get("id")
        records.append(
            OrgRecord(
                record_key=f"syn:{k}",
                source="synthetic",
                name=name,
                duns=str(ident) if ident and org["scheme"] == "duns" else None,
                uei=str(ident) if ident and org["scheme"] == "uei" else None,
                city=org["city"] and str(org["city"]),
                state=org["state"] and str(org["state"]),
                parent_name=org["parent"] and str(org["parent"]),
            )
        )
    return records


def baseline(records: list[OrgRecord]) -> tuple[float, float, int]:
    started, cpu = time.perf_counter(), time.process_time()
    cache: dict[str, str] = {}
    groups: dict[str, list[str]] = {}
    for record in records:
        key = cache.get(record.name)
        if key is None:
            key = cache[record.name] = normalize_name(record.name).key
        groups.setdefault(key, []).append(record.record_key)
    return time.perf_counter() - started, time.process_time() - cpu, len(groups)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--orgs", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    started = time.perf_counter()
    records = generate(args.records, args.orgs, args.seed)
    generated = time.perf_counter() - started
    distinct = len({r.name for r in records})
    rss_generated = _rss_mb()
    print(
        f"- records: {len(records):,} synthetic ({distinct:,} distinct raw names, "
        f"{args.orgs:,} organizations, seed {args.seed}), generated in {generated:.1f} s"
    )
    print(
        f"- machine: {platform.machine()}, Python {platform.python_version()}, "
        f"load average at start {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )

    base_seconds, base_cpu, base_groups = baseline(records)

    c0, t0 = time.process_time(), time.perf_counter()
    profiles = profiles_of(records)
    c1, t1 = time.process_time(), time.perf_counter()
    pairs = match_profiles(profiles)
    c2, t2 = time.process_time(), time.perf_counter()
    keys = {p.record_key: p.key for p in profiles}
    edges = [
        *identifier_edges(records),
        *name_key_edges(keys, {r.record_key: r.state for r in records}),
        *(
            Edge(p.left_key, p.right_key, "match", p.probability, p.detail)
            for p in pairs
            if p.probability >= MATCH_THRESHOLD
        ),
    ]
    result = cluster(keys, edges)
    c3, t3 = time.process_time(), time.perf_counter()
    total, cpu = t3 - t0, c3 - c0
    print()
    print("| step | seconds | CPU seconds | output |")
    print("|---|---|---|---|")
    print(
        f"| normalize (profiles_of) | {t1 - t0:.1f} | {c1 - c0:.1f} | {len(profiles):,} profiles |"
    )
    matched = f"{len(pairs):,} pairs >= review threshold"
    print(
        f"| block + compare + score (match_profiles) | {t2 - t1:.1f} | {c2 - c1:.1f} | {matched} |"
    )
    clustered = f"{len(result.clusters):,} clusters from {len(edges):,} edges"
    print(f"| cluster (resolve.clusters) | {t3 - t2:.1f} | {c3 - c2:.1f} | {clustered} |")
    print(f"| **end to end** | **{total:.1f}** | **{cpu:.1f}** | |")
    groups = f"{base_groups:,} groups"
    print(f"| baseline: exact name-key grouping | {base_seconds:.1f} | {base_cpu:.1f} | {groups} |")
    print()
    print(f"- end to end / baseline: {total / base_seconds:.2f}x wall, {cpu / base_cpu:.2f}x CPU")
    print(f"- peak RSS: {_rss_mb():,.0f} MB (after generation: {rss_generated:,.0f} MB)")
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"- load average at the end: {load} (2 cores; wall time counts other jobs' share)")
    verdict = "met" if total < 60 else "not met"
    print(
        f"- target < 60 s for {len(records):,} records: **{verdict}** ({total:.1f} s wall, "
        f"{cpu:.1f} s CPU)"
    )


if __name__ == "__main__":
    main()
