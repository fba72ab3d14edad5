"""One package per public source: parse formats into model facts, never touch the store."""
