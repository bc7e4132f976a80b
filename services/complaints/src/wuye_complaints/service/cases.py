"""Handlers for complaint cases (C1–C6): check who calls, load the case, let the domain decide, save, publish.

Every handler is ``handler(command, uow)``. A change runs in one unit of work: the case rows and the
outbox events commit together, and a refusal (bad input, wrong state, wrong role or scope) leaves no
row and no event behind.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.exc import IntegrityError

from wuye_chassis import auth, photo_library, pii
from wuye_chassis.db import utcnow
from wuye_chassis.errors import FailedPrecondition, InvalidArgument, NotFound, PermissionDenied, Unauthenticated
from wuye_chassis.ids import new_id
from wuye_chassis.jurisdiction import JurisdictionPath
from wuye_chassis.photo_library import PhotoRecord
from wuye_chassis.validation import optional_text, parse_choice, require_text
from wuye_complaints.adapters.cases import CaseQuery, SealedContact
from wuye_complaints.adapters.contacts import ReporterContact
from wuye_complaints.domain import commands
from wuye_complaints.domain.case import Case
from wuye_complaints.domain.duplicates import add_reporter, duplicate_candidates, reject_as_duplicate
from wuye_complaints.domain.escalation import due_for_escalation, escalate
from wuye_complaints.domain.events import Event, Reopened
from wuye_complaints.domain.vocabulary import AssigneeKind, CaseState, Channel, EscalationReason, RejectReason
from wuye_complaints.service.unit_of_work import ComplaintsUnitOfWork

SUBMITTERS = ("resident", "grid_worker", "operator_12345", "community_worker")
DISPATCHERS = ("community_worker", "street_officer", "county_officer")
COMPANY_STAFF = "company_staff"
HANDLERS = (COMPANY_STAFF, *DISPATCHERS)
#: who handles a case dispatched to the community: its community worker, or the officers above it once
#: the case has moved up a tier (C4); never a company's staff
COMMUNITY_HANDLERS = DISPATCHERS
CALLBACK_TAKERS = ("operator_12345", *DISPATCHERS)
#: who sees a reporter's full name and phone: the people who call the reporter back (the community
#: worker handling the case, the 12345 operator), inside their scope; everyone else sees them masked
CONTACT_VIEWERS = ("community_worker", "operator_12345")
#: the actor recorded for what the platform does by itself (the escalation scheduler)
SCHEDULER_ACTOR = auth.SYSTEM.user

#: a transition: the domain method applied to the loaded case at ``now`` by ``actor_id``
Transition = Callable[[Case, dt.datetime, str], list[Event]]


class Authority(Protocol):
    """Who may take a step on a loaded case beyond role and scope; raises PermissionDenied when not."""

    def __call__(self, caller: auth.AuthContext, case: Case, *, action: str) -> None: ...


@dataclass(frozen=True)
class CaseView:
    """A case as the caller may see it: the reporters' contacts masked unless the role needs them."""

    case: Case
    reporters: list[ReporterContact]
    photos: list[PhotoRecord]


@dataclass(frozen=True)
class Submission:
    view: CaseView
    created: bool
    duplicate_candidate_ids: list[str]


@dataclass(frozen=True)
class Closing:
    view: CaseView
    #: an unsatisfied callback reopened the case instead of closing it (C2)
    reopened: bool


def is_company_only(caller: auth.AuthContext) -> bool:
    """A caller acting for a property company only (no officer or community role beside it)."""
    return caller.has_role(COMPANY_STAFF) and not caller.has_role(auth.SYSTEM_ROLE, *DISPATCHERS, *CALLBACK_TAKERS)


def is_resident_only(caller: auth.AuthContext) -> bool:
    """A caller acting as an owner (the post owning units gives), with no official role beside it."""
    return caller.has_role(auth.RESIDENT_POST) and not caller.has_role(
        auth.SYSTEM_ROLE, *SUBMITTERS[1:], *HANDLERS, *CALLBACK_TAKERS
    )


def require_own_company(caller: auth.AuthContext, case: Case, *, action: str, rule: str = "A5") -> None:
    """Company staff read (A5), and act on (A1), only the cases dispatched to their own company."""
    if is_company_only(caller) and (not caller.company or case.company_id != caller.company):
        raise PermissionDenied(f"{action}: the case is not dispatched to the caller's company",
                               field="case_id", rule=rule)


def require_company_step(caller: auth.AuthContext, case: Case, *, action: str) -> None:
    """Company staff take steps only on the cases dispatched to their own company (A1)."""
    require_own_company(caller, case, action=action, rule="A1")


def as_seen_by(caller: auth.AuthContext, case: Case) -> Case:
    """The case with the phone and ID numbers typed into its description masked (issue 19, A5), except for
    who works the case: the community worker and the 12345 operator (who call back), the company it is
    dispatched to, the reporter who wrote it, and the platform itself."""
    handles = caller.has_role(auth.SYSTEM_ROLE, *CONTACT_VIEWERS) or (
        caller.has_role(COMPANY_STAFF) and case.company_id is not None and caller.company == case.company_id
    )
    if handles or (case.reporter_person_id is not None and case.reporter_person_id == caller.user):
        return case
    seen = copy.copy(case)  # a copy for the answer: the stored case keeps what the reporter wrote
    seen.description = pii.mask_numbers_in_text(case.description)
    return seen


def require_own_case(caller: auth.AuthContext, case: Case, *, action: str) -> None:
    """A resident reads only the cases they filed themselves (A5); company staff only their company's."""
    require_own_company(caller, case, action=action)
    if is_resident_only(caller) and case.reporter_person_id != caller.user:
        raise PermissionDenied(f"{action}: a resident sees only the cases they filed", field="case_id", rule="A5")


def require_handler(caller: auth.AuthContext, case: Case, *, action: str) -> None:
    """A1: whoever a case is dispatched to handles it (takes it on, sends it back, resolves it, replies).

    A case dispatched to a company is handled by that company's staff only, never by the community in
    its place; a case dispatched to the community by the community (or the officers above it), never by
    a company. A case nobody holds is refused by its state (the domain), except to company staff.
    """
    require_company_step(caller, case, action=action)
    assignee = case.assignee
    if assignee is None or caller.has_role(auth.SYSTEM_ROLE):
        return
    if assignee.kind is AssigneeKind.COMPANY:
        if caller.has_role(COMPANY_STAFF) and caller.company == assignee.assignee_id:
            return
        raise PermissionDenied(
            f"{action}: case {case.case_id} is dispatched to company {assignee.assignee_id}; "
            f"that needs the post {COMPANY_STAFF} of company {assignee.assignee_id}",
            field="post", rule="A1",
        )
    if not caller.has_role(*COMMUNITY_HANDLERS):
        raise PermissionDenied(
            f"{action}: case {case.case_id} is dispatched to community {assignee.assignee_id}; "
            f"that needs the post community_worker of community {assignee.assignee_id}",
            field="post", rule="A1",
        )


def require_resident_owns(caller: auth.AuthContext, case: Case, *, action: str) -> None:
    """A resident joins only a case of a compound they own a unit in (A1)."""
    auth.require_own_compound(case.compound_id, action=action)


# --- intake --------------------------------------------------------------------------------------


async def submit_complaint(command: commands.SubmitComplaint, uow: ComplaintsUnitOfWork) -> Submission:
    caller = auth.require_role(SUBMITTERS, action="submit a complaint")
    kind = uow.catalogue.get(command.category)
    via = parse_choice(Channel, command.channel, field="channel", rule="C2")
    ticket = optional_text(command.external_id, field="external_id", max_length=100)
    sealed = uow.contacts.seal(command.reporter_name, command.reporter_phone)
    photo_ids = _photo_ids(command.photo_ids)
    try:
        async with uow:
            compound = await uow.compound(command.compound_id)
            auth.require_access(compound.jurisdiction_path, action="submit a complaint")
            # a resident files for a compound they own in, and is recorded as the reporting person (A1)
            auth.require_own_compound(compound.compound_id, action="submit a complaint")
            existing = None if ticket is None else await uow.cases.case_id_for_external_id(via, ticket)
            if existing is None:
                now = utcnow()
                case, events = Case.submit(
                    case_id=new_id(),
                    compound_id=compound.compound_id,
                    jurisdiction_path=compound.jurisdiction_path,
                    category=kind,
                    channel=via,
                    reporter_id=sealed.reporter_id,
                    description=command.description,
                    now=now,
                    actor_id=caller.user,
                    calendar=uow.calendar,
                    external_id=ticket,
                    reporter_person_id=caller.user if is_resident_only(caller) else None,
                )
                pool = await uow.cases.duplicate_pool(compound.compound_id, kind.code, now)
                # the county's counter row stays locked until the commit: taken as late as it can be
                case.ticket_no = await uow.next_ticket_no(case.jurisdiction_path.codes[1], now)
                candidates = duplicate_candidates(
                    compound_id=compound.compound_id, category_code=kind.code, submitted_at=now, cases=pool
                )
                await uow.cases.add(case, {sealed.reporter_id: sealed})
                filed = await _file_photos(uow, caller, case, photo_ids, stage=REPORT_PHOTOS)
                await _publish(uow, events)
                view = await _view(uow, case, filed_with=sealed, photos=filed)
                await uow.commit()
                return Submission(view, True, [candidate.case_id for candidate in candidates])
    except IntegrityError:
        if ticket is None:
            raise
        # a concurrent push of the same ticket won the race
        async with uow.reading():
            existing = await uow.cases.case_id_for_external_id(via, ticket)
        if existing is None:
            raise
    # a partner pushed a ticket it pushed before: the first case, unchanged (idempotent intake)
    return Submission(await get_case(commands.GetCase(existing), uow), False, [])


# --- photos --------------------------------------------------------------------------------------

#: as many as a WeChat post takes, which is what residents are used to (per step: the report, the resolution)
MAX_PHOTOS_PER_CASE = 9
#: who uploads photos: who files complaints, and who handles them (photos of the work done)
UPLOADERS = tuple(dict.fromkeys((*SUBMITTERS, *HANDLERS)))
REPORT_PHOTOS, RESOLUTION_PHOTOS = "report", "resolution"


async def upload_photo(command: commands.UploadPhoto, uow: ComplaintsUnitOfWork) -> PhotoRecord:
    """Keep a photo for a complaint the caller is about to file or a resolution they are about to record;
    only they can file it with a case."""
    caller = auth.require_role(UPLOADERS, action="upload a complaint photo")
    return await photo_library.keep_upload(uow, lambda: uow.photos, command.content, command.content_type,
                                           by=caller.user)


def _photo_ids(given: Sequence[str]) -> list[str]:
    return photo_library.photo_ids(given, field="photo_ids", at_most=MAX_PHOTOS_PER_CASE, what="a complaint")


async def _file_photos(
    uow: ComplaintsUnitOfWork, caller: auth.AuthContext, case: Case, photo_ids: list[str], *, stage: str
) -> list[PhotoRecord]:
    """The caller's own unfiled uploads, given to the case after the photos it has; someone else's photo, or
    one another case holds, is refused as if it did not exist (its id tells nobody anything)."""
    if not photo_ids:
        return []
    first = 0 if stage == REPORT_PHOTOS else await uow.photos.count_held_by(case.case_id)
    return await photo_library.file_uploads(uow.photos, photo_ids, by=caller.user, held_by=case.case_id,
                                            path=case.jurisdiction_path, stage=stage, field="photo_ids", first=first)


async def sweep_unfiled_photos(command: commands.SweepUnfiledPhotos, uow: ComplaintsUnitOfWork) -> int:
    """Delete the photos uploaded but never filed with a case (a complaint given up, a retry's leftovers)."""
    return await photo_library.sweep_unfiled(uow, lambda: uow.photos, kept_hours=command.kept_hours,
                                             limit=command.limit)


async def get_case_photo(query: commands.GetCasePhoto, uow: ComplaintsUnitOfWork) -> tuple[PhotoRecord, bytes]:
    """A photo of a case, to whoever may read the case (A5)."""
    async with uow.reading():
        case = await _readable_case(uow, query.case_id, action="read a case photo")
        return await photo_library.held_photo(uow.photos, query.photo_id, held_by=case.case_id,
                                              what=f"case {case.case_id}")


# --- transitions ---------------------------------------------------------------------------------


async def accept_case(command: commands.AcceptCase, uow: ComplaintsUnitOfWork) -> CaseView:
    return await _change(uow, command.case_id, DISPATCHERS, "accept a case", lambda case, now, actor: case.accept(
        now=now, actor_id=actor
    ))


async def reject_case(command: commands.RejectCase, uow: ComplaintsUnitOfWork) -> CaseView:
    if parse_choice(RejectReason, command.reason, field="reason", rule="C2") is RejectReason.DUPLICATE:
        return await _reject_as_duplicate(command, uow)

    def transition(case: Case, now: dt.datetime, actor: str) -> list[Event]:
        return case.reject(
            now=now, actor_id=actor, reason=command.reason, duplicate_of=command.duplicate_of or None,
            note=command.note,
        )

    return await _change(uow, command.case_id, DISPATCHERS, "reject a case", transition)


async def _reject_as_duplicate(command: commands.RejectCase, uow: ComplaintsUnitOfWork) -> CaseView:
    """C6: the duplicate is rejected and its reporters join the original, in one unit of work."""
    action = "reject a case as a duplicate"
    auth.require_role(DISPATCHERS, action=action)
    wanted = require_text(command.case_id, field="case_id", max_length=36)
    original_id = require_text(command.duplicate_of, field="duplicate_of", rule="C6", max_length=36)
    async with uow:
        # both rows locked in one order, so two merges of the same pair cannot deadlock
        locked = {case_id: await uow.cases.get(case_id) for case_id in sorted({wanted, original_id})}
        duplicate, original = locked[wanted], locked[original_id]
        if duplicate is None:
            raise NotFound(f"case {wanted} does not exist", field="case_id")
        if original is None:
            raise NotFound(f"case {original_id} does not exist", field="duplicate_of", rule="C6")
        caller = auth.require_access(str(duplicate.jurisdiction_path), action=action)
        auth.require_access(str(original.jurisdiction_path), action=action)
        events = reject_as_duplicate(
            duplicate, original, now=utcnow(), actor_id=caller.user, calendar=uow.calendar, note=command.note or None
        )
        await uow.cases.save(duplicate)
        await uow.cases.save(original, await uow.cases.sealed_contacts(duplicate.case_id))
        await _publish(uow, events)
        view = await _view(uow, duplicate)
        await uow.commit()
    return view


async def dispatch_case(command: commands.DispatchCase, uow: ComplaintsUnitOfWork) -> CaseView:
    """A4: only to the company holding the compound's active contract (the registry's, from its events),
    or to the case's own community; an empty assignee id means exactly those."""
    action = "dispatch a case"
    kind = parse_choice(AssigneeKind, command.assignee_kind, field="assignee_kind", rule="C2")
    named = optional_text(command.assignee_id, field="assignee_id", rule="A4", max_length=64)
    auth.require_role(DISPATCHERS, action=action)
    wanted = require_text(command.case_id, field="case_id", max_length=36)
    async with uow:
        case = await _require_case(uow, wanted)
        caller = auth.require_access(str(case.jurisdiction_path), action=action)
        assignee = await _checked_assignee(uow, case, kind, named)
        events = case.dispatch(
            now=utcnow(), actor_id=caller.user, assignee_kind=kind, assignee_id=assignee, calendar=uow.calendar
        )
        view = await _save(uow, case, events)
        await uow.commit()
    return view


async def _checked_assignee(uow: ComplaintsUnitOfWork, case: Case, kind: AssigneeKind, named: str | None) -> str:
    """The assignee a dispatch may name (A4): the case's own community, or the company under contract."""
    if kind is AssigneeKind.COMMUNITY:
        community = case.jurisdiction_path.code
        if named is not None and named != community:
            raise InvalidArgument(
                f"case {case.case_id} belongs to community {community}; it cannot be dispatched to {named}",
                field="assignee_id", rule="A4",
            )
        return community
    compound = await uow.compound(case.compound_id)
    holder = compound.company_id
    if holder is None:
        raise FailedPrecondition(
            f"compound {compound.compound_id} has no property company under an active contract; "
            "dispatch the case to the community",
            field="assignee_id", rule="A4",
        )
    if named is None or named == holder:
        return holder
    if await uow.company_known(named):
        raise InvalidArgument(
            f"company {named} holds no active contract for compound {compound.compound_id} "
            f"(company {holder} does)",
            field="assignee_id", rule="A4",
        )
    raise NotFound(f"company {named} holds no active contract the registry announced", field="assignee_id",
                   rule="A4")


async def send_back_case(command: commands.SendBackCase, uow: ComplaintsUnitOfWork) -> CaseView:
    return await _change(uow, command.case_id, HANDLERS, "send a case back", lambda case, now, actor: case.send_back(
        now=now, actor_id=actor, reason=command.reason
    ), authority=require_handler)


async def start_handling(command: commands.StartHandling, uow: ComplaintsUnitOfWork) -> CaseView:
    return await _change(uow, command.case_id, HANDLERS, "take a case on", lambda case, now, actor: case.start_handling(
        now=now, actor_id=actor
    ), authority=require_handler)


async def resolve_case(command: commands.ResolveCase, uow: ComplaintsUnitOfWork) -> CaseView:
    async def file_photos(case: Case, caller: auth.AuthContext) -> None:
        await _file_photos(uow, caller, case, _photo_ids(command.photo_ids), stage=RESOLUTION_PHOTOS)

    return await _change(uow, command.case_id, HANDLERS, "resolve a case", lambda case, now, actor: case.resolve(
        now=now, actor_id=actor, summary=command.summary
    ), authority=require_handler, then=file_photos)


async def reply_to_reporter(command: commands.ReplyToReporter, uow: ComplaintsUnitOfWork) -> CaseView:
    return await _change(
        uow, command.case_id, HANDLERS, "reply to the reporter",
        lambda case, now, actor: case.reply_to_reporter(now=now, actor_id=actor, message=command.message),
        authority=require_handler,
    )


def require_callback_answerer(caller: auth.AuthContext, case: Case, *, action: str) -> None:
    """The reporting resident answers the callback of their own case themselves, online (A1, A5); whoever
    else takes callbacks calls the reporter and records what they said."""
    if not is_resident_only(caller):
        return
    if case.reporter_person_id != caller.user:
        raise PermissionDenied(f"{action}: a resident answers the callback of the cases they filed only",
                               field="case_id", rule="A5")


async def record_callback(command: commands.RecordCallback, uow: ComplaintsUnitOfWork) -> CaseView:
    answering = is_resident_only(auth.current())
    if answering and not (command.valid and command.contacted):
        # the reporter answering is the reporter reached: a valid callback, contacted (C5)
        raise InvalidArgument("a resident answering the callback answers it: valid and contacted are true",
                              field="valid" if not command.valid else "contacted", rule="C5")

    def transition(case: Case, now: dt.datetime, actor: str) -> list[Event]:
        if not command.valid:
            # an invalid callback has no answers: the wire's false/unspecified mean "not asked"
            return case.record_callback(now=now, actor_id=actor, valid=False, note=command.note)
        return case.record_callback(
            now=now, actor_id=actor, valid=True, contacted=command.contacted, solved=command.solved,
            satisfaction=command.satisfaction, note=command.note,
        )

    return await _change(uow, command.case_id, (*CALLBACK_TAKERS, auth.RESIDENT_POST), "record a callback",
                         transition, authority=require_callback_answerer)


async def close_case(command: commands.CloseCase, uow: ComplaintsUnitOfWork) -> Closing:
    raised: list[Event] = []

    def transition(case: Case, now: dt.datetime, actor: str) -> list[Event]:
        raised.extend(case.close(now=now, actor_id=actor, calendar=uow.calendar))
        return raised

    view = await _change(uow, command.case_id, CALLBACK_TAKERS, "close a case", transition)
    return Closing(view, any(isinstance(event, Reopened) for event in raised))


async def mark_case_hard(command: commands.MarkCaseHard, uow: ComplaintsUnitOfWork) -> CaseView:
    def transition(case: Case, now: dt.datetime, actor: str) -> list[Event]:
        return escalate(
            case, now=now, actor_id=actor, reason=EscalationReason.MARKED_HARD, calendar=uow.calendar,
            note=command.note,
        )

    return await _change(uow, command.case_id, HANDLERS, "mark a case hard", transition)


async def add_reporter_to_case(command: commands.AddReporter, uow: ComplaintsUnitOfWork) -> CaseView:
    sealed = uow.contacts.seal(command.reporter_name, command.reporter_phone)

    def transition(case: Case, now: dt.datetime, actor: str) -> list[Event]:
        return add_reporter(case, reporter_id=sealed.reporter_id, now=now, actor_id=actor, calendar=uow.calendar)

    return await _change(
        uow, command.case_id, SUBMITTERS, "add a reporter", transition, contacts={sealed.reporter_id: sealed},
        authority=require_resident_owns,
    )


async def escalate_overdue_case(command: commands.EscalateOverdueCase, uow: ComplaintsUnitOfWork) -> bool:
    """C4: the case moves up a tier, recorded as done by "system" because it was overdue; False when it
    no longer qualifies (resolved or escalated since the scheduler found it)."""
    async with uow:
        case = await uow.cases.get(command.case_id)
        now = utcnow()
        if case is None or not due_for_escalation([case], now):
            return False
        assert case.tier_due_at is not None  # due_for_escalation saw it run out
        events = escalate(
            case, now=now, actor_id=SCHEDULER_ACTOR, reason=EscalationReason.OVERDUE, calendar=uow.calendar,
            note=f"tier time ran out at {case.tier_due_at.isoformat()}",
        )
        await uow.cases.save(case)
        await _publish(uow, events)
        await uow.commit()
    return True


async def _change(
    uow: ComplaintsUnitOfWork,
    case_id: str,
    roles: Sequence[str],
    action: str,
    transition: Transition,
    *,
    contacts: Mapping[str, SealedContact] | None = None,
    authority: Authority = require_company_step,
    then: Callable[[Case, auth.AuthContext], Awaitable[None]] | None = None,
) -> CaseView:
    """Load, check, transition and save one case; ``then`` does what else the step records (its photos)."""
    auth.require_role(roles, action=action)
    wanted = require_text(case_id, field="case_id", max_length=36)
    async with uow:
        case = await _require_case(uow, wanted)
        caller = auth.require_access(str(case.jurisdiction_path), action=action)
        authority(caller, case, action=action)
        events = transition(case, utcnow(), caller.user)
        if then is not None:
            await then(case, caller)
        view = await _save(uow, case, events, contacts)
        await uow.commit()
    return view


async def _require_case(uow: ComplaintsUnitOfWork, case_id: str) -> Case:
    """The case, locked for the change; NOT_FOUND naming case_id when there is none."""
    case = await uow.cases.get(case_id)
    if case is None:
        raise NotFound(f"case {case_id} does not exist", field="case_id")
    return case


async def _save(
    uow: ComplaintsUnitOfWork, case: Case, events: Sequence[Event], contacts: Mapping[str, SealedContact] | None = None
) -> CaseView:
    """Save the changed case, publish its events and answer the caller's view of it (before the commit)."""
    await uow.cases.save(case, contacts)
    await _publish(uow, events)
    return await _view(uow, case)


async def _publish(uow: ComplaintsUnitOfWork, events: Sequence[Event]) -> None:
    for event in events:
        await uow.publish(event)


# --- reading -------------------------------------------------------------------------------------


async def get_case(query: commands.GetCase, uow: ComplaintsUnitOfWork) -> CaseView:
    # a reader who sees the reporters' contacts leaves an audit row, so their read is a write
    audited = auth.current().has_role(*CONTACT_VIEWERS)
    async with uow if audited else uow.reading():
        case = await _readable_case(uow, query.case_id, action="read a case")
        view = await _view(uow, case)
        if audited:
            await uow.commit()
    return view


async def _readable_case(uow: ComplaintsUnitOfWork, case_id: str, *, action: str) -> Case:
    """The case, unlocked, when the caller may read it (its scope; A5: a resident their own, company staff
    their company's); NOT_FOUND naming case_id when there is none."""
    wanted = require_text(case_id, field="case_id", max_length=36)
    case = await uow.cases.get(wanted, lock=False)
    if case is None:
        raise NotFound(f"case {wanted} does not exist", field="case_id")
    caller = auth.require_access(str(case.jurisdiction_path), action=action)
    require_own_case(caller, case, action=action)
    return case


async def list_cases(query: commands.ListCases, uow: ComplaintsUnitOfWork) -> list[Case]:
    """Cases inside the caller's scope (and the query's filters), newest first; reporters are left out."""
    caller = auth.current()
    place = query.jurisdiction_path.strip() or caller.scope
    path: str | None = None
    if place:
        path = str(JurisdictionPath.parse(place))
        auth.require_access(path, action="list cases")
    elif not caller.authenticated:
        raise Unauthenticated("list cases needs an authenticated caller")
    elif not caller.has_role(auth.SYSTEM_ROLE):
        raise PermissionDenied("list cases needs a jurisdiction scope", field="jurisdiction_path", rule="scope")
    where = CaseQuery(
        path=path,
        # a property company sees the cases dispatched to it, not its competitors'; a resident their own (A5)
        company_id=caller.company if is_company_only(caller) else None,
        reporter_person_id=caller.user if is_resident_only(caller) else None,
        state=parse_choice(CaseState, query.state, field="state") if query.state else None,
        compound_id=query.compound_id,
        category=uow.catalogue.get(query.category).code if query.category else None,
        after=query.after,
        limit=query.limit,
    )
    async with uow.reading():
        return [as_seen_by(caller, case) for case in await uow.cases.find(where)]


async def find_overdue_cases(query: commands.FindOverdueCases, uow: ComplaintsUnitOfWork) -> list[str]:
    async with uow.reading():
        return await uow.cases.escalation_candidates(utcnow(), query.limit)


async def _view(
    uow: ComplaintsUnitOfWork, case: Case, *, filed_with: SealedContact | None = None,
    photos: list[PhotoRecord] | None = None,
) -> CaseView:
    """The case as the caller sees it; a case just filed shows the contact and photos it was filed with
    (not read back)."""
    caller = auth.current()
    unmasked = caller.has_role(*CONTACT_VIEWERS)
    if filed_with is None:
        reporters = await uow.contacts.for_case(uow.session, case.case_id, unmasked=unmasked, reader=caller)
    else:
        reporters = await uow.contacts.for_new_case(
            uow.session, case.case_id, filed_with, unmasked=unmasked, reader=caller
        )
    if photos is None:
        photos = await uow.photos.held_by(case.case_id)
    return CaseView(as_seen_by(caller, case), reporters, photos)
