"""Money lines over the contract tables: every obligation the store knows, once (the SQL).

``analysis.contracts.lines`` documents the definitions and filters the lines; this is the SQL
text, kept in the store so that the ingest can maintain rollups of the same lines
(``contracts.rollup``) without importing the analysis layer.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

ATTRIBUTES = (
    "piid award_type parent_idv_piid awarding_toptier_code awarding_subtier_code "
    "recipient_name recipient_duns recipient_uei recipient_parent_name recipient_parent_duns "
    "recipient_parent_uei psc_code naics_code"
).split()


def _live(alias: str, as_of: dt.datetime | None) -> tuple[str, list[Any]]:
    if as_of is None:
        return f"{alias}.record_to IS NULL", []
    return (
        f"({alias}.record_from <= ? AND ({alias}.record_to IS NULL OR {alias}.record_to > ?))",
        [as_of, as_of],
    )


def latest_awards_sql(as_of: dt.datetime | None) -> tuple[str, list[Any]]:
    """Each award's latest record (the newest version with the latest ``as_of``)."""
    if as_of is None:
        return "SELECT * FROM contract_award WHERE latest", []
    live, params = _live("a", as_of)
    return (
        f"SELECT * FROM contract_award a WHERE {live} QUALIFY row_number() OVER "
        "(PARTITION BY award_key ORDER BY as_of DESC, record_from DESC, rowid DESC) = 1",
        params,
    )


def lines_sql(as_of: dt.datetime | None) -> tuple[str, list[Any]]:
    """Columns: award_key, feed, seq, fiscal_year, first_date, last_date, amount, basis and
    ``ATTRIBUTES``."""
    live_t, params_t = _live("t", as_of)
    latest, params_l = latest_awards_sql(as_of)
    attributes = ", ".join(f"t.{name}" for name in ATTRIBUTES)
    from_award = ", ".join(f"a.{name}" for name in ATTRIBUTES)
    base = (
        "t.award_key, t.feed, t.seq, t.fiscal_year, t.action_date AS first_date, "
        "t.action_date AS last_date, t.federal_action_obligation AS amount, "
        "'transaction' AS basis"
    )
    if as_of is None:
        counting = f"SELECT * FROM ({latest}) a WHERE a.counts"
        params_c: list[Any] = []
    else:
        counting = (
            f"SELECT * FROM ({latest}) a WHERE a.grain = 'award' AND NOT EXISTS "
            "(SELECT 1 FROM contract_transaction x WHERE x.award_key = a.award_key "
            "AND x.record_from <= ?)"
        )
        params_c = [*params_l, as_of]
    sql = (
        f"SELECT {base}, {attributes} FROM contract_transaction t "
        f"WHERE {live_t} AND t.attributes_stated "
        f"UNION ALL SELECT {base}, {from_award} FROM contract_transaction t "
        f"JOIN ({latest}) a ON a.award_key = t.award_key "
        f"WHERE {live_t} AND NOT t.attributes_stated "
        "UNION ALL SELECT a.award_key, a.feed, a.seq, a.fiscal_year, "
        "coalesce(a.base_action_date, a.as_of) AS first_date, a.as_of AS last_date, "
        f"a.total_obligation AS amount, 'award total' AS basis, {from_award} "
        f"FROM ({counting}) a WHERE a.total_obligation IS NOT NULL"
    )
    params = [*params_t, *params_l, *params_t]
    params += params_c if as_of is not None else []
    return sql, params
