"""Protobuf shapes several funds servicers share: ledger entries, sub-accounts, money movements and pages.

The records events also carry (votes, applications, expenses, disclosures, audits) are mapped in
``adapters/events.py``, once for both.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from wuye.common.v1 import common_pb2
from wuye.funds.v1 import funds_pb2 as api
from wuye_chassis.paging import encode_cursor
from wuye_chassis.proto_values import enum_number, timestamp
from wuye_funds.domain.money_movements import MoneyMovement
from wuye_funds.service.ledger import PostedEntry
from wuye_funds.service.maintenance import SubAccountView

T = TypeVar("T")


def entry_message(posted: PostedEntry) -> api.LedgerEntry:
    entry = posted.entry
    return api.LedgerEntry(
        ledger_id=posted.ledger_id,
        sequence=entry.sequence,
        account_id=entry.account_id,
        counter_account_id=entry.counter_account_id,
        amount_fen=entry.amount_fen,
        kind=entry.kind,
        memo=entry.memo,
        occurred_at=entry.occurred_at,
        reverses_sequence=entry.reverses_sequence or 0,
        prev_hash=entry.prev_hash,
        hash=entry.hash,
    )


def entry_messages(posted: Iterable[PostedEntry]) -> list[api.LedgerEntry]:
    return [entry_message(leg) for leg in posted]


def page(found: Sequence[T], limit: int, key: Callable[[T], str]) -> tuple[Sequence[T], common_pb2.PageResponse]:
    """The first ``limit`` items of a query asked for ``limit + 1``, and the token of the next page
    (empty when there is none)."""
    shown = found[:limit]
    more = len(found) > limit
    return shown, common_pb2.PageResponse(next_page_token=encode_cursor(key(shown[-1])) if more else "")


def sub_account_message(sub: SubAccountView) -> api.SubAccount:
    return api.SubAccount(
        household_id=sub.household_id, building_id=sub.building_id, area_dm2=sub.area_dm2,
        first_deposit_fen=sub.first_deposit_fen, balance_fen=sub.balance_fen,
        needs_replenishment=sub.needs_replenishment, closed=sub.closed,
    )


def movement_message(movement: MoneyMovement) -> api.MoneyMovement:
    return api.MoneyMovement(
        movement_id=movement.movement_id, kind=enum_number(api.MoneyMovementKind, movement.kind.value),
        compound_id=movement.compound_id, jurisdiction_path=movement.jurisdiction_path, ledger_id=movement.ledger_id,
        household_id=movement.household_id, owner_key=movement.owner_key, reference=movement.reference,
        sequence=movement.sequence, memo=movement.memo,
        state=enum_number(api.MoneyMovementState, movement.state.value), requested_by=movement.requested_by,
        requested_at=timestamp(movement.requested_at), decided_by=movement.decided_by,
        decided_at=timestamp(movement.decided_at), reason=movement.reason, amount_fen=movement.amount_fen,
    )
