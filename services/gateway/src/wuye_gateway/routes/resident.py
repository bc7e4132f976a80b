"""The residents' mobile web (居民服务, /m/): a static page plus a little vanilla JavaScript, phone-sized first.

Like the officers' console it holds no data and needs no login to load: the script calls ``/api/v1`` with the
resident's own token (a phone sign-in at the development issuer in local runs), so a resident files only for
a compound they own in, reads only their own cases and casts only their own ballots — the services decide.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

from wuye_gateway.routes.console import SECURITY_HEADERS

STATIC = Path(__file__).resolve().parent.parent / "static" / "resident"

router = APIRouter(tags=["residents' mobile web"], include_in_schema=False)
assets = StaticFiles(directory=STATIC)


@router.get("/m")
async def resident_redirect() -> RedirectResponse:
    return RedirectResponse("/m/", status_code=307)


@router.get("/m/")
async def resident_page() -> FileResponse:
    return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8", headers=SECURITY_HEADERS)
