"""The development token issuer (mounted only when WUYE_DEV_ISSUER=true)."""

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from wuye_chassis.errors import InvalidArgument
from wuye_gateway.dependencies import PROBLEM_RESPONSES
from wuye_gateway.identity import DEV_ACCOUNTS

router = APIRouter(prefix="/dev", tags=["development issuer"], responses=PROBLEM_RESPONSES)


class TokenRequest(BaseModel):
    username: str = Field("", examples=sorted(DEV_ACCOUNTS),
                          description="a seeded development account; or leave it empty and give a phone")
    phone: str = Field("", examples=["13800000002"],
                       description="sign in as the registered person with this mobile number (any owner of "
                                   "the demo roster), as a resident does with a verified phone")


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = "Bearer"
    role: str = Field("", description="the post the demo gives this person (the registry decides what they may do)")
    scope: str = ""
    name: str = Field("", description="the demo person the account signs in as (empty for a phone sign-in)")
    company: str = Field("", description="the wuye_company claim: set for company staff only")


@router.post("/token", response_model=TokenResponse, summary="Issue a token for a seeded development account")
async def token(body: TokenRequest, request: Request) -> TokenResponse:
    if bool(body.username) == bool(body.phone):
        raise InvalidArgument("give either username or phone", field="username", rule="one_sign_in")
    if body.phone:
        return TokenResponse(access_token=request.app.state.dev_issuer.issue_for_phone(body.phone))
    issued = request.app.state.dev_issuer.issue(body.username)
    account = DEV_ACCOUNTS[body.username]
    return TokenResponse(access_token=issued, role=account.role, scope=account.scope, name=account.name,
                         company=account.company)


@router.get("/jwks.json", summary="The development issuer's public keys")
async def jwks(request: Request) -> dict[str, object]:
    return request.app.state.dev_issuer.jwks()
