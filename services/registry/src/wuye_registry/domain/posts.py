"""Posts: what a person may do, and where (RULES.md A1).

A post is held by one registry person from its first day to its last (``ended_on``, inclusive). Its kind
fixes the level of the jurisdiction it is held in — a community worker at a community, a street officer at
a street, a county officer at a county — so a post can never reach further than its kind allows. Company
staff hold their post in the company's own jurisdiction and act for that company; a department inspector
acts for one partner department. Owning a unit is not a post: residents are the owners of the roster.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum

from wuye_chassis import departments
from wuye_chassis.errors import FailedPrecondition, InvalidArgument, PermissionDenied
from wuye_registry.domain.places import JurisdictionLevel


class PostKind(StrEnum):
    COMMUNITY_WORKER = "community_worker"
    GRID_WORKER = "grid_worker"
    #: the two P2 reviewers of a community's committee expenses (业账社审)
    PARTY_BRANCH_REVIEWER = "party_branch_reviewer"
    RESIDENTS_COMMITTEE_REVIEWER = "residents_committee_reviewer"
    STREET_OFFICER = "street_officer"
    COUNTY_OFFICER = "county_officer"
    OPERATOR_12345 = "operator_12345"
    DEPARTMENT_INSPECTOR = "department_inspector"
    COMPANY_STAFF = "company_staff"
    CITY_ADMIN = "city_admin"
    AUDITOR = "auditor"


#: the levels each kind of post may be held at
POST_LEVELS: dict[PostKind, frozenset[JurisdictionLevel]] = {
    PostKind.COMMUNITY_WORKER: frozenset({JurisdictionLevel.COMMUNITY}),
    PostKind.GRID_WORKER: frozenset({JurisdictionLevel.COMMUNITY}),
    PostKind.PARTY_BRANCH_REVIEWER: frozenset({JurisdictionLevel.COMMUNITY}),
    PostKind.RESIDENTS_COMMITTEE_REVIEWER: frozenset({JurisdictionLevel.COMMUNITY}),
    PostKind.STREET_OFFICER: frozenset({JurisdictionLevel.STREET}),
    PostKind.COUNTY_OFFICER: frozenset({JurisdictionLevel.COUNTY}),
    PostKind.OPERATOR_12345: frozenset({JurisdictionLevel.COUNTY}),
    # a county's department office, or the city's
    PostKind.DEPARTMENT_INSPECTOR: frozenset({JurisdictionLevel.COUNTY, JurisdictionLevel.CITY}),
    # wherever the company is registered
    PostKind.COMPANY_STAFF: frozenset(JurisdictionLevel),
    PostKind.CITY_ADMIN: frozenset({JurisdictionLevel.CITY}),
    PostKind.AUDITOR: frozenset({JurisdictionLevel.CITY}),
}



@dataclass(frozen=True)
class Post:
    post_id: str
    person_id: str
    kind: PostKind
    jurisdiction_path: str
    started_on: dt.date
    company_id: str = ""
    department: str = ""
    #: the post's last day; None while it is held
    ended_on: dt.date | None = None

    @property
    def seat(self) -> tuple[str, PostKind, str, str, str]:
        """What makes two posts the same post: its holder, kind, place, company and department."""
        return self.person_id, self.kind, self.jurisdiction_path, self.company_id, self.department

    def already_given(self, held: Iterable[Post]) -> bool:
        """The holder already has this post (the same seat) among ``held``, not ended before this one's first
        day (one that starts later still counts: it is already given)."""
        return any(
            other.seat == self.seat and (other.ended_on is None or self.started_on <= other.ended_on) for other in held
        )

    def is_open_on(self, day: dt.date) -> bool:
        return self.started_on <= day and (self.ended_on is None or day <= self.ended_on)

    def end(self, last_day: dt.date) -> Post:
        if self.ended_on is not None:
            raise FailedPrecondition(f"the post ended on {self.ended_on.isoformat()}", field="post_id", rule="A1")
        if last_day < self.started_on:
            raise InvalidArgument(
                f"a post cannot end ({last_day.isoformat()}) before it started ({self.started_on.isoformat()})",
                field="ended_on", rule="A1",
            )
        return replace(self, ended_on=last_day)


def new_post(
    *, post_id: str, person_id: str, kind: PostKind, level: JurisdictionLevel, jurisdiction_path: str,
    started_on: dt.date, assigned_by: str, company_id: str = "", department: str = "",
) -> Post:
    """A post as assigned: its level must suit its kind, company staff name their company, an inspector their
    department, and nobody gives a post to themselves (someone else answers for every appointment)."""
    if person_id == assigned_by:
        raise PermissionDenied("nobody may give a post to themselves", field="person_id", rule="A1")
    if level not in POST_LEVELS[kind]:
        allowed = ", ".join(sorted(level.value for level in POST_LEVELS[kind]))
        raise InvalidArgument(
            f"a {kind.value} post is held at a {allowed}, not at a {level.value}",
            field="jurisdiction_code", rule="A1",
        )
    if (kind is PostKind.COMPANY_STAFF) != bool(company_id):
        raise InvalidArgument(
            "company_id names the company for company staff, and only for them", field="company_id", rule="A1"
        )
    if kind is PostKind.DEPARTMENT_INSPECTOR and department not in departments.CODES:
        raise InvalidArgument(
            f"department must be one of {', '.join(sorted(departments.CODES))} for an inspector, got {department!r}",
            field="department", rule="A1",
        )
    if kind is not PostKind.DEPARTMENT_INSPECTOR and department:
        raise InvalidArgument("only an inspector's post names a department", field="department", rule="A1")
    return Post(
        post_id=post_id, person_id=person_id, kind=kind, jurisdiction_path=jurisdiction_path,
        started_on=started_on, company_id=company_id, department=department,
    )


#: posts that command others: only someone above them may give one (never a peer of the same place)
COMMANDING_POSTS = frozenset({
    PostKind.STREET_OFFICER, PostKind.COUNTY_OFFICER, PostKind.OPERATOR_12345, PostKind.CITY_ADMIN, PostKind.AUDITOR,
})


def check_appointer(kind: PostKind, post_path: str, *, appointer_scope: str, appointer_is_city_admin: bool) -> None:
    """A commanding post is given from above: by the city admin, or by an officer whose jurisdiction lies
    strictly above the post's (a county officer appoints a street officer, not another county officer)."""
    if kind not in COMMANDING_POSTS or appointer_is_city_admin:
        return
    if post_path.strip("/") == appointer_scope.strip("/"):
        raise PermissionDenied(
            f"a {kind.value} post is given by someone above it, not by a peer of the same jurisdiction",
            field="kind", rule="A1",
        )
