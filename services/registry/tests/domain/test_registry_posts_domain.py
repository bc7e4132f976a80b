"""A1: a post's kind fixes its level; appointments come from someone else, commanding posts from above."""

import datetime as dt

import pytest

from wuye_chassis.errors import FailedPrecondition, InvalidArgument, PermissionDenied
from wuye_registry.domain.places import JurisdictionLevel
from wuye_registry.domain.posts import PostKind, check_appointer, new_post

DAY = dt.date(2026, 3, 1)


def post(kind: PostKind, level: JurisdictionLevel, **fields: str):
    values = {"person_id": "p-1", "assigned_by": "officer-1", **fields}
    return new_post(post_id="post-1", kind=kind, level=level, jurisdiction_path="350500/350521", started_on=DAY,
                    **values)


def test_A1_each_kind_is_held_at_its_level_only() -> None:
    assert post(PostKind.COUNTY_OFFICER, JurisdictionLevel.COUNTY).kind is PostKind.COUNTY_OFFICER
    with pytest.raises(InvalidArgument) as refused:
        post(PostKind.COMMUNITY_WORKER, JurisdictionLevel.STREET)
    assert (refused.value.field, refused.value.rule) == ("jurisdiction_code", "A1")
    with pytest.raises(InvalidArgument):
        post(PostKind.CITY_ADMIN, JurisdictionLevel.COUNTY)
    assert post(PostKind.DEPARTMENT_INSPECTOR, JurisdictionLevel.CITY, department="housing").department == "housing"


def test_A1_company_staff_name_their_company_and_only_they_do() -> None:
    assert post(PostKind.COMPANY_STAFF, JurisdictionLevel.STREET, company_id="c-1").company_id == "c-1"
    with pytest.raises(InvalidArgument) as refused:
        post(PostKind.COMPANY_STAFF, JurisdictionLevel.COUNTY)
    assert refused.value.field == "company_id"
    with pytest.raises(InvalidArgument):
        post(PostKind.COUNTY_OFFICER, JurisdictionLevel.COUNTY, company_id="c-1")


def test_A1_an_inspector_acts_for_one_known_department() -> None:
    with pytest.raises(InvalidArgument) as refused:
        post(PostKind.DEPARTMENT_INSPECTOR, JurisdictionLevel.COUNTY, department="hosuing")
    assert refused.value.field == "department"
    with pytest.raises(InvalidArgument):
        post(PostKind.COUNTY_OFFICER, JurisdictionLevel.COUNTY, department="housing")


def test_A1_nobody_gives_a_post_to_themselves() -> None:
    with pytest.raises(PermissionDenied) as refused:
        post(PostKind.COMMUNITY_WORKER, JurisdictionLevel.COMMUNITY, assigned_by="p-1")
    assert refused.value.rule == "A1"


def test_A1_commanding_posts_come_from_above_never_from_a_peer() -> None:
    check_appointer(PostKind.STREET_OFFICER, "350500/350521/350521100", appointer_scope="350500/350521",
                    appointer_is_city_admin=False)
    with pytest.raises(PermissionDenied):
        check_appointer(PostKind.COUNTY_OFFICER, "350500/350521", appointer_scope="350500/350521",
                        appointer_is_city_admin=False)
    # the city admin appoints the city's own posts; a county officer names a community worker of its county
    check_appointer(PostKind.AUDITOR, "350500", appointer_scope="350500", appointer_is_city_admin=True)
    check_appointer(PostKind.COMMUNITY_WORKER, "350500/350521", appointer_scope="350500/350521",
                    appointer_is_city_admin=False)


def test_A1_a_post_is_open_through_its_last_day_and_ends_once() -> None:
    held = post(PostKind.COUNTY_OFFICER, JurisdictionLevel.COUNTY)
    assert not held.is_open_on(DAY - dt.timedelta(days=1)) and held.is_open_on(DAY)
    ended = held.end(DAY + dt.timedelta(days=9))
    assert ended.is_open_on(DAY + dt.timedelta(days=9)) and not ended.is_open_on(DAY + dt.timedelta(days=10))
    assert held.end(DAY).is_open_on(DAY)  # a one-day post
    with pytest.raises(InvalidArgument) as refused:
        held.end(DAY - dt.timedelta(days=1))
    assert refused.value.field == "ended_on"
    with pytest.raises(FailedPrecondition):
        ended.end(DAY + dt.timedelta(days=20))
