"""Funds domain: the rules of the funds service as plain Python, free of I/O.

Modules: ``voting`` (owners' votes, V1–V7), ``ledger`` (append-only double-entry hash chain),
``maintenance_fund`` (F1, F3–F8), ``review`` (committee accounts, community review, P2),
``neighbour_fund`` (P5) and ``mini_fund`` (P4). Money is integer fen, area integer dm², ratios exact.
"""
