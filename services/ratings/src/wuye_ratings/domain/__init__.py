"""Ratings domain: the rules of the ratings service as plain Python, free of I/O.

Modules: ``rules`` (R1/R2 versioned scoring rules), ``credit`` (records and the score recomputed for
any day, R1/R6), ``sources`` (which other services' events make which records, R2), ``evaluations`` (R3
three evaluations and quarters), ``lists`` (R4 red/black lists and their consequences), ``stars`` (R5
yearly star rating), ``appeals`` (R6), ``rankings``, ``companies`` (the companies rated and the compounds
they serve), ``vocabulary`` (the enums several modules share), ``events`` (what the rules announce) and
``commands`` (what callers ask).
"""
