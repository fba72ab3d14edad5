"""The public API's implementation: one function per answer the CLI gives, with keyword
options (enums from :mod:`whosbehind.api.options`) and typed, cited results. Import it from
the package root (``from whosbehind import fedramp_share``); this layer sits between the
library and the CLI and web app, which call nothing else."""
