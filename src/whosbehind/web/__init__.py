"""``whosbehind serve``: the web pages and the JSON API over a store, read-only.

``create_app(store)`` builds the app over any ``StoreProvider`` (``PublishedProvider`` reads the
copy writers publish beside a store, what ``serve`` uses; ``FileStore`` opens one store file
read-only); pages and API call the library and lay its answers out, nothing more.
"""

from __future__ import annotations

from whosbehind.web.app import create_app
from whosbehind.web.provider import FileStore, StoreProvider
from whosbehind.web.store_provider import PublishedProvider

__all__ = ["FileStore", "PublishedProvider", "StoreProvider", "create_app"]
