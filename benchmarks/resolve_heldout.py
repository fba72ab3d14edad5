"""The held-out sets of session 6 (issue 14): names no rule of the matcher was written against.

Fixed (this file committed) before any of its pairs was scored or read. Every 2023 ICE
local-government name is studied (halves A and B, sessions 4-5), so these sets are taken from
the other public records in ``../shared/data`` that give an identifier with an organization's
name, and that no benchmark, test or rule of ``resolve`` had read as names to match (checked
with ``git grep`` over src, tests, benchmarks and docs for each file's path, and ``git log
--all --grep`` for the sources; see docs/benchmarks.md):

* **FedRAMP providers, gold UEI** (``fedramp_provider_names``): every distinct provider name
  the FedRAMP feeds give a package (the legacy feed's ``Cloud_Service_Provider_Name``, the
  marketplace feed's and the organization export's ``csp``; every 20th snapshot of each
  history and the newest), filed under that package's UEI (the organization export's and the
  marketplace feed's ``uei``; a package given two UEIs is left out). Companies, a few
  governments and universities. Left out, because they were read: every UEI any of whose names
  has the name key of a name in ``benchmarks/labels/cross_source_identity.csv`` (the 50 largest
  providers and their candidates, studied for issue 10/14's cross-source rules). Names only
  (the feeds give no city or state). The organization export, the marketplace feed and
  the legacy feed were read by the ingest, the cross-source benchmark (top 50 only, left out
  here) and the throughput benchmark (synthetic names, no quality scored).
* **Treasury contracts, gold DUNS** (``treasury_vendor_names``): the 126 real Treasury contract
  transactions of September 2016 in USAspending's legacy v1 layout
  (``reference/usaspending_treasury_contracts_2016-09.csv``): each row's ``vendorname``,
  ``vendorlegalorganizationname``, ``vendordoingasbusinessname`` and ``vendoralternatename``,
  filed under its ``dunsnumber``, with the row's city and state. Not read by any code of the
  project before this file.

As in ``labeled_records.local_gov_names``, a name filed under two identifiers is dropped.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from pathlib import Path

from whosbehind.errors import SourceError
from whosbehind.model.orgs import OrgRecord
from whosbehind.resolve.labeled_records import _named_records
from whosbehind.resolve.names import name_key
from whosbehind.sources.gitwalk import list_snapshot_commits, walk_git_history

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = (ROOT / "../shared/data").resolve()
CROSS_SOURCE_LABELS = ROOT / "benchmarks" / "labels" / "cross_source_identity.csv"
EVERY = 20  # every 20th snapshot of each history, and the newest
TREASURY = "reference/usaspending_treasury_contracts_2016-09.csv"
TREASURY_NAMES = (
    "vendorname",
    "vendorlegalorganizationname",
    "vendordoingasbusinessname",
    "vendoralternatename",
)

Named = tuple[list[OrgRecord], dict[str, str]]


def _clean(value: object) -> str:
    return " ".join(str(value or "").split())


def _snapshots(repo: Path, path: str, first: int) -> list[object]:
    commits = [c[0] for c in list_snapshot_commits(repo, (path,))]
    picked = frozenset(commits[first::EVERY] + commits[-1:])
    documents = []
    for raw in walk_git_history(repo, (path,), only_commits=picked):
        try:
            documents.append(json.loads(raw.content))
        except ValueError as error:
            raise SourceError(f"{raw.locator}: not JSON ({error})") from error
    return documents


def _studied_keys(labels: Path) -> set[str]:
    """Name keys of every provider and candidate named in the cross-source labels."""
    with labels.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        return {name_key(row[c]) for row in rows for c in ("provider", "name") if row[c]}


def fedramp_provider_names(
    data: Path = DEFAULT_SHARED, labels: Path = CROSS_SOURCE_LABELS
) -> Named:
    """Records (name only) of FedRAMP provider names, and name -> UEI gold."""
    fedramp = data / "fedramp"
    ueis: dict[str, set[str]] = defaultdict(set)  # package id -> UEIs
    names: dict[str, set[str]] = defaultdict(set)  # package id -> provider names
    export = json.loads((fedramp / "org-export" / "fedramp-products.json").read_text())
    marketplace = _snapshots(fedramp / "marketplace-history.git", "data.json", 1)
    for products in [export["products"]] + [d["data"]["Products"] for d in marketplace]:  # type: ignore[index]
        for product in products:
            package = _clean(product.get("id"))
            if uei := _clean(product.get("uei")):
                ueis[package].add(uei)
            if name := _clean(product.get("csp")):
                names[package].add(name)
    for document in _snapshots(fedramp / "legacy-history.git", "data/data.json", 0):
        data_part = document.get("data") if isinstance(document, dict) else None
        providers = data_part.get("Providers", []) if isinstance(data_part, dict) else []
        for provider in providers:
            if name := _clean(provider.get("Cloud_Service_Provider_Name")):
                names[_clean(provider.get("Package_ID"))].add(name)
    ids_of: dict[str, set[str]] = defaultdict(set)
    for package, found in ueis.items():
        if len(found) == 1:
            for name in names.get(package, ()):
                ids_of[name].add(next(iter(found)))
    studied = _studied_keys(labels)
    names_of_uei: dict[str, set[str]] = defaultdict(set)
    for name, found in ids_of.items():
        for uei in found:
            names_of_uei[uei].add(name)
    left_out = {u for u, ns in names_of_uei.items() if any(name_key(n) in studied for n in ns)}
    kept = {n: ids for n, ids in ids_of.items() if not ids & left_out}
    return _named_records("fedramp", kept, {n: [("", "")] for n in kept})


def treasury_vendor_names(data: Path = DEFAULT_SHARED) -> Named:
    """Records (name, city, state) of the Treasury vendors' names, and name -> DUNS gold."""
    path = data / TREASURY
    ids_of: dict[str, set[str]] = defaultdict(set)
    places: dict[str, list[tuple[str, ...]]] = defaultdict(list)
    try:
        with path.open(encoding="utf-8", errors="strict", newline="") as handle:
            for row in csv.DictReader(handle):
                duns = _clean(row["dunsnumber"])
                if not duns:
                    continue
                for column in TREASURY_NAMES:
                    if name := _clean(row[column]):
                        ids_of[name].add(duns)
                        places[name].append((_clean(row["city"]), _clean(row["state"])))
    except (OSError, KeyError, UnicodeDecodeError) as error:
        raise SourceError(f"{path}: {error}") from error
    return _named_records("treasury", ids_of, places)


HELDOUT_SETS = {
    "FedRAMP providers (gold UEI)": fedramp_provider_names,
    "Treasury vendors 2016-09 (gold DUNS)": treasury_vendor_names,
}


def main() -> None:
    """Counts only (no pair is printed): the sets' sizes."""
    for label, build in HELDOUT_SETS.items():
        records, gold = build()
        clusters: dict[str, int] = defaultdict(int)
        for ident in gold.values():
            clusters[ident] += 1
        pairs = sum(n * (n - 1) // 2 for n in clusters.values())
        print(f"{label}: {len(records)} names, {len(clusters)} identifiers, {pairs} true pairs")


if __name__ == "__main__":
    main()
