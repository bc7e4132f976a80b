"""The jurisdiction read model every service but the registry keeps, fed by registry events.

Services need jurisdiction names and paths to scope and label their figures, and must keep working
when the registry is down, so each keeps this small table up to date from ``JurisdictionRegistered``
(through its inbox) and serves it as ``wuye.common.v1.JurisdictionDirectoryService``.
"""

from __future__ import annotations

import sqlalchemy as sa

from wuye.common.v1 import common_pb2, directory_pb2, directory_pb2_grpc
from wuye.registry.v1 import events_pb2 as registry_events
from wuye_chassis import auth
from wuye_chassis.bus import event_type_of
from wuye_chassis.db import Database, UtcDateTime, changed_rows, utcnow
from wuye_chassis.errors import InvalidArgument, NotFound
from wuye_chassis.grpc_server import Context, Servicer
from wuye_chassis.inbox import Handler, ReceivedEvent
from wuye_chassis.migrations import SchemaOperations
from wuye_chassis.read_models import ReadModel
from wuye_chassis.uow import UnitOfWork

SERVICE_NAME = directory_pb2.DESCRIPTOR.services_by_name["JurisdictionDirectoryService"].full_name


TABLE_NAME = "known_jurisdictions"


def add_directory_table(metadata: sa.MetaData) -> sa.Table:
    return sa.Table(
        TABLE_NAME,
        metadata,
        sa.Column("code", sa.String(12), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(64), nullable=False, index=True),
        sa.Column("parent_code", sa.String(12), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
    )


def create_directory_table(op: SchemaOperations) -> None:
    add_directory_table(sa.MetaData()).create(op.get_bind())


def handlers(table: sa.Table) -> dict[str, Handler[UnitOfWork]]:
    async def on_registered(event: ReceivedEvent, uow: UnitOfWork) -> None:
        jurisdiction = event.parse(registry_events.JurisdictionRegistered).jurisdiction
        values = {
            "name": jurisdiction.name,
            "level": jurisdiction.level,
            "path": jurisdiction.path,
            "parent_code": jurisdiction.parent_code,
            "updated_at": utcnow(),
        }
        async with uow:
            updated = await changed_rows(uow.session, table.update().where(table.c.code == jurisdiction.code).values(**values))
            if updated == 0:
                await uow.session.execute(table.insert().values(code=jurisdiction.code, **values))
            await uow.commit()

    return {event_type_of(registry_events.JurisdictionRegistered): on_registered}


class DirectoryServicer(directory_pb2_grpc.JurisdictionDirectoryServiceServicer):
    def __init__(self, db: Database, table: sa.Table) -> None:
        self.db = db
        self.table = table

    async def GetKnownJurisdiction(
        self, request: directory_pb2.GetKnownJurisdictionRequest, context: Context
    ) -> directory_pb2.GetKnownJurisdictionResponse:
        if not request.code:
            raise InvalidArgument("code must not be empty", field="code")
        async with self.db.reads() as session:
            row = (
                await session.execute(sa.select(self.table).where(self.table.c.code == request.code))
            ).mappings().first()
        if row is None:
            raise NotFound(f"jurisdiction {request.code} is not known here", field="code")
        auth.require_access(row["path"], action="read a jurisdiction")
        return directory_pb2.GetKnownJurisdictionResponse(
            jurisdiction=common_pb2.Jurisdiction(
                code=row["code"], name=row["name"], level=row["level"], path=row["path"],
                parent_code=row["parent_code"],
            )
        )


def _servicer(db: Database, table: sa.Table) -> Servicer:
    return Servicer(
        DirectoryServicer(db, table), directory_pb2_grpc.add_JurisdictionDirectoryServiceServicer_to_server, SERVICE_NAME
    )


#: the jurisdiction read model, served as ``wuye.common.v1.JurisdictionDirectoryService``
JURISDICTIONS = ReadModel(TABLE_NAME, "jurisdictions", handlers, _servicer)
