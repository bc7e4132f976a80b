"""Catalogue (E1), joint plans (E2) and the frequency limit (E3) over real gRPC."""

from __future__ import annotations

import grpc

from tests.support import workbook_bytes
from wuye.enforcement.v1 import enforcement_pb2 as api
from wuye_enforcement.domain.catalogue import COLUMNS

from .conftest import ADMIN, ANXI_OFFICER, COMPOUND, FIRE, SECOND_COMPOUND, Enforcement, item, refused


async def test_E1_department_inspector_maintains_only_items_its_department_leads(enforcement: Enforcement) -> None:
    own = await enforcement.stub.CreateInspectionItem(
        api.CreateInspectionItemRequest(item=item("FIRE-02", "fire_rescue", "灭火器是否在有效期内")),
        metadata=FIRE.to_metadata(),
    )
    assert own.item.lead_department == "fire_rescue"
    before = await enforcement.footprint()
    status, error = await refused(
        enforcement.stub.CreateInspectionItem(
            api.CreateInspectionItemRequest(item=item("LIFT-09", "housing", "电梯维保记录")), metadata=FIRE.to_metadata()
        )
    )
    assert status == grpc.StatusCode.PERMISSION_DENIED and error.field == "lead_department"
    await enforcement.seed_catalogue()
    status, _ = await refused(
        enforcement.stub.UpdateInspectionItem(
            api.UpdateInspectionItemRequest(item=item("LIFT-01", "fire_rescue", "电梯年检是否有效")),
            metadata=FIRE.to_metadata(),
        )
    )
    assert status == grpc.StatusCode.PERMISSION_DENIED
    assert (await enforcement.footprint())[0] == before[0] + 2


async def test_E1_catalogue_import_reports_every_bad_row_and_imports_nothing(enforcement: Enforcement) -> None:
    good = {"code": "GAS-01", "lead_department": "消防救援", "partner_departments": "住建", "content": "燃气管道",
            "legal_basis": "《城镇燃气管理条例》", "standard": "无泄漏", "frequency": "每年一次"}
    bad = {**good, "code": "GAS-02", "lead_department": "天文台", "content": "燃气表"}
    answer = await enforcement.stub.ImportCatalogue(
        api.ImportCatalogueRequest(rows=[api.CatalogueRow(cells=good), api.CatalogueRow(cells=bad)]),
        metadata=ADMIN.to_metadata(),
    )
    assert answer.imported == 0
    assert [(error.row, error.field) for error in answer.errors] == [(2, "lead_department")]
    assert await enforcement.count("inspection_items") == 0
    answer = await enforcement.stub.ImportCatalogue(
        api.ImportCatalogueRequest(rows=[api.CatalogueRow(cells=good)]), metadata=ADMIN.to_metadata()
    )
    assert answer.imported == 1 and not answer.errors
    items = (await enforcement.stub.ListInspectionItems(api.ListInspectionItemsRequest(department="housing"), metadata=ADMIN.to_metadata())).items
    assert [(entry.code, entry.lead_department, list(entry.partner_departments)) for entry in items] == [
        ("GAS-01", "fire_rescue", ["housing"])
    ]


def catalogue_workbook(*rows: dict[str, str]) -> bytes:
    return workbook_bytes({"目录": [COLUMNS, *([row.get(column, "") for column in COLUMNS] for row in rows)]})


async def test_E1_an_uploaded_catalogue_workbook_names_the_sheets_rows_and_imports_all_or_nothing(
    enforcement: Enforcement,
) -> None:
    good = {"code": "GAS-01", "lead_department": "消防救援", "partner_departments": "住建", "content": "燃气管道",
            "legal_basis": "《城镇燃气管理条例》", "standard": "无泄漏", "frequency": "每年一次"}
    bad = {**good, "code": "GAS-02", "lead_department": "天文台", "content": "燃气表"}
    answer = await enforcement.stub.ImportCatalogue(
        api.ImportCatalogueRequest(workbook=catalogue_workbook(good, bad)), metadata=ADMIN.to_metadata())
    assert answer.imported == 0
    assert [(error.row, error.field) for error in answer.errors] == [(3, "lead_department")]  # the header is row 1
    assert await enforcement.count("inspection_items") == 0
    status, error = await refused(enforcement.stub.ImportCatalogue(
        api.ImportCatalogueRequest(workbook=b"PK-not-really"), metadata=ADMIN.to_metadata()))
    assert (status, error.field) == (grpc.StatusCode.INVALID_ARGUMENT, "workbook")
    status, error = await refused(enforcement.stub.ImportCatalogue(
        api.ImportCatalogueRequest(workbook=catalogue_workbook(good), rows=[api.CatalogueRow(cells=good)]),
        metadata=ADMIN.to_metadata()))
    assert (status, error.field) == (grpc.StatusCode.INVALID_ARGUMENT, "workbook")
    answer = await enforcement.stub.ImportCatalogue(
        api.ImportCatalogueRequest(workbook=catalogue_workbook(good)), metadata=ADMIN.to_metadata())
    assert answer.imported == 1 and not answer.errors


async def test_E2_an_import_flags_rows_close_to_another_item_and_still_imports_them(enforcement: Enforcement) -> None:
    """Issue 14: a check worded a little otherwise is shown to the maintainer, who merges or keeps it."""
    lane = {"code": "FIRE-LANE", "lead_department": "消防救援", "content": "消防通道畅通", "legal_basis": "《消防法》",
            "standard": "无占用", "frequency": "每年一次"}
    kept = {**lane, "code": "FIRE-LANE-2", "content": "消防通道保持畅通"}
    other = {**lane, "code": "LIFT-CARD", "content": "电梯使用标志在有效期内"}
    answer = await enforcement.stub.ImportCatalogue(
        api.ImportCatalogueRequest(rows=[api.CatalogueRow(cells=row) for row in (lane, kept, other)]),
        metadata=ADMIN.to_metadata(),
    )
    assert answer.imported == 3 and not answer.errors
    assert [(flag.row, flag.item_code, flag.similar_item_code, flag.similarity_percent)
            for flag in answer.near_duplicates] == [(2, "FIRE-LANE-2", "FIRE-LANE", "85.7%")]


async def test_E2_merged_checklist_over_grpc(enforcement: Enforcement) -> None:
    await enforcement.seed_catalogue()
    await enforcement.know_compound(SECOND_COMPOUND)
    plan = await enforcement.plan(compound_ids=(COMPOUND, SECOND_COMPOUND))
    # fire lanes are checked by both departments and appear once, with both attached
    assert [(line.item_code, list(line.departments)) for line in plan.checklist] == [
        ("FIRE-01", ["fire_rescue", "housing"]),
        ("LIFT-01", ["housing"]),
    ]
    assert sorted(visit.compound_id for visit in plan.visits) == sorted([COMPOUND, SECOND_COMPOUND])
    assert plan.separate_visits_saved == 2  # two departments, one visit, two compounds
    again = await enforcement.stub.GetPlan(api.GetPlanRequest(plan_id=plan.plan_id), metadata=FIRE.to_metadata())
    assert again.plan == plan


async def test_E3_second_routine_plan_refused_over_grpc_and_nothing_changes(enforcement: Enforcement) -> None:
    await enforcement.seed_catalogue()
    await enforcement.plan(visit_date="2026-03-10")
    before = await enforcement.footprint()
    status, error = await refused(enforcement.plan(visit_date="2027-03-09"))
    assert status == grpc.StatusCode.FAILED_PRECONDITION
    assert error.field == "visit_date" and error.rule == "E3"
    assert error.metadata["previous_inspection_date"] == "2026-03-10"
    assert "2026-03-10" in error.message
    assert await enforcement.footprint() == before
    # exempt kinds pass, and the routine limit opens again a year later
    await enforcement.plan(visit_date="2026-06-01", kind=api.INSPECTION_KIND_SPECIAL, basis="2026消防专项")
    await enforcement.plan(visit_date="2027-03-10")


async def test_plan_outside_the_callers_jurisdiction_is_refused_and_nothing_changes(enforcement: Enforcement) -> None:
    await enforcement.seed_catalogue()
    before = await enforcement.footprint()
    status, error = await refused(enforcement.plan(who=ANXI_OFFICER))
    assert status == grpc.StatusCode.PERMISSION_DENIED and error.field == "jurisdiction_path"
    status, error = await refused(enforcement.plan(compound_ids=(COMPOUND, "compound-unknown")))
    assert status == grpc.StatusCode.NOT_FOUND and error.field == "compound_ids[1]"
    assert await enforcement.footprint() == before
