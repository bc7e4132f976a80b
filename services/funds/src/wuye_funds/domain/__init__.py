"""Funds domain: the rules of the funds service as plain Python, free of I/O and of protobuf.

Modules: ``voting`` (owners' votes, V1–V7), ``vote_proposals`` (R4 → V1), ``ledger`` (append-only
double-entry hash chain), ``accounts`` (which ledger and account holds which money),
``maintenance_fund`` (F1, F3–F8), ``review`` (committee accounts, community review, P2), ``mini_fund``
(P4), ``neighbour_fund`` (P5), ``disclosure`` and ``disclosure_schedule`` (F9, P3); ``commands`` (what
callers ask) and ``events`` (what the use cases announce). Money is integer fen, area integer dm², ratios
exact.
"""
