"""Any table an officer reads on a screen, as an Excel workbook (issue 15: officers report upward in Excel).

The console sends the table as it shows it — its title, its headers and its rows of text — and gets the
workbook back: the gateway formats, it reads no record, so the caller can export only what they could
already read. Bounded like every body (the size limit, and the rows and cells here).
"""

from __future__ import annotations

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from wuye_gateway.dependencies import PROBLEM_RESPONSES, Caller
from wuye_gateway.workbooks import XLSX, workbook_response

router = APIRouter(prefix="/api/v1/exports", tags=["exports"], responses=PROBLEM_RESPONSES)

MAX_ROWS = 5000
MAX_COLUMNS = 40
MAX_CELL = 2000


class Table(BaseModel):
    title: str = Field(..., min_length=1, max_length=100, examples=["投诉队列"])
    headers: list[str] = Field(..., min_length=1, max_length=MAX_COLUMNS, examples=[["工单号", "类别", "状态"]])
    rows: list[list[str]] = Field(..., max_length=MAX_ROWS,
                                  examples=[[["HA20261204001", "电梯故障", "待受理"]]])


@router.post("/workbook", response_class=Response,
             responses={200: {"content": {XLSX: {"schema": {"type": "string", "format": "binary"}}},
                              "description": "the table as an Excel workbook"}},
             summary="A table as shown on a screen, as an Excel workbook (title row, bold headers, the rows)")
async def export_workbook(table: Table, who: Caller) -> Response:
    width = len(table.headers)
    rows = [[cell[:MAX_CELL] for cell in row[:width]] + [""] * (width - len(row)) for row in table.rows]
    return workbook_response(table.title, table.headers, rows, filename="export.xlsx")
