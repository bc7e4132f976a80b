"""E1: a department's inspection-item catalogue kept in a spreadsheet, imported with the service's command."""

from __future__ import annotations

import csv
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from wuye_enforcement.domain.catalogue import COLUMNS

GOOD = [
    {"code": "FIRE-01", "lead_department": "消防救援", "partner_departments": "住建", "content": "消防通道畅通",
     "legal_basis": "《消防法》第二十八条", "standard": "无占用、堵塞", "frequency": "quarterly", "scenario": ""},
    {"code": "EBIKE-01", "lead_department": "消防救援", "partner_departments": "城管、住建",
     "content": "电动自行车集中充电", "legal_basis": "《高层民用建筑消防安全管理规定》",
     "standard": "不得在楼道充电", "frequency": "monthly", "scenario": ""},
]


def run_import(path: Path, database: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "WUYE_DATABASE_URL": f"sqlite+aiosqlite:///{database}", "WUYE_NATS_URL": "nats://127.0.0.1:1"}
    return subprocess.run(
        [sys.executable, "-m", "wuye_enforcement", "import-catalogue", str(path), *extra],
        env=env, capture_output=True, text=True, timeout=120,
    )


def items(database: Path) -> list[str]:
    with sqlite3.connect(database) as connection:
        return sorted(code for (code,) in connection.execute("SELECT code FROM inspection_items"))


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.DictWriter(stream, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.mark.slow
def test_E1_catalogue_imports_from_csv_and_from_an_excel_sheet(tmp_path: Path) -> None:
    done = run_import(write_csv(tmp_path / "catalogue.csv", GOOD), tmp_path / "a.db")
    assert done.returncode == 0, done.stdout + done.stderr
    assert items(tmp_path / "a.db") == ["EBIKE-01", "FIRE-01"]

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "目录"
    sheet.append(list(reversed(COLUMNS)))  # columns are found by name, in any order
    for row in GOOD:
        sheet.append([row[column] for column in reversed(COLUMNS)])
    book.save(tmp_path / "catalogue.xlsx")
    done = run_import(tmp_path / "catalogue.xlsx", tmp_path / "b.db", "--sheet", "目录")
    assert done.returncode == 0, done.stdout + done.stderr
    assert items(tmp_path / "b.db") == ["EBIKE-01", "FIRE-01"]


@pytest.mark.slow
def test_E1_a_bad_row_imports_nothing_and_is_reported_with_its_row_and_column(tmp_path: Path) -> None:
    rows = [*GOOD, {**GOOD[0], "code": "GAS-01", "lead_department": "天文台", "content": "燃气表"}]
    done = run_import(write_csv(tmp_path / "catalogue.csv", rows), tmp_path / "c.db")
    assert done.returncode == 1
    assert "row 4  lead_department" in done.stdout and "nothing imported" in done.stdout
    assert items(tmp_path / "c.db") == []
    missing = run_import(write_csv(tmp_path / "no-content.csv", []), tmp_path / "d.db")
    assert missing.returncode == 0 and "imported 0 of 0 rows" in missing.stdout
