"""Enforcement domain: the rules of one joint inspection (综合查一次) as plain Python, free of I/O.

Modules: ``catalogue`` (E1 departments and inspection items, one catalogue row parsed), ``plans`` (E2 one
merged checklist and one visit per compound, E3 frequency limit), ``inspections`` (results per item,
findings), ``rectification`` (E4 orders, follow-up re-check, overdue, escalation to a penalty case or the
judicial alliance), ``events`` (what a transition announces; ids, codes and places only), ``figures``
(E5), ``triggers`` (which complaint categories may open a complaint-triggered inspection),
``vocabulary`` (the enums those modules share) and ``commands`` (what callers ask of the service).
"""
