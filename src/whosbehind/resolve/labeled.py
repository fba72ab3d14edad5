"""A labeled set of organization names from the Torn Apart analysts' curated ICE files (2018).

Each ``LabeledName`` says: this raw name, as written in a public record, denotes the
organization the analysts called ``cluster_label``. Raw names with the same label (compared
casefolded, whitespace collapsed, so "McKinsey" and "Mckinsey" are one label) form a gold
cluster; each source file gives its own clustering, since their labels are written differently.

- ``vendor_decorations.csv`` (one row per DUNS): ``origName`` labelled with ``cleanName``. Its
  rows are of three kinds, told apart by looking the (DUNS, origName) up in fy13-fy18.csv:
  ``own`` (origName is a recipient name of that DUNS): kept. ``child_on_parent`` (origName is
  the recipient name of another DUNS whose parent is this DUNS, filed as this DUNS's parent
  name): dropped, the label names the parent, not the string. ``parent`` (origName is only a
  parent-name string for this DUNS, labelled with whoever owns the DUNS now): kept only when
  the same label is given to some kept ``own`` row, i.e. the owner label is itself a recipient
  entity; otherwise the label is an acquirer or holding ("DOLLAR THRIFTY AUTOMOTIVE GROUP INC."
  -> Hertz Global Holdings) and would make false gold non-matches ("NATIONAL BUSINESS FURNITURE
  LLC" -> Takkt America Holding beside "NATIONAL BUSINESS FURNITURE, LLC").
- ``hoovers_names_and_duns.csv``: a D&B name per DUNS. Raw names are the fy13-fy18 recipient
  names filed under that DUNS; the label is the Hoovers name (DUNS with one name merge).
- ``freezer.csv``: FY18 awards with a cleaned recipient name; ``award_id`` joins
  ``award_id_piid`` in fy18.csv, whose ``recipient_name`` is the raw name.
- ``child_companies_clean_names.csv``: every ``cleanName`` is empty, so it yields no records.

Organizations only: any DUNS that an award flags as a sole proprietorship is left out. A raw
name given two different labels within one source is ambiguous and left out. Every dropped row
is counted by reason in ``LabeledSet.dropped``.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import TextIO

from whosbehind.errors import SourceError

VENDOR_DECORATIONS = "vendor_decorations.csv"
HOOVERS = "hoovers_names_and_duns.csv"
FREEZER = "freezer.csv"
CHILD_COMPANIES = "child_companies_clean_names.csv"
LABEL_SOURCES = (VENDOR_DECORATIONS, HOOVERS, FREEZER)
AWARD_FILES = tuple(f"fy{year}.csv" for year in range(13, 19))


@dataclass(frozen=True, slots=True)
class LabeledName:
    """``raw_name`` is labelled ``cluster_label`` by line ``row`` of ``source_file``.

    ``raw_from`` is where the raw string itself was read (``file:line``).
    """

    raw_name: str
    cluster_label: str
    source_file: str
    row: int
    raw_from: str


@dataclass(frozen=True, slots=True)
class Award:
    """The recipient fields of one award row in fy13-fy18.csv."""

    locator: str
    piid: str
    duns: str
    name: str
    parent_duns: str
    parent_name: str
    sole_proprietorship: bool
    city: str = ""
    state: str = ""


@dataclass(slots=True)
class LabeledSet:
    records: list[LabeledName]
    dropped: dict[str, Counter[str]] = field(default_factory=dict)

    def gold(self, source_file: str) -> dict[str, str]:
        """The gold clustering of one source: raw name -> label key."""
        return {
            r.raw_name: label_key(r.cluster_label)
            for r in self.records
            if r.source_file == source_file
        }


def label_key(label: str) -> str:
    return " ".join(label.casefold().split())


def true_pairs(clustering: Mapping[str, Hashable]) -> set[tuple[str, str]]:
    """Every unordered pair of distinct items in the same cluster, as sorted tuples."""
    members: dict[Hashable, list[str]] = defaultdict(list)
    for item, cluster in clustering.items():
        members[cluster].append(item)
    return {pair for group in members.values() for pair in combinations(sorted(group), 2)}


def build_labeled_set(directory: Path) -> LabeledSet:
    awards = read_awards(directory)
    labeled = LabeledSet(records=[])
    for name, reader in (
        (VENDOR_DECORATIONS, vendor_decoration_records),
        (HOOVERS, hoovers_records),
        (FREEZER, freezer_records),
    ):
        records, dropped = reader(directory, awards)
        kept, ambiguous = _drop_ambiguous(records)
        if ambiguous:
            dropped["raw name given two labels"] += ambiguous
        labeled.records.extend(kept)
        labeled.dropped[name] = dropped
    _, labeled.dropped[CHILD_COMPANIES] = child_company_records(directory)
    return labeled


def normalize_duns(value: str) -> str:
    value = value.strip().strip("'").strip()
    return value.zfill(9) if value.isdigit() else value


def read_awards(directory: Path) -> list[Award]:
    columns = [row[1] for _, row in _rows(directory / "follow_the_money_data_dictionary.csv")]
    awards: list[Award] = []
    for file in AWARD_FILES:
        for line, row in _rows(directory / file):
            if line == 1 and row[0] == columns[0]:
                continue  # only fy13.csv has a header row
            if len(row) != len(columns):
                raise SourceError(f"{file}:{line}: {len(row)} cells, expected {len(columns)}")
            cell = dict(zip(columns, row, strict=True))
            awards.append(
                Award(
                    locator=f"{file}:{line}",
                    piid=cell["award_id_piid"],
                    duns=normalize_duns(cell["recipient_duns"]),
                    name=cell["recipient_name"],
                    parent_duns=normalize_duns(cell["recipient_parent_duns"]),
                    parent_name=cell["recipient_parent_name"],
                    sole_proprietorship=cell["sole_proprietorship"] == "t",
                    city=cell["recipient_city_name"],
                    state=cell["recipient_state_code"],
                )
            )
    return awards


@dataclass(frozen=True, slots=True)
class AwardIndex:
    """Which (DUNS, name) pairs fy13-fy18.csv files as recipient and as parent."""

    own: frozenset[tuple[str, str]]
    parent: frozenset[tuple[str, str]]
    child_on_parent: frozenset[tuple[str, str]]

    @classmethod
    def of(cls, awards: list[Award]) -> AwardIndex:
        return cls(
            own=frozenset((a.duns, a.name) for a in awards),
            parent=frozenset((a.parent_duns, a.parent_name) for a in awards),
            child_on_parent=frozenset(
                (a.parent_duns, a.name) for a in awards if a.duns != a.parent_duns
            ),
        )

    def kind(self, duns: str, orig_name: str) -> str:
        """``own``, ``child_on_parent``, ``parent`` or ``unmatched`` (see the module docstring)."""
        if (duns, orig_name) in self.own:
            return "own"
        if (duns, orig_name) not in self.parent:
            return "unmatched"
        if (duns, orig_name) in self.child_on_parent:
            return "child_on_parent"
        return "parent"


def vendor_decoration_records(
    directory: Path, awards: list[Award]
) -> tuple[list[LabeledName], Counter[str]]:
    individuals = _individual_duns(awards)
    dropped: Counter[str] = Counter()
    own: list[LabeledName] = []
    parents: list[LabeledName] = []
    index = AwardIndex.of(awards)
    for line, row in _dict_rows(directory / VENDOR_DECORATIONS):
        duns, orig, clean = normalize_duns(row["duns"]), row["origName"], row["cleanName"]
        if not orig.strip() or not clean.strip():
            dropped["empty origName or cleanName"] += 1
            continue
        if duns in individuals:
            dropped["sole proprietorship"] += 1
            continue
        kind = index.kind(duns, orig)
        record = LabeledName(orig, clean, VENDOR_DECORATIONS, line, f"{VENDOR_DECORATIONS}:{line}")
        if kind == "own":
            own.append(record)
        elif kind == "parent":
            parents.append(record)
        else:
            dropped[f"kind {kind}"] += 1
    own_labels = {label_key(r.cluster_label) for r in own}
    kept_parents = [r for r in parents if label_key(r.cluster_label) in own_labels]
    dropped["kind parent, owner label not on any own row"] += len(parents) - len(kept_parents)
    return sorted(own + kept_parents, key=lambda r: r.row), +dropped


def hoovers_records(directory: Path, awards: list[Award]) -> tuple[list[LabeledName], Counter[str]]:
    individuals = _individual_duns(awards)
    by_duns: dict[str, list[Award]] = defaultdict(list)
    for award in awards:
        by_duns[award.duns].append(award)
    dropped: Counter[str] = Counter()
    records: dict[tuple[str, str, int], LabeledName] = {}
    for line, row in _rows(directory / HOOVERS, quotechar="'"):
        name, duns = row[0], normalize_duns(row[1])
        if line == 1:
            continue  # header
        if duns in individuals:
            dropped["sole proprietorship"] += 1
        elif not by_duns.get(duns):
            dropped["DUNS never a recipient in fy13-fy18"] += 1
        for award in [] if duns in individuals else by_duns.get(duns, []):
            if not award.name.strip():
                continue
            key = (award.name, name, line)
            records.setdefault(key, LabeledName(award.name, name, HOOVERS, line, award.locator))
    return sorted(records.values(), key=lambda r: (r.row, r.raw_name)), +dropped


def freezer_records(directory: Path, awards: list[Award]) -> tuple[list[LabeledName], Counter[str]]:
    individuals = _individual_duns(awards)
    fy18 = {a.piid: a for a in awards if a.locator.startswith("fy18.csv:")}
    dropped: Counter[str] = Counter()
    records: list[LabeledName] = []
    for line, row in _dict_rows(directory / FREEZER):
        award = fy18.get(row["award_id"])
        if award is None:
            dropped["award_id not in fy18.csv"] += 1
        elif not award.name.strip() or not row["recipient_name"].strip():
            dropped["empty name"] += 1
        elif award.sole_proprietorship or award.duns in individuals:
            dropped["sole proprietorship"] += 1
        else:
            records.append(
                LabeledName(award.name, row["recipient_name"], FREEZER, line, award.locator)
            )
    return records, +dropped


def child_company_records(directory: Path) -> tuple[list[LabeledName], Counter[str]]:
    records: list[LabeledName] = []
    dropped: Counter[str] = Counter()
    for line, row in _dict_rows(directory / CHILD_COMPANIES):
        raw, clean = row["origName"].strip(), row["cleanName"].strip()
        if not clean:
            dropped["empty cleanName"] += 1
        else:
            records.append(
                LabeledName(raw, clean, CHILD_COMPANIES, line, f"{CHILD_COMPANIES}:{line}")
            )
    return records, dropped


def _individual_duns(awards: list[Award]) -> set[str]:
    return {a.duns for a in awards if a.sole_proprietorship and a.duns}


def _drop_ambiguous(records: list[LabeledName]) -> tuple[list[LabeledName], int]:
    labels: dict[str, set[str]] = defaultdict(set)
    for record in records:
        labels[record.raw_name].add(label_key(record.cluster_label))
    kept = [r for r in records if len(labels[r.raw_name]) == 1]
    return kept, len(records) - len(kept)


def _open(path: Path) -> TextIO:
    try:
        return path.open(encoding="utf-8", newline="")
    except OSError as error:
        raise SourceError(f"{path}: {error}") from error


def _rows(path: Path, quotechar: str = '"') -> Iterator[tuple[int, list[str]]]:
    with _open(path) as handle:
        reader = csv.reader(handle, quotechar=quotechar, skipinitialspace=quotechar != '"')
        for row in reader:
            yield reader.line_num, row


def _dict_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    with _open(path) as handle:
        reader = csv.DictReader(handle)
        for row in reader:
            yield reader.line_num, row
