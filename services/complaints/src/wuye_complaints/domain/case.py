"""A complaint case (诉求) and its lifecycle (C2) as an explicit state machine.

::

    submitted ──accept──▶ accepted ──dispatch──▶ dispatched ──start_handling──▶ in_progress ──resolve──▶ resolved
        │                  ▲                        │                              │                      │
      reject               └─────── send_back ──────┴──────────────────────────────┘               record_callback
        ▼                                                                                                 ▼
     rejected                           dispatched ◀──(reopen: unsatisfied)── closed ◀──close── callback

- ``accepted`` means "with the dispatcher": a handler's send-back returns the case there for another
  dispatch ("resident raises, community dispatches, company accepts").
- ``in_progress`` is the handler taking the case on (物业接单); a handler may send a case back before or
  after taking it on, always with a reason.
- Closing needs a reply to the reporter (the "five musts", C2) and follows the callback. An unsatisfied
  callback still closes that round (the ``Closed`` event tells ratings it was unsatisfied) and reopens
  the case at once, back to ``dispatched`` with the same handler, which must take it on again (重办).
  The reply is cleared on reopen: the old reply said the problem was solved, and it was not.
- The C3 resolve clock starts at the first dispatch and never restarts: not on send-back, re-dispatch,
  escalation or reopen. Only the escalation window (``tier_due_at``) is renewed, see ``escalation``.

Every method checks the state and its arguments before changing anything, appends one history item
per transition (who, when, from, to, reason) and returns the domain events it raises. Escalation
(``escalation.escalate``) and co-reporters (``duplicates.add_reporter``) live in their own modules and
use the same transition table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from wuye_chassis.errors import FailedPrecondition, InvalidArgument
from wuye_chassis.jurisdiction import JurisdictionPath
from wuye_chassis.validation import optional_text, parse_choice, require_flag, require_moment, require_text
from wuye_chassis.workdays import WorkingDayCalendar
from wuye_complaints.domain.categories import Category
from wuye_complaints.domain.deadlines import accept_due, is_late, resolve_due
from wuye_complaints.domain.events import (
    Accepted,
    CallbackRecorded,
    Closed,
    Dispatched,
    Event,
    Rejected,
    Reopened,
    Resolved,
    SentBack,
    Submitted,
)
from wuye_complaints.domain.vocabulary import (
    Action,
    AssigneeKind,
    CaseState,
    Channel,
    EscalationReason,
    RejectReason,
    Satisfaction,
    Tier,
)


@dataclass(frozen=True)
class Transition:
    from_states: frozenset[CaseState]
    to_state: CaseState | None  # None: the action keeps the state


OPEN_STATES = frozenset(
    {
        CaseState.SUBMITTED,
        CaseState.ACCEPTED,
        CaseState.DISPATCHED,
        CaseState.IN_PROGRESS,
        CaseState.RESOLVED,
        CaseState.CALLBACK,
    }
)
#: a case can move up a tier while it is still being worked on, not once it is resolved
ESCALATABLE_STATES = frozenset({CaseState.SUBMITTED, CaseState.ACCEPTED, CaseState.DISPATCHED, CaseState.IN_PROGRESS})

TRANSITIONS: Mapping[Action, Transition] = {
    Action.ACCEPT: Transition(frozenset({CaseState.SUBMITTED}), CaseState.ACCEPTED),
    Action.REJECT: Transition(frozenset({CaseState.SUBMITTED}), CaseState.REJECTED),
    Action.DISPATCH: Transition(frozenset({CaseState.ACCEPTED}), CaseState.DISPATCHED),
    Action.SEND_BACK: Transition(frozenset({CaseState.DISPATCHED, CaseState.IN_PROGRESS}), CaseState.ACCEPTED),
    Action.START_HANDLING: Transition(frozenset({CaseState.DISPATCHED}), CaseState.IN_PROGRESS),
    Action.RESOLVE: Transition(frozenset({CaseState.IN_PROGRESS}), CaseState.RESOLVED),
    Action.REPLY: Transition(frozenset({CaseState.RESOLVED, CaseState.CALLBACK}), None),
    Action.RECORD_CALLBACK: Transition(frozenset({CaseState.RESOLVED}), CaseState.CALLBACK),
    Action.CLOSE: Transition(frozenset({CaseState.CALLBACK}), CaseState.CLOSED),
    Action.REOPEN: Transition(frozenset({CaseState.CLOSED}), CaseState.DISPATCHED),
    Action.ESCALATE: Transition(ESCALATABLE_STATES, None),
    Action.ADD_REPORTER: Transition(OPEN_STATES, None),
}

DESCRIPTION_MAX_LENGTH = 2000
REASON_MAX_LENGTH = 500


@dataclass(frozen=True)
class Assignee:
    kind: AssigneeKind
    assignee_id: str


@dataclass(frozen=True)
class HistoryItem:
    at: dt.datetime
    actor_id: str
    action: Action
    from_state: CaseState | None  # None for the submission
    to_state: CaseState
    reason: str | None


@dataclass(frozen=True)
class Reply:
    """The answer given to the reporter (有件必回)."""

    at: dt.datetime
    actor_id: str
    message: str


@dataclass(frozen=True)
class Callback:
    """One callback (回访). Invalid callbacks (reporter unreachable, refused to answer) carry no answers."""

    at: dt.datetime
    actor_id: str
    valid: bool
    contacted: bool | None
    solved: bool | None
    satisfaction: Satisfaction | None
    note: str | None


@dataclass(frozen=True)
class EscalationRecord:
    at: dt.datetime
    actor_id: str
    from_tier: Tier
    to_tier: Tier
    reason: EscalationReason
    note: str | None


@dataclass(eq=False)
class Case:
    case_id: str
    compound_id: str
    jurisdiction_path: JurisdictionPath  # the compound's community
    category: Category  # a snapshot: a later catalogue change does not move this case's deadline
    channel: Channel
    external_id: str | None  # the partner system's ticket id (12345)
    description: str
    reporter_ids: list[str]  # distinct; the first one filed the case
    submitted_at: dt.datetime
    accept_due_at: dt.datetime
    #: the registry person who filed the case as themselves (a resident, A1); None when a worker or the
    #: 12345 operator filed it on the reporter's behalf. The reporter's contact is kept encrypted all the same.
    reporter_person_id: str | None = None
    state: CaseState = CaseState.SUBMITTED
    tier: Tier = Tier.COMMUNITY
    accepted_at: dt.datetime | None = None
    rejected_at: dt.datetime | None = None
    reject_reason: RejectReason | None = None
    duplicate_of: str | None = None
    assignee: Assignee | None = None
    first_dispatched_at: dt.datetime | None = None
    resolve_due_at: dt.datetime | None = None  # C3: fixed at the first dispatch
    tier_due_at: dt.datetime | None = None  # when the current tier's time runs out (C4)
    resolved_at: dt.datetime | None = None  # the latest resolution; cleared on reopen
    reply: Reply | None = None
    callbacks: list[Callback] = field(default_factory=list)
    closed_at: dt.datetime | None = None
    reopen_count: int = 0
    collective: bool = False
    escalations: list[EscalationRecord] = field(default_factory=list)
    history: list[HistoryItem] = field(default_factory=list)
    #: the number people read out (e.g. "350521-20261125-00042"); the service assigns it at intake
    ticket_no: str = ""

    @classmethod
    def submit(
        cls,
        *,
        case_id: str,
        compound_id: str,
        jurisdiction_path: str,
        category: Category,
        channel: Channel | str,
        reporter_id: str,
        description: str,
        now: dt.datetime,
        actor_id: str,
        calendar: WorkingDayCalendar,
        external_id: str | None = None,
        reporter_person_id: str | None = None,
    ) -> tuple[Case, list[Event]]:
        if not isinstance(category, Category):
            raise InvalidArgument(f"unknown complaint category {category!r}", field="category", rule="C1")
        path = JurisdictionPath.parse(jurisdiction_path)
        if path.level != "community":
            # the escalation tiers (C4) walk up from the compound's community
            raise InvalidArgument(
                f"jurisdiction_path must name the compound's community, got a {path.level} path",
                field="jurisdiction_path",
                rule="C4",
            )
        at = require_moment(now, field="now", rule="C3")
        case = cls(
            case_id=require_text(case_id, field="case_id", rule="C2"),
            compound_id=require_text(compound_id, field="compound_id", rule="C2"),
            jurisdiction_path=path,
            category=category,
            channel=parse_choice(Channel, channel, field="channel", rule="C2"),
            external_id=optional_text(external_id, field="external_id", rule="C2"),
            description=require_text(description, field="description", rule="C2", max_length=DESCRIPTION_MAX_LENGTH),
            reporter_ids=[require_text(reporter_id, field="reporter_id", rule="C2")],
            submitted_at=at,
            accept_due_at=accept_due(at, calendar),
            reporter_person_id=optional_text(reporter_person_id, field="reporter_person_id", rule="A1"),
        )
        actor = require_text(actor_id, field="actor_id", rule="C2")
        case.history.append(HistoryItem(at, actor, Action.SUBMIT, None, CaseState.SUBMITTED, None))
        event = Submitted(
            case_id=case.case_id,
            at=at,
            compound_id=case.compound_id,
            jurisdiction_path=str(path),
            category=category.code,
            channel=case.channel,
            accept_due_at=case.accept_due_at,
        )
        return case, [event]

    # --- reading -------------------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def category_code(self) -> str:
        return self.category.code

    @property
    def company_id(self) -> str | None:
        """The company holding the case, if a company holds it (ratings charge that company)."""
        if self.assignee is not None and self.assignee.kind is AssigneeKind.COMPANY:
            return self.assignee.assignee_id
        return None

    @property
    def handling_jurisdiction(self) -> JurisdictionPath:
        """The community, street or county that answers for the case at its current tier."""
        return JurisdictionPath(self.jurisdiction_path.codes[: self.tier.path_length])

    @property
    def satisfaction(self) -> Satisfaction | None:
        """The closing satisfaction once the case is closed for good."""
        if self.state is not CaseState.CLOSED:
            return None
        return self.callbacks[-1].satisfaction

    # --- transitions ---------------------------------------------------------------------------

    def accept(self, *, now: dt.datetime, actor_id: str) -> list[Event]:
        self._require(Action.ACCEPT)
        at, actor = self._moment(now), self._actor(actor_id)
        self.accepted_at = at
        self._record(Action.ACCEPT, at, actor)
        return [Accepted(case_id=self.case_id, at=at, overdue=is_late(self.accept_due_at, at))]

    def reject(
        self,
        *,
        now: dt.datetime,
        actor_id: str,
        reason: RejectReason | str,
        duplicate_of: str | None = None,
        note: str | None = None,
    ) -> list[Event]:
        self._require(Action.REJECT)
        at, actor = self._moment(now), self._actor(actor_id)
        why = parse_choice(RejectReason, reason, field="reason", rule="C2")
        original = optional_text(duplicate_of, field="duplicate_of", rule="C6")
        if why is RejectReason.DUPLICATE and original is None:
            raise InvalidArgument("a duplicate must name the case it duplicates", field="duplicate_of", rule="C6")
        if why is not RejectReason.DUPLICATE and original is not None:
            raise InvalidArgument(
                f"duplicate_of only goes with reason duplicate, not {why.value}", field="duplicate_of", rule="C6"
            )
        if original == self.case_id:
            raise InvalidArgument("a case cannot duplicate itself", field="duplicate_of", rule="C6")
        detail = optional_text(note, field="note", rule="C2", max_length=REASON_MAX_LENGTH)
        self.rejected_at, self.reject_reason, self.duplicate_of = at, why, original
        self._record(Action.REJECT, at, actor, why.value if detail is None else f"{why.value}: {detail}")
        return [Rejected(case_id=self.case_id, at=at, reason=why, duplicate_of=original)]

    def dispatch(
        self,
        *,
        now: dt.datetime,
        actor_id: str,
        assignee_kind: AssigneeKind | str,
        assignee_id: str,
        calendar: WorkingDayCalendar,
    ) -> list[Event]:
        self._require(Action.DISPATCH)
        at, actor = self._moment(now), self._actor(actor_id)
        assignee = Assignee(
            parse_choice(AssigneeKind, assignee_kind, field="assignee_kind", rule="C2"),
            require_text(assignee_id, field="assignee_id", rule="C2"),
        )
        first_dispatch = self.first_dispatched_at is None
        if first_dispatch:
            # C3: the resolve clock starts here, once; later dispatches keep it
            self.resolve_due_at = resolve_due(at, self.category.resolve_working_days, calendar)
            self.first_dispatched_at = at
            self.tier_due_at = self.resolve_due_at
        self.assignee = assignee
        self._record(Action.DISPATCH, at, actor, f"{assignee.kind.value} {assignee.assignee_id}")
        return [
            Dispatched(
                case_id=self.case_id,
                at=at,
                compound_id=self.compound_id,
                jurisdiction_path=str(self.jurisdiction_path),
                assignee_kind=assignee.kind,
                assignee_id=assignee.assignee_id,
                first_dispatch=first_dispatch,
                resolve_due_at=self._resolve_due,
                tier=self.tier,
            )
        ]

    def send_back(self, *, now: dt.datetime, actor_id: str, reason: str) -> list[Event]:
        """The handler returns the case to the dispatcher; the resolve clock keeps running (C3)."""
        self._require(Action.SEND_BACK)
        at, actor = self._moment(now), self._actor(actor_id)
        why = require_text(reason, field="reason", rule="C2", max_length=REASON_MAX_LENGTH)
        previous = self._assigned
        self.assignee = None
        self._record(Action.SEND_BACK, at, actor, why)
        return [SentBack(case_id=self.case_id, at=at, assignee_kind=previous.kind, assignee_id=previous.assignee_id)]

    def start_handling(self, *, now: dt.datetime, actor_id: str) -> list[Event]:
        self._require(Action.START_HANDLING)
        at, actor = self._moment(now), self._actor(actor_id)
        self._record(Action.START_HANDLING, at, actor)
        return []

    def resolve(self, *, now: dt.datetime, actor_id: str, summary: str) -> list[Event]:
        self._require(Action.RESOLVE)
        at, actor = self._moment(now), self._actor(actor_id)
        what_was_done = require_text(summary, field="summary", rule="C2", max_length=REASON_MAX_LENGTH)
        self.resolved_at = at
        self._record(Action.RESOLVE, at, actor, what_was_done)
        return [
            Resolved(
                case_id=self.case_id,
                at=at,
                compound_id=self.compound_id,
                jurisdiction_path=str(self.jurisdiction_path),
                overdue=is_late(self._resolve_due, at),
                company_id=self.company_id,
                tier=self.tier,
            )
        ]

    def reply_to_reporter(self, *, now: dt.datetime, actor_id: str, message: str) -> list[Event]:
        """Tell the reporter the outcome (有件必回); allowed once the case is resolved."""
        self._require(Action.REPLY)
        at, actor = self._moment(now), self._actor(actor_id)
        text = require_text(message, field="message", rule="C2", max_length=DESCRIPTION_MAX_LENGTH)
        self.reply = Reply(at, actor, text)
        self._record(Action.REPLY, at, actor)
        return []

    def record_callback(
        self,
        *,
        now: dt.datetime,
        actor_id: str,
        valid: bool,
        contacted: bool | None = None,
        solved: bool | None = None,
        satisfaction: Satisfaction | str | None = None,
        note: str | None = None,
    ) -> list[Event]:
        """A valid callback answers all three questions (C5); an invalid one answers none and says why."""
        self._require(Action.RECORD_CALLBACK)
        at, actor = self._moment(now), self._actor(actor_id)
        is_valid = require_flag(valid, field="valid", rule="C5")
        detail = optional_text(note, field="note", rule="C5", max_length=REASON_MAX_LENGTH)
        answers: tuple[bool | None, bool | None, Satisfaction | None]
        if is_valid:
            answers = (
                require_flag(contacted, field="contacted", rule="C5"),
                require_flag(solved, field="solved", rule="C5"),
                parse_choice(Satisfaction, satisfaction, field="satisfaction", rule="C5"),
            )
        else:
            for name, answer in (("contacted", contacted), ("solved", solved), ("satisfaction", satisfaction)):
                if answer is not None:
                    raise InvalidArgument(f"an invalid callback has no {name} answer", field=name, rule="C5")
            if detail is None:
                raise InvalidArgument("an invalid callback must say why (note)", field="note", rule="C5")
            answers = (None, None, None)
        contacted_answer, solved_answer, satisfaction_answer = answers
        callback = Callback(at, actor, is_valid, contacted_answer, solved_answer, satisfaction_answer, detail)
        self.callbacks.append(callback)
        self._record(Action.RECORD_CALLBACK, at, actor, detail)
        return [
            CallbackRecorded(
                case_id=self.case_id,
                at=at,
                valid=callback.valid,
                contacted=callback.contacted,
                solved=callback.solved,
                satisfaction=callback.satisfaction,
            )
        ]

    def close(self, *, now: dt.datetime, actor_id: str, calendar: WorkingDayCalendar) -> list[Event]:
        """Close after the callback; an unsatisfied callback reopens the case at once (C2)."""
        self._require(Action.CLOSE)
        at, actor = self._moment(now), self._actor(actor_id)
        if self.reply is None:
            raise FailedPrecondition(
                f"case {self.case_id} cannot close before the reporter gets a reply (five musts)",
                field="reply",
                rule="C2",
            )
        satisfaction = self.callbacks[-1].satisfaction
        closed = Closed(
            case_id=self.case_id,
            at=at,
            compound_id=self.compound_id,
            jurisdiction_path=str(self.jurisdiction_path),
            category=self.category.code,
            satisfaction=satisfaction,
            overdue=is_late(self._resolve_due, self._resolved),
            company_id=self.company_id,
            tier=self.tier,
        )
        if satisfaction is not Satisfaction.UNSATISFIED:
            self.closed_at = at
            self._record(Action.CLOSE, at, actor, None if satisfaction is None else satisfaction.value)
            return [closed]
        # the reopened round gets a fresh escalation window; the C3 resolve deadline stays as it was
        tier_due_at = calendar.add_working_days(at, self.category.resolve_working_days)
        self._record(Action.CLOSE, at, actor, Satisfaction.UNSATISFIED.value)
        self._record(Action.REOPEN, at, actor, "unsatisfied callback")
        self.resolved_at, self.reply, self.tier_due_at = None, None, tier_due_at
        self.reopen_count += 1
        reopened = Reopened(
            case_id=self.case_id,
            at=at,
            assignee_kind=self._assigned.kind,
            assignee_id=self._assigned.assignee_id,
            tier_due_at=tier_due_at,
        )
        return [closed, reopened]

    # --- deadlines (C3) ---------------------------------------------------------------------------

    def accept_overdue(self, now: dt.datetime) -> bool:
        """The case was, or still is, waiting for acceptance past its accept deadline.

        A rejection answers the case too, so it stops the accept clock like an acceptance.
        """
        answered_at = self.accepted_at or self.rejected_at
        return is_late(self.accept_due_at, answered_at or require_moment(now, field="now", rule="C3"))

    def resolve_overdue(self, now: dt.datetime) -> bool:
        """The case was, or still is, unresolved past its resolve deadline (False before the first dispatch)."""
        if self.resolve_due_at is None:
            return False
        return is_late(self.resolve_due_at, self.resolved_at or require_moment(now, field="now", rule="C3"))

    def handling_working_days(self, calendar: WorkingDayCalendar) -> int | None:
        """Working days from the first dispatch to the latest resolution, None while unresolved."""
        if self.first_dispatched_at is None or self.resolved_at is None:
            return None
        return calendar.working_days_between(self.first_dispatched_at, self.resolved_at)

    # --- what the state machine guarantees in the states that read it ----------------------------

    @property
    def _assigned(self) -> Assignee:
        assert self.assignee is not None, "a dispatched case has an assignee"
        return self.assignee

    @property
    def _resolve_due(self) -> dt.datetime:
        assert self.resolve_due_at is not None, "the first dispatch starts the resolve clock (C3)"
        return self.resolve_due_at

    @property
    def _resolved(self) -> dt.datetime:
        assert self.resolved_at is not None, "a case past resolution has its resolution time"
        return self.resolved_at

    # --- for this package's modules (escalation, duplicates) -------------------------------------

    def _require(self, action: Action, *, rule: str = "C2") -> None:
        allowed = TRANSITIONS[action].from_states
        if self.state not in allowed:
            names = ", ".join(state.value for state in CaseState if state in allowed)
            raise FailedPrecondition(
                f"cannot {action.value.replace('_', ' ')} case {self.case_id}: it is {self.state.value} "
                f"(allowed when {names})",
                field="state",
                rule=rule,
                metadata={"current_state": self.state.value, "action": action.value},
            )

    def _moment(self, now: dt.datetime, *, rule: str = "C2") -> dt.datetime:
        """``now`` in UTC; a step may not be dated before the case's previous step."""
        at = require_moment(now, field="now", rule=rule)
        previous = self.history[-1].at
        if at < previous:
            raise InvalidArgument(
                f"now ({at.isoformat()}) is before the case's previous step ({previous.isoformat()})",
                field="now",
                rule=rule,
            )
        return at

    @staticmethod
    def _actor(actor_id: str, *, rule: str = "C2") -> str:
        return require_text(actor_id, field="actor_id", rule=rule)

    def _record(self, action: Action, at: dt.datetime, actor_id: str, reason: str | None = None) -> None:
        to_state = TRANSITIONS[action].to_state or self.state
        self.history.append(HistoryItem(at, actor_id, action, self.state, to_state, reason))
        self.state = to_state
