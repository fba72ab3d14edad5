"""Reports: who is behind an agency, what a company does for the government.

``agency`` and ``company`` gather the facts (which records are the company:
``company_identity``); ``agency_document`` and ``company_document`` lay them out as cited
``sections`` that the Markdown, HTML and JSON writers render. The parts they share: the
money grouped every way (``money``; in SQL over the lines of a selection held in DuckDB,
``line_table``), the owner each action rolls up to (``rollup``), the
recipients whose money counts under more than one owner (``splits``), what the record does
not say (``coverage``), cited building blocks (``cited``) and the money chart (``chart``).
"""
