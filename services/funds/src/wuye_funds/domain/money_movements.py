"""Four eyes on money (A3): a sale transfer, a demolition refund or a ledger reversal is requested by one
person and carried out only when another person, holding the post for it, approves it.

A request is checked in full when it is made (so a bad one is refused at once and leaves nothing behind)
and again when it is approved, when the money moves: the whole balance passing is the balance at that
moment. A rejection needs a reason, an approval does not. The requester decides neither way; one request
at a time is open for the same household or ledger entry.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum

from wuye_chassis.errors import FailedPrecondition, PermissionDenied
from wuye_chassis.money import Fen
from wuye_chassis.validation import require_text

MAX_REASON_LENGTH = 500


class MovementKind(Enum):
    SALE_TRANSFER = "sale_transfer"
    DEMOLITION_REFUND = "demolition_refund"
    LEDGER_REVERSAL = "ledger_reversal"


class MovementState(Enum):
    REQUESTED = "requested"
    APPROVED = "approved"
    REJECTED = "rejected"


@dataclass
class MoneyMovement:
    movement_id: str
    kind: MovementKind
    compound_id: str
    jurisdiction_path: str
    ledger_id: str
    requested_by: str
    requested_at: dt.datetime
    #: what moves: a household's sub-account (F8) or a ledger posting (the reversal's entry and memo)
    household_id: str = ""
    owner_key: str = ""
    reference: str = ""
    sequence: int = 0
    memo: str = ""
    state: MovementState = MovementState.REQUESTED
    decided_by: str = ""
    decided_at: dt.datetime | None = None
    reason: str = ""
    #: what moved, once approved
    amount_fen: Fen = 0

    @property
    def target(self) -> str:
        """What one open request at a time may concern: the household, or the ledger entry."""
        return self.household_id if self.kind is not MovementKind.LEDGER_REVERSAL else f"{self.ledger_id}#{self.sequence}"

    def approve(self, *, by: str, at: dt.datetime) -> None:
        self._decide(by)
        self.state, self.decided_by, self.decided_at = MovementState.APPROVED, by, at

    def reject(self, *, by: str, reason: str, at: dt.datetime) -> None:
        text = require_text(reason, field="reason", rule="A3", max_length=MAX_REASON_LENGTH)
        self._decide(by)
        self.state, self.decided_by, self.decided_at, self.reason = MovementState.REJECTED, by, at, text

    def moved(self, amount_fen: Fen) -> None:
        self.amount_fen = amount_fen

    def _decide(self, by: str) -> None:
        if self.state is not MovementState.REQUESTED:
            raise FailedPrecondition(f"money movement {self.movement_id} is already {self.state.value}",
                                     field="state", rule="A3", metadata={"state": self.state.value})
        if by == self.requested_by:
            raise PermissionDenied("whoever requests a money movement is never the one who decides it",
                                   field="requested_by", rule="A3")


def require_none_open(open_requests: int, target_field: str) -> None:
    """One request at a time for the same household or ledger entry (A3)."""
    if open_requests:
        raise FailedPrecondition("a request for this already awaits its decision", field=target_field, rule="A3")
