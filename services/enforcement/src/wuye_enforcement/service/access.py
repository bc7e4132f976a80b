"""Who may do what with plans, inspections and orders, and the jurisdiction a read asks for.

Plans, inspections and orders are scoped by their compound's jurisdiction path: a caller acts on and
reads only what lies inside their scope (``auth.require_access``). Results, completion and re-checks
are the inspecting departments' own work (A1): the caller's post must be a department_inspector of a
department the plan's team has for the item (``require_inspecting_department``); the inspector ids a
plan names are paperwork, never authority.
"""

from __future__ import annotations

from collections.abc import Sequence

from wuye_chassis import auth
from wuye_chassis.errors import PermissionDenied
from wuye_chassis.jurisdiction import JurisdictionPath

PLANNERS = ("county_officer", "street_officer", "department_inspector")
INSPECTORS = ("department_inspector",)
#: a department's inspector staffs its own team; the county officer coordinating the visit any team
ASSIGNERS = ("department_inspector", "county_officer")
#: who escalates an order and records how the escalation ended: the inspectors and the officers who
#: planned the inspection (re-checks are the inspecting departments' own: ``INSPECTORS``)
ORDER_HANDLERS = tuple(dict.fromkeys((*INSPECTORS, *PLANNERS)))
#: who sees plans, inspections, orders and figures (inside their scope)
READERS = (*PLANNERS, "community_worker", "city_admin", "auditor")


def scoped_path(jurisdiction_path: str, *, action: str) -> str:
    """The jurisdiction a read asks for, refused unless the caller's scope covers it."""
    path = str(JurisdictionPath.parse(jurisdiction_path))
    auth.require_access(path, action=action)
    return path


def require_inspecting_department(departments: Sequence[str], *, action: str, what: str) -> auth.AuthContext:
    """A1: the caller holds a department_inspector post of one of ``departments``; 403 naming the post."""
    caller = auth.current()
    if caller.has_role(auth.SYSTEM_ROLE) or (caller.department and caller.department in departments):
        return caller
    needed = " or ".join(departments) or "a department on the plan"
    raise PermissionDenied(
        f"{action}: {what} needs the post department_inspector of {needed}"
        + (f" (the caller's post is of {caller.department})" if caller.department else ""),
        field="post",
        rule="A1",
    )
