"""Ratings domain: the rules of the ratings service as plain Python, free of I/O.

Modules: ``rules`` (R1/R2 versioned scoring rules and bands), ``credit`` (records and the score
recomputed for any day, R1/R6), ``evaluations`` (R3 three evaluations and quarters), ``lists`` (R4
red/black lists and their consequences), ``stars`` (R5 yearly star rating), ``appeals`` (R6), ``events``
(what the rules announce) and ``exact`` (exact numbers and display rounding).
"""
