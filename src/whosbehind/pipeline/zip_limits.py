"""Extracting one zip member, safely: a bad CRC, an encrypted member, or one that expands
beyond the limits fails that member alone, and never fills the disk first.

Limits (``docs/reliability.md``): a member may expand to at most ``MAX_RATIO`` times its
compressed size (real USAspending CSVs compress about 10:1; zip bombs, 1000:1 and more) and
to at most ``max_expanded()`` bytes (``WHOSBEHIND_MAX_EXPANDED``, default 256 GiB: a fiscal
year of every agency's transactions is tens of GB). Both are checked against the sizes the
archive declares, before extraction, and against the bytes actually written, while extracting.
"""

from __future__ import annotations

import hashlib
import os
import zipfile
import zlib
from pathlib import Path

MAX_RATIO = 200
RATIO_SLACK = 1024 * 1024  # tiny members (a header, a few rows) may compress better
MAX_EXPANDED_ENV = "WHOSBEHIND_MAX_EXPANDED"
DEFAULT_MAX_EXPANDED = 256 * 1024**3
_CHUNK = 8 * 1024 * 1024


class MemberError(Exception):
    """One member cannot be extracted; the message says why."""


def max_expanded() -> int:
    text = os.environ.get(MAX_EXPANDED_ENV, "").strip()
    try:
        return int(text) if text else DEFAULT_MAX_EXPANDED
    except ValueError:
        return DEFAULT_MAX_EXPANDED


def is_csv_member(info: zipfile.ZipInfo) -> bool:
    return not info.is_dir() and info.filename.lower().endswith(".csv")


def _allowed(info: zipfile.ZipInfo) -> int:
    return min(max_expanded(), MAX_RATIO * info.compress_size + RATIO_SLACK)


def extract(archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path) -> str:
    """Write ``info``'s bytes to ``target``; their sha256. Raises MemberError."""
    if info.flag_bits & 0x1:
        raise MemberError("encrypted member: whosbehind reads no encrypted archives")
    allowed = _allowed(info)
    if info.file_size > allowed:
        raise MemberError(_too_large(info, info.file_size))
    digest = hashlib.sha256()
    written = 0
    try:
        with archive.open(info) as source, target.open("wb") as sink:
            while chunk := source.read(_CHUNK):
                written += len(chunk)
                if written > allowed:
                    raise MemberError(_too_large(info, written))
                digest.update(chunk)
                sink.write(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as error:
        # BadZipFile: a bad CRC or a truncated member; NotImplementedError: an unknown
        # compression method; RuntimeError: zipfile's "encrypted, password required"
        raise MemberError(f"cannot extract: {error}") from None
    return digest.hexdigest()


def _too_large(info: zipfile.ZipInfo, size: int) -> str:
    return (
        f"expands to {size:,} bytes or more from {info.compress_size:,} compressed, beyond "
        f"the limit ({MAX_RATIO}:1, at most {max_expanded():,} bytes; "
        f"{MAX_EXPANDED_ENV} raises the latter)"
    )
