"""Splink (DuckDB backend) with its out-of-the-box settings, as a matcher to compare against.

Splink is given what it expects, standardized columns: the name key (``names.name_key``),
DUNS/UEI, city, state and the reported parent's key. The model is the one its tutorials build:

- comparisons: ``NameComparison`` on the key (Jaro-Winkler 0.92/0.88/0.7, its defaults),
  ``ExactMatch`` on identifier, city, state and parent key;
- blocking for prediction: the key's first token, or the identifier;
- training, unsupervised (no labels): ``estimate_u_using_random_sampling`` (its default
  ``max_pairs``), then expectation maximisation blocked on the first token, and on the
  identifier when two records share one. The one change from the defaults is EM's
  ``record_sample_proportion`` (default 0.01): 1.0 here, because the labelled sets have about a
  thousand names and 1 % would be ten.

``splink_probabilities(records)`` returns (left key, right key, match probability) for every
predicted pair. Splink's documentation warns that a single company-name column is hard for it;
docs/benchmarks.md shows how it does on these names.

Splink is an optional dependency, imported only inside ``splink_probabilities``: install it
with ``pip install -e '.[resolve]'`` (the test environment, ``requirements/test.txt``, has it).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from whosbehind.model.orgs import OrgRecord
from whosbehind.resolve.match_features import profile_of
from whosbehind.resolve.matching import cached_normalizer


def _columns(records: Sequence[OrgRecord]) -> dict[str, list[str | None]]:
    normalize = cached_normalizer()
    table: dict[str, list[str | None]] = {
        "unique_id": [],
        "name": [],
        "first_token": [],
        "identifier": [],
        "city": [],
        "state": [],
        "parent": [],
    }
    for record in records:
        profile = profile_of(record, normalize)
        table["unique_id"].append(record.record_key)
        table["name"].append(profile.key)
        table["first_token"].append(profile.key.split()[0] if profile.key else None)
        table["identifier"].append(min(profile.ids) if profile.ids else None)
        table["city"].append(profile.city or None)
        table["state"].append(profile.state or None)
        table["parent"].append(profile.parent_key or None)
    return table


def splink_probabilities(
    records: Sequence[OrgRecord], *, seed: int = 0
) -> list[tuple[str, str, float]]:
    """Splink's predicted pairs for ``records`` with their match probabilities."""
    try:
        import splink.comparison_library as cl
        from splink import DuckDBAPI, Linker, SettingsCreator, block_on
    except ImportError as error:
        raise ImportError(
            f"Splink is an optional dependency and is not installed ({error}): "
            "pip install 'whosbehind[resolve]'"
        ) from error

    columns = _columns(records)
    identifiers = [i for i in columns["identifier"] if i is not None]
    # EM blocked on the identifier needs two records sharing one; names-only sets have none.
    rules = ["first_token"] + (["identifier"] if len(set(identifiers)) < len(identifiers) else [])
    db_api = DuckDBAPI()
    table = db_api.register(columns)
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.NameComparison("name"),
            cl.ExactMatch("identifier"),
            cl.ExactMatch("city"),
            cl.ExactMatch("state"),
            cl.ExactMatch("parent"),
        ],
        blocking_rules_to_generate_predictions=[block_on(rule) for rule in rules],
    )
    linker = Linker(table, settings, log_level=logging.ERROR)
    linker.training.estimate_u_using_random_sampling(seed=seed)
    for rule in rules:
        linker.training.estimate_parameters_using_expectation_maximisation(
            block_on(rule), record_sample_proportion=1.0
        )
    predictions = linker.inference.predict().as_duckdbpyrelation()
    rows = predictions.select("unique_id_l, unique_id_r, match_probability").fetchall()
    return [(str(left), str(right), float(p)) for left, right, p in rows]
