"""Registry: compounds, buildings, the owner roster, committees, companies, contracts and coverage.

Bodies and answers are the registry's own messages (see wuye_gateway.routing); the registry validates
each input, checks role and jurisdiction, and names the field at fault.
"""

from fastapi import APIRouter

from wuye.registry.v1 import registry_pb2 as pb
from wuye_gateway.dependencies import PROBLEM_RESPONSES
from wuye_gateway.routing import command, query

router = APIRouter(prefix="/api/v1", tags=["registry"], responses=PROBLEM_RESPONSES)
REGISTRY = {"router": router, "service": "registry"}

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
