"""Enforcement (综合查一次): the item catalogue, joint inspection plans, results, rectification orders
with their re-checks and escalations, and the figures. Partner departments also call it over gRPC.

Who acts (RULES.md A1): a plan's teams list the inspecting departments; results, completion and re-checks
are recorded by a department_inspector whose post's department checks the item on the plan. The
inspector ids a team names are the visit's paperwork, never who may record.
"""

from typing import Any

from fastapi import APIRouter, Request, status
from pydantic import BaseModel, Field

from wuye.enforcement.v1 import enforcement_pb2 as pb
from wuye_gateway.convert import model_of, to_json
from wuye_gateway.dependencies import PROBLEM_RESPONSES, Caller, IdempotencyKey, call
from wuye_gateway.routing import Backend, command, photo, query, upload
from wuye_gateway.workbooks import XLSX

router = APIRouter(prefix="/api/v1/enforcement", tags=["enforcement"], responses=PROBLEM_RESPONSES)
ENFORCEMENT = Backend(router=router, service="enforcement")
INSPECTION = "/inspections/{inspection_id}"
ORDER = "/orders/{order_id}"

query(**ENFORCEMENT, path="/departments", rpc="ListDepartments", request=pb.ListDepartmentsRequest,
      response=pb.ListDepartmentsResponse, items="departments", summary="The departments that inspect")
query(**ENFORCEMENT, path="/items", rpc="ListInspectionItems", request=pb.ListInspectionItemsRequest,
      response=pb.ListInspectionItemsResponse, items="items", summary="Inspection items, of one department when given")
command(**ENFORCEMENT, path="/plans", rpc="CreatePlan", request=pb.CreatePlanRequest, response=pb.CreatePlanResponse,
        answer="plan", creates=True,
        summary="Plan one joint visit: the departments' items for these compounds merged into one checklist "
                "(teams: the inspecting departments, each optionally naming its people)",
        examples={"kind": ["routine"], "basis": ["2026年第四季度联合检查"], "visit_date": ["2026-12-01"]})
query(**ENFORCEMENT, path="/plans", rpc="ListPlans", request=pb.ListPlansRequest, response=pb.ListPlansResponse,
      items="plans", summary="Plans visiting compounds within a jurisdiction, by visit date (end date exclusive)")
query(**ENFORCEMENT, path="/plans/{plan_id}", rpc="GetPlan", request=pb.GetPlanRequest, response=pb.GetPlanResponse,
      answer="plan", summary="One plan with its checklist, teams and visits")
query(**ENFORCEMENT, path=INSPECTION, rpc="GetInspection", request=pb.GetInspectionRequest,
      response=pb.GetInspectionResponse, answer="inspection", summary="One compound's inspection with its results")
# evidence photos: the bytes themselves travel, not JSON
PHOTO_UPLOAD_PATH = upload(
    **ENFORCEMENT, path="/evidence-photos", rpc="UploadEvidencePhoto", request=pb.UploadEvidencePhotoRequest,
    response=pb.UploadEvidencePhotoResponse, answer="photo",
    summary="Upload a photo of what you found or of the work done (the body is the image itself: JPEG, PNG or "
            "WebP, at most 10 MB), kept upright, at most 2560 pixels long and without the camera's metadata; name it "
            "among the evidence_refs of an inspection result, a task's report or a list item's handling as "
            "photo:<photo_id> (only you can)")
photo(**ENFORCEMENT, path=f"{INSPECTION}/photos/{{photo_id}}", rpc="GetInspectionPhoto",
      request=pb.GetInspectionPhotoRequest, summary="An evidence photo of an inspection, to whoever may read it")
command(**ENFORCEMENT, path=f"{INSPECTION}/results", rpc="RecordResult", request=pb.RecordResultRequest,
        response=pb.RecordResultResponse, answer="inspection",
        summary="Record one item's outcome with evidence (A1: an inspector of a department checking the item; "
                "photo:<photo_id> names your own evidence upload)",
        examples={"outcome": ["fail"], "severity": ["major"], "evidence_refs": [["现场检查记录表第3页"]]})
command(**ENFORCEMENT, path=f"{INSPECTION}/completion", rpc="CompleteInspection",
        request=pb.CompleteInspectionRequest, response=pb.CompleteInspectionResponse, answer="inspection",
        summary="Complete the inspection; each failed item becomes a rectification order with its deadline "
                "(A1: an inspector of a department on the plan)")
query(**ENFORCEMENT, path=ORDER, rpc="GetOrder", request=pb.GetOrderRequest, response=pb.GetOrderResponse,
      answer="order", summary="One rectification order")
command(**ENFORCEMENT, path=f"{ORDER}/rechecks", rpc="RecordRecheck", request=pb.RecordRecheckRequest,
        response=pb.RecordRecheckResponse, answer="order",
        summary="Record the follow-up re-check (A1: an inspector of a department checking the item)")
command(**ENFORCEMENT, path=f"{ORDER}/escalation", rpc="EscalateOrder", request=pb.EscalateOrderRequest,
        response=pb.EscalateOrderResponse, answer="order",
        summary="Escalate an overdue order to a penalty case or the judicial alliance",
        examples={"kind": ["penalty_case"], "department": ["housing"]})
command(**ENFORCEMENT, path=f"{ORDER}/escalation/outcome", rpc="RecordEscalationOutcome",
        request=pb.RecordEscalationOutcomeRequest, response=pb.RecordEscalationOutcomeResponse, answer="order",
        summary="Record how an escalated order's penalty case or referral ended (E4; rectified closes the order)",
        examples={"outcome": ["penalty_imposed"]})
query(**ENFORCEMENT, path="/figures", rpc="GetEnforcementFigures", request=pb.GetEnforcementFiguresRequest,
      response=pb.GetEnforcementFiguresResponse,
      summary="Problems found, rectified and overdue, and visits saved, for a jurisdiction and period")
command(**ENFORCEMENT, path="/plans/{plan_id}/inspectors", rpc="AssignInspectors", request=pb.AssignInspectorsRequest,
        response=pb.AssignInspectorsResponse, answer="plan",
        summary="A department names the people it sends on a plan (paperwork: who records is decided by the "
                "post)", examples={"department": ["housing"]})
query(**ENFORCEMENT, path="/orders-due-recheck", rpc="ListOrdersDueRecheck", request=pb.ListOrdersDueRecheckRequest,
      response=pb.ListOrdersDueRecheckResponse, items="orders",
      summary="Rectification orders awaiting their re-check, within a jurisdiction (of one department when given)")
query(**ENFORCEMENT, path="/overdue-orders", rpc="ListOverdueOrders", request=pb.ListOverdueOrdersRequest,
      response=pb.ListOverdueOrdersResponse, items="orders",
      summary="Rectification orders past their deadline, within a jurisdiction (of one department when given)")


class CatalogueImport(BaseModel):
    rows: list[dict[str, str]] = Field(
        ..., min_length=1,
        description="One object per catalogue row, column name → cell text as in the departments' spreadsheet: "
                    "code, lead_department, partner_departments, content, legal_basis, standard, frequency, scenario",
        examples=[[{"code": "LIFT-01", "lead_department": "housing", "content": "电梯年检是否有效",
                    "legal_basis": "《特种设备安全法》", "standard": "年检合格", "frequency": "annual"}]],
    )


# a row is a map of cells, which the generic body model cannot express: this route builds the message itself
# 200, not 201: a sheet with any bad row imports nothing and answers every row's errors
@router.post("/catalogue", status_code=status.HTTP_200_OK, response_model=model_of(pb.ImportCatalogueResponse),
             summary="Import catalogue rows (all or nothing: with any bad row nothing is imported and each "
                     "row's errors name the field)")
async def import_catalogue(body: CatalogueImport, request: Request, who: Caller,
                           key: IdempotencyKey = None) -> dict[str, Any]:
    message = pb.ImportCatalogueRequest(rows=[pb.CatalogueRow(cells=row) for row in body.rows])
    return to_json(await call(request, "enforcement", "ImportCatalogue", message, who, key))


@router.post("/catalogue.xlsx", status_code=status.HTTP_200_OK, response_model=model_of(pb.ImportCatalogueResponse),
             openapi_extra={"requestBody": {"required": True, "content": {XLSX: {"schema": {"type": "string",
                                                                                            "format": "binary"}}}}},
             summary="Import the catalogue from an uploaded Excel workbook: its first sheet, the header row naming "
                     "the columns (all or nothing; errors give the sheet's row numbers)")
async def import_catalogue_workbook(request: Request, who: Caller, key: IdempotencyKey = None) -> dict[str, Any]:
    message = pb.ImportCatalogueRequest(workbook=await request.body())
    return to_json(await call(request, "enforcement", "ImportCatalogue", message, who, key))
