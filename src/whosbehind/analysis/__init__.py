"""Analysis: shares, concentration, histories and changes, computed from the store."""
