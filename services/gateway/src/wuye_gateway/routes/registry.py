"""Registry: compounds, buildings, the owner roster, committees, companies, contracts and coverage.

Bodies and answers are the registry's own messages (see wuye_gateway.routing); the registry validates
each input, checks role and jurisdiction, and names the field at fault.
"""

import json
from collections.abc import AsyncIterator
from typing import Annotated, Any

import grpc
from fastapi import APIRouter, Query, Request, status
from fastapi.responses import StreamingResponse

from wuye.registry.v1 import registry_pb2 as pb
from wuye_gateway.convert import to_json
from wuye_gateway.dependencies import PROBLEM_RESPONSES, Caller, call_metadata
from wuye_gateway.problems import on_rpc_error
from wuye_gateway.routing import Backend, command, query
from wuye_gateway.workbooks import XLSX

router = APIRouter(prefix="/api/v1", tags=["registry"], responses=PROBLEM_RESPONSES)
REGISTRY = Backend(router=router, service="registry")

command(**REGISTRY, path="/compounds", rpc="RegisterCompound", request=pb.RegisterCompoundRequest,
        response=pb.RegisterCompoundResponse, answer="compound", creates=True,
        summary="Register a compound in a community",
        examples={"community_code": ["350521100001"], "code": ["FHC"], "name": ["凤凰城"],
                  "compound_type": ["commodity"], "management_mode": ["company"]})
query(**REGISTRY, path="/compounds/{compound_id}", rpc="GetCompound", request=pb.GetCompoundRequest,
      response=pb.GetCompoundResponse, summary="A compound with its jurisdictions, current company and contract")
query(**REGISTRY, path="/compounds", rpc="ListCompounds", request=pb.ListCompoundsRequest,
      response=pb.ListCompoundsResponse, items="compounds", summary="Compounds within a jurisdiction")
command(**REGISTRY, path="/compounds/{compound_id}/buildings", rpc="AddBuilding", request=pb.AddBuildingRequest,
        response=pb.AddBuildingResponse, answer="building", creates=True, summary="Add a building to a compound",
        examples={"code": ["3"], "name": ["3号楼"]})
query(**REGISTRY, path="/compounds/{compound_id}/buildings", rpc="ListBuildings", request=pb.ListBuildingsRequest,
      response=pb.ListBuildingsResponse, items="buildings", summary="The buildings of a compound")
query(**REGISTRY, path="/compounds/{compound_id}/roster", rpc="GetOwnerRoster", request=pb.GetOwnerRosterRequest,
      response=pb.GetOwnerRosterResponse,
      summary="The owner roster: households, owners by owner key and exclusive area (what votes count on)")
command(**REGISTRY, path="/committees", rpc="FormCommittee", request=pb.FormCommitteeRequest,
        response=pb.FormCommitteeResponse, creates=True,
        summary="Form an owners' committee or a temporary property management committee (warnings name the rule)",
        examples={"kind": ["owners_committee"], "term_start": ["2026-01-01"], "term_end": ["2030-12-31"]})
query(**REGISTRY, path="/compounds/{compound_id}/committees", rpc="ListCommittees", request=pb.ListCommitteesRequest,
      response=pb.ListCommitteesResponse, items="committees",
      summary="Every committee the compound has had, active or not, newest first")
query(**REGISTRY, path="/committees/{committee_id}", rpc="GetCommittee", request=pb.GetCommitteeRequest,
      response=pb.GetCommitteeResponse, answer="committee", summary="One committee with its members")
command(**REGISTRY, path="/companies", rpc="RegisterCompany", request=pb.RegisterCompanyRequest,
        response=pb.RegisterCompanyResponse, answer="company", creates=True,
        summary="Register a property service company",
        examples={"jurisdiction_code": ["350521"], "uscc": ["91350521MA2XXXXX1B"], "name": ["惠安安居物业有限公司"],
                  "party_org_mode": ["joint_branch"]})
command(**REGISTRY, path="/contracts", rpc="StartContract", request=pb.StartContractRequest,
        response=pb.StartContractResponse, answer="contract", creates=True,
        summary="A company starts serving a compound (tender, appointment, trusteeship or 1+N bundle)",
        examples={"mode": ["tender"], "start_on": ["2026-01-01"], "end_on": ["2028-12-31"]})
command(**REGISTRY, path="/contracts/{contract_id}/end", rpc="EndContract", request=pb.EndContractRequest,
        response=pb.EndContractResponse, answer="contract", summary="End a service contract",
        examples={"terminated_on": ["2026-11-30"]})
query(**REGISTRY, path="/coverage/{jurisdiction_code}", rpc="GetCoverage", request=pb.GetCoverageRequest,
      response=pb.GetCoverageResponse,
      summary="Coverage of a jurisdiction: party branches, committees, red share, dual roles (as_of: YYYY-MM-DD)")
# O7: who serves the compounds, the full-coverage figure, the compounds no one serves and the 四失 ones
query(**REGISTRY, path="/service-coverage/{jurisdiction_code}", rpc="GetServiceCoverage",
      request=pb.GetServiceCoverageRequest, response=pb.GetServiceCoverageResponse,
      summary="O7: a jurisdiction's compounds by who serves them and its full-coverage figure, as they stand")
query(**REGISTRY, path="/service-coverage/{jurisdiction_code}/compounds-needing-service",
      rpc="ListCompoundsNeedingService", request=pb.ListCompoundsNeedingServiceRequest,
      response=pb.ListCompoundsNeedingServiceResponse, items="compounds",
      summary="O7: the compounds no one serves, and the four-failure (四失) ones, with the failures found")
command(**REGISTRY, path="/compounds/{compound_id}/four-failures", rpc="SetFourFailures",
        request=pb.SetFourFailuresRequest, response=pb.SetFourFailuresResponse, answer="compound",
        summary="O7: record the failures found in a compound (四失: market, self-governance, management, trust); "
                "empty when it has recovered",
        examples={"four_failures": [["market_failure", "no_management"]]})

# compounds: details and households
command(**REGISTRY, path="/compounds/{compound_id}", rpc="UpdateCompound", request=pb.UpdateCompoundRequest,
        response=pb.UpdateCompoundResponse, answer="compound",
        summary="Replace a compound's name, type and management mode (all three are required)",
        examples={"name": ["凤凰城一期"], "compound_type": ["commodity"], "management_mode": ["company"]})
query(**REGISTRY, path="/compounds/{compound_id}/households", rpc="ListHouseholds", request=pb.ListHouseholdsRequest,
      response=pb.ListHouseholdsResponse, items="households",
      summary="The households of a compound (of one building when building_id is given)")

# committees: re-election, dissolution, filing, overdue management committees
COMMITTEE = "/committees/{committee_id}"
command(**REGISTRY, path=f"{COMMITTEE}/re-election", rpc="ReElectCommittee", request=pb.ReElectCommitteeRequest,
        response=pb.ReElectCommitteeResponse,
        summary="Re-elect a committee for a new term with its members (warnings name the rule)",
        examples={"term_start": ["2031-01-01"], "term_end": ["2035-12-31"]})
command(**REGISTRY, path=f"{COMMITTEE}/dissolution", rpc="DissolveCommittee", request=pb.DissolveCommitteeRequest,
        response=pb.DissolveCommitteeResponse, answer="committee", summary="Dissolve a committee",
        examples={"dissolved_on": ["2026-11-30"]})
command(**REGISTRY, path=f"{COMMITTEE}/filing", rpc="FileCommittee", request=pb.FileCommitteeRequest,
        response=pb.FileCommitteeResponse, answer="committee",
        summary="Record the committee's filing (备案) with the street", examples={"filed_on": ["2026-11-30"]})
query(**REGISTRY, path="/management-committees/overdue", rpc="ListOverdueManagementCommittees",
      request=pb.ListOverdueManagementCommitteesRequest, response=pb.ListOverdueManagementCommitteesResponse,
      summary="Temporary property management committees past their term in a jurisdiction (as_of: YYYY-MM-DD)")

# people: personal data is masked unless the caller asks to reveal it and gives the purpose (logged)
command(**REGISTRY, path="/people", rpc="RegisterPerson", request=pb.RegisterPersonRequest,
        response=pb.RegisterPersonResponse, answer="person", creates=True,
        summary="Register a person in a community (name, phone and ID number are stored encrypted)",
        examples={"community_code": ["350521100001"], "name": ["张三"], "phone": ["13800000001"]})
query(**REGISTRY, path="/people/{person_id}", rpc="GetPerson", request=pb.GetPersonRequest,
      response=pb.GetPersonResponse, answer="person",
      summary="One person, masked unless reveal_personal_data is set with a purpose (the reveal is audited)")
# POST, not GET: a phone or ID number must not travel in a URL (access logs, proxies, browser history)
command(**REGISTRY, path="/people/search", rpc="FindPeople", request=pb.FindPeopleRequest,
        response=pb.FindPeopleResponse,
        summary="Find people within a jurisdiction by exact phone or ID number (answers masked)",
        examples={"jurisdiction_code": ["350521"], "phone": ["13800000001"]})

command(**REGISTRY, path="/people/{person_id}/party-membership", rpc="SetPartyMembership",
        request=pb.SetPartyMembershipRequest, response=pb.SetPartyMembershipResponse, answer="person",
        required=("is_party_member",),
        summary="Record whether a person is a party member, from a day (O3, O4 read it)",
        examples={"is_party_member": [True], "since": ["2020-07-01"]})

# who acts (A1): posts are what a login may do; the gateway derives every caller's roles from them
command(**REGISTRY, path="/posts", rpc="AssignPost", request=pb.AssignPostRequest, response=pb.AssignPostResponse,
        answer="post", creates=True, required=("person_id", "kind"),
        summary="Give a person a post at its level: worker, officer, reviewer, inspector or company staff (A1)",
        examples={"kind": ["community_worker"], "jurisdiction_code": ["350521100001"], "started_on": ["2026-01-01"]})
command(**REGISTRY, path="/posts/{post_id}/end", rpc="EndPost", request=pb.EndPostRequest,
        response=pb.EndPostResponse, answer="post", summary="End a post on its last day",
        examples={"ended_on": ["2026-12-31"]})
query(**REGISTRY, path="/posts", rpc="ListPosts", request=pb.ListPostsRequest, response=pb.ListPostsResponse,
      items="posts", summary="The posts open on a day: of one person, or at and below a jurisdiction")

# party organisations, reserve candidates and cadre links
command(**REGISTRY, path="/party-organisations", rpc="AddPartyOrganisation", request=pb.AddPartyOrganisationRequest,
        response=pb.AddPartyOrganisationResponse, answer="organisation", creates=True,
        summary="Add a party organisation (community, compound, building or household level)",
        examples={"name": ["凤凰城小区党支部"], "established_on": ["2026-07-01"]})
query(**REGISTRY, path="/party-organisations", rpc="ListPartyOrganisations",
      request=pb.ListPartyOrganisationsRequest, response=pb.ListPartyOrganisationsResponse, items="organisations",
      summary="Party organisations within a jurisdiction")
command(**REGISTRY, path="/compounds/{compound_id}/reserve-candidates", rpc="ProposeCandidate",
        request=pb.ProposeCandidateRequest, response=pb.ProposeCandidateResponse, answer="candidate", creates=True,
        summary="Propose a reserve committee candidate with the screening answers (refusals name the rule)",
        examples={"screened_on": ["2026-11-20"]})
query(**REGISTRY, path="/compounds/{compound_id}/reserve-candidates", rpc="ListReserveCandidates",
      request=pb.ListReserveCandidatesRequest, response=pb.ListReserveCandidatesResponse, items="candidates",
      summary="The reserve committee candidates of a compound")
command(**REGISTRY, path="/compounds/{compound_id}/cadre-links", rpc="LinkCadre", request=pb.LinkCadreRequest,
        response=pb.LinkCadreResponse, answer="link", creates=True,
        summary="Link a community cadre to a compound (包联)",
        examples={"post": ["社区两委委员"], "start_on": ["2026-01-01"]})
query(**REGISTRY, path="/compounds/{compound_id}/cadre-links", rpc="ListCadreLinks", request=pb.ListCadreLinksRequest,
      response=pb.ListCadreLinksResponse, items="links", summary="The cadres linked to a compound")

# companies
query(**REGISTRY, path="/companies/{company_id}", rpc="GetCompany", request=pb.GetCompanyRequest,
      response=pb.GetCompanyResponse, answer="company", summary="One property service company")
query(**REGISTRY, path="/companies", rpc="ListCompanies", request=pb.ListCompaniesRequest,
      response=pb.ListCompaniesResponse, items="companies", summary="Companies registered within a jurisdiction")
command(**REGISTRY, path="/companies/{company_id}/party-org-mode", rpc="ChangeCompanyPartyOrgMode",
        request=pb.ChangeCompanyPartyOrgModeRequest, response=pb.ChangeCompanyPartyOrgModeResponse,
        answer="company", summary="Change how the company's party organisation is set up, from a date (not in the future)",
        examples={"party_org_mode": ["standalone"], "effective_from": ["2026-11-01"]})


# --- bulk import of an uploaded workbook, its progress streamed ---------------------------------------

IMPORT_PATH = "/api/v1/registry/imports.xlsx"
#: the registry takes workbooks up to 15 MB over the API (larger ones: python -m wuye_registry import)
IMPORT_MAX_BYTES = 15 * 1024 * 1024
NDJSON = "application/x-ndjson"


@router.post(
    "/registry/imports.xlsx", status_code=status.HTTP_200_OK, response_class=StreamingResponse,
    openapi_extra={"requestBody": {"required": True, "content": {XLSX: {"schema": {"type": "string", "format": "binary"}}}}},
    responses={200: {"content": {NDJSON: {"schema": {"type": "string"}}},
                     "description": "one JSON object per line: {rows_expected, rows_done} as batches are done, the last "
                                    "with the summary and the refused rows; or, should the import fail on the way, "
                                    "{error: <problem>}"}},
    summary="Import an Excel workbook of registry rows (sheets jurisdictions, compounds, buildings, households, "
            "owners, posts), its progress streamed as lines of JSON (city_admin only)",
)
async def import_workbook(
    request: Request, who: Caller, file_name: Annotated[str, Query(max_length=200)] = ""
) -> StreamingResponse:
    message = pb.ImportWorkbookRequest(workbook=await request.body(), file_name=file_name)
    stream = request.app.state.backends.method("registry", "ImportWorkbook")(message, metadata=call_metadata(who))
    # a refusal before the import starts (who, the workbook) is an ordinary problem response
    first = await stream.read()

    async def lines() -> AsyncIterator[str]:
        progress: Any = first
        try:
            while progress is not grpc.aio.EOF:
                yield json.dumps(to_json(progress), ensure_ascii=False) + "\n"
                progress = await stream.read()
        except grpc.RpcError as error:
            refusal = await on_rpc_error(request, error)
            yield json.dumps({"error": json.loads(bytes(refusal.body))}, ensure_ascii=False) + "\n"

    return StreamingResponse(lines(), media_type=NDJSON)
