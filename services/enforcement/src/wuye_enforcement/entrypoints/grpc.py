"""gRPC servicer: protobuf in, use case, protobuf out. No rules here."""

from __future__ import annotations

from datetime import UTC
from fractions import Fraction

import grpc

from wuye.common.v1 import common_pb2
from wuye.enforcement.v1 import enforcement_pb2 as api
from wuye.enforcement.v1 import enforcement_pb2_grpc
from wuye_chassis.proto_values import enum_number, enum_text
from wuye_chassis.validation import parse_iso_date
from wuye_enforcement.adapters.events import timestamp
from wuye_enforcement.domain.catalogue import InspectionItem
from wuye_enforcement.domain.plans import ChecklistLine
from wuye_enforcement.domain.rectification import RectificationOrder
from wuye_enforcement.service.catalogue import CatalogueService
from wuye_enforcement.service.figures import FigureService
from wuye_enforcement.service.inspections import InspectionService, InspectionView, OrderRequest, PlanView
from wuye_enforcement.service.orders import OrderPage, OrderService

SERVICE_NAME = api.DESCRIPTOR.services_by_name["EnforcementService"].full_name


def item_message(item: InspectionItem) -> api.InspectionItem:
    return api.InspectionItem(
        code=item.code, lead_department=item.lead_department, partner_departments=item.partner_departments,
        content=item.content, legal_basis=item.legal_basis, standard=item.standard,
        frequency=enum_number(api.Frequency, item.frequency), scenario=item.scenario,
    )


def item_fields(item: api.InspectionItem) -> dict[str, object]:
    fields: dict[str, object] = {
        "code": item.code, "lead_department": item.lead_department,
        "partner_departments": list(item.partner_departments), "content": item.content,
        "legal_basis": item.legal_basis, "standard": item.standard,
        "frequency": enum_text(api.Frequency, item.frequency),
    }
    if item.scenario:
        fields["scenario"] = item.scenario
    return fields


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
                compound_id=visit["compound_id"], inspection_id=visit["inspection_id"],
                jurisdiction_path=visit["jurisdiction_path"],
            )
            for visit in view.visits
        ],
        separate_visits_saved=plan.separate_visits_saved,
    )


def order_message(order: RectificationOrder, path: str) -> api.RectificationOrder:
    escalation = order.escalation
    return api.RectificationOrder(
        order_id=order.order_id, finding_id=order.finding_id, inspection_id=order.inspection_id,
        compound_id=order.compound_id, jurisdiction_path=path, item_code=order.item_code,
        severity=enum_number(api.Severity, order.severity), addressee=enum_number(api.Addressee, order.addressee),
        addressee_id=order.addressee_id, issued_at=timestamp(order.issued_at), deadline=timestamp(order.deadline),
        state=enum_number(api.OrderState, order.state),
        rechecks=[
            api.Recheck(inspection_id=recheck.inspection_id, at=timestamp(recheck.at), passed=recheck.passed)
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
        compound_id=inspection.compound_id, jurisdiction_path=view.jurisdiction_path,
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
        orders=[order_message(order, view.jurisdiction_path) for order in view.orders],
    )


def order_page(page: OrderPage) -> dict[str, object]:
    return {
        "orders": [order_message(order, path) for order, path in page.orders],
        "page": common_pb2.PageResponse(next_page_token=page.next_page_token),
    }


def ratio(value: Fraction | None) -> api.Ratio | None:
    if value is None:
        return None
    return api.Ratio(numerator=value.numerator, denominator=value.denominator, value=float(value))


class EnforcementServicer(enforcement_pb2_grpc.EnforcementServiceServicer):
    def __init__(
        self, catalogue: CatalogueService, inspections: InspectionService, orders: OrderService, figures: FigureService
    ) -> None:
        self.catalogue = catalogue
        self.inspections = inspections
        self.orders = orders
        self.figures = figures

    async def ListDepartments(self, request: api.ListDepartmentsRequest, context: grpc.aio.ServicerContext) -> api.ListDepartmentsResponse:
        return api.ListDepartmentsResponse(
            departments=[
                api.Department(
                    code=department.code, name_zh=department.name_zh, name_en=department.name_en,
                    kind=enum_number(api.DepartmentKind, department.kind),
                )
                for department in await self.catalogue.departments()
            ]
        )

    async def CreateInspectionItem(
        self, request: api.CreateInspectionItemRequest, context: grpc.aio.ServicerContext
    ) -> api.CreateInspectionItemResponse:
        return api.CreateInspectionItemResponse(item=item_message(await self.catalogue.create(item_fields(request.item))))

    async def UpdateInspectionItem(
        self, request: api.UpdateInspectionItemRequest, context: grpc.aio.ServicerContext
    ) -> api.UpdateInspectionItemResponse:
        return api.UpdateInspectionItemResponse(item=item_message(await self.catalogue.update(item_fields(request.item))))

    async def ListInspectionItems(
        self, request: api.ListInspectionItemsRequest, context: grpc.aio.ServicerContext
    ) -> api.ListInspectionItemsResponse:
        return api.ListInspectionItemsResponse(
            items=[item_message(item) for item in await self.catalogue.items(request.department)]
        )

    async def ImportCatalogue(self, request: api.ImportCatalogueRequest, context: grpc.aio.ServicerContext) -> api.ImportCatalogueResponse:
        report = await self.catalogue.import_rows([dict(row.cells) for row in request.rows])
        return api.ImportCatalogueResponse(
            imported=report.imported,
            errors=[
                api.RowError(row=position, field=error.field, message=error.message, rule=error.rule or "")
                for position, error in report.errors
            ],
        )

    async def CreatePlan(self, request: api.CreatePlanRequest, context: grpc.aio.ServicerContext) -> api.CreatePlanResponse:
        view = await self.inspections.create_plan(
            kind=enum_text(api.InspectionKind, request.kind), basis=request.basis,
            visit_date=parse_iso_date(request.visit_date, field="visit_date", rule="E2"),
            compound_ids=list(request.compound_ids), scenarios=list(request.scenarios),
            inspectors={team.department: list(team.inspector_ids) for team in request.teams},
        )
        return api.CreatePlanResponse(plan=plan_message(view))

    async def GetPlan(self, request: api.GetPlanRequest, context: grpc.aio.ServicerContext) -> api.GetPlanResponse:
        return api.GetPlanResponse(plan=plan_message(await self.inspections.get_plan(request.plan_id)))

    async def RecordResult(self, request: api.RecordResultRequest, context: grpc.aio.ServicerContext) -> api.RecordResultResponse:
        view = await self.inspections.record_result(
            inspection_id=request.inspection_id, item_code=request.item_code,
            outcome=enum_text(api.Outcome, request.outcome),
            severity=enum_text(api.Severity, request.severity) or None,
            evidence_refs=list(request.evidence_refs), note=request.note,
        )
        return api.RecordResultResponse(inspection=inspection_message(view))

    async def CompleteInspection(
        self, request: api.CompleteInspectionRequest, context: grpc.aio.ServicerContext
    ) -> api.CompleteInspectionResponse:
        orders = [
            OrderRequest(
                item_code=spec.item_code, addressee=enum_text(api.Addressee, spec.addressee),
                addressee_id=spec.addressee_id,
                deadline=spec.deadline.ToDatetime(tzinfo=UTC) if spec.HasField("deadline") else None,
                deadline_working_days=spec.deadline_working_days,
            )
            for spec in request.orders
        ]
        view = await self.inspections.complete(inspection_id=request.inspection_id, orders=orders)
        return api.CompleteInspectionResponse(inspection=inspection_message(view))

    async def GetInspection(self, request: api.GetInspectionRequest, context: grpc.aio.ServicerContext) -> api.GetInspectionResponse:
        return api.GetInspectionResponse(inspection=inspection_message(await self.inspections.get_inspection(request.inspection_id)))

    async def RecordRecheck(self, request: api.RecordRecheckRequest, context: grpc.aio.ServicerContext) -> api.RecordRecheckResponse:
        order, path = await self.orders.record_recheck(
            order_id=request.order_id, inspection_id=request.inspection_id, passed=request.passed
        )
        return api.RecordRecheckResponse(order=order_message(order, path))

    async def EscalateOrder(self, request: api.EscalateOrderRequest, context: grpc.aio.ServicerContext) -> api.EscalateOrderResponse:
        order, path = await self.orders.escalate(
            order_id=request.order_id, kind=enum_text(api.EscalationKind, request.kind),
            referral_kind=enum_text(api.ReferralKind, request.referral_kind), department=request.department,
        )
        return api.EscalateOrderResponse(order=order_message(order, path))

    async def RecordEscalationOutcome(
        self, request: api.RecordEscalationOutcomeRequest, context: grpc.aio.ServicerContext
    ) -> api.RecordEscalationOutcomeResponse:
        order, path = await self.orders.record_outcome(
            order_id=request.order_id, outcome=enum_text(api.EscalationOutcome, request.outcome)
        )
        return api.RecordEscalationOutcomeResponse(order=order_message(order, path))

    async def GetOrder(self, request: api.GetOrderRequest, context: grpc.aio.ServicerContext) -> api.GetOrderResponse:
        order, path = await self.orders.get(request.order_id)
        return api.GetOrderResponse(order=order_message(order, path))

    async def GetEnforcementFigures(
        self, request: api.GetEnforcementFiguresRequest, context: grpc.aio.ServicerContext
    ) -> api.GetEnforcementFiguresResponse:
        figures = await self.figures.figures(
            jurisdiction_path=request.jurisdiction_path, department=request.department,
            start_date=request.start_date, end_date=request.end_date,
        )
        counts = figures.counts
        return api.GetEnforcementFiguresResponse(
            inspections=counts.inspections, items_checked=counts.items_checked, problems_found=counts.problems_found,
            rectified=counts.rectified, overdue=counts.overdue, visits_saved=counts.visits_saved,
            rectification_rate=ratio(figures.rates.rectification), overdue_rate=ratio(figures.rates.overdue),
        )

    async def AssignInspectors(
        self, request: api.AssignInspectorsRequest, context: grpc.aio.ServicerContext
    ) -> api.AssignInspectorsResponse:
        view = await self.inspections.assign_inspectors(
            plan_id=request.plan_id, department=request.department, inspector_ids=list(request.inspector_ids)
        )
        return api.AssignInspectorsResponse(plan=plan_message(view))

    async def ListPlans(self, request: api.ListPlansRequest, context: grpc.aio.ServicerContext) -> api.ListPlansResponse:
        page = await self.inspections.list_plans(
            jurisdiction_path=request.jurisdiction_path, start_date=request.start_date, end_date=request.end_date,
            requested_size=request.page.page_size, page_token=request.page.page_token,
        )
        return api.ListPlansResponse(
            plans=[plan_message(view) for view in page.plans],
            page=common_pb2.PageResponse(next_page_token=page.next_page_token),
        )

    async def ListOrdersDueRecheck(
        self, request: api.ListOrdersDueRecheckRequest, context: grpc.aio.ServicerContext
    ) -> api.ListOrdersDueRecheckResponse:
        page = await self.orders.list_rechecks_due(
            jurisdiction_path=request.jurisdiction_path, department=request.department,
            requested_size=request.page.page_size, page_token=request.page.page_token,
        )
        return api.ListOrdersDueRecheckResponse(**order_page(page))

    async def ListOverdueOrders(
        self, request: api.ListOverdueOrdersRequest, context: grpc.aio.ServicerContext
    ) -> api.ListOverdueOrdersResponse:
        page = await self.orders.list_overdue(
            jurisdiction_path=request.jurisdiction_path, department=request.department,
            requested_size=request.page.page_size, page_token=request.page.page_token,
        )
        return api.ListOverdueOrdersResponse(**order_page(page))
