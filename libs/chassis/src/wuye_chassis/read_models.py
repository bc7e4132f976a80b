"""Registry read models a service may keep (``ServiceDefinition.read_models``).

A read model is a table in the service's own database, kept up to date from registry events through the
inbox, so the service can scope and label its records while the registry is down. Each is defined once
in the chassis (``directory.JURISDICTIONS``, ``compounds.COMPOUNDS``): its table, its consumer and, where
other services or the gateway ask it, its gRPC servicer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa

from wuye_chassis.db import Database
from wuye_chassis.grpc_server import Servicer
from wuye_chassis.inbox import Handler, Subscription
from wuye_chassis.uow import UnitOfWork


@dataclass(frozen=True)
class ReadModel:
    #: the table's name; the service adds the table to its metadata with the model's table factory
    table_name: str
    #: the durable consumer's name after the service's (``complaints-jurisdictions``)
    durable_suffix: str
    #: the table → the handler for each event type that changes it
    handlers: Callable[[sa.Table], dict[str, Handler[UnitOfWork]]]
    serve: Callable[[Database, sa.Table], Servicer] | None = None

    def subscription(self, metadata: sa.MetaData, service_name: str) -> Subscription[UnitOfWork]:
        handlers = self.handlers(metadata.tables[self.table_name])
        return Subscription(durable=f"{service_name}-{self.durable_suffix}", handlers=handlers)

    def servicer(self, db: Database, metadata: sa.MetaData) -> Servicer | None:
        return None if self.serve is None else self.serve(db, metadata.tables[self.table_name])
