"""Bulk import of a county (CSV and Excel) into a running registry, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import grpc
import openpyxl

from tests.support import workbook_bytes
from wuye.registry.v1 import registry_pb2
from wuye_chassis.auth import SYSTEM
from wuye_registry.adapters.import_files import COLUMNS
from wuye_registry.adapters.import_report import report_path
from wuye_registry.domain.commands import ImportCounty
from wuye_registry.service.bulk_import.county import ImportSummary, import_county

from .conftest import ANXI_OFFICER, CITY_ADMIN, HUIAN_COMMUNITY, HUIAN_STREET, Registry, refused, resident_id, uscc

DEMO_COUNTY = Path(__file__).parents[3] / "deploy" / "demo" / "huian"
TABLES = ("jurisdictions", "compounds", "buildings", "households", "people", "owners")
#: one compound with two buildings; 陈建国 (P1) owns three units, a couple owns one, one unit is unsold
COUNTY = {
    "compounds": [["FHC", "凤凰城", "commodity", "company", HUIAN_COMMUNITY]],
    "buildings": [["FHC", "1", "1号楼"], ["FHC", "2", "2号楼"]],
    "households": [
        ["FHC", "1", "101", "89.57", "false"],
        ["FHC", "1", "102", "120.00", "false"],
        ["FHC", "2", "101", "143.88", "false"],
        ["FHC", "2", "102", "98.10", "false"],
        ["FHC", "2", "103", "76.05", "true"],
    ],
    "owners": [
        ["FHC", "1", "101", "P1", "陈建国", "13800000001", resident_id(1), "1"],
        ["FHC", "1", "102", "P1", "陈建国", "13800000001", resident_id(1), ""],
        ["FHC", "2", "101", "P1", "陈建国", "13800000001", resident_id(1), "1"],
        ["FHC", "2", "102", "P2", "林丽娟", "138 0000 0002", "", "1/2"],
        ["FHC", "2", "102", "P3", "黄志强", "", resident_id(3), "1/2"],
    ],
}


def county_without_owners(tmp_path: Path) -> Path:
    """The files of COUNTY but its owners: the compound, its buildings and units."""
    county = tmp_path / "county"
    for kind in ("compounds", "buildings", "households"):
        write_csv(county, kind, COUNTY[kind])
    return county


def write_csv(folder: Path, kind: str, rows: list[list[str]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{kind}.csv"
    with path.open("w", newline="", encoding="utf-8") as stream:
        csv.writer(stream).writerows([list(COLUMNS[kind]), *rows])
    return path


class Progress:
    """Counts the rows the import reports done."""

    def __init__(self) -> None:
        self.done = 0

    def begin(self, rows: int) -> None:
        pass

    def advance(self, rows: int) -> None:
        self.done += rows


async def import_path(registry: Registry, path: Path, batch_size: int = 5_000) -> tuple[ImportSummary, int]:
    """Import ``path`` into the running registry; returns the summary and the rows the progress saw."""
    progress = Progress()
    command = ImportCounty(str(path), batch_size=batch_size)
    return await import_county(command, registry.app.runtime.unit_of_work(), progress), progress.done


def report(path: Path) -> list[tuple[str, str, str, str]]:
    with report_path(path).open(encoding="utf-8") as stream:
        return [(line["file"], line["row"], line["field"], line["rule"]) for line in csv.DictReader(stream)]


async def roster(registry: Registry, code: str = "FHC") -> registry_pb2.GetOwnerRosterResponse:
    compounds = await registry.call(
        "ListCompounds", registry_pb2.ListCompoundsRequest(jurisdiction_code=HUIAN_COMMUNITY)
    )
    compound_id = next(compound.id for compound in compounds.compounds if compound.code == code)
    return await registry.call("GetOwnerRoster", registry_pb2.GetOwnerRosterRequest(compound_id=compound_id))


async def test_demo_county_loads_once_and_a_second_import_changes_and_announces_nothing(
    registry: Registry, tmp_path: Path
) -> None:
    county = tmp_path / "huian"
    shutil.copytree(DEMO_COUNTY, county)
    summary, progressed = await import_path(registry, county, batch_size=50)
    lines = sum(len(path.read_text(encoding="utf-8").splitlines()) - 1 for path in county.glob("*.csv"))
    assert (summary.rows_read, summary.rows_imported, summary.rows_rejected, progressed) == (lines, lines, 0, lines)
    assert summary.report is None and not report_path(county).exists()
    assert summary.compounds_registered == 6 and summary.compounds_announced == 6
    assert await registry.count("compounds") == 6 and await registry.count("households") == 194
    # one event per compound for its whole roster, none per household
    assert await registry.events("CompoundRegistered") == 6
    assert await registry.events("HouseholdRosterChanged") == 6
    # the fixture registered the city, the county, 螺城镇 and 凤凰城社区 already; four are new
    assert await registry.events("JurisdictionRegistered") == 7 + 4

    before = await registry.snapshot(*TABLES)
    again, _ = await import_path(registry, county, batch_size=50)
    assert (again.rows_imported, again.compounds_registered, again.compounds_announced) == (lines, 0, 0)
    assert await registry.snapshot(*TABLES) == before


async def test_V4_an_owner_of_several_units_is_imported_once_as_one_person(registry: Registry, tmp_path: Path) -> None:
    for kind, rows in COUNTY.items():
        write_csv(tmp_path / "county", kind, rows)
    summary, _ = await import_path(registry, tmp_path / "county")
    assert summary.rows_rejected == 0
    assert await registry.count("people") == 3 and await registry.count("owners") == 5

    answer = await roster(registry)
    # P1's three units are one owner; the couple is one owner; the unsold unit is the developer
    assert answer.owner_count == 3 and answer.unit_count == 5
    by_units = sorted((len(owner.unit_ids), owner.area_dm2, owner.is_developer) for owner in answer.owners)
    assert by_units == [(1, 7605, True), (1, 9810, False), (3, 8957 + 12000 + 14388, False)]
    phones = await registry.count("people", "WHERE phone_cipher IS NOT NULL AND phone_index IS NOT NULL")
    assert phones == 2  # encrypted and indexed; P3 gave none


async def test_a_workbook_imports_like_csv_files_and_again_changes_nothing(registry: Registry, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for kind, rows in COUNTY.items():
        sheet = book.create_sheet(kind)
        sheet.append(list(COLUMNS[kind]))
        for row in rows:
            sheet.append(row)
    book.create_sheet("notes").append(["sheets not named after a kind are ignored"])
    workbook = tmp_path / "county.xlsx"
    book.save(workbook)

    summary, progressed = await import_path(registry, workbook)
    assert (summary.rows_read, summary.rows_imported, progressed) == (13, 13, 13)
    assert (await roster(registry)).owner_count == 3
    before = await registry.snapshot(*TABLES)
    await import_path(registry, workbook)
    assert await registry.snapshot(*TABLES) == before


async def test_a_bad_row_rejects_its_whole_batch_is_reported_and_the_other_batches_go_in(
    registry: Registry, tmp_path: Path
) -> None:
    county = tmp_path / "county"
    write_csv(county, "compounds", COUNTY["compounds"])
    write_csv(county, "buildings", COUNTY["buildings"])
    households = write_csv(
        county,
        "households",
        [
            ["FHC", "1", "101", "89.57", "false"],  # row 2 ┐ batch 1: good
            ["FHC", "1", "102", "120", "false"],  # row 3    ┘
            ["FHC", "1", "103", "95.00", "false"],  # row 4 ┐ batch 2: one bad row
            ["FHC", "1", "104", "-89.57", "false"],  # row 5 ┘ negative area
            ["NOPE", "1", "105", "70.00", "false"],  # row 6 ┐ batch 3: unknown compound
            ["FHC", "1", "106", "89.571", "false"],  # row 7 ┘ more than two decimals
            ["FHC", "2", "101", "80.00", "false"],  # row 8   batch 4: good
        ],
    )
    events_before = await registry.count("outbox")
    summary, progressed = await import_path(registry, county, batch_size=2)

    assert report(county) == [
        ("households.csv", "5", "exclusive_area_m2", "positive"),
        ("households.csv", "6", "compound_code", "unknown_compound"),
        ("households.csv", "7", "exclusive_area_m2", "max_two_decimals"),
    ]
    assert summary.report == report_path(county) == households.parent.parent / "county.errors.csv"
    assert (summary.rows_read, summary.rows_imported, summary.rows_rejected, summary.bad_rows) == (10, 6, 4, 3)
    assert (summary.batches, summary.batches_rejected, progressed) == (6, 2, 10)
    # nothing of the rejected batches persisted, not even their good row 4
    units = await registry.count("households")
    assert units == 3 and await registry.count("households", "WHERE unit_number = '103'") == 0
    assert await registry.count("outbox") == events_before + 2  # CompoundRegistered, HouseholdRosterChanged


async def test_an_owner_row_breaking_a_domain_rule_names_the_row_field_and_rule(
    registry: Registry, tmp_path: Path
) -> None:
    county = county_without_owners(tmp_path)
    write_csv(
        county,
        "owners",
        [
            ["FHC", "1", "101", "P1", "陈建国", "13800000001", "", "1"],
            ["FHC", "1", "102", "P2", "林丽娟", "12345", "", "1"],  # row 3: not a mobile number
            ["FHC", "2", "101", "P3", "黄志强", "", "", "1/2"],  # row 4: shares add up to 1/2
            ["FHC", "2", "103", "P4", "张秀英", "", "", "1"],  # row 5: developer stock has no owner
        ],
    )
    summary, _ = await import_path(registry, county)
    assert report(county) == [
        ("owners.csv", "3", "phone", "mobile_format"),
        ("owners.csv", "4", "share", "shares_sum_to_one"),
        ("owners.csv", "5", "person_key", "developer_stock_unowned"),
    ]
    assert summary.rows_rejected == 4 and await registry.count("owners") == 0 and await registry.count("people") == 0


def test_the_import_command_prints_a_summary_and_fails_when_a_batch_is_rejected(tmp_path: Path) -> None:
    county = tmp_path / "huian"
    shutil.copytree(DEMO_COUNTY, county)
    env = {**os.environ, "WUYE_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'registry.db'}"}
    command = [sys.executable, "-m", "wuye_registry", "import", str(county), "--batch-size", "100"]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "rows imported           436" in done.stdout and "rows/s" in done.stdout

    write_csv(county, "households", [["HA-FHC", "1", "9999", "0", "false"]])
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "error report" in done.stdout


async def test_O3_party_member_since_records_the_membership_once_and_a_blank_cell_changes_nothing(
    registry: Registry, tmp_path: Path
) -> None:
    county = county_without_owners(tmp_path)
    owner_rows = [list(row) for row in COUNTY["owners"]]
    for row in owner_rows[:3]:  # 陈建国's three units: each row gives the same day
        row.append("2019-07-01")
    write_csv(county, "owners", owner_rows)
    summary, _ = await import_path(registry, county)
    assert summary.rows_rejected == 0
    members = "WHERE is_party_member AND party_member_since = '2019-07-01'"
    assert await registry.count("people", members) == 1 and await registry.count("people", "WHERE is_party_member") == 1
    assert await registry.events("PartyMembershipChanged") == 1

    # the same files again, and then files with the cell left blank: nothing changes, nothing is announced
    await import_path(registry, county)
    for row in owner_rows[:3]:
        row[-1] = ""
    write_csv(county, "owners", owner_rows)
    await import_path(registry, county)
    assert await registry.count("people", members) == 1 and await registry.events("PartyMembershipChanged") == 1


async def test_O3_party_member_since_must_be_a_past_date_and_the_same_on_every_row_of_a_person(
    registry: Registry, tmp_path: Path
) -> None:
    county = county_without_owners(tmp_path)
    owner_rows = [list(row) for row in COUNTY["owners"]]
    owner_rows[0].append("2019-07-01")
    owner_rows[1].append("2020-07-01")  # row 3: 陈建国 again, another day
    owner_rows[2].append("2019-07-01")
    owner_rows[3].append((dt.date.today() + dt.timedelta(days=30)).isoformat())  # row 5: in the future
    owner_rows[4].append("01/07/2019")  # row 6: not an ISO date
    write_csv(county, "owners", owner_rows)
    summary, _ = await import_path(registry, county)
    assert report(county) == [
        ("owners.csv", "3", "party_member_since", "same_person_same_details"),
        ("owners.csv", "5", "party_member_since", "O3"),
        ("owners.csv", "6", "party_member_since", "date"),
    ]
    assert summary.rows_rejected == 5 and await registry.count("people") == 0
    assert await registry.events("PartyMembershipChanged") == 0


#: posts.csv columns: person_key, name, phone, id_number, post, jurisdiction_code, company_uscc, department, started_on
POSTS = [
    # 陈建国, an owner imported from owners.csv: his details may be left blank
    ["P1", "", "", "", "residents_committee_reviewer", HUIAN_COMMUNITY, "", "", "2024-01-01"],
    ["W1", "陈社工", "13900000011", "", "community_worker", HUIAN_COMMUNITY, "", "", ""],
    ["W1", "", "", "", "grid_worker", HUIAN_COMMUNITY, "", "", ""],
    ["C1", "李师傅", "13900000012", "", "company_staff", "", uscc(1), "", ""],
    ["I1", "吴消防", "13900000013", "", "department_inspector", "350521", "", "fire_rescue", ""],
    ["S1", "郑街道", "13900000014", "", "street_officer", HUIAN_STREET, "", "", ""],
]


async def test_A1_a_posts_file_gives_each_post_once_to_a_registered_or_new_person_who_then_signs_in(
    registry: Registry, tmp_path: Path
) -> None:
    await registry.company(1)
    county = tmp_path / "county"
    for kind, rows in COUNTY.items():
        write_csv(county, kind, rows)
    write_csv(county, "posts", POSTS)
    summary, _ = await import_path(registry, county)
    assert summary.rows_rejected == 0 and summary.report is None
    assert await registry.count("posts", "WHERE assigned_by = 'system'") == 6
    assert await registry.count("people") == 3 + 4  # the owners and W1, C1, I1, S1; P1 is not registered twice
    assert await registry.events("PostAssigned") == 6

    worker = await registry.call("ResolveActor", registry_pb2.ResolveActorRequest(
        subject="http://idp.example|w1", verified_phone="13900000011"), SYSTEM)
    assert worker.actor.name == "陈**" and sorted(post.kind for post in worker.actor.posts) == sorted(
        [registry_pb2.POST_KIND_COMMUNITY_WORKER, registry_pb2.POST_KIND_GRID_WORKER])
    owner = await registry.call("ResolveActor", registry_pb2.ResolveActorRequest(
        subject="http://idp.example|p1", verified_phone="13800000001"), SYSTEM)
    assert [post.kind for post in owner.actor.posts] == [registry_pb2.POST_KIND_RESIDENTS_COMMITTEE_REVIEWER]
    assert owner.actor.posts[0].started_on == "2024-01-01" and len(owner.actor.units) == 3
    staff = await registry.call("ResolveActor", registry_pb2.ResolveActorRequest(
        subject="http://idp.example|c1", verified_phone="13900000012"), SYSTEM)
    assert staff.actor.posts[0].company_id and staff.actor.posts[0].jurisdiction_path == "350500/350521"

    before = await registry.snapshot("people", "posts")
    await import_path(registry, county)
    assert await registry.snapshot("people", "posts") == before and await registry.events("PostAssigned") == 6


async def test_A1_a_posts_file_row_naming_a_person_or_post_wrongly_is_refused_naming_column_and_rule(
    registry: Registry, tmp_path: Path
) -> None:
    county = county_without_owners(tmp_path)
    write_csv(county, "owners", COUNTY["owners"])
    await import_path(registry, county)
    people_before = await registry.count("people")
    worker = ["W1", "陈社工", "13900000011", "", "community_worker", HUIAN_COMMUNITY, "", "", ""]
    write_csv(county, "posts", [
        ["P1", "别人", "", "", "grid_worker", HUIAN_COMMUNITY, "", "", ""],  # row 2: not P1's registered name
        ["N1", "无电话", "", "", "grid_worker", HUIAN_COMMUNITY, "", "", ""],  # 3: new, without the phone to sign in
        ["N2", "某人", "13900000021", "", "mayor", HUIAN_COMMUNITY, "", "", ""],  # 4: no such post
        ["N3", "某人", "13900000022", "", "community_worker", "350521", "", "", ""],  # 5: a county is no community
        ["N4", "某人", "13900000023", "", "company_staff", "", uscc(9), "", ""],  # 6: no such company
        ["N5", "某人", "13900000024", "", "auditor", "350500", "", "", ""],  # 7: a city post
        ["N6", "某人", "13900000025", "", "department_inspector", "350521", "", "", ""],  # 8: no department
        ["N7", "某人", "13900000026", "", "grid_worker", "350521100999", "", "", ""],  # 9: no such community
        worker,  # 10: good, and repeated on row 11
        worker,
        ["N8", "某人", "13900000027", resident_id(1), "grid_worker", HUIAN_COMMUNITY, "", "", ""],  # 12: P1's ID
        ["N9", "某人", "13900000028", "", "grid_worker", HUIAN_COMMUNITY, "", "", "2024-13-01"],  # 13: no such day
    ])
    summary, _ = await import_path(registry, county)
    assert sorted(report(county), key=lambda line: int(line[1])) == [
        ("posts.csv", "2", "name", "same_person_same_details"),
        ("posts.csv", "3", "phone", "required"),
        ("posts.csv", "4", "post", "A1"),
        ("posts.csv", "5", "jurisdiction_code", "A1"),
        ("posts.csv", "6", "company_uscc", "unknown_company"),
        ("posts.csv", "7", "jurisdiction_code", "A1"),
        ("posts.csv", "8", "department", "A1"),
        ("posts.csv", "9", "jurisdiction_code", "unknown_jurisdiction"),
        ("posts.csv", "11", "post", "duplicate"),
        ("posts.csv", "12", "id_number", "unique_id_number"),
        ("posts.csv", "13", "started_on", "date"),
    ]
    assert summary.rows_rejected == 12 and await registry.count("posts") == 0
    assert await registry.count("people") == people_before and await registry.events("PostAssigned") == 0


async def test_A1_a_post_already_held_is_left_as_it_is_and_one_ended_before_the_row_day_is_given_again(
    registry: Registry, tmp_path: Path
) -> None:
    county = county_without_owners(tmp_path)
    write_csv(county, "posts", [["W1", "陈社工", "13900000011", "", "community_worker", HUIAN_COMMUNITY, "", "",
                                 "2025-01-01"]])
    await import_path(registry, county)
    post_id = (await registry.call("ListPosts", registry_pb2.ListPostsRequest(
        jurisdiction_code=HUIAN_COMMUNITY, on="2025-06-01"))).posts[0].post_id
    await registry.call("EndPost", registry_pb2.EndPostRequest(post_id=post_id, ended_on="2025-12-31"))
    await import_path(registry, county)  # the same row: its day falls inside the ended post
    assert await registry.count("posts") == 1
    write_csv(county, "posts", [["W1", "", "", "", "community_worker", HUIAN_COMMUNITY, "", "", "2026-01-01"]])
    await import_path(registry, county)  # the day after the last day: a new post
    assert await registry.count("posts") == 1 + 1 and await registry.events("PostAssigned") == 2


def upload_workbook(sheets: dict[str, list[list[str]]]) -> bytes:
    """An .xlsx workbook with one sheet per kind, each with its header row."""
    return workbook_bytes({kind: [COLUMNS[kind], *rows] for kind, rows in sheets.items()})


async def uploaded(registry: Registry, content: bytes, who=CITY_ADMIN) -> list[registry_pb2.ImportWorkbookResponse]:
    request = registry_pb2.ImportWorkbookRequest(workbook=content, file_name="惠安县台账.xlsx")
    return [message async for message in registry.stub.ImportWorkbook(request, metadata=who.to_metadata())]


async def test_A4_an_uploaded_workbook_is_imported_with_its_progress_streamed_and_its_bad_rows_handed_back(
    registry: Registry,
) -> None:
    sheets = {
        "jurisdictions": [["350521", "350521101", "紫山镇"], ["350521101", "350521101001", "紫山社区"]],
        "compounds": [["ZSH", "紫山花园", "commodity", "company", "350521101001"], *COUNTY["compounds"]],
        "buildings": COUNTY["buildings"],
        "households": COUNTY["households"],
        "owners": [*COUNTY["owners"][:3], ["FHC", "2", "102", "P2", "林丽娟", "13800000002", "", "2"]],
    }
    messages = await uploaded(registry, upload_workbook(sheets))
    *progress, last = messages
    done = [message.rows_done for message in progress]
    assert done == sorted(done) and progress and all(message.rows_expected == 15 for message in progress)
    summary = last.summary
    assert (summary.rows_read, summary.compounds_registered, summary.bad_rows, summary.batches_rejected) == (15, 2, 1, 1)
    [error] = summary.errors
    assert (error.sheet, error.row, error.field) == ("owners", "5", "share")
    assert await registry.count("jurisdictions", "WHERE code = '350521101001'") == 1
    assert await registry.count("households") == 5 and await registry.count("owners") == 0  # the owners batch whole
    # the same workbook again changes nothing, and still says what is wrong
    again = (await uploaded(registry, upload_workbook(sheets)))[-1].summary
    assert (again.compounds_registered, again.bad_rows) == (0, 1)
    assert await registry.count("compounds") == 2


async def test_A1_scope_only_the_city_imports_a_workbook_and_only_places_within_its_scope(registry: Registry) -> None:
    before = await registry.snapshot(*TABLES)
    code, error = await refused(uploaded(registry, upload_workbook({"compounds": COUNTY["compounds"]}), ANXI_OFFICER))
    assert code == grpc.StatusCode.PERMISSION_DENIED
    code, error = await refused(uploaded(registry, b"PK-not-a-workbook"))
    assert (code, error.field, error.rule) == (grpc.StatusCode.INVALID_ARGUMENT, "workbook", "xlsx")
    outside = (await uploaded(registry, upload_workbook({"jurisdictions": [["", "350600", "漳州市"]]})))[-1].summary
    [error_row] = outside.errors
    assert (error_row.field, error_row.rule) == ("code", "scope")
    assert await registry.snapshot(*TABLES) == before
