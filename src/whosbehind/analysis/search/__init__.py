"""Search: one box for agencies, organizations (any name, UEI, DUNS, CIK, CAGE), FedRAMP
offerings, award PIIDs and the words of award descriptions.

What is indexed (``entries``) and the index with its queries (``index``: ``SearchIndex.build``,
``search``, ``suggest``, typed ``Hit`` results). Why Tantivy: docs/architecture.md.
"""

from whosbehind.analysis.search.entries import KINDS
from whosbehind.analysis.search.index import Hit, SearchIndex

__all__ = ["KINDS", "Hit", "SearchIndex"]
