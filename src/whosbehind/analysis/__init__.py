"""Analysis: shares, concentration, histories and changes, computed from the store.

Sub-packages: ``fedramp`` (the FedRAMP record), ``contracts`` (contract money), ``reports``
(the agency and company reports built from both), ``search`` (the search index). The modules
at this level are shared by them: which agencies ``--agency`` means (``agencies``), roll-up to
owners (``org_rollup``), period ends (``periods``), concentration (``concentration``) and
charts (``charts``).
"""
