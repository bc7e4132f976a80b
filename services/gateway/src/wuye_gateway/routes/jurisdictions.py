"""Jurisdictions: the city → county → street → community hierarchy (registry).

Bodies and answers are the registry's own messages (see wuye_gateway.routing).
"""

from fastapi import APIRouter

from wuye.registry.v1 import registry_pb2 as pb
from wuye_gateway.dependencies import PROBLEM_RESPONSES
from wuye_gateway.routing import Backend, command, query

router = APIRouter(prefix="/api/v1/jurisdictions", tags=["jurisdictions"], responses=PROBLEM_RESPONSES)
JURISDICTIONS = Backend(router=router, service="registry")

command(**JURISDICTIONS, path="", rpc="RegisterJurisdiction", request=pb.RegisterJurisdictionRequest,
        response=pb.RegisterJurisdictionResponse, answer="jurisdiction", creates=True, required=("code", "name"),
        summary="Register a city, county, street or community (division code: 6 digits for a city or county, "
                "9 for a street, 12 for a community; parent_code empty for a city)",
        examples={"parent_code": ["350521100"], "code": ["350521100001"], "name": ["凤凰城社区"]})
query(**JURISDICTIONS, path="/{code}", rpc="GetJurisdiction", request=pb.GetJurisdictionRequest,
      response=pb.GetJurisdictionResponse, answer="jurisdiction", summary="One jurisdiction")
query(**JURISDICTIONS, path="", rpc="ListJurisdictions", request=pb.ListJurisdictionsRequest,
      response=pb.ListJurisdictionsResponse, items="jurisdictions",
      summary="Children of a jurisdiction (cities when parent_code is empty)")
