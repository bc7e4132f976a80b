from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from wuye_gateway.metrics import scrape

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str
    services: dict[str, str] = {}


@router.get("/healthz", response_model=Health, summary="Liveness: the gateway process answers")
async def healthz() -> Health:
    return Health(status="ok")


@router.get(
    "/readyz",
    response_model=Health,
    summary="Readiness: every service reports SERVING on grpc.health.v1",
    responses={503: {"model": Health, "description": "at least one service is not serving"}},
)
async def readyz(request: Request) -> JSONResponse:
    services = await request.app.state.backends.health()
    ready = all(status == "SERVING" for status in services.values())
    body = Health(status="ready" if ready else "not ready", services=services)
    return JSONResponse(body.model_dump(), status_code=200 if ready else 503)


router.add_api_route("/metrics", scrape, methods=["GET"], include_in_schema=False)
