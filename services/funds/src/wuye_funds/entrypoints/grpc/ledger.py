"""``LedgerService`` over ``service/ledger.py``: reversals, reading and verifying the hash chains."""

from __future__ import annotations

from collections.abc import Callable

import grpc

from wuye.funds.v1 import funds_pb2 as api
from wuye.funds.v1 import funds_pb2_grpc
from wuye_chassis.grpc_server import Servicer
from wuye_chassis.paging import decode_cursor, page_size
from wuye_chassis.proto_values import enum_choice, enum_number
from wuye_funds.domain import commands
from wuye_funds.domain.ledger import Anchor
from wuye_funds.entrypoints.grpc.messages import (
    entry_messages,
    movement_message,
    page,
    sub_account_message,
)
from wuye_funds.service import ledger, money_movements
from wuye_funds.service.unit_of_work import FundsUnitOfWork

SERVICE_NAME = api.DESCRIPTOR.services_by_name["LedgerService"].full_name


class LedgerServicer(funds_pb2_grpc.LedgerServiceServicer):
    def __init__(self, unit_of_work: Callable[[], FundsUnitOfWork]) -> None:
        self.uow = unit_of_work

    async def ReverseLedgerPosting(
        self, request: api.ReverseLedgerPostingRequest, context: grpc.aio.ServicerContext
    ) -> api.ReverseLedgerPostingResponse:
        movement = await money_movements.request_reversal(
            commands.ReverseLedgerPosting(request.ledger_id, sequence=request.sequence, memo=request.memo), self.uow()
        )
        return api.ReverseLedgerPostingResponse(movement=movement_message(movement))

    async def DecideMoneyMovement(
        self, request: api.DecideMoneyMovementRequest, context: grpc.aio.ServicerContext
    ) -> api.DecideMoneyMovementResponse:
        decided = await money_movements.decide_money_movement(
            commands.DecideMoneyMovement(request.movement_id, approve=request.approve, reason=request.reason),
            self.uow(),
        )
        return api.DecideMoneyMovementResponse(
            movement=movement_message(decided.movement), entries=entry_messages(decided.entries),
            sub_account=None if decided.sub_account is None else sub_account_message(decided.sub_account),
        )

    async def GetMoneyMovement(
        self, request: api.GetMoneyMovementRequest, context: grpc.aio.ServicerContext
    ) -> api.GetMoneyMovementResponse:
        movement = await money_movements.get_money_movement(commands.GetMoneyMovement(request.movement_id), self.uow())
        return api.GetMoneyMovementResponse(movement=movement_message(movement))

    async def ListMoneyMovements(
        self, request: api.ListMoneyMovementsRequest, context: grpc.aio.ServicerContext
    ) -> api.ListMoneyMovementsResponse:
        limit = page_size(request.page.page_size)
        found = await money_movements.list_money_movements(
            commands.ListMoneyMovements(
                request.jurisdiction_path, state=enum_choice(api.MoneyMovementState, request.state),
                before=decode_cursor(request.page.page_token) or "", limit=limit + 1,
            ),
            self.uow(),
        )
        shown, next_page = page(found, limit, lambda movement: movement.movement_id)
        return api.ListMoneyMovementsResponse(movements=[movement_message(one) for one in shown], page=next_page)

    async def ListLedgerEntries(
        self, request: api.ListLedgerEntriesRequest, context: grpc.aio.ServicerContext
    ) -> api.ListLedgerEntriesResponse:
        limit = page_size(request.page.page_size)
        found = await ledger.list_ledger_entries(
            commands.ListLedgerEntries(
                request.ledger_id, after=decode_cursor(request.page.page_token) or "", limit=limit + 1
            ),
            self.uow(),
        )
        shown, next_page = page(found, limit, lambda posted: str(posted.entry.sequence))
        return api.ListLedgerEntriesResponse(entries=entry_messages(shown), page=next_page)

    async def VerifyLedger(
        self, request: api.VerifyLedgerRequest, context: grpc.aio.ServicerContext
    ) -> api.VerifyLedgerResponse:
        given = request.expected_head_sequence or request.expected_head_hash
        found = await ledger.verify_ledger(
            commands.VerifyLedger(
                request.ledger_id,
                expected=Anchor(request.expected_head_sequence, request.expected_head_hash) if given else None,
            ),
            self.uow(),
        )
        broken = found.broken
        return api.VerifyLedgerResponse(
            ledger_id=found.ledger_id,
            intact=found.intact,
            entries_checked=found.entries_checked,
            head_hash=found.head.hash,
            head_sequence=found.head.sequence,
            broken_sequence=0 if broken is None else broken.sequence,
            broken_reason=enum_number(api.ChainBreakReason, None if broken is None else broken.reason.value),
            discrepancies=[
                api.LedgerDiscrepancy(
                    source=enum_number(api.AnchorSource, item.source.value),
                    kind=enum_number(api.DiscrepancyKind, item.kind.value),
                    recorded=_anchor(item.anchor), found=_anchor(item.found), description=item.describe(),
                )
                for item in found.discrepancies
            ],
            checkpoint=None if found.checkpoint is None else _anchor(found.checkpoint),
            checkpoint_key_id=found.checkpoint_key_id,
        )

    async def GetLedgerSigningKey(
        self, request: api.GetLedgerSigningKeyRequest, context: grpc.aio.ServicerContext
    ) -> api.GetLedgerSigningKeyResponse:
        key = ledger.signing_key(self.uow())
        return api.GetLedgerSigningKeyResponse(key_id=key.key_id, public_key=key.public_key_base64)


def _anchor(anchor: Anchor) -> api.LedgerAnchor:
    return api.LedgerAnchor(sequence=anchor.sequence, hash=anchor.hash)


def servicer(unit_of_work: Callable[[], FundsUnitOfWork]) -> Servicer:
    return Servicer(LedgerServicer(unit_of_work), funds_pb2_grpc.add_LedgerServiceServicer_to_server, SERVICE_NAME)
