"""Entity resolution: name normalization, labeled pairs from curated files, evaluation."""

from whosbehind.resolve.names import NormalizedName, name_key, normalize_name

__all__ = ["NormalizedName", "name_key", "normalize_name"]
