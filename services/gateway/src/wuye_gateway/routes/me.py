"""The signed-in person: who the registry says they are, what they may act as, and the post in use (A1)."""

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from wuye.registry.v1 import registry_pb2
from wuye_chassis.auth import COMMITTEE_MEMBER_ROLE, RESIDENT_POST, AuthContext
from wuye_chassis.errors import InvalidArgument
from wuye_chassis.proto_values import enum_text
from wuye_gateway.actors import POST_HEADER, acting_context
from wuye_gateway.dependencies import PROBLEM_RESPONSES, signed_in

router = APIRouter(prefix="/api/v1", tags=["who acts"], responses=PROBLEM_RESPONSES)


class PostHeld(BaseModel):
    post_id: str = Field(description=f"send it as {POST_HEADER} to act in this post ('resident' for an owner, the "
                                     "committee's id for a committee member)")
    kind: str
    jurisdiction_path: str
    company_id: str = ""
    department: str = ""
    started_on: str = ""
    compound_id: str = Field("", description="the compound a committee member acts for")
    committee_role: str = Field("", description="a committee member's role: chair, vice_chair or member")


class UnitOwned(BaseModel):
    household_id: str
    compound_id: str
    jurisdiction_path: str
    owner_key: str = Field(description="the roster owner (V4) whose ballot this person may cast")


class Me(BaseModel):
    person_id: str
    name: str = Field(description="masked, as shown outside the register")
    acting_as: PostHeld | None = Field(
        description=f"the post this request acts in; none while a person with several posts has named none "
                    f"(send {POST_HEADER})")
    posts: list[PostHeld]
    units: list[UnitOwned]


def _post(post: registry_pb2.Post) -> PostHeld:
    return PostHeld(post_id=post.post_id, kind=enum_text(registry_pb2.PostKind, post.kind),
                    jurisdiction_path=post.jurisdiction_path, company_id=post.company_id,
                    department=post.department, started_on=post.started_on)


def _acting(who: AuthContext) -> PostHeld:
    return PostHeld(post_id=who.post, kind=next(iter(sorted(who.roles)), ""), jurisdiction_path=who.scope,
                    company_id=who.company, department=who.department,
                    compound_id=next(iter(who.compounds)) if who.has_role(COMMITTEE_MEMBER_ROLE) else "")


@router.get("/me", response_model=Me, summary="The signed-in person, their posts and units, and the post acted in "
                                              "(answered before a person with several posts has chosen one)")
async def me(request: Request) -> Me:
    claimed, actor = await signed_in(request)
    if actor is None:  # development: the token's claims are all there is
        held = _acting(claimed)
        return Me(person_id=claimed.user, name="", acting_as=held, posts=[held], units=[])
    try:
        acting: PostHeld | None = _acting(acting_context(actor, request.headers.get(POST_HEADER, "").strip()))
    except InvalidArgument as unnamed:
        if unnamed.field != POST_HEADER:
            raise
        acting = None  # several posts and none named: the screen asks which
    seats = [PostHeld(post_id=seat.committee_id, kind=COMMITTEE_MEMBER_ROLE, jurisdiction_path=seat.jurisdiction_path,
                      compound_id=seat.compound_id, committee_role=enum_text(registry_pb2.MemberRole, seat.role))
             for seat in actor.committee_seats]
    resident = [PostHeld(post_id=RESIDENT_POST, kind=RESIDENT_POST, jurisdiction_path=unit.jurisdiction_path)
                for unit in actor.units[:1]]
    return Me(
        person_id=actor.person_id, name=actor.name, acting_as=acting,
        posts=[_post(post) for post in actor.posts] + seats + resident,
        units=[UnitOwned(household_id=unit.household_id, compound_id=unit.compound_id,
                         jurisdiction_path=unit.jurisdiction_path, owner_key=unit.owner_key) for unit in actor.units],
    )
