"""Tables of the contract store: awards, transactions, recipients, agencies, quarantine.

A contract file is a partial observation (one fiscal year, one agency, one page), not a whole
snapshot of the record: a record missing from the next file is not gone. So every row is a
*version* of a record, keyed by the record's key, valid in record time from ``record_from``
(the record time of the snapshot that stated it, ``seq`` of ``feed``) until ``record_to`` (the
record time of the next version of the same key; NULL while it is the newest). Nothing is
overwritten: a changed record adds a version and closes the previous one.

``row_hash`` digests the data columns (not the version columns, not ``position``) so that a
new file is compared with the stored versions set-based, in SQL.

``contract_award`` is keyed by award and the date of the latest action it reflects
(``as_of``): the 2018 export states an award once per fiscal year, as of its last action in that
year, and those are different records, not versions of one. ``latest`` marks, among the newest
versions, the award record with the latest ``as_of`` of its award (its current description and
potential value); ``counts`` marks those latest records whose award has no transactions in the
store, so that their stated total obligation is the award's money (award-summary files and API
award records). Both flags are maintained at ingest.
"""

from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass

from whosbehind.model.agencies import Agency
from whosbehind.model.contracts import Award, Recipient
from whosbehind.store.dialect import Dialect
from whosbehind.store.engine import Engine

Column = tuple[str, str]  # name, kind: text, date, int, money, bool
VERSION_KINDS: tuple[Column, ...] = (
    ("feed", "text"),
    ("seq", "int"),
    ("record_from", "timestamp"),
    ("record_to", "timestamp"),
    ("row_hash", "hash"),
)


@dataclass(frozen=True, slots=True)
class TableSpec:
    name: str
    key: tuple[str, ...]
    data: tuple[Column, ...]  # hashed: a change here is a new version
    extra: tuple[Column, ...] = ()  # kept with the version, not hashed
    # rows of one snapshot are written in this order: the min/max of each row group then
    # lets a filter on these columns skip most of the table (what partitions would give)
    cluster: tuple[str, ...] = ()

    @property
    def data_names(self) -> list[str]:
        return [name for name, _ in self.data]

    @property
    def extra_names(self) -> list[str]:
        return [name for name, _ in self.extra]

    @property
    def all_names(self) -> list[str]:
        return [name for name, _ in VERSION_KINDS] + self.data_names + self.extra_names

    def ddl(self, dialect: Dialect) -> str:
        columns = [(name, sql_type(kind, dialect)) for name, kind in VERSION_KINDS]
        columns += [(name, sql_type(kind, dialect)) for name, kind in (*self.data, *self.extra)]
        return dialect.create_table(self.name, columns)


def sql_type(kind: str, dialect: Dialect) -> str:
    return {
        "text": dialect.text,
        "date": dialect.date,
        "int": dialect.bigint,
        "money": dialect.money,
        "bool": dialect.boolean,
        "timestamp": dialect.timestamp,
        "hash": dialect.row_hash,
    }[kind]


def _fields(kind: type, skip: frozenset[str] = frozenset({"locator"})) -> tuple[Column, ...]:
    hints = typing.get_type_hints(kind)
    names = {"str": "text", "Decimal": "money", "date": "date", "int": "int", "bool": "bool"}
    columns: list[Column] = []
    for field in dataclasses.fields(kind):
        if field.name in skip:
            continue
        annotation = hints[field.name]
        args = [a for a in typing.get_args(annotation) if a is not type(None)] or [annotation]
        columns.append((field.name, names[args[0].__name__]))
    return tuple(columns)


# Award-level attributes every transaction carries as its record stated them, so that money is
# grouped by recipient, agency or code without a join (USAspending groups transactions so too).
TRANSACTION_ATTRIBUTES: tuple[Column, ...] = (
    ("piid", "text"),
    ("award_type", "text"),
    ("parent_idv_piid", "text"),
    ("awarding_toptier_code", "text"),
    ("awarding_subtier_code", "text"),
    ("awarding_office_code", "text"),
    ("funding_toptier_code", "text"),
    ("funding_subtier_code", "text"),
    ("recipient_name", "text"),
    ("recipient_duns", "text"),
    ("recipient_uei", "text"),
    ("recipient_parent_name", "text"),
    ("recipient_parent_duns", "text"),
    ("recipient_parent_uei", "text"),
    ("psc_code", "text"),
    ("naics_code", "text"),
)

TRANSACTIONS = TableSpec(
    name="contract_transaction",
    key=("award_key", "modification_number", "transaction_number"),
    data=(
        ("award_key", "text"),
        ("modification_number", "text"),
        ("transaction_number", "text"),
        ("action_date", "date"),
        ("fiscal_year", "int"),
        ("federal_action_obligation", "money"),
        ("action_type", "text"),
        ("action_type_description", "text"),
        *TRANSACTION_ATTRIBUTES,
        # False when the record did not state them (API transaction pages): then the award's
        # latest record supplies them at query time.
        ("attributes_stated", "bool"),
    ),
    extra=(("position", "text"),),
    cluster=("fiscal_year", "awarding_subtier_code"),
)

AWARDS = TableSpec(
    name="contract_award",
    key=("award_key", "as_of"),
    data=(
        *_fields(Award),
        ("as_of", "date"),
        ("fiscal_year", "int"),
        ("grain", "text"),  # "transaction": read from a transaction row; "award": a summary
    ),
    extra=(("position", "text"), ("latest", "bool"), ("counts", "bool")),
    cluster=("fiscal_year", "awarding_subtier_code"),
)

RECIPIENTS = TableSpec(
    name="contract_recipient",
    key=("recipient_id",),
    data=_fields(Recipient),
    extra=(("position", "text"),),
)

AGENCIES = TableSpec(
    name="contract_agency",
    key=("subtier_code",),
    data=_fields(Agency),
    extra=(("position", "text"),),
)

CONTRACT_TABLES = (TRANSACTIONS, AWARDS, RECIPIENTS, AGENCIES)
QUARANTINE_COLUMNS: tuple[Column, ...] = (
    ("feed", "text"),
    ("seq", "int"),
    ("file", "text"),
    ("line", "int"),
    ("field", "text"),
    ("reason", "text"),
    ("raw_excerpt", "text"),
)


def create_contract_tables(engine: Engine) -> None:
    dialect = engine.dialect
    for table in CONTRACT_TABLES:
        engine.execute(table.ddl(dialect))
    engine.execute(
        dialect.create_table(
            "contract_quarantine",
            [(name, sql_type(kind, dialect)) for name, kind in QUARANTINE_COLUMNS],
        )
    )
