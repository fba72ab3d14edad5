"""Entity types, identifiers, citations and time. No I/O."""
