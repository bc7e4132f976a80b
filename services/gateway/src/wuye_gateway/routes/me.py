"""The signed-in person: who the registry says they are, what they may act as, and the post in use (A1)."""

import asyncio
from typing import Any

import grpc
from fastapi import APIRouter, Request
from google.protobuf.message import Message
from pydantic import BaseModel, Field

from wuye.registry.v1 import registry_pb2
from wuye_chassis.auth import COMMITTEE_MEMBER_ROLE, RESIDENT_POST, SYSTEM, AuthContext
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
    place_name: str = Field("", description="where the post is held, by name: the company of company staff, the "
                                            "compound of a committee seat, else the jurisdiction")


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
        await _name_places(request, [held])
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
    posts = [_post(post) for post in actor.posts] + seats + resident
    await _name_places(request, posts)
    if acting is not None:
        acting.place_name = next((post.place_name for post in posts if post.post_id == acting.post_id), "")
    return Me(
        person_id=actor.person_id, name=actor.name, acting_as=acting, posts=posts,
        units=[UnitOwned(household_id=unit.household_id, compound_id=unit.compound_id,
                         jurisdiction_path=unit.jurisdiction_path, owner_key=unit.owner_key) for unit in actor.units],
    )


#: a name is a courtesy: a slow registry leaves the code shown rather than holding up who the person is
NAMING_SECONDS = 1.0


async def _name_places(request: Request, held: list[PostHeld]) -> None:
    """Give each post the name of its place, read with the gateway's own identity: a person choosing among
    their posts has no post yet to read the registry as, and a post's own place is no secret to its holder."""

    async def ask(rpc: str, message: Message) -> Any:
        return await request.app.state.backends.method("registry", rpc)(
            message, metadata=SYSTEM.to_metadata(), timeout=NAMING_SECONDS)

    async def name_of(post: PostHeld) -> str:
        code = post.jurisdiction_path.rsplit("/", 1)[-1]
        try:
            if post.company_id:
                return str((await ask("GetCompany", registry_pb2.GetCompanyRequest(company_id=post.company_id)))
                           .company.name)
            if post.compound_id:
                return str((await ask("GetCompound", registry_pb2.GetCompoundRequest(compound_id=post.compound_id)))
                           .compound.name)
            if code:
                return str((await ask("GetJurisdiction", registry_pb2.GetJurisdictionRequest(code=code)))
                           .jurisdiction.name)
        except grpc.aio.AioRpcError:
            pass  # a name the registry cannot give now leaves the screen showing the place's code
        return ""

    names = await asyncio.gather(*(name_of(post) for post in held))
    for post, name in zip(held, names, strict=True):
        post.place_name = name
