"""Synthetic contracts, part 3: rendering rows of CSV text from the model with numpy and
pyarrow compute (``contracts_generate.py``).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from contracts_gen_model import Model, _pick
from contracts_gen_real import FIRST_FY, HOME_AGENCY_SHARE, LAST_DAY, LAST_FY, OWN_CODES_SHARE

# ---- rendering -----------------------------------------------------------------------------


def _money_text(cents: np.ndarray) -> pa.Array:
    """Exact two-decimal text of integer cents, via Arrow's decimal128 -> string cast."""
    words = np.empty((len(cents), 2), dtype=np.int64)
    words[:, 0] = cents
    words[:, 1] = cents >> 63  # sign extension to 128 bits
    decimal = pa.Array.from_buffers(pa.decimal128(38, 2), len(cents), [None, pa.py_buffer(words)])
    return pc.cast(decimal, pa.string())


def _date_text(days: np.ndarray, suffix: str = "") -> pa.Array:
    text = pc.cast(pa.array(days.astype("datetime64[D]")), pa.string())
    return pc.binary_join_element_wise(text, suffix, "") if suffix else text


def _int_text(values: np.ndarray) -> pa.Array:
    return pc.cast(pa.array(values), pa.string())


def render_chunk(model: Model, rng: np.random.Generator, first_award: int, n: int) -> memoryview:
    """``n`` rows of CSV text (no header); award serials start at ``first_award``."""
    rec = _pick(rng, model.rec_cum, n)
    template = model.rows_by_recipient[
        model.rec_model_start[rec] + (rng.random(n) * model.rec_model_count[rec]).astype(np.int64)
    ]
    agency = np.where(
        rng.random(n) < HOME_AGENCY_SHARE,
        model.rec_home_agency[rec],
        _pick(rng, model.agency_cum, n),
    )
    office = model.office_start[agency] + (rng.random(n) * model.office_count[agency]).astype(
        np.int64
    )
    own = rng.random(n) < OWN_CODES_SHARE
    psc = np.where(own, model.rec_psc[rec], _pick(rng, model.psc_cum, n))
    naics = np.where(own, model.rec_naics[rec], _pick(rng, model.naics_cum, n))
    is_idv = model.row_is_idv[template]
    is_order = model.row_is_order[template]

    # amounts
    magnitude = 10 ** (
        model.amount_bins[_pick(rng, model.amount_cum, n)] + rng.random(n) * model.amount_width
    )
    draw = rng.random(n)
    sign = np.where(draw < model.p_negative, -1.0, 1.0)
    total = np.where(draw > 1 - model.p_zero, 0.0, sign * magnitude)
    cents = np.round(total * 100).astype(np.int64)
    current = np.maximum(
        cents,
        np.round(
            cents * model.current_ratio[rng.integers(len(model.current_ratio), size=n)]
        ).astype(np.int64),
    )
    potential = np.maximum(
        current,
        np.round(
            current * model.potential_ratio[rng.integers(len(model.potential_ratio), size=n)]
        ).astype(np.int64),
    )

    # dates
    fy = rng.integers(FIRST_FY, LAST_FY + 1, size=n)
    fiscal_month = _pick(rng, model.month_cum, n)  # 0 = October
    year = np.where(fiscal_month < 3, fy - 1, fy)
    month = (fiscal_month + 9) % 12
    month_start = ((year - 1970) * 12 + month).astype("datetime64[M]").astype("datetime64[D]")
    month_days = ((year - 1970) * 12 + month + 1).astype("datetime64[M]").astype(
        "datetime64[D]"
    ) - month_start
    base = month_start + (rng.random(n) * month_days.astype(np.int64)).astype("timedelta64[D]")
    actions = model.actions[rng.integers(len(model.actions), size=n)].astype(np.int64)
    gap = np.where(actions > 1, model.latest_gap[rng.integers(len(model.latest_gap), size=n)], 0)
    latest = np.minimum(base + gap.astype("timedelta64[D]"), LAST_DAY)
    latest_fy = (
        latest.astype("datetime64[Y]").astype(np.int64)
        + 1970
        + ((latest.astype("datetime64[M]").astype(np.int64) % 12) >= 9)
    )
    end = base + model.duration[rng.integers(len(model.duration), size=n)].astype("timedelta64[D]")
    potential_end = end + model.extension[rng.integers(len(model.extension), size=n)].astype(
        "timedelta64[D]"
    )
    modified = latest + rng.integers(0, 60, size=n).astype("timedelta64[D]")

    # identifiers: PIID = office code + FY + type letter + serial
    office_code = pc.take(model.office_text["code"], office)
    subtier = pc.take(model.agency_text["subtier_code"], agency)
    serial = pc.utf8_lpad(_int_text(np.arange(first_award, first_award + n)), 8, "0")
    letters = pc.take(model.row_type_letter, template)
    piid = pc.binary_join_element_wise(
        office_code, pc.utf8_lpad(_int_text(fy % 100), 2, "0"), letters, serial, ""
    )
    parent = rng.integers(len(model.idv_text["piid"]), size=n)
    null_text = pa.nulls(n, pa.string())
    parent_piid = pc.if_else(pa.array(is_order), pc.take(model.idv_text["piid"], parent), null_text)
    parent_agency = pc.if_else(
        pa.array(is_order), pc.take(model.idv_text["agency"], parent), null_text
    )
    parent_name = pc.if_else(pa.array(is_order), pc.take(model.idv_text["name"], parent), null_text)
    award_key = pc.if_else(
        pa.array(is_idv),
        pc.binary_join_element_wise("CONT_IDV_", piid, "_", subtier, ""),
        pc.binary_join_element_wise(
            "CONT_AWD_",
            piid,
            "_",
            subtier,
            "_",
            pc.fill_null(parent_piid, "-NONE-"),
            "_",
            pc.fill_null(parent_agency, "-NONE-"),
            "",
        ),
    )
    base_text = _date_text(base)
    potential_text = _date_text(potential_end, " 00:00:00")
    values: dict[str, pa.Array] = {
        "contract_award_unique_key": award_key,
        "award_id_piid": piid,
        "parent_award_agency_id": parent_agency,
        "parent_award_agency_name": parent_name,
        "parent_award_id_piid": parent_piid,
        "total_obligated_amount": _money_text(cents),
        "current_total_value_of_award": _money_text(current),
        "potential_total_value_of_award": _money_text(potential),
        "award_base_action_date": base_text,
        "award_base_action_date_fiscal_year": _int_text(fy),
        "award_latest_action_date": _date_text(latest),
        "award_latest_action_date_fiscal_year": _int_text(latest_fy),
        "period_of_performance_start_date": base_text,
        "period_of_performance_current_end_date": _date_text(end),
        "period_of_performance_potential_end_date": potential_text,
        "ordering_period_end_date": pc.if_else(pa.array(is_idv), potential_text, null_text),
        "awarding_agency_code": pc.take(model.agency_text["toptier_code"], agency),
        "awarding_agency_name": pc.take(model.agency_text["toptier_name"], agency),
        "awarding_sub_agency_code": subtier,
        "awarding_sub_agency_name": pc.take(model.agency_text["subtier_name"], agency),
        "awarding_office_code": office_code,
        "awarding_office_name": pc.take(model.office_text["name"], office),
        "recipient_uei": pc.take(model.rec_text["uei"], rec),
        "recipient_duns": pc.take(model.rec_text["duns"], rec),
        "recipient_name": pc.take(model.rec_text["name"], rec),
        "recipient_doing_business_as_name": pc.take(model.rec_text["dba"], rec),
        "cage_code": pc.take(model.rec_text["cage"], rec),
        "recipient_parent_uei": pc.take(model.rec_text["parent_uei"], rec),
        "recipient_parent_duns": pc.take(model.rec_text["parent_duns"], rec),
        "recipient_parent_name": pc.take(model.rec_text["parent_name"], rec),
        "product_or_service_code": pc.take(model.psc_text["code"], psc),
        "product_or_service_code_description": pc.take(model.psc_text["name"], psc),
        "naics_code": pc.take(model.naics_text["code"], naics),
        "naics_description": pc.take(model.naics_text["name"], naics),
        "number_of_actions": _int_text(actions),
        "last_modified_date": _date_text(modified),
    }
    values["usaspending_permalink"] = pc.binary_join_element_wise(
        "https://www.usaspending.gov/award/", award_key, "/", ""
    )
    values["recipient_name_raw"] = values["recipient_name"]
    values["recipient_parent_name_raw"] = values["recipient_parent_name"]
    for funding, awarding in (
        ("funding_agency_code", "awarding_agency_code"),
        ("funding_agency_name", "awarding_agency_name"),
        ("funding_sub_agency_code", "awarding_sub_agency_code"),
        ("funding_sub_agency_name", "awarding_sub_agency_name"),
        ("funding_office_code", "awarding_office_code"),
        ("funding_office_name", "awarding_office_name"),
    ):
        values[funding] = values[awarding]
    empty = pa.array([""] * n, pa.string()) if n else pa.array([], pa.string())
    pieces: list[pa.Array] = []
    segment_at = {start: (index, stop) for index, (start, stop) in enumerate(model.segments)}
    position = 0
    header = model.header
    while position < len(header):
        if position in segment_at:
            index, stop = segment_at[position]
            pieces.append(pc.take(model.template_pools[index], template))
            position = stop
            continue
        name = header[position]
        column = values.get(name, empty)
        pieces.append(pc.fill_null(column, ""))
        position += 1
    pieces[-1] = pc.binary_join_element_wise(pieces[-1], "\n", "")
    joined = pc.binary_join_element_wise(*pieces, ",")
    return _string_bytes(joined)


def _string_bytes(array: pa.Array) -> memoryview:
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    offsets = np.frombuffer(array.buffers()[1], dtype=np.int32)[array.offset :]
    data = array.buffers()[2]
    return memoryview(data)[offsets[0] : offsets[len(array)]]


# ---- files ---------------------------------------------------------------------------------
