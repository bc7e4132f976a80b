"""Use cases for complaint cases: check who calls, load the case, let the domain decide, save, announce.

Every change runs in one unit of work: the case rows and the outbox events commit together, and a
refusal (bad input, wrong state, wrong role or scope) leaves no row and no event behind.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from wuye_chassis import auth
from wuye_chassis.app import ServiceRuntime
from wuye_chassis.compounds import require_compound
from wuye_chassis.db import utcnow
from wuye_chassis.errors import FailedPrecondition, NotFound, PermissionDenied, Unauthenticated
from wuye_chassis.ids import new_id
from wuye_chassis.jurisdiction import JurisdictionPath
from wuye_chassis.path_queries import at_or_below
from wuye_chassis.tickets import next_ticket
from wuye_chassis.uow import UnitOfWork
from wuye_chassis.validation import optional_text, parse_choice, require_text
from wuye_complaints.adapters import contacts as contact_store
from wuye_complaints.adapters.cases import CaseRepository, SealedContact
from wuye_complaints.adapters.events import to_message
from wuye_complaints.adapters.orm import cases, known_compounds, ticket_counters
from wuye_complaints.domain.case import AssigneeKind, Case, CaseState, Channel
from wuye_complaints.domain.categories import CategoryCatalogue
from wuye_complaints.domain.duplicates import add_reporter, duplicate_candidates
from wuye_complaints.domain.escalation import EscalationReason, due_for_escalation, escalate
from wuye_complaints.domain.events import Event, Reopened

SUBMITTERS = ("resident", "grid_worker", "operator_12345", "community_worker")
DISPATCHERS = ("community_worker", "street_officer", "county_officer")
HANDLERS = ("company_staff", *DISPATCHERS)
CALLBACK_TAKERS = ("operator_12345", *DISPATCHERS)
#: who sees a reporter's full name and phone: the people who call the reporter back (the community
#: worker handling the case, the 12345 operator), inside their scope; everyone else sees them masked
CONTACT_VIEWERS = ("community_worker", "operator_12345")
#: the actor recorded for what the platform does by itself (the escalation scheduler)
SCHEDULER_ACTOR = auth.SYSTEM.user

#: a transition: the domain method applied to the loaded case at ``now`` by ``actor_id``
Transition = Callable[[Case, dt.datetime, str], list[Event]]


@dataclass(frozen=True)
class CaseView:
    """A case as the caller may see it: the reporters' contacts masked unless the role needs them."""

    case: Case
    reporters: list[contact_store.ReporterContact]


@dataclass(frozen=True)
class Submission:
    view: CaseView
    created: bool
    duplicate_candidate_ids: list[str]


@dataclass(frozen=True)
class CaseFilter:
    jurisdiction_path: str
    state: str
    compound_id: str
    category: str


def is_company_only(caller: auth.AuthContext) -> bool:
    """A caller acting for a property company only (no officer or community role beside it)."""
    return caller.has_role("company_staff") and not caller.has_role(auth.SYSTEM_ROLE, *DISPATCHERS, *CALLBACK_TAKERS)


def require_own_company(caller: auth.AuthContext, case: Case, *, action: str) -> None:
    """Company staff act on, and read, only the cases dispatched to their own company."""
    if is_company_only(caller) and (not caller.company or case.company_id != caller.company):
        raise PermissionDenied(f"{action}: the case is not dispatched to the caller's company",
                               field="case_id", rule="company")


class CaseService:
    def __init__(self, runtime: ServiceRuntime, catalogue: CategoryCatalogue, contacts: contact_store.Contacts) -> None:
        self.runtime = runtime
        self.catalogue = catalogue
        self.contacts = contacts

    def _repository(self, session: AsyncSession) -> CaseRepository:
        return CaseRepository(session, self.catalogue, self.runtime.calendar)

    # --- intake --------------------------------------------------------------------------------

    async def submit(
        self,
        *,
        compound_id: str,
        category: str,
        channel: str,
        description: str,
        reporter_name: str,
        reporter_phone: str,
        external_id: str,
    ) -> Submission:
        caller = auth.require_role(SUBMITTERS, action="submit a complaint")
        kind = self.catalogue.get(category)
        via = parse_choice(Channel, channel, field="channel", rule="C2")
        ticket = optional_text(external_id, field="external_id", max_length=100)
        sealed = self.contacts.seal(reporter_name, reporter_phone)
        try:
            async with self.runtime.unit_of_work() as uow:
                repository = self._repository(uow.session)
                compound = await require_compound(uow.session, known_compounds, compound_id)
                auth.require_access(compound.jurisdiction_path, action="submit a complaint")
                existing = None if ticket is None else await repository.case_id_for_external_id(via, ticket)
                if existing is None:
                    now = utcnow()
                    case, events = Case.submit(
                        case_id=new_id(),
                        compound_id=compound.compound_id,
                        jurisdiction_path=compound.jurisdiction_path,
                        category=kind,
                        channel=via,
                        reporter_id=sealed.reporter_id,
                        description=description,
                        now=now,
                        actor_id=caller.user,
                        calendar=self.runtime.calendar,
                        external_id=ticket,
                    )
                    # numbered per county and day, inside this transaction (a refusal gives the number back)
                    case.ticket_no = await next_ticket(
                        uow.session, ticket_counters, case.jurisdiction_path.codes[1], now
                    )
                    pool = await repository.duplicate_pool(compound.compound_id, kind.code, now)
                    candidates = duplicate_candidates(
                        compound_id=compound.compound_id, category_code=kind.code, submitted_at=now, cases=pool
                    )
                    await repository.add(case, {sealed.reporter_id: sealed})
                    await self._publish(uow, case, events)
                    view = await self._view(uow.session, case)
                    await uow.commit()
                    return Submission(view, True, [candidate.case_id for candidate in candidates])
        except IntegrityError:
            if ticket is None:
                raise
            # a concurrent push of the same ticket won the race
            async with self.runtime.db.sessions() as session:
                existing = await self._repository(session).case_id_for_external_id(via, ticket)
            if existing is None:
                raise
        # a partner pushed a ticket it pushed before: the first case, unchanged (idempotent intake)
        return Submission(await self.get(existing), False, [])

    # --- transitions ---------------------------------------------------------------------------

    async def accept(self, case_id: str) -> CaseView:
        return (await self._change(case_id, DISPATCHERS, "accept a case", lambda case, now, actor: case.accept(
            now=now, actor_id=actor
        )))[0]

    async def reject(self, case_id: str, *, reason: str, duplicate_of: str, note: str) -> CaseView:
        def transition(case: Case, now: dt.datetime, actor: str) -> list[Event]:
            return case.reject(now=now, actor_id=actor, reason=reason, duplicate_of=duplicate_of or None, note=note)

        return (await self._change(case_id, DISPATCHERS, "reject a case", transition))[0]

    async def dispatch(self, case_id: str, *, assignee_kind: str, assignee_id: str) -> CaseView:
        kind = parse_choice(AssigneeKind, assignee_kind, field="assignee_kind", rule="C2")
        assignee = assignee_id.strip() or await self._default_assignee(case_id, kind)
        calendar = self.runtime.calendar

        def transition(case: Case, now: dt.datetime, actor: str) -> list[Event]:
            return case.dispatch(now=now, actor_id=actor, assignee_kind=kind, assignee_id=assignee, calendar=calendar)

        return (await self._change(case_id, DISPATCHERS, "dispatch a case", transition))[0]

    async def _default_assignee(self, case_id: str, kind: AssigneeKind) -> str:
        """The compound's current company (from the registry), or the case's own community."""
        async with self.runtime.db.sessions() as session:
            row = (
                await session.execute(
                    sa.select(cases.c.compound_id, cases.c.jurisdiction_path).where(cases.c.case_id == case_id)
                )
            ).first()
            if row is None:
                raise NotFound(f"case {case_id} does not exist", field="case_id")
            if kind is AssigneeKind.COMMUNITY:
                return JurisdictionPath.parse(row.jurisdiction_path).code
            compound = await require_compound(session, known_compounds, row.compound_id)
        if compound.company_id is None:
            raise FailedPrecondition(
                f"compound {compound.compound_id} has no property company on record; name the assignee",
                field="assignee_id",
                rule="C2",
            )
        return compound.company_id

    async def send_back(self, case_id: str, *, reason: str) -> CaseView:
        return (await self._change(case_id, HANDLERS, "send a case back", lambda case, now, actor: case.send_back(
            now=now, actor_id=actor, reason=reason
        )))[0]

    async def start_handling(self, case_id: str) -> CaseView:
        return (await self._change(case_id, HANDLERS, "take a case on", lambda case, now, actor: case.start_handling(
            now=now, actor_id=actor
        )))[0]

    async def resolve(self, case_id: str, *, summary: str) -> CaseView:
        return (await self._change(case_id, HANDLERS, "resolve a case", lambda case, now, actor: case.resolve(
            now=now, actor_id=actor, summary=summary
        )))[0]

    async def reply(self, case_id: str, *, message: str) -> CaseView:
        return (await self._change(
            case_id, HANDLERS, "reply to the reporter",
            lambda case, now, actor: case.reply_to_reporter(now=now, actor_id=actor, message=message),
        ))[0]

    async def record_callback(
        self, case_id: str, *, valid: bool, contacted: bool, solved: bool, satisfaction: str, note: str
    ) -> CaseView:
        def transition(case: Case, now: dt.datetime, actor: str) -> list[Event]:
            if not valid:
                # an invalid callback has no answers: the wire's false/unspecified mean "not asked"
                return case.record_callback(now=now, actor_id=actor, valid=False, note=note)
            return case.record_callback(
                now=now, actor_id=actor, valid=True, contacted=contacted, solved=solved,
                satisfaction=satisfaction, note=note,
            )

        return (await self._change(case_id, CALLBACK_TAKERS, "record a callback", transition))[0]

    async def close(self, case_id: str) -> tuple[CaseView, bool]:
        """Close the case; True when an unsatisfied callback reopened it instead (C2)."""
        calendar = self.runtime.calendar
        view, events = await self._change(
            case_id, CALLBACK_TAKERS, "close a case",
            lambda case, now, actor: case.close(now=now, actor_id=actor, calendar=calendar),
        )
        return view, any(isinstance(event, Reopened) for event in events)

    async def mark_hard(self, case_id: str, *, note: str) -> CaseView:
        calendar = self.runtime.calendar

        def transition(case: Case, now: dt.datetime, actor: str) -> list[Event]:
            return escalate(
                case, now=now, actor_id=actor, reason=EscalationReason.MARKED_HARD, calendar=calendar, note=note
            )

        return (await self._change(case_id, HANDLERS, "mark a case hard", transition))[0]

    async def add_reporter(self, case_id: str, *, reporter_name: str, reporter_phone: str) -> CaseView:
        sealed = self.contacts.seal(reporter_name, reporter_phone)
        calendar = self.runtime.calendar

        def transition(case: Case, now: dt.datetime, actor: str) -> list[Event]:
            return add_reporter(case, reporter_id=sealed.reporter_id, now=now, actor_id=actor, calendar=calendar)

        view, _ = await self._change(
            case_id, SUBMITTERS, "add a reporter", transition, contacts={sealed.reporter_id: sealed}
        )
        return view

    async def escalate_overdue(self, *, batch_size: int = 100) -> int:
        """One scheduler round (C4): each case whose tier time ran out moves up a tier in its own unit of
        work, recorded as done by "system" because it was overdue. Returns how many moved."""
        async with self.runtime.db.sessions() as session:
            candidates = await self._repository(session).escalation_candidates(utcnow(), batch_size)
        moved = 0
        for case_id in candidates:
            async with self.runtime.unit_of_work() as uow:
                repository = self._repository(uow.session)
                case = await repository.get(case_id)
                now = utcnow()
                # someone may have resolved or escalated it since the candidates were read
                if case is None or not due_for_escalation([case], now):
                    continue
                note = f"tier time ran out at {case.tier_due_at.isoformat()}"
                events = escalate(
                    case, now=now, actor_id=SCHEDULER_ACTOR, reason=EscalationReason.OVERDUE,
                    calendar=self.runtime.calendar, note=note,
                )
                await repository.save(case)
                await self._publish(uow, case, events)
                await uow.commit()
                moved += 1
        return moved

    async def _change(
        self,
        case_id: str,
        roles: Sequence[str],
        action: str,
        transition: Transition,
        *,
        contacts: Mapping[str, SealedContact] | None = None,
    ) -> tuple[CaseView, list[Event]]:
        auth.require_role(roles, action=action)
        wanted = require_text(case_id, field="case_id", max_length=36)
        async with self.runtime.unit_of_work() as uow:
            repository = self._repository(uow.session)
            case = await repository.get(wanted)
            if case is None:
                raise NotFound(f"case {wanted} does not exist", field="case_id")
            caller = auth.require_access(str(case.jurisdiction_path), action=action)
            require_own_company(caller, case, action=action)
            events = transition(case, utcnow(), caller.user)
            await repository.save(case, contacts)
            await self._publish(uow, case, events)
            view = await self._view(uow.session, case)
            await uow.commit()
        return view, events

    @staticmethod
    async def _publish(uow: UnitOfWork, case: Case, events: list[Event]) -> None:
        for event in events:
            await uow.publish(to_message(event, case), aggregate_id=case.case_id)

    # --- reading -------------------------------------------------------------------------------

    async def get(self, case_id: str) -> CaseView:
        wanted = require_text(case_id, field="case_id", max_length=36)
        async with self.runtime.db.sessions() as session, session.begin():
            case = await self._repository(session).get(wanted, lock=False)
            if case is None:
                raise NotFound(f"case {wanted} does not exist", field="case_id")
            caller = auth.require_access(str(case.jurisdiction_path), action="read a case")
            require_own_company(caller, case, action="read a case")
            return await self._view(session, case)

    async def list(self, where: CaseFilter, *, after: str | None, limit: int) -> list[Case]:
        """Cases inside the caller's scope (and ``where``), newest first; reporters are left out."""
        caller = auth.current()
        query = sa.select(cases).order_by(cases.c.case_id.desc()).limit(limit)
        place = where.jurisdiction_path.strip() or caller.scope
        if place:
            path = JurisdictionPath.parse(place)
            auth.require_access(str(path), action="list cases")
            query = query.where(at_or_below(cases.c.jurisdiction_path, str(path)))
        elif not caller.authenticated:
            raise Unauthenticated("list cases needs an authenticated caller")
        elif not caller.has_role(auth.SYSTEM_ROLE):
            raise PermissionDenied("list cases needs a jurisdiction scope", field="jurisdiction_path", rule="scope")
        if is_company_only(caller):
            # a property company sees the cases dispatched to it, not its competitors'
            query = query.where(cases.c.company_id == caller.company)
        if where.state:
            query = query.where(cases.c.state == parse_choice(CaseState, where.state, field="state").value)
        if where.compound_id:
            query = query.where(cases.c.compound_id == where.compound_id)
        if where.category:
            query = query.where(cases.c.category == self.catalogue.get(where.category).code)
        if after is not None:
            query = query.where(cases.c.case_id < after)
        async with self.runtime.db.sessions() as session:
            rows = (await session.execute(query)).mappings().all()
            return await self._repository(session).many(rows)

    async def _view(self, session: AsyncSession, case: Case) -> CaseView:
        caller = auth.current()
        unmasked = caller.has_role(*CONTACT_VIEWERS)
        reporters = await self.contacts.for_case(session, case.case_id, unmasked=unmasked, reader=caller)
        return CaseView(case, reporters)
