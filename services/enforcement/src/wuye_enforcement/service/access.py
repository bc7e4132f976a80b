"""Who may do what with plans, inspections and orders, and the jurisdiction a read asks for.

Plans, inspections and orders are scoped by their compound's jurisdiction path: a caller acts on and
reads only what lies inside their scope (``auth.require_access``).
"""

from __future__ import annotations

from wuye_chassis import auth
from wuye_chassis.jurisdiction import JurisdictionPath

PLANNERS = ("county_officer", "street_officer", "department_inspector")
INSPECTORS = ("department_inspector",)
#: a department's inspector staffs its own team; the county officer coordinating the visit any team
ASSIGNERS = ("department_inspector", "county_officer")
#: who records re-checks and escalates: the inspectors and the officers who planned the inspection
ORDER_HANDLERS = tuple(dict.fromkeys((*INSPECTORS, *PLANNERS)))
#: who sees plans, inspections, orders and figures (inside their scope)
READERS = (*PLANNERS, "community_worker", "city_admin", "auditor")


def scoped_path(jurisdiction_path: str, *, action: str) -> str:
    """The jurisdiction a read asks for, refused unless the caller's scope covers it."""
    path = str(JurisdictionPath.parse(jurisdiction_path))
    auth.require_access(path, action=action)
    return path
