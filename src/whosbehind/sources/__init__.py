"""One package per public source. Sources parse formats into model facts; they never touch the store."""
