"""Analysts' existing name maps as judgements, each citing its file and line.

A raw name mapped to a clean name says: records with that raw name are the organization called
"clean name". That is a ``same`` judgement between ``name:<raw>`` and ``name:<clean>`` (the clean
name becomes a canonical name record), plus ``same`` between ``duns:<DUNS>`` and the clean name
where the file gives a DUNS. A parent mapping is ``parent-of`` (parent left), undated.

Formats (``detect_format`` tells them apart by their header):

- ``vendor-decorations`` (duns, cleanName, vendorName, origName, url). When the award files
  fy13-fy18.csv sit beside it, each row is classified as resolve.labeled does: an origName that is
  only a *parent-name string* of the DUNS, or a subsidiary's name filed as the DUNS's parent, and
  whose name key differs from cleanName, is the clean-named owner's subsidiary: ``parent-of``
  (Thomson owns WEST PUBLISHING CORPORATION), not ``same``. Without the award files every row
  is taken as raw -> clean.
- ``hoovers`` (name, duns; single-quoted): ``same`` between the DUNS and the D&B name.
- ``freezer`` (FY18 awards with cleaned recipient_name and parent_name): ``parent-of`` parent ->
  recipient; with fy18.csv beside it, also ``same`` between the award's raw recipient name and
  the cleaned one.
- ``child-companies`` (origName, cleanName): raw -> clean; an empty cleanName maps nothing.
- ``mapping``: any CSV, with ``from_column``, ``to_column`` and ``relation`` given. A cell
  written ``scheme:value`` is that reference; a column named duns/uei/cik/cage holds that
  identifier; anything else is a name.

Rows about a DUNS the award files flag as a sole proprietorship are skipped: organizations only.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from whosbehind.errors import SourceError, UsageError
from whosbehind.model.orgs import IDENTIFIER_SCHEMES, Judgement, JudgementKind, RecordRef
from whosbehind.resolve import labeled
from whosbehind.resolve.judgements import judgement_key, same_ref
from whosbehind.resolve.names import name_key

ImportFormat = Literal["vendor-decorations", "hoovers", "freezer", "child-companies", "mapping"]
FORMATS: tuple[ImportFormat, ...] = (
    "vendor-decorations",
    "hoovers",
    "freezer",
    "child-companies",
    "mapping",
)
_SIGNATURES: tuple[tuple[ImportFormat, frozenset[str]], ...] = (
    ("vendor-decorations", frozenset({"duns", "cleanName", "origName"})),
    ("freezer", frozenset({"award_id", "recipient_name", "parent_name"})),
    ("child-companies", frozenset({"origName", "cleanName"})),
    ("hoovers", frozenset({"name", "duns"})),
)
SOLE_PROPRIETOR = "sole proprietorship (a person, not an organization)"


@dataclass(frozen=True, slots=True)
class Proposal:
    """One judgement a row states, before deduplication: ``kind`` ``left`` ``right`` at ``line``."""

    line: int
    kind: JudgementKind
    left: RecordRef
    right: RecordRef
    note: str


@dataclass(slots=True)
class ImportResult:
    """What an import read, the new judgements, and why the rest was skipped."""

    format: ImportFormat
    rows: int = 0
    judgements: list[Judgement] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)


@dataclass(frozen=True, slots=True)
class MappingSpec:
    from_column: str
    to_column: str
    relation: Literal["same", "parent-of"] = "same"


def detect_format(path: Path) -> ImportFormat:
    """The format whose columns the file's header holds; UsageError when none fits."""
    with labeled._open(path) as handle:
        header = next(csv.reader(handle, skipinitialspace=True), [])
    columns = {cell.strip().strip("'") for cell in header}
    for name, needed in _SIGNATURES:
        if needed <= columns:
            return name
    raise UsageError(
        f"{path}: cannot tell the format from its header ({', '.join(sorted(columns))}); "
        "give --format, or --format mapping with --from-column and --to-column"
    )


def import_judgements(
    path: Path,
    *,
    format: ImportFormat | Literal["auto"] = "auto",
    mapping: MappingSpec | None = None,
    source: str | None = None,
    author: str = "",
    recorded: dt.date | None = None,
    existing: Iterable[Judgement] = (),
) -> ImportResult:
    """The judgements ``path`` states that ``existing`` does not hold yet, and skip counts."""
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    if mapping is not None and format == "auto":
        format = "mapping"
    chosen = detect_format(path) if format == "auto" else format
    if chosen == "mapping" and mapping is None:
        raise UsageError("--format mapping needs --from-column and --to-column")
    result = ImportResult(chosen)
    label = source or path.name
    seen = {judgement_key(j) for j in existing}
    found: set[tuple[object, ...]] = set()
    for item in _proposals(chosen, path, mapping, result):
        if isinstance(item, str):
            result.skipped[item] += 1
            continue
        if same_ref(item.left, item.right):
            result.skipped["identical"] += 1
            continue
        judgement = Judgement(
            kind=item.kind,
            left=item.left,
            right=item.right,
            source=f"{label}:{item.line}",
            note=item.note,
            author=author,
            recorded=recorded,
        )
        key = judgement_key(judgement)
        if key in seen:
            result.skipped["already present"] += 1
        elif key in found:
            result.skipped["duplicate in this file"] += 1
        else:
            found.add(key)
            result.judgements.append(judgement)
    return result


def _proposals(
    chosen: ImportFormat, path: Path, mapping: MappingSpec | None, result: ImportResult
) -> Iterator[Proposal | str]:
    """Proposals, or a skip reason, per row; counts rows in ``result.rows``."""
    awards = (
        _awards_beside(path) if chosen in ("vendor-decorations", "hoovers", "freezer") else None
    )
    if chosen == "vendor-decorations":
        rows = _vendor_decorations(path, awards)
    elif chosen == "hoovers":
        rows = _hoovers(path, awards)
    elif chosen == "freezer":
        rows = _freezer(path, awards)
    elif chosen == "child-companies":
        rows = _raw_to_clean(path, "origName", "cleanName")
    else:
        assert mapping is not None
        rows = _mapping(path, mapping)
    for row in rows:
        result.rows += 1
        yield from row


def _awards_beside(path: Path) -> list[labeled.Award] | None:
    if all((path.parent / file).is_file() for file in labeled.AWARD_FILES):
        return labeled.read_awards(path.parent)
    return None


def _individuals(awards: list[labeled.Award] | None) -> set[str]:
    return {a.duns for a in awards or [] if a.sole_proprietorship and a.duns}


def _vendor_decorations(
    path: Path, awards: list[labeled.Award] | None
) -> Iterator[list[Proposal | str]]:
    index = labeled.AwardIndex.of(awards) if awards is not None else None
    individuals = _individuals(awards)
    for line, row in _dict_rows(path, ("duns", "origName", "cleanName")):
        duns = labeled.normalize_duns(row["duns"])
        orig, clean = row["origName"].strip(), row["cleanName"].strip()
        if not clean:
            yield ["empty mapping"]
            continue
        if duns in individuals:
            yield [SOLE_PROPRIETOR]
            continue
        out: list[Proposal | str] = []
        clean_ref = RecordRef("name", clean)
        if duns:
            out.append(
                Proposal(line, "same", RecordRef("duns", duns), clean_ref, "cleanName of duns")
            )
        kind = index.kind(duns, row["origName"]) if index else "own"
        if not orig:
            pass
        elif kind in ("parent", "child_on_parent") and not _same_name(orig, clean):
            note = (
                f"origName is filed as the parent name of duns {duns} ({kind}); cleanName owns it"
            )
            out.append(Proposal(line, "parent-of", clean_ref, RecordRef("name", orig), note))
        else:
            out.append(
                Proposal(line, "same", RecordRef("name", orig), clean_ref, "cleanName of origName")
            )
        yield out or ["empty mapping"]


def _hoovers(path: Path, awards: list[labeled.Award] | None) -> Iterator[list[Proposal | str]]:
    individuals = _individuals(awards)
    for line, row in labeled._rows(path, quotechar="'"):
        if line == 1 and [c.strip() for c in row] == ["name", "duns"]:
            continue
        if len(row) != 2:
            raise SourceError(f"{path}:{line}: {len(row)} cells, expected 2 (name, duns)")
        name, duns = row[0].strip(), labeled.normalize_duns(row[1])
        if not name or not duns:
            yield ["empty mapping"]
        elif duns in individuals:
            yield [SOLE_PROPRIETOR]
        else:
            yield [
                Proposal(
                    line,
                    "same",
                    RecordRef("duns", duns),
                    RecordRef("name", name),
                    "D&B Hoovers name of duns",
                )
            ]


def _freezer(path: Path, awards: list[labeled.Award] | None) -> Iterator[list[Proposal | str]]:
    fy18 = {a.piid: a for a in awards or [] if a.locator.startswith("fy18.csv:")}
    individuals = _individuals(awards)
    for line, row in _dict_rows(path, ("award_id", "recipient_name", "parent_name")):
        recipient, parent = row["recipient_name"].strip(), row["parent_name"].strip()
        award = fy18.get(row["award_id"])
        if not recipient:
            yield ["empty mapping"]
            continue
        if award is not None and (award.sole_proprietorship or award.duns in individuals):
            yield [SOLE_PROPRIETOR]
            continue
        out: list[Proposal | str] = []
        clean_ref = RecordRef("name", recipient)
        if award is not None and award.name.strip():
            note = f"cleaned recipient_name of award {award.piid} (raw name at {award.locator})"
            out.append(
                Proposal(line, "same", RecordRef("name", award.name.strip()), clean_ref, note)
            )
        if not parent:
            out.append("empty mapping")
        elif _same_name(parent, recipient):
            out.append("identical")
        else:
            note = f"parent_name of recipient_name (award {row['award_id']})"
            out.append(Proposal(line, "parent-of", RecordRef("name", parent), clean_ref, note))
        yield out


def _raw_to_clean(path: Path, raw_column: str, clean_column: str) -> Iterator[list[Proposal | str]]:
    for line, row in _dict_rows(path, (raw_column, clean_column)):
        raw, clean = row[raw_column].strip(), row[clean_column].strip()
        if not raw or not clean:
            yield ["empty mapping"]
        else:
            note = f"{clean_column} of {raw_column}"
            yield [Proposal(line, "same", RecordRef("name", raw), RecordRef("name", clean), note)]


def _mapping(path: Path, spec: MappingSpec) -> Iterator[list[Proposal | str]]:
    for line, row in _dict_rows(path, (spec.from_column, spec.to_column)):
        source, target = row[spec.from_column].strip(), row[spec.to_column].strip()
        if not source or not target:
            yield ["empty mapping"]
            continue
        left = _cell_ref(spec.from_column, source, path, line)
        right = _cell_ref(spec.to_column, target, path, line)
        if spec.relation == "parent-of":
            note = f"{spec.to_column} is the parent of {spec.from_column}"
            yield [Proposal(line, "parent-of", right, left, note)]
        else:
            yield [Proposal(line, "same", left, right, f"{spec.to_column} of {spec.from_column}")]


def _same_name(a: str, b: str) -> bool:
    """Equal name keys, also when only spacing differs ("CAP GEMINI", "Capgemini")."""
    return name_key(a).replace(" ", "") == name_key(b).replace(" ", "")


def _cell_ref(column: str, value: str, path: Path, line: int) -> RecordRef:
    scheme = column.strip().casefold()
    if scheme in IDENTIFIER_SCHEMES:
        text = labeled.normalize_duns(value) if scheme == "duns" else value
        return RecordRef(scheme, text)
    head, sep, _ = value.partition(":")
    if sep and head.strip().casefold() in ("uei", "duns", "cik", "cage", "fedramp", "org", "name"):
        try:
            return RecordRef.parse(value)
        except ValueError as error:
            raise SourceError(f"{path}:{line}: {column}: {error}") from None
    return RecordRef("name", value)


def _dict_rows(path: Path, needed: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """labeled's CSV rows, after checking that the header has the columns this format reads."""
    first = True
    for line, row in labeled._dict_rows(path):
        if first:
            missing = [c for c in needed if c not in row]
            if missing:
                raise UsageError(f"{path}: no column {missing[0]!r} (columns: {', '.join(row)})")
            first = False
        for column in needed:
            if row[column] is None:
                raise SourceError(f"{path}:{line}: {column}: the row is short of cells")
        yield line, row
