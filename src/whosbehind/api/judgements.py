"""The analysts' judgements file: importing name maps into it, listing it, checking it.

A judgement is a person's decision about two references (``same``, ``different``,
``parent-of``) with its source; ``whosbehind resolve`` lets them override every automatic rule.
Each store keeps its own file (:func:`judgements_file`).
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from whosbehind.api.options import ImportFormat, Relation
from whosbehind.errors import UsageError
from whosbehind.model.orgs import Judgement
from whosbehind.resolve import judgement_import
from whosbehind.resolve import judgements as judgements_module
from whosbehind.resolve.judgements import CheckResult
from whosbehind.store.engine import Engine, resolve_db_path

KINDS = ("same", "parent-of")  # what an import writes

JudgementCheck = CheckResult
"""What :func:`check_judgements` found: ``judgements`` (the valid lines) and ``errors``."""


@dataclass(frozen=True, slots=True)
class JudgementImport:
    """What :func:`import_judgements` read from ``file`` and wrote to ``judgements_file``:
    the new ``judgements`` (none written on a dry run) and why rows were skipped."""

    file: Path
    format: str
    judgements_file: Path
    rows_read: int
    judgements: tuple[Judgement, ...]
    written: int
    dry_run: bool
    skipped: tuple[tuple[str, int], ...]  # (reason, rows), by reason

    @property
    def by_kind(self) -> dict[str, int]:
        """How many new judgements of each kind (``same``, ``parent-of``)."""
        return {kind: sum(j.kind == kind for j in self.judgements) for kind in KINDS}

    def to_json(self) -> dict[str, object]:
        """What ``whosbehind judgements import --json`` prints."""
        return {
            "file": str(self.file),
            "format": self.format,
            "judgements_file": str(self.judgements_file),
            "rows_read": self.rows_read,
            "imported": len(self.judgements),
            "written": self.written,
            "dry_run": self.dry_run,
            "by_kind": self.by_kind,
            "skipped": dict(self.skipped),
        }


@dataclass(frozen=True, slots=True)
class JudgementList:
    """Every judgement of a file, in file order."""

    file: Path
    judgements: tuple[Judgement, ...]

    def to_json(self) -> dict[str, object]:
        """What ``whosbehind judgements list --json`` prints."""
        return {"file": str(self.file), "judgements": [_judgement_json(j) for j in self.judgements]}


def judgements_file(store: Engine | str | os.PathLike[str] | None = None) -> Path:
    """A store's judgements file: $WHOSBEHIND_JUDGEMENTS, else beside the store
    (``whosbehind.duckdb``: ``whosbehind.judgements.tsv``). ``store``: an open store or its
    path (default: $WHOSBEHIND_DB, else ./whosbehind.duckdb)."""
    path = store.path if isinstance(store, Engine) else resolve_db_path(store)
    return judgements_module.default_judgements_path(path)


def import_judgements(
    file: Path,
    *,
    judgements: Path,
    format: ImportFormat = ImportFormat.AUTO,
    from_column: str | None = None,
    to_column: str | None = None,
    relation: Relation = Relation.SAME,
    source: str | None = None,
    author: str = "",
    recorded: dt.date | None = None,
    dry_run: bool = False,
) -> JudgementImport:
    """Import an analysts' name map (raw name or identifier -> clean name or parent) into the
    ``judgements`` file, skipping what it holds already. ``format``: told by the header when
    ``auto``; ``mapping`` reads ``from_column`` -> ``to_column`` as ``relation``. ``source``
    (default: the file's name) is written with each line number; ``recorded`` defaults to today.
    ``dry_run``: count, write nothing."""
    if (from_column is None) != (to_column is None):
        raise UsageError("--from-column and --to-column go together")
    spec = (
        judgement_import.MappingSpec(from_column, to_column, Relation(relation).value)
        if from_column is not None and to_column is not None
        else None
    )
    chosen = ImportFormat(format)
    result = judgement_import.import_judgements(
        file,
        format=chosen.value,
        mapping=spec,
        source=source,
        author=author,
        recorded=recorded or dt.date.today(),
        existing=judgements_module.read_judgements(judgements),
    )
    written = 0 if dry_run else judgements_module.append_judgements(judgements, result.judgements)
    return JudgementImport(
        file=file,
        format=result.format,
        judgements_file=judgements,
        rows_read=result.rows,
        judgements=tuple(result.judgements),
        written=written,
        dry_run=dry_run,
        skipped=tuple(sorted(result.skipped.items())),
    )


def list_judgements(judgements: Path) -> JudgementList:
    """Every judgement in the file, in file order (none when it does not exist yet); the first
    malformed line raises a :class:`SourceError` naming it."""
    return JudgementList(judgements, tuple(judgements_module.read_judgements(judgements)))


def check_judgements(judgements: Path) -> JudgementCheck:
    """Every valid judgement of the file and every malformed line (file:line: field: reason)."""
    if not judgements.is_file():
        raise UsageError(f"{judgements}: no such file")
    return judgements_module.check_judgements(judgements)


def _judgement_json(judgement: Judgement) -> dict[str, object]:
    return {
        "kind": judgement.kind,
        "left": str(judgement.left),
        "right": str(judgement.right),
        "valid_from": judgement.valid_from,
        "valid_to": judgement.valid_to,
        "source": judgement.source,
        "note": judgement.note,
        "author": judgement.author,
        "recorded": judgement.recorded,
        "line": judgement.line,
    }
