"""The judgements file: analysts' decisions about org records, one per line, in plain text.

A tab-separated file, readable in a diff and in review::

    kind	left	right	valid_from	valid_to	source	note	author	recorded
    same	name:AMAZON WEB SERVICES, INC.	name:Amazon	...
    parent-of	name:Thomson Reuters	name:WEST PUBLISHING CORPORATION	2018-01-01	...

The header names the columns (any order; only ``kind``, ``left`` and ``right`` are required);
``#`` lines and blank lines are comments. Cells escape backslash, tab, newline and carriage
return as ``\\\\``, ``\\t``, ``\\n`` and ``\\r``, so any text round-trips and a line is one
judgement. Lines are only ever appended (``append_judgements``): a file under version control
shows each decision as one added line, and hand edits elsewhere in it are kept.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from whosbehind.errors import SourceError, UsageError
from whosbehind.model.orgs import JUDGEMENT_KINDS, Judgement, RecordRef

COLUMNS = (
    "kind",
    "left",
    "right",
    "valid_from",
    "valid_to",
    "source",
    "note",
    "author",
    "recorded",
)
HEADER = "\t".join(COLUMNS)
ENV_PATH = "WHOSBEHIND_JUDGEMENTS"
_REQUIRED = ("kind", "left", "right")
_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}
_UNESCAPES = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r"}


class JudgementError(SourceError):
    """A judgement line is malformed: names the file, the line and the field."""

    def __init__(self, file: str, line: int, field: str, reason: str) -> None:
        where = f"{file}:{line}" if line else file
        super().__init__(f"{where}: {field}: {reason}" if field else f"{where}: {reason}")
        self.file = file
        self.line = line
        self.field = field
        self.reason = reason


def default_judgements_path(store: Path) -> Path:
    """$WHOSBEHIND_JUDGEMENTS, else beside the store: ``whosbehind.duckdb`` keeps its
    judgements in ``whosbehind.judgements.tsv`` in the same folder, so each store has its own."""
    explicit = os.environ.get(ENV_PATH)
    if explicit:
        return Path(explicit).expanduser()
    return store.with_name(store.stem + ".judgements.tsv")


def same_ref(a: RecordRef, b: RecordRef) -> bool:
    """Whether two references name the same records (names compare folded, as RecordRef says)."""
    return ref_key(a) == ref_key(b)


def ref_key(ref: RecordRef) -> tuple[str, str]:
    return ref.scheme, " ".join(ref.value.casefold().split())


def judgement_key(judgement: Judgement) -> tuple[object, ...]:
    """Equal keys mean one decision: ``same``/``different`` are unordered, dates count."""
    left, right = ref_key(judgement.left), ref_key(judgement.right)
    if judgement.kind != "parent-of":
        left, right = sorted((left, right))
    return judgement.kind, left, right, judgement.valid_from, judgement.valid_to


def validation_problems(judgement: Judgement) -> list[tuple[str, str]]:
    """(field, reason) for each rule the judgement breaks; empty when it is valid."""
    problems: list[tuple[str, str]] = []
    if judgement.kind not in JUDGEMENT_KINDS:
        problems.append(("kind", f"{judgement.kind!r} is not one of {', '.join(JUDGEMENT_KINDS)}"))
    for field, ref in (("left", judgement.left), ("right", judgement.right)):
        if ref.value != ref.value.strip() or not ref.value:
            problems.append((field, f"{str(ref)!r}: the value is empty or has surrounding spaces"))
    if same_ref(judgement.left, judgement.right):
        problems.append(("right", f"is the same reference as left ({judgement.left})"))
    dated = judgement.valid_from is not None or judgement.valid_to is not None
    if judgement.kind in ("same", "different") and dated:
        problems.append(("valid_from", f"a {judgement.kind} judgement takes no dates"))
    if (
        judgement.valid_from is not None
        and judgement.valid_to is not None
        and judgement.valid_from >= judgement.valid_to
    ):
        problems.append(
            ("valid_to", f"{judgement.valid_to} is not after valid_from {judgement.valid_from}")
        )
    return problems


def validate(judgement: Judgement) -> Judgement:
    """``judgement`` itself, or a UsageError naming the first broken rule."""
    for field, reason in validation_problems(judgement):
        raise UsageError(f"judgement {judgement.left} / {judgement.right}: {field}: {reason}")
    return judgement


def escape(text: str) -> str:
    return "".join(_ESCAPES.get(char, char) for char in text)


def unescape(text: str) -> str:
    """The inverse of ``escape``; raises ValueError on a backslash not followed by \\, t, n or r."""
    out: list[str] = []
    chars = iter(text)
    for char in chars:
        if char != "\\":
            out.append(char)
            continue
        following = next(chars, "")
        if following not in _UNESCAPES:
            raise ValueError(f"unknown escape \\{following} (use \\\\, \\t, \\n or \\r)")
        out.append(_UNESCAPES[following])
    return "".join(out)


def format_judgement(judgement: Judgement) -> str:
    """One line (without the newline) in the column order of ``HEADER``; validates first."""
    validate(judgement)
    cells = (
        judgement.kind,
        str(judgement.left),
        str(judgement.right),
        _date_text(judgement.valid_from),
        _date_text(judgement.valid_to),
        judgement.source,
        judgement.note,
        judgement.author,
        _date_text(judgement.recorded),
    )
    return "\t".join(escape(cell) for cell in cells)


def parse_line(
    text: str, file: str = "", line: int = 0, columns: tuple[str, ...] = COLUMNS
) -> Judgement:
    """One judgement from one line (no newline); raises JudgementError naming line and field."""
    cells = text.split("\t")
    if len(cells) > len(columns):
        raise JudgementError(file, line, "", f"{len(cells)} cells, the header has {len(columns)}")
    values: dict[str, str] = dict.fromkeys(COLUMNS, "")
    for column, cell in zip(columns, cells, strict=False):
        try:
            values[column] = unescape(cell)
        except ValueError as error:
            raise JudgementError(file, line, column, str(error)) from None
    for column in _REQUIRED:
        if not values[column].strip():
            raise JudgementError(file, line, column, "empty")
    kind = values["kind"].strip()
    if kind not in JUDGEMENT_KINDS:
        raise JudgementError(
            file, line, "kind", f"{kind!r} is not one of {', '.join(JUDGEMENT_KINDS)}"
        )
    judgement = Judgement(
        kind=kind,
        left=_ref(values["left"], file, line, "left"),
        right=_ref(values["right"], file, line, "right"),
        valid_from=_date(values, "valid_from", file, line),
        valid_to=_date(values, "valid_to", file, line),
        source=values["source"],
        note=values["note"],
        author=values["author"],
        recorded=_date(values, "recorded", file, line),
        file=file,
        line=line,
    )
    for field, reason in validation_problems(judgement):
        raise JudgementError(file, line, field, reason)
    return judgement


@dataclass(frozen=True, slots=True)
class CheckResult:
    """Every valid judgement of a file and every error, in line order."""

    judgements: list[Judgement]
    errors: list[JudgementError]


def check_judgements(path: Path) -> CheckResult:
    """Read the whole file, collecting every malformed line instead of stopping at the first."""
    judgements: list[Judgement] = []
    errors: list[JudgementError] = []
    columns: tuple[str, ...] | None = None
    for line, text in _lines(path):
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        if columns is None:
            try:
                columns = _header(text, str(path), line)
            except JudgementError as error:
                errors.append(error)
                return CheckResult(judgements, errors)
            continue
        try:
            judgements.append(parse_line(text, str(path), line, columns))
        except JudgementError as error:
            errors.append(error)
    errors.extend(contradictions(judgements))
    errors.sort(key=lambda error: error.line)
    wrong = {error.line for error in errors}
    return CheckResult([j for j in judgements if j.line not in wrong], errors)


def contradictions(judgements: Iterable[Judgement]) -> list[JudgementError]:
    """A pair judged ``same`` on one line and ``different`` on another: the later line is wrong."""
    decided: dict[frozenset[tuple[str, str]], Judgement] = {}
    found: list[JudgementError] = []
    for judgement in judgements:
        if judgement.kind == "parent-of":
            continue
        pair = frozenset((ref_key(judgement.left), ref_key(judgement.right)))
        earlier = decided.setdefault(pair, judgement)
        if earlier.kind != judgement.kind:
            reason = (
                f"contradicts line {earlier.line} ({earlier.kind} {earlier.left} / {earlier.right})"
            )
            found.append(JudgementError(judgement.file, judgement.line, "kind", reason))
    return found


def read_judgements(path: Path) -> list[Judgement]:
    """Every judgement in ``path``; the first malformed line raises JudgementError.

    A missing file holds no judgements (nobody has judged anything yet).
    """
    if not path.exists():
        return []
    result = check_judgements(path)
    if result.errors:
        raise result.errors[0]
    return result.judgements


def append_judgements(path: Path, judgements: Iterable[Judgement]) -> int:
    """Append ``judgements`` to ``path`` in one write; returns how many lines were written.

    Creates the file (with its header) and its folders if needed. Existing lines are never
    rewritten: the block is written with O_APPEND in a single ``write`` and synced, so two
    writers never interleave within a line. A new file appears whole (header and lines) by a
    hard link from a temporary file, so no writer can append before the header.
    """
    lines = [format_judgement(j) for j in judgements]
    if not lines:
        return 0
    body = "".join(f"{line}\n" for line in lines).encode("utf-8")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not _create(path, f"{HEADER}\n".encode() + body):
            _append(path, body)
    except OSError as error:
        raise UsageError(f"{path}: cannot write judgements: {error}") from error
    return len(lines)


def _create(path: Path, data: bytes) -> bool:
    """Write ``data`` as the new file ``path``; False when ``path`` exists already."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            return False
        return True
    finally:
        os.unlink(temporary)


def _append(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_RDWR | os.O_APPEND)
    try:
        if not _ends_with_newline(fd):
            data = b"\n" + data  # a hand edit left the last line unterminated
        if os.write(fd, data) != len(data):
            raise OSError(f"short write of {len(data)} bytes")
        os.fsync(fd)
    finally:
        os.close(fd)


def with_origin(judgement: Judgement, file: str, line: int) -> Judgement:
    return replace(judgement, file=file, line=line)


def _ends_with_newline(fd: int) -> bool:
    size = os.fstat(fd).st_size
    return size == 0 or os.pread(fd, 1, size - 1) == b"\n"


def _header(text: str, file: str, line: int) -> tuple[str, ...]:
    columns = tuple(cell.strip() for cell in text.split("\t"))
    unknown = [c for c in columns if c not in COLUMNS]
    if unknown:
        raise JudgementError(
            file, line, "header", f"unknown column {unknown[0]!r} (columns: {', '.join(COLUMNS)})"
        )
    missing = [c for c in _REQUIRED if c not in columns]
    if missing:
        raise JudgementError(file, line, "header", f"no {missing[0]!r} column (header: {HEADER})")
    if len(set(columns)) != len(columns):
        raise JudgementError(file, line, "header", "a column is named twice")
    return columns


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    try:
        with path.open(encoding="utf-8", newline=None) as handle:
            for number, text in enumerate(handle, start=1):
                yield number, text.rstrip("\n")
    except UnicodeDecodeError as error:
        raise JudgementError(str(path), 0, "", f"not UTF-8 text ({error.reason})") from error
    except OSError as error:
        raise JudgementError(str(path), 0, "", f"cannot read: {error.strerror}") from error


def _ref(text: str, file: str, line: int, field: str) -> RecordRef:
    try:
        return RecordRef.parse(text)
    except ValueError as error:
        raise JudgementError(file, line, field, str(error)) from None


def _date(values: dict[str, str], column: str, file: str, line: int) -> dt.date | None:
    text = values[column].strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise JudgementError(file, line, column, f"{text!r} is not a date YYYY-MM-DD") from None


def _date_text(value: dt.date | None) -> str:
    return value.isoformat() if value else ""
