"""What the FedRAMP source is, who publishes it, and where the live feeds are."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Feed:
    """One published file. ``url`` is the live upstream, empty for a retired feed."""

    name: str
    title: str
    url: str
    git_paths: tuple[str, ...]
    # the public repository whose commits an archive of this feed names ('' when unknown):
    # a citation then names the upstream commit, not the archive's
    repository: str = ""


PUBLISHER = "General Services Administration, FedRAMP Program Management Office"
LICENSE = "US government work, public domain"
CADENCE = "republished daily"

LEGACY = Feed(
    "fedramp-legacy",
    "FedRAMP Marketplace legacy feed (Providers, Assessors)",
    "",  # retired upstream; stopped changing on 2024-01-10: read it from an archive
    ("data/data.json",),
)
MARKETPLACE = Feed(
    "fedramp-marketplace",
    "FedRAMP Marketplace feed (Products, Agencies, Assessors, ATO and reuse mappings)",
    "https://raw.githubusercontent.com/GSA/marketplace-fedramp-gov-data/main/data.json",
    ("data.json",),
    "github.com/GSA/marketplace-fedramp-gov-data",
)
ORG_PRODUCTS = Feed(
    "fedramp-org-products",
    "FedRAMP organization export of products (includes delisted products, UEI)",
    "https://raw.githubusercontent.com/FedRAMP/marketplace-fedramp-gov-data/main/fedramp-products.json",
    ("fedramp-products.json",),
    "github.com/FedRAMP/marketplace-fedramp-gov-data",
)
ORG_STATUS = Feed(
    "fedramp-org-status",
    "FedRAMP organization export: dated status history per package",
    "https://raw.githubusercontent.com/FedRAMP/marketplace-fedramp-gov-data/main/fedramp-status-changelog.json",
    ("fedramp-status-changelog.json",),
    "github.com/FedRAMP/marketplace-fedramp-gov-data",
)
FEEDS = {feed.name: feed for feed in (LEGACY, MARKETPLACE, ORG_PRODUCTS, ORG_STATUS)}
ALL_GIT_PATHS = tuple(path for feed in FEEDS.values() for path in feed.git_paths)
DEFAULT_URL = MARKETPLACE.url
