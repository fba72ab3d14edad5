"""USAspending: award downloads (CSV, plain, folders or zip archives) and the API v2 JSON."""
