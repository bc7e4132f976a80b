"""gRPC servicer: protobuf in, use case, protobuf out. No rules here."""

from __future__ import annotations

import grpc

from wuye.common.v1 import common_pb2
from wuye.registry.v1 import registry_pb2, registry_pb2_grpc
from wuye_chassis import auth
from wuye_chassis.app import ServiceRuntime
from wuye_chassis.errors import InvalidArgument, NotFound
from wuye_chassis.paging import decode_cursor, encode_cursor, page_size
from wuye_registry.adapters import jurisdictions as repository
from wuye_registry.service import jurisdictions

SERVICE_NAME = registry_pb2.DESCRIPTOR.services_by_name["RegistryService"].full_name


class RegistryServicer(registry_pb2_grpc.RegistryServiceServicer):
    def __init__(self, runtime: ServiceRuntime) -> None:
        self.runtime = runtime

    async def RegisterJurisdiction(
        self, request: registry_pb2.RegisterJurisdictionRequest, context: grpc.aio.ServicerContext
    ) -> registry_pb2.RegisterJurisdictionResponse:
        jurisdiction = await jurisdictions.register_jurisdiction(
            self.runtime.unit_of_work(), parent_code=request.parent_code, code=request.code, name=request.name
        )
        return registry_pb2.RegisterJurisdictionResponse(jurisdiction=jurisdiction)

    async def GetJurisdiction(
        self, request: registry_pb2.GetJurisdictionRequest, context: grpc.aio.ServicerContext
    ) -> registry_pb2.GetJurisdictionResponse:
        if not request.code:
            raise InvalidArgument("code must not be empty", field="code")
        async with self.runtime.db.sessions() as session:
            row = await repository.get(session, request.code)
        if row is None:
            raise NotFound(f"jurisdiction {request.code} does not exist", field="code")
        auth.require_access(row["path"], action="read a jurisdiction")
        return registry_pb2.GetJurisdictionResponse(jurisdiction=repository.to_message(row))

    async def ListJurisdictions(
        self, request: registry_pb2.ListJurisdictionsRequest, context: grpc.aio.ServicerContext
    ) -> registry_pb2.ListJurisdictionsResponse:
        limit = page_size(request.page.page_size)
        after = decode_cursor(request.page.page_token)
        caller = auth.current()
        async with self.runtime.db.sessions() as session:
            if request.parent_code:
                parent = await repository.get(session, request.parent_code)
                if parent is None:
                    raise NotFound(f"jurisdiction {request.parent_code} does not exist", field="parent_code")
                auth.require_access(parent["path"], action="list jurisdictions")
            rows = await repository.children(session, request.parent_code or None, after, limit + 1)
        # top-level listing: only the cities the caller may see
        visible = [row for row in rows if caller.can_access(row["path"])] if not request.parent_code else rows
        page, more = visible[:limit], len(rows) > limit
        return registry_pb2.ListJurisdictionsResponse(
            jurisdictions=[repository.to_message(row) for row in page],
            page=common_pb2.PageResponse(next_page_token=encode_cursor(page[-1]["code"]) if more and page else ""),
        )


def registrar(runtime: ServiceRuntime):  # type: ignore[no-untyped-def]
    def register(server: grpc.aio.Server) -> None:
        registry_pb2_grpc.add_RegistryServiceServicer_to_server(RegistryServicer(runtime), server)

    return register
