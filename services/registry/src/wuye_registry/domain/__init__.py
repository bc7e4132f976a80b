"""Registry domain: the rules of the registry as plain Python, free of I/O.

Modules: ``area`` (exact exclusive area), ``places`` (jurisdictions, compounds, buildings, households,
owners), ``party`` (four-level party organisation),
``committees`` (owners' committees and property management committees, O1–O4), ``companies``
(property service companies and contracts), ``reserve_pool`` (O5 screening), ``roster`` (V4/V6 voting
roster) and ``coverage`` (O6 figures); ``commands`` (what callers ask, one dataclass per handler) and
``events`` (what a change announces; ids, codes and paths, never personal data). Phone and resident ID
rules live in ``wuye_chassis.pii``, shared with the complaints service.
"""
