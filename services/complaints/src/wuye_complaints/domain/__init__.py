"""Complaints domain: the rules of the complaints service as plain Python, free of I/O.

Modules: ``categories`` (C1 catalogue), ``case`` (C2 lifecycle state machine), ``events`` (what a
transition announces; ids and codes only, never the reporter's contact), ``deadlines`` (C3 working-day
clocks), ``escalation`` (C4 tiers), ``duplicates`` (C6 duplicates and collective complaints), ``rates``
(C4/C5 figures) and ``mediation`` (C7).
"""
