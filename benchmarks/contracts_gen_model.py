"""Synthetic contracts, part 2: the model, every distribution sampled once from the seed
(``contracts_generate.py``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from contracts_gen_real import (
    BLANK,
    ICE,
    ICE_RANK,
    NAME_STOP,
    TYPE_LETTER,
    UEI_ALPHABET,
    _day,
    _money,
    csv_cell,
    escape,
    read_agencies,
    read_naics,
    read_psc,
    read_real_rows,
    text_pool,
)


@dataclass
class Model:
    seed: int
    header: tuple[str, ...]
    synthesized: frozenset[str]
    segments: list[tuple[int, int]]  # runs of template columns [start, stop)
    template_pools: list[pa.Array]  # per segment: one pre-rendered fragment per real row
    row_is_idv: np.ndarray
    row_is_order: np.ndarray
    row_type_letter: pa.Array
    # recipients
    rec_cum: np.ndarray
    rec_model_start: np.ndarray
    rec_model_count: np.ndarray
    rows_by_recipient: np.ndarray
    rec_home_agency: np.ndarray
    rec_psc: np.ndarray
    rec_naics: np.ndarray
    rec_text: dict[str, pa.Array]
    # agencies and offices
    agency_cum: np.ndarray
    agency_text: dict[str, pa.Array]
    office_start: np.ndarray
    office_count: np.ndarray
    office_text: dict[str, pa.Array]
    # parent IDVs
    idv_text: dict[str, pa.Array]
    # codes
    psc_cum: np.ndarray
    psc_text: dict[str, pa.Array]
    naics_cum: np.ndarray
    naics_text: dict[str, pa.Array]
    # amounts, dates
    amount_bins: np.ndarray  # left edges of log10 bins
    amount_cum: np.ndarray
    amount_width: float
    p_zero: float
    p_negative: float
    current_ratio: np.ndarray
    potential_ratio: np.ndarray
    month_cum: np.ndarray
    latest_gap: np.ndarray
    duration: np.ndarray
    extension: np.ndarray
    actions: np.ndarray

    @property
    def n_recipients(self) -> int:
        return len(self.rec_cum)


SYNTHESIZED = (
    "contract_award_unique_key award_id_piid parent_award_agency_id parent_award_agency_name "
    "parent_award_id_piid total_obligated_amount current_total_value_of_award "
    "potential_total_value_of_award award_base_action_date award_base_action_date_fiscal_year "
    "award_latest_action_date award_latest_action_date_fiscal_year "
    "period_of_performance_start_date period_of_performance_current_end_date "
    "period_of_performance_potential_end_date ordering_period_end_date awarding_agency_code "
    "awarding_agency_name awarding_sub_agency_code awarding_sub_agency_name awarding_office_code "
    "awarding_office_name funding_agency_code funding_agency_name funding_sub_agency_code "
    "funding_sub_agency_name funding_office_code funding_office_name recipient_uei recipient_duns "
    "recipient_name recipient_name_raw recipient_doing_business_as_name cage_code "
    "recipient_parent_uei recipient_parent_duns recipient_parent_name recipient_parent_name_raw "
    "product_or_service_code product_or_service_code_description naics_code naics_description "
    "number_of_actions usaspending_permalink last_modified_date"
).split()


def _cum(weights: np.ndarray) -> np.ndarray:
    cum: np.ndarray = np.cumsum(weights, dtype=np.float64)
    normalised: np.ndarray = cum / cum[-1]
    return normalised


def _pick(rng: np.random.Generator, cum: np.ndarray, n: int) -> np.ndarray:
    return np.minimum(np.searchsorted(cum, rng.random(n), side="right"), len(cum) - 1)


def _swap_parts(name: str) -> tuple[str, str]:
    """A name cut around its first distinctive word: (before, after) that word."""
    words = name.split(" ")
    spots = [i for i, word in enumerate(words) if word.strip(",.").upper() not in NAME_STOP]
    if not spots:
        return "", " " + name
    spot = spots[0]
    tail = words[spot][len(words[spot].rstrip(",.")) :]
    before = " ".join(words[:spot]) + " " if spot else ""
    after = tail + (" " + " ".join(words[spot + 1 :]) if spot + 1 < len(words) else "")
    return before, after


def _swapped(
    rng: np.random.Generator, models: Sequence[str], vocabulary: pa.Array, picks: np.ndarray
) -> pa.Array:
    """For each pick, the model name with its first distinctive word replaced at random."""
    parts = [_swap_parts(name) for name in models]
    before = pa.array([part[0] for part in parts]).take(picks)
    after = pa.array([part[1] for part in parts]).take(picks)
    word = vocabulary.take(rng.integers(len(vocabulary), size=len(picks)))
    return pc.binary_join_element_wise(before, word, after, "")


def _ueis(rng: np.random.Generator, n: int) -> pa.Array:
    letters = UEI_ALPHABET[rng.integers(len(UEI_ALPHABET), size=(n, 12))]
    return pa.array(np.ascontiguousarray(letters).view("S12").ravel()).cast(pa.string())


def _dunses(rng: np.random.Generator, n: int, taken: set[str]) -> pa.Array:
    """``n`` distinct random nine-digit DUNS numbers, none of them in ``taken``."""
    taken_numbers = np.array([int(value) for value in taken if value.isdigit()], dtype=np.int64)
    values = np.empty(0, dtype=np.int64)
    while len(values) < n:
        values = np.concatenate([values, rng.integers(10**7, 10**9, size=int(n * 1.05) + 16)])
        _, first = np.unique(values, return_index=True)
        values = values[np.sort(first)]
        values = values[~np.isin(values, taken_numbers)]
    return pc.utf8_lpad(pc.cast(pa.array(values[:n]), pa.string()), 9, "0")


def _empirical(values: Sequence[float], fallback: float) -> np.ndarray:
    array = np.asarray([value for value in values if np.isfinite(value)], dtype=np.float64)
    return array if len(array) else np.asarray([fallback])


def build_model(data: Path, rows: int, seed: int) -> Model:
    rng = np.random.default_rng(seed)
    real = read_real_rows(data)
    header = real.header
    synthesized = frozenset(SYNTHESIZED) | (BLANK & set(header))
    missing = [name for name in SYNTHESIZED if name not in header]
    if missing:
        raise SystemExit(f"the real header lacks {missing}")

    # Template segments: runs of real columns, pre-rendered per real row.
    segments: list[tuple[int, int]] = []
    start = None
    for position, name in enumerate((*header, "")):
        is_template = name != "" and name not in synthesized
        if is_template and start is None:
            start = position
        elif not is_template and start is not None:
            segments.append((start, position))
            start = None
    marker = f"[SYNTHETIC seed={seed}] "

    def template_value(row: dict[str, str], name: str) -> str:
        value = row.get(name, "")
        if name == "prime_award_base_transaction_description":
            return marker + (value or "CONTRACT")
        return value

    # Fragments are CSV text already (cells escaped, joined by commas).
    template_pools = [
        pa.array(
            [
                ",".join(csv_cell(template_value(row, name)) for name in header[a:b])
                for row in real.rows
            ],
            pa.string(),
        )
        for a, b in segments
    ]
    row_is_idv = np.array([row.get("award_or_idv_flag", "").upper() == "IDV" for row in real.rows])
    row_is_order = np.array(
        [
            not idv
            and (
                bool(row.get("parent_award_id_piid"))
                or row.get("award_type_code", "") in ("A", "C")
            )
            for row, idv in zip(real.rows, row_is_idv, strict=True)
        ]
    )
    row_type_letter = pa.array(
        [
            "D" if idv else TYPE_LETTER.get(row.get("award_type_code", ""), "P")
            for row, idv in zip(real.rows, row_is_idv, strict=True)
        ]
    )

    # ---- real recipients, their rows, parents ----
    def recipient_key(row: dict[str, str]) -> str:
        return (
            row.get("recipient_duns") or row.get("recipient_uei") or row.get("recipient_name", "")
        )

    keys = [recipient_key(row) for row in real.rows]
    real_keys = list(dict.fromkeys(keys))
    first_row = {key: index for index, key in reversed(list(enumerate(keys)))}
    key_index = {key: index for index, key in enumerate(real_keys)}
    row_recipient = np.array([key_index[key] for key in keys])
    rows_by_recipient = np.argsort(row_recipient, kind="stable")
    counts = np.bincount(row_recipient, minlength=len(real_keys))
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    awards_per_recipient = Counter(
        key for key, _ in {(recipient_key(row), row.get("award_id_piid")) for row in real.rows}
    )

    n_real = len(real_keys)
    n_recipients = max(n_real * 2, min(rows // 20, 500_000))
    n_synthetic = n_recipients - n_real
    fields = ("name", "duns", "uei", "parent_name", "parent_duns", "parent_uei", "dba", "cage")
    text: dict[str, list[str]] = {field: [] for field in fields}
    taken_duns: set[str] = set()
    for key in real_keys:
        row = real.rows[first_row[key]]
        text["name"].append(row.get("recipient_name", ""))
        text["duns"].append(row.get("recipient_duns", ""))
        text["uei"].append(row.get("recipient_uei", ""))
        text["parent_name"].append(row.get("recipient_parent_name", ""))
        text["parent_duns"].append(row.get("recipient_parent_duns", ""))
        text["parent_uei"].append(row.get("recipient_parent_uei", ""))
        text["dba"].append(row.get("recipient_doing_business_as_name", ""))
        text["cage"].append(row.get("cage_code", ""))
        taken_duns.update((text["duns"][-1], text["parent_duns"][-1]))
    # The 2018 export has no UEIs: give those real recipients (and parents) synthetic ones.
    fill = _ueis(rng, 2 * n_real).to_pylist()
    by_duns: dict[str, str] = {}
    for index in range(n_real):
        for duns_field, uei_field in (("duns", "uei"), ("parent_duns", "parent_uei")):
            duns = text[duns_field][index]
            if not text[uei_field][index] and duns:
                text[uei_field][index] = by_duns.setdefault(duns, fill.pop())
    real_parent_kind = Counter(
        "none"
        if not text["parent_duns"][i]
        else "self"
        if text["parent_duns"][i] == text["duns"][i]
        else "other"
        for i in range(n_real)
    )
    children = Counter(text["parent_duns"][i] for i in range(n_real) if text["parent_duns"][i])
    group_sizes = np.array(sorted(children.values()))

    # Synthetic recipients: modelled on a real one, one word of the name swapped; grouped
    # under parents with the real group sizes and the real self/other/no-parent shares.
    vocabulary = pa.array(
        sorted(
            {
                word.strip(",.")
                for name in text["name"] + text["parent_name"]
                for word in name.split()
                if len(word.strip(",.")) > 2
                and word.strip(",.").isalpha()
                and word.strip(",.").upper() not in NAME_STOP
            }
        )
    )
    model_of = np.concatenate([np.arange(n_real), rng.integers(n_real, size=n_synthetic)])
    names = _swapped(
        rng, [name or "VENDOR" for name in text["name"]], vocabulary, model_of[n_real:]
    )
    sizes = group_sizes[rng.integers(len(group_sizes), size=n_synthetic)]
    ends = np.cumsum(sizes)
    groups = int(np.searchsorted(ends, n_synthetic)) + 1
    sizes = sizes[:groups]
    sizes[-1] -= ends[groups - 1] - n_synthetic
    group_of = np.repeat(np.arange(groups), sizes)
    kind_p = np.array([real_parent_kind[kind] for kind in ("self", "other", "none")], float)
    group_kind = np.where(sizes == 1, _pick(rng, _cum(kind_p), groups), 1)
    kind = group_kind[group_of]
    duns_new = _dunses(rng, n_synthetic + groups, taken_duns)
    uei_new = _ueis(rng, n_synthetic + groups)
    duns, uei = duns_new[:n_synthetic], uei_new[:n_synthetic]
    parent_models = [text["parent_name"][i] or text["name"][i] or "HOLDINGS" for i in range(n_real)]
    group_parent = _swapped(rng, parent_models, vocabulary, rng.integers(n_real, size=groups))
    empty = pa.array([""] * n_synthetic, pa.string())
    is_self, is_other = pa.array(kind == 0), pa.array(kind == 1)

    def parent_value(own: pa.Array, other: pa.Array) -> pa.Array:
        return pc.if_else(is_self, own, pc.if_else(is_other, other.take(group_of), empty))

    synthetic = {
        "name": names,
        "duns": duns,
        "uei": uei,
        "parent_name": parent_value(names, group_parent),
        "parent_duns": parent_value(duns, duns_new[n_synthetic:]),
        "parent_uei": parent_value(uei, uei_new[n_synthetic:]),
        "dba": empty,
        "cage": empty,
    }
    rec_text = {
        field: escape(
            pa.concat_arrays(
                [pa.array(text[field], pa.string()), synthetic[field].cast(pa.string())]
            )
        )
        for field in fields
    }
    real_award_counts = np.array([awards_per_recipient[key] for key in real_keys], dtype=float)
    weights = np.concatenate(
        [
            real_award_counts,
            real_award_counts[rng.integers(n_real, size=n_synthetic)]
            * rng.uniform(0.5, 1.5, n_synthetic),
        ]
    )

    # ---- agencies and offices ----
    agencies = read_agencies(data)
    order = rng.permutation(len(agencies))
    ice = next(i for i, agency in enumerate(agencies) if agency[2] == ICE)
    order = np.concatenate(
        [order[order != ice][: ICE_RANK - 1], [ice], order[order != ice][ICE_RANK - 1 :]]
    )
    agencies = [agencies[i] for i in order]
    agency_weights = 1.0 / np.arange(1, len(agencies) + 1)
    real_offices = sorted(
        {
            (row["awarding_office_code"], row["awarding_office_name"])
            for row in real.rows
            if row.get("awarding_office_code", "").startswith("70")
            and row.get("awarding_office_name")
        }
    )
    office_codes: list[str] = []
    office_names: list[str] = []
    office_start = np.zeros(len(agencies), dtype=np.int64)
    office_count = np.zeros(len(agencies), dtype=np.int64)
    for index, (toptier, _, code, name, abbreviation) in enumerate(agencies):
        office_start[index] = len(office_codes)
        if code == ICE:
            for office_code, office_name in real_offices:
                office_codes.append(office_code)
                office_names.append(office_name)
        else:
            short = (
                abbreviation
                or "".join(word[0] for word in name.split() if word[0].isalpha())
                or code
            ).upper()
            for k in range(1 + int(rng.geometric(0.15))):
                suffix = bytes(UEI_ALPHABET[rng.integers(len(UEI_ALPHABET), size=4)]).decode()
                office_codes.append(f"{toptier[-2:]}{suffix}")
                office_names.append(f"{short} CONTRACTING OFFICE {k + 1}")
        office_count[index] = len(office_codes) - office_start[index]

    # ---- parent IDVs: the real ones, then synthetic GSA schedules and agency IDVs ----
    real_idvs = sorted(
        {
            (
                row["parent_award_id_piid"],
                row.get("parent_award_agency_id", ""),
                row.get("parent_award_agency_name", ""),
            )
            for row in real.rows
            if row.get("parent_award_id_piid") and row.get("parent_award_agency_id")
        }
    )
    idv_piid = [idv[0] for idv in real_idvs]
    idv_agency = [idv[1] for idv in real_idvs]
    idv_name = [idv[2] for idv in real_idvs]
    for serial in range(max(1000, rows // 500)):
        letter = "ABCDEFGHJKLMNPQRSTUVWXYZ"[serial % 24]
        if serial % 2:
            idv_piid.append(f"GS{10 + serial % 30:02d}F{serial // 2:05d}{letter}")
            idv_agency.append("4732")
            idv_name.append("FEDERAL ACQUISITION SERVICE")
        else:
            toptier, _, code, name, _ = agencies[int(_pick(rng, _cum(agency_weights), 1)[0])]
            idv_piid.append(f"{toptier[-2:]}{code[-2:]}IDV{serial // 2:07d}")
            idv_agency.append(code)
            idv_name.append(name.upper())

    # ---- PSC and NAICS ----
    psc = read_psc(data)
    naics = read_naics(data)
    psc_index = {code: i for i, (code, _) in enumerate(psc)}
    naics_index = {code: i for i, (code, _) in enumerate(naics)}
    real_psc = Counter(row.get("product_or_service_code", "") for row in real.rows)
    real_naics = Counter(row.get("naics_code", "") for row in real.rows)
    psc_weights = 1.0 / (1 + rng.permutation(len(psc)))
    naics_weights = 1.0 / (1 + rng.permutation(len(naics)))
    for code, count in real_psc.items():
        if code in psc_index:
            psc_weights[psc_index[code]] += count / len(real.rows)
    for code, count in real_naics.items():
        if code in naics_index:
            naics_weights[naics_index[code]] += count / len(real.rows)
    rec_psc = _pick(rng, _cum(psc_weights), n_recipients)
    rec_naics = _pick(rng, _cum(naics_weights), n_recipients)
    for i, key in enumerate(real_keys):
        row = real.rows[first_row[key]]
        rec_psc[i] = psc_index.get(row.get("product_or_service_code", ""), rec_psc[i])
        rec_naics[i] = naics_index.get(row.get("naics_code", ""), rec_naics[i])

    # ---- amounts ----
    by_award: dict[str, float] = {}
    for row in real.rows:
        if "total_obligated_amount" in row and row.get("contract_award_unique_key"):
            value = _money(row["total_obligated_amount"])
            if value is not None:
                by_award[row["contract_award_unique_key"]] = value
        elif (value := _money(row.get("federal_action_obligation", ""))) is not None:
            key = "2018:" + row.get("award_id_piid", "")
            by_award[key] = by_award.get(key, 0.0) + value
    amounts = np.array(list(by_award.values()))
    nonzero = np.abs(amounts[amounts != 0])
    width = 0.1
    edges = np.arange(np.floor(np.log10(nonzero.min())), np.log10(nonzero.max()) + width, width)
    histogram, _ = np.histogram(np.log10(nonzero), bins=np.append(edges, edges[-1] + width))
    smoothed = np.convolve(histogram.astype(float), [0.25, 0.5, 0.25], mode="same") + 1e-9
    current_ratio = _empirical(
        [
            (_money(row.get("current_total_value_of_award", "")) or 0)
            / (_money(row.get("total_obligated_amount", "")) or np.nan)
            for row in real.rows
            if (_money(row.get("total_obligated_amount", "")) or 0) > 0
        ],
        1.0,
    )
    current_ratio = np.clip(current_ratio[current_ratio >= 1], 1, 100)
    potential_ratio = _empirical(
        [
            (_money(row.get("potential_total_value_of_award", "")) or np.nan)
            / (_money(row.get("current_total_value_of_award", "")) or np.nan)
            for row in real.rows
        ],
        1.0,
    )
    potential_ratio = np.clip(potential_ratio[potential_ratio >= 1], 1, 100)

    # ---- dates ----
    months: Counter[int] = Counter()
    gaps: list[float] = []
    durations: list[float] = []
    extensions: list[float] = []
    for row in real.rows:
        base = _day(row.get("award_base_action_date") or row.get("action_date", ""))
        if base is not None:
            months[int(str(base)[5:7])] += 1
        latest = _day(row.get("award_latest_action_date", ""))
        if base is not None and latest is not None and latest >= base:
            gaps.append(float((latest - base).astype(int)))
        begin = _day(row.get("period_of_performance_start_date", ""))
        end = _day(row.get("period_of_performance_current_end_date", ""))
        potential = _day(row.get("period_of_performance_potential_end_date", ""))
        if begin is not None and end is not None and end >= begin:
            durations.append(float((end - begin).astype(int)))
            if potential is not None and potential >= end:
                extensions.append(float((potential - end).astype(int)))
    # FPDS months in fiscal order Oct..Sep
    month_weights = np.array(
        [months[m] + 1 for m in (10, 11, 12, 1, 2, 3, 4, 5, 6, 7, 8, 9)], dtype=float
    )
    actions: list[float] = []
    mods: dict[str, int] = {}
    for row in real.rows:
        number = row.get("modification_number", "")
        found = re.fullmatch(r"[A-Z]*0*(\d+)", number)
        if found and row.get("award_id_piid"):
            mods[row["award_id_piid"]] = max(mods.get(row["award_id_piid"], 0), int(found[1]))
        elif row.get("number_of_actions", "").isdigit():
            actions.append(float(row["number_of_actions"]))
    actions += [float(count + 1) for count in mods.values()]

    def pools(values: dict[str, Sequence[str]]) -> dict[str, pa.Array]:
        return {name: text_pool(column) for name, column in values.items()}

    return Model(
        seed=seed,
        header=header,
        synthesized=synthesized,
        segments=segments,
        template_pools=template_pools,
        row_is_idv=row_is_idv,
        row_is_order=row_is_order,
        row_type_letter=row_type_letter,
        rec_cum=_cum(weights),
        rec_model_start=starts[model_of],
        rec_model_count=counts[model_of],
        rows_by_recipient=rows_by_recipient,
        rec_home_agency=_pick(rng, _cum(agency_weights), n_recipients),
        rec_psc=rec_psc,
        rec_naics=rec_naics,
        rec_text=rec_text,
        agency_cum=_cum(agency_weights),
        agency_text=pools(
            {
                "toptier_code": [a[0] for a in agencies],
                "toptier_name": [a[1] for a in agencies],
                "subtier_code": [a[2] for a in agencies],
                "subtier_name": [a[3] for a in agencies],
            }
        ),
        office_start=office_start,
        office_count=office_count,
        office_text=pools({"code": office_codes, "name": office_names}),
        idv_text=pools({"piid": idv_piid, "agency": idv_agency, "name": idv_name}),
        psc_cum=_cum(psc_weights),
        psc_text=pools({"code": [p[0] for p in psc], "name": [p[1] for p in psc]}),
        naics_cum=_cum(naics_weights),
        naics_text=pools({"code": [n[0] for n in naics], "name": [n[1] for n in naics]}),
        amount_bins=edges,
        amount_cum=_cum(smoothed),
        amount_width=width,
        p_zero=float(np.mean(amounts == 0)),
        p_negative=float(np.mean(amounts < 0)),
        current_ratio=current_ratio if len(current_ratio) else np.ones(1),
        potential_ratio=potential_ratio if len(potential_ratio) else np.ones(1),
        month_cum=_cum(month_weights),
        latest_gap=_empirical(gaps, 0.0),
        duration=_empirical(durations, 365.0),
        extension=_empirical(extensions, 0.0),
        actions=_empirical(actions, 1.0),
    )
