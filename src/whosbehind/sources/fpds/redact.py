"""A copy of an FPDS ATOM page without who entered each record, for the raw archive.

``transactionInformation`` holds officials' e-mail addresses (``createdBy``, ``approvedBy``...):
the reader never reads it, and the copy the store keeps drops it. Everything else is kept byte
for byte.
"""

from __future__ import annotations

import re

_SECTION = re.compile(
    rb"<(?P<prefix>[A-Za-z_][\w.-]*:)?transactionInformation\b[^>]*?(/>|>.*?"
    rb"</(?P=prefix)?transactionInformation\s*>)",
    re.DOTALL,
)


def redacted_page(content: bytes) -> bytes:
    return _SECTION.sub(b"", content)
