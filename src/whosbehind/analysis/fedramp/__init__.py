"""FedRAMP analysis: what the FedRAMP record said as of a record time.

Which feed answers for a date (``feeds``), shares of authorizations with HHI and CR4
(``share``) and their series over time (``timeline``), what changed between two dates
(``changes``), one offering's history (``offering``), the FedRAMP side of an agency
(``agency``) and of a company (``company``), and what runs on a provider (``runs_on``).
Reads the ``fedramp_*`` fact tables only; contract money lives in ``analysis.contracts``.
"""
