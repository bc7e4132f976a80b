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
from wuye_enforcement.domain.vocabulary import AddresseeKind

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


# --- supervision (S1–S4) -------------------------------------------------------------------------

#: the task force: issues lists and rounds, sends results back, makes the follow-up visit and the 回头看
TASK_FORCE = ("county_officer", "street_officer")
#: who may act as an addressee (which one is decided by ``require_addressee``)
ADDRESSEES = ("street_officer", "community_worker", "department_inspector", "company_staff")
#: who reads lists, rounds, queues and figures (inside their scope; company staff only their company's)
SUPERVISION_READERS = (*TASK_FORCE, "community_worker", "department_inspector", "company_staff", "city_admin",
                       "auditor")


def require_addressee(kind: AddresseeKind, addressee_id: str, path: str, *, action: str) -> auth.AuthContext:
    """A1: the caller acts as the addressee itself: a street or community by an officer or worker whose
    scope covers it, a compound by one whose scope covers the compound, a department by its own
    department_inspector, a company by its own company_staff."""
    caller = auth.current()
    if caller.has_role(auth.SYSTEM_ROLE):
        return caller
    allowed = {
        AddresseeKind.JURISDICTION: caller.has_role("street_officer", "community_worker") and caller.can_access(path),
        AddresseeKind.COMPOUND: caller.has_role("street_officer", "community_worker") and caller.can_access(path),
        AddresseeKind.DEPARTMENT: caller.has_role("department_inspector") and caller.department == addressee_id
        and caller.can_access(path),
        AddresseeKind.COMPANY: caller.has_role("company_staff") and caller.company == addressee_id,
    }[kind]
    if not allowed:
        raise PermissionDenied(f"{action}: only the addressee ({kind.value} {addressee_id}) acts on it",
                               field="post", rule="A1")
    return caller


def own_company_only() -> str | None:
    """A5: a company's staff read only what is addressed to their company (its id); others None."""
    caller = auth.current()
    if caller.has_role("company_staff") and not caller.has_role(*TASK_FORCE, "city_admin", "auditor", auth.SYSTEM_ROLE):
        return caller.company
    return None
