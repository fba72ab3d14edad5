"""USAspending's generated transaction ids, read back into the award they belong to.

A contract transaction id is ``CONT_TX_<agency>_<parent agency>_<PIID>_<modification>_<parent
PIID>_<transaction number>`` (``CONT_TX_8000_-NONE-_80GSFC18C0008_P00065_-NONE-_0``). A
``transactions`` page does not repeat its award's id, so a recorded page is placed under the
award its transaction ids name.
"""

from __future__ import annotations

import re

from whosbehind.model.contracts import make_award_key

_AGENCY = r"([0-9A-Z]{4}|-NONE-)"
_TRANSACTION = re.compile(rf"CONT_TX_{_AGENCY}_{_AGENCY}_(.+?)_([^_]+)_(.+)_([0-9]+)")


def award_key_of_transaction(transaction_id: str, type_code: str | None = None) -> str | None:
    """The award key a contract transaction id names; None for anything else. ``type_code``
    starting with ``IDV`` marks an IDV's own transaction."""
    found = _TRANSACTION.fullmatch(transaction_id.strip())
    if found is None:
        return None
    agency, parent_agency, piid, _, parent_piid, _ = found.groups()

    def part(text: str) -> str | None:
        return None if text == "-NONE-" else text

    return make_award_key(
        is_idv=(type_code or "").upper().startswith("IDV"),
        piid=piid,
        agency_code=part(agency),
        parent_idv_piid=part(parent_piid),
        parent_idv_agency_code=part(parent_agency),
    )
