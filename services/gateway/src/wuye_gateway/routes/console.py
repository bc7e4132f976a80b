"""The officers' web console (办公控制台): a static page plus a little vanilla JavaScript.

No build step: ``static/console/`` holds the HTML, CSS and script as written. The script calls the same
``/api/v1`` REST as any client, with a bearer token — from the development issuer (``/dev/token``) in
local runs, or pasted from the identity provider. The page itself holds no data and needs no login to
load; every figure it shows is fetched with the officer's token and scoped by the services.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

STATIC = Path(__file__).resolve().parent.parent / "static" / "console"
#: the console loads only its own script and styles, and talks only to this gateway (blob: images are the
#: case photos it fetched with the reader's token)
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
        "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}

router = APIRouter(tags=["officers' console"], include_in_schema=False)
assets = StaticFiles(directory=STATIC)


@router.get("/console")
async def console_redirect() -> RedirectResponse:
    return RedirectResponse("/console/", status_code=307)


@router.get("/console/")
async def console() -> FileResponse:
    return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8", headers=SECURITY_HEADERS)
