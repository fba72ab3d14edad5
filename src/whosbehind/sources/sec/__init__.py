"""SEC EDGAR company files: CIK, ticker, exchange and name of public companies (no subsidiaries)."""
