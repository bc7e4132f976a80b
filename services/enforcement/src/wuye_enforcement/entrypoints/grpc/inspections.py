"""The EnforcementService servicer (catalogue, plans, inspections, orders, figures): protobuf in, a command
to its handler, protobuf out. No rules here."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import TypeVar

import grpc

from wuye.common.v1 import common_pb2
from wuye.enforcement.v1 import enforcement_pb2 as api
from wuye.enforcement.v1 import enforcement_pb2_grpc
from wuye_chassis.grpc_server import Servicer
from wuye_chassis.photo_library import PhotoRecord
from wuye_chassis.proto_values import enum_number, enum_text, moment, percent_text, ratio_fields, timestamp
from wuye_enforcement.domain import commands
from wuye_enforcement.domain.catalogue import InspectionItem
from wuye_enforcement.domain.plans import ChecklistLine
from wuye_enforcement.domain.rectification import RectificationOrder
from wuye_enforcement.service import catalogue, evidence, figures, inspections, orders, plans
from wuye_enforcement.service.inspections import InspectionView
from wuye_enforcement.service.orders import OrderPage
from wuye_enforcement.service.plans import PlanView
from wuye_enforcement.service.unit_of_work import EnforcementUnitOfWork

#: an order list query (due a re-check, overdue)
Q = TypeVar("Q", bound=commands.OrderList)

SERVICE_NAME = api.DESCRIPTOR.services_by_name["EnforcementService"].full_name


def evidence_photo_message(record: PhotoRecord) -> api.EvidencePhoto:
    return api.EvidencePhoto(
        photo_id=record.photo_id, content_type=record.content_type, size_bytes=record.size_bytes,
        width=record.width, height=record.height, sha256=record.sha256, uploaded_at=timestamp(record.uploaded_at),
    )


def item_message(item: InspectionItem) -> api.InspectionItem:
    return api.InspectionItem(
        code=item.code, lead_department=item.lead_department, partner_departments=item.partner_departments,
        content=item.content, legal_basis=item.legal_basis, standard=item.standard,
        frequency=enum_number(api.Frequency, item.frequency), scenario=item.scenario,
    )


def item_input(item: api.InspectionItem) -> commands.InspectionItemInput:
    return commands.InspectionItemInput(
        code=item.code, lead_department=item.lead_department, partner_departments=tuple(item.partner_departments),
        content=item.content, legal_basis=item.legal_basis, standard=item.standard,
        frequency=enum_text(api.Frequency, item.frequency), scenario=item.scenario,
    )


def checklist_message(lines: tuple[ChecklistLine, ...]) -> list[api.ChecklistLine]:
    return [
        api.ChecklistLine(
            item_code=line.item_code, content=line.content, legal_basis=line.legal_basis, standard=line.standard,
            departments=line.departments,
        )
        for line in lines
    ]


def plan_message(view: PlanView) -> api.Plan:
    plan = view.plan
    return api.Plan(
        plan_id=plan.plan_id, kind=enum_number(api.InspectionKind, plan.kind), basis=plan.basis or "",
        visit_date=plan.visit_date.isoformat(), checklist=checklist_message(plan.checklist),
        teams=[api.Team(department=code, inspector_ids=people) for code, people in plan.inspectors.items()],
        visits=[
            api.Visit(
                compound_id=visit.compound_id, inspection_id=visit.inspection_id,
                jurisdiction_path=visit.jurisdiction_path,
            )
            for visit in view.visits
        ],
        separate_visits_saved=plan.separate_visits_saved,
    )


def order_message(order: RectificationOrder) -> api.RectificationOrder:
    escalation = order.escalation
    return api.RectificationOrder(
        order_id=order.order_id, finding_id=order.finding_id, inspection_id=order.inspection_id,
        compound_id=order.compound_id, jurisdiction_path=order.jurisdiction_path, item_code=order.item_code,
        severity=enum_number(api.Severity, order.severity), addressee=enum_number(api.Addressee, order.addressee),
        addressee_id=order.addressee_id, issued_at=timestamp(order.issued_at), deadline=timestamp(order.deadline),
        state=enum_number(api.OrderState, order.state),
        rechecks=[
            api.Recheck(inspection_id=recheck.inspection_id, at=timestamp(recheck.at), passed=recheck.passed,
                        early_reason=recheck.early_reason or "")
            for recheck in order.rechecks
        ],
        rectified_at=timestamp(order.rectified_at), overdue_at=timestamp(order.overdue_at),
        escalation=None if escalation is None else api.Escalation(
            escalation_id=escalation.escalation_id, kind=enum_number(api.EscalationKind, escalation.kind),
            referral_kind=enum_number(api.ReferralKind, escalation.referral_kind), department=escalation.department,
            at=timestamp(escalation.at), outcome=enum_number(api.EscalationOutcome, escalation.outcome),
            concluded_at=timestamp(escalation.concluded_at),
        ),
    )


def inspection_message(view: InspectionView) -> api.Inspection:
    inspection = view.inspection
    return api.Inspection(
        inspection_id=inspection.inspection_id, plan_id=inspection.plan.plan_id,
        compound_id=inspection.compound_id, jurisdiction_path=inspection.jurisdiction_path,
        company_id=inspection.company_id or "", kind=enum_number(api.InspectionKind, inspection.kind),
        state=enum_number(api.InspectionState, inspection.state), checklist=checklist_message(inspection.checklist),
        results=[
            api.ItemResult(
                item_code=result.item_code, outcome=enum_number(api.Outcome, result.outcome),
                severity=enum_number(api.Severity, result.severity), evidence_refs=result.evidence_refs,
                inspector_id=result.inspector_id, recorded_at=timestamp(result.recorded_at), note=result.note or "",
            )
            for result in inspection.results.values()
        ],
        completed_at=timestamp(inspection.completed_at),
        orders=[order_message(order) for order in view.orders],
    )


def order_list(query: type[Q], request: api.ListOrdersDueRecheckRequest | api.ListOverdueOrdersRequest) -> Q:
    return query(
        request.jurisdiction_path, department=request.department, page_size=request.page.page_size,
        page_token=request.page.page_token,
    )


def order_messages(page: OrderPage) -> list[api.RectificationOrder]:
    return [order_message(order) for order in page.orders]


def next_page(token: str) -> common_pb2.PageResponse:
    return common_pb2.PageResponse(next_page_token=token)


def ratio(value: Fraction | None) -> api.Ratio | None:
    if value is None:
        return None
    return api.Ratio(**ratio_fields(value), value=float(value))


class EnforcementServicer(enforcement_pb2_grpc.EnforcementServiceServicer):
    def __init__(self, unit_of_work: Callable[[], EnforcementUnitOfWork]) -> None:
        self.uow = unit_of_work

    # --- catalogue (E1) --------------------------------------------------------------------------

    async def ListDepartments(
        self, request: api.ListDepartmentsRequest, context: grpc.aio.ServicerContext
    ) -> api.ListDepartmentsResponse:
        departments = await catalogue.list_departments(commands.ListDepartments(), self.uow())
        return api.ListDepartmentsResponse(
            departments=[
                api.Department(
                    code=department.code, name_zh=department.name_zh, name_en=department.name_en,
                    kind=enum_number(api.DepartmentKind, department.kind),
                )
                for department in departments
            ]
        )

    async def CreateInspectionItem(
        self, request: api.CreateInspectionItemRequest, context: grpc.aio.ServicerContext
    ) -> api.CreateInspectionItemResponse:
        item = await catalogue.create_inspection_item(commands.CreateInspectionItem(item_input(request.item)), self.uow())
        return api.CreateInspectionItemResponse(item=item_message(item))

    async def UpdateInspectionItem(
        self, request: api.UpdateInspectionItemRequest, context: grpc.aio.ServicerContext
    ) -> api.UpdateInspectionItemResponse:
        item = await catalogue.update_inspection_item(commands.UpdateInspectionItem(item_input(request.item)), self.uow())
        return api.UpdateInspectionItemResponse(item=item_message(item))

    async def ListInspectionItems(
        self, request: api.ListInspectionItemsRequest, context: grpc.aio.ServicerContext
    ) -> api.ListInspectionItemsResponse:
        items = await catalogue.list_inspection_items(commands.ListInspectionItems(request.department), self.uow())
        return api.ListInspectionItemsResponse(items=[item_message(item) for item in items])

    async def ImportCatalogue(
        self, request: api.ImportCatalogueRequest, context: grpc.aio.ServicerContext
    ) -> api.ImportCatalogueResponse:
        report = await catalogue.import_catalogue(
            commands.ImportCatalogue(tuple(dict(row.cells) for row in request.rows), workbook=request.workbook),
            self.uow()
        )
        return api.ImportCatalogueResponse(
            imported=report.imported,
            errors=[
                api.RowError(row=position, field=error.field, message=error.message, rule=error.rule or "")
                for position, error in report.errors
            ],
            near_duplicates=[
                api.NearDuplicate(row=position, item_code=pair.item_code, similar_item_code=pair.similar_item_code,
                                  similarity_percent=percent_text(pair.similarity))
                for position, pair in report.near_duplicates
            ],
        )

    # --- plans (E2, E3) --------------------------------------------------------------------------

    async def CreatePlan(self, request: api.CreatePlanRequest, context: grpc.aio.ServicerContext) -> api.CreatePlanResponse:
        view = await plans.create_plan(
            commands.CreatePlan(
                kind=enum_text(api.InspectionKind, request.kind), basis=request.basis, visit_date=request.visit_date,
                compound_ids=tuple(request.compound_ids), scenarios=tuple(request.scenarios),
                teams=tuple(
                    commands.TeamInput(team.department, tuple(team.inspector_ids)) for team in request.teams
                ),
            ),
            self.uow(),
        )
        return api.CreatePlanResponse(plan=plan_message(view))

    async def GetPlan(self, request: api.GetPlanRequest, context: grpc.aio.ServicerContext) -> api.GetPlanResponse:
        return api.GetPlanResponse(plan=plan_message(await plans.get_plan(commands.GetPlan(request.plan_id), self.uow())))

    async def AssignInspectors(
        self, request: api.AssignInspectorsRequest, context: grpc.aio.ServicerContext
    ) -> api.AssignInspectorsResponse:
        view = await plans.assign_inspectors(
            commands.AssignInspectors(
                request.plan_id, department=request.department, inspector_ids=tuple(request.inspector_ids)
            ),
            self.uow(),
        )
        return api.AssignInspectorsResponse(plan=plan_message(view))

    async def ListPlans(self, request: api.ListPlansRequest, context: grpc.aio.ServicerContext) -> api.ListPlansResponse:
        page = await plans.list_plans(
            commands.ListPlans(
                jurisdiction_path=request.jurisdiction_path, start_date=request.start_date, end_date=request.end_date,
                page_size=request.page.page_size, page_token=request.page.page_token,
            ),
            self.uow(),
        )
        return api.ListPlansResponse(
            plans=[plan_message(view) for view in page.plans],
            page=next_page(page.next_page_token),
        )

    # --- inspections (E2, E4) --------------------------------------------------------------------

    async def UploadEvidencePhoto(
        self, request: api.UploadEvidencePhotoRequest, context: grpc.aio.ServicerContext
    ) -> api.UploadEvidencePhotoResponse:
        record = await evidence.upload_evidence_photo(
            commands.UploadEvidencePhoto(request.content, request.content_type), self.uow()
        )
        return api.UploadEvidencePhotoResponse(photo=evidence_photo_message(record))

    async def GetInspectionPhoto(
        self, request: api.GetInspectionPhotoRequest, context: grpc.aio.ServicerContext
    ) -> api.GetInspectionPhotoResponse:
        record, content = await inspections.get_inspection_photo(
            commands.GetInspectionPhoto(request.inspection_id, request.photo_id), self.uow()
        )
        return api.GetInspectionPhotoResponse(photo=evidence_photo_message(record), content=content)

    async def RecordResult(self, request: api.RecordResultRequest, context: grpc.aio.ServicerContext) -> api.RecordResultResponse:
        view = await inspections.record_result(
            commands.RecordResult(
                request.inspection_id, item_code=request.item_code, outcome=enum_text(api.Outcome, request.outcome),
                severity=enum_text(api.Severity, request.severity), evidence_refs=tuple(request.evidence_refs),
                note=request.note,
            ),
            self.uow(),
        )
        return api.RecordResultResponse(inspection=inspection_message(view))

    async def CompleteInspection(
        self, request: api.CompleteInspectionRequest, context: grpc.aio.ServicerContext
    ) -> api.CompleteInspectionResponse:
        view = await inspections.complete_inspection(
            commands.CompleteInspection(
                request.inspection_id,
                orders=tuple(
                    commands.OrderInput(
                        item_code=spec.item_code, addressee=enum_text(api.Addressee, spec.addressee),
                        addressee_id=spec.addressee_id,
                        deadline=moment(spec.deadline) if spec.HasField("deadline") else None,
                        deadline_working_days=spec.deadline_working_days,
                    )
                    for spec in request.orders
                ),
            ),
            self.uow(),
        )
        return api.CompleteInspectionResponse(inspection=inspection_message(view))

    async def GetInspection(
        self, request: api.GetInspectionRequest, context: grpc.aio.ServicerContext
    ) -> api.GetInspectionResponse:
        view = await inspections.get_inspection(commands.GetInspection(request.inspection_id), self.uow())
        return api.GetInspectionResponse(inspection=inspection_message(view))

    # --- rectification orders (E4) ---------------------------------------------------------------

    async def RecordRecheck(self, request: api.RecordRecheckRequest, context: grpc.aio.ServicerContext) -> api.RecordRecheckResponse:
        order = await orders.record_recheck(
            commands.RecordRecheck(request.order_id, inspection_id=request.inspection_id, passed=request.passed,
                                   early_reason=request.early_reason),
            self.uow(),
        )
        return api.RecordRecheckResponse(order=order_message(order))

    async def EscalateOrder(self, request: api.EscalateOrderRequest, context: grpc.aio.ServicerContext) -> api.EscalateOrderResponse:
        order = await orders.escalate_order(
            commands.EscalateOrder(
                request.order_id, kind=enum_text(api.EscalationKind, request.kind),
                referral_kind=enum_text(api.ReferralKind, request.referral_kind), department=request.department,
            ),
            self.uow(),
        )
        return api.EscalateOrderResponse(order=order_message(order))

    async def RecordEscalationOutcome(
        self, request: api.RecordEscalationOutcomeRequest, context: grpc.aio.ServicerContext
    ) -> api.RecordEscalationOutcomeResponse:
        order = await orders.record_escalation_outcome(
            commands.RecordEscalationOutcome(request.order_id, outcome=enum_text(api.EscalationOutcome, request.outcome)),
            self.uow(),
        )
        return api.RecordEscalationOutcomeResponse(order=order_message(order))

    async def GetOrder(self, request: api.GetOrderRequest, context: grpc.aio.ServicerContext) -> api.GetOrderResponse:
        return api.GetOrderResponse(order=order_message(await orders.get_order(commands.GetOrder(request.order_id), self.uow())))

    async def ListOrdersDueRecheck(
        self, request: api.ListOrdersDueRecheckRequest, context: grpc.aio.ServicerContext
    ) -> api.ListOrdersDueRecheckResponse:
        page = await orders.list_orders_due_recheck(order_list(commands.ListOrdersDueRecheck, request), self.uow())
        return api.ListOrdersDueRecheckResponse(orders=order_messages(page), page=next_page(page.next_page_token))

    async def ListOverdueOrders(
        self, request: api.ListOverdueOrdersRequest, context: grpc.aio.ServicerContext
    ) -> api.ListOverdueOrdersResponse:
        page = await orders.list_overdue_orders(order_list(commands.ListOverdueOrders, request), self.uow())
        return api.ListOverdueOrdersResponse(orders=order_messages(page), page=next_page(page.next_page_token))

    # --- figures (E5) ----------------------------------------------------------------------------

    async def GetEnforcementFigures(
        self, request: api.GetEnforcementFiguresRequest, context: grpc.aio.ServicerContext
    ) -> api.GetEnforcementFiguresResponse:
        found = await figures.get_enforcement_figures(
            commands.GetEnforcementFigures(
                jurisdiction_path=request.jurisdiction_path, start_date=request.start_date,
                end_date=request.end_date, department=request.department,
            ),
            self.uow(),
        )
        counts = found.counts
        return api.GetEnforcementFiguresResponse(
            inspections=counts.inspections, items_checked=counts.items_checked, problems_found=counts.problems_found,
            rectified=counts.rectified, overdue=counts.overdue, visits_saved=counts.visits_saved,
            rectification_rate=ratio(found.rates.rectification), overdue_rate=ratio(found.rates.overdue),
        )


def servicer(unit_of_work: Callable[[], EnforcementUnitOfWork]) -> Servicer:
    return Servicer(
        EnforcementServicer(unit_of_work), enforcement_pb2_grpc.add_EnforcementServiceServicer_to_server, SERVICE_NAME
    )
