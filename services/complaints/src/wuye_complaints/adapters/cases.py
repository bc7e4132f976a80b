"""Case rows ⇄ the domain ``Case``: load a whole case, let the domain change it, save what changed.

History, escalations, callbacks and reporters only ever grow, so ``save`` updates the case row and
inserts the items appended since the case was loaded; what the change does to the daily figure counters
(submitted, closed, callbacks) goes to the unit of work's ``FigureChanges``. ``get`` locks the row (``FOR UPDATE`` on
PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` already serialises writers), so two requests on one case take
turns instead of overwriting each other.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from wuye_chassis.jurisdiction import JurisdictionPath
from wuye_chassis.path_queries import at_or_below
from wuye_chassis.workdays import WorkingDayCalendar
from wuye_complaints.adapters.figures import ClosedFigure, FigureChanges, closed_figure
from wuye_complaints.adapters.orm import case_callbacks, case_escalations, case_history, case_reporters, cases
from wuye_complaints.domain.case import (
    ESCALATABLE_STATES,
    Assignee,
    Callback,
    Case,
    EscalationRecord,
    HistoryItem,
    Reply,
)
from wuye_complaints.domain.categories import CategoryCatalogue
from wuye_complaints.domain.duplicates import DUPLICATE_WINDOW, OpenReport
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
class SealedContact:
    """A reporter's name and phone as stored: encrypted by the chassis ``pii`` module; the id is the
    phone's blind index."""

    reporter_id: str
    name_encrypted: bytes
    phone_encrypted: bytes


@dataclass(frozen=True)
class CaseQuery:
    """What ``CaseRepository.find`` selects; ``None`` leaves a filter out."""

    path: str | None
    company_id: str | None
    #: only the cases this person filed as themselves (a resident's own cases, A5)
    reporter_person_id: str | None
    state: CaseState | None
    compound_id: str
    category: str | None
    after: str
    limit: int


@dataclass(frozen=True)
class _Persisted:
    history: int
    escalations: int
    callbacks: int
    reporters: int
    #: the case's part of the closed counters as stored
    closed: ClosedFigure | None
    #: where the case's latest stored callback was made (callbacks carry the case's path at the time)
    last_callback_path: str | None


E = TypeVar("E", bound=StrEnum)


def _optional(enum_type: type[E], value: str | None) -> E | None:
    return None if value is None else enum_type(value)


#: cases of one place beyond which SQLite pages them along the primary key (``CaseRepository._place_column``)
DENSE_PLACE = 2_000
#: how many open cases of the same compound and category are offered as possible duplicates (C6)
DUPLICATE_POOL = 10
#: built once; each execution passes the row (values() per call would build and hash a statement each time)
_INSERT_CASE = cases.insert()
_UPDATE_CASE = cases.update().where(cases.c.case_id == sa.bindparam("saved_case_id"))
_INSERT_ROWS = {table: table.insert() for table in (case_history, case_escalations, case_callbacks, case_reporters)}
_DUPLICATE_POOL = (
    sa.select(cases.c.case_id, cases.c.compound_id, cases.c.category, cases.c.submitted_at)
    .where(
        cases.c.compound_id == sa.bindparam("compound_id"),
        cases.c.category == sa.bindparam("category"),
        cases.c.submitted_at.between(sa.bindparam("earliest"), sa.bindparam("latest")),
        # two comparisons, not NOT IN: an IN list is rendered into the SQL at each execution
        cases.c.state != CaseState.CLOSED.value,
        cases.c.state != CaseState.REJECTED.value,
    )
    .order_by(cases.c.submitted_at.desc())
    .limit(DUPLICATE_POOL)
)


class CaseRepository:
    def __init__(
        self, session: AsyncSession, catalogue: CategoryCatalogue, calendar: WorkingDayCalendar,
        figure_changes: FigureChanges,
    ) -> None:
        self.session = session
        self.catalogue = catalogue
        self.calendar = calendar
        self.figure_changes = figure_changes
        self._persisted: dict[str, _Persisted] = {}

    # --- reading -------------------------------------------------------------------------------

    async def get(self, case_id: str, *, lock: bool = True) -> Case | None:
        query = sa.select(cases).where(cases.c.case_id == case_id)
        if lock:
            query = query.with_for_update()
        row = (await self.session.execute(query)).mappings().first()
        if row is None:
            return None
        return (await self._load([row]))[0]

    async def find(self, where: CaseQuery) -> list[Case]:
        """Cases at or below ``where.path`` matching the filters, newest first (reporters left out)."""
        query = sa.select(cases).order_by(cases.c.case_id.desc()).limit(where.limit)
        if where.path is not None:
            query = query.where(at_or_below(await self._place_column(where, where.path), where.path))
        if where.company_id is not None:
            query = query.where(cases.c.company_id == where.company_id)
        if where.reporter_person_id is not None:
            query = query.where(cases.c.reporter_person_id == where.reporter_person_id)
        if where.state is not None:
            query = query.where(cases.c.state == where.state.value)
        if where.compound_id:
            query = query.where(cases.c.compound_id == where.compound_id)
        if where.category is not None:
            query = query.where(cases.c.category == where.category)
        if where.after:
            query = query.where(cases.c.case_id < where.after)
        return await self._load((await self.session.execute(query)).mappings().all())

    async def _place_column(self, where: CaseQuery, path: str) -> sa.ColumnElement[str]:
        """The path column to filter a page of a place's newest cases on. SQLite would read every case of the
        place through the path index and sort them all for one page (a county of 330 k cases: 3 pages a
        second); for a place that large it reads newest-first along the primary key instead, skipping other
        places' cases, by filtering on ``+jurisdiction_path``, which SQLite never looks up in an index.
        PostgreSQL's planner makes that choice itself; other filters are left to the planner too."""
        column = cases.c.jurisdiction_path
        only_the_place = (where.company_id is None and where.reporter_person_id is None and where.state is None
                          and not where.compound_id and where.category is None)
        if not only_the_place or self.session.get_bind().dialect.name != "sqlite":
            return column
        sample = sa.select(sa.literal(1)).where(at_or_below(column, path)).limit(DENSE_PLACE).subquery()
        if (await self.session.scalar(sa.select(sa.func.count()).select_from(sample)) or 0) < DENSE_PLACE:
            return column
        return sa.literal_column(f"+{cases.name}.{column.name}", type_=column.type)

    async def sealed_contacts(self, case_id: str) -> dict[str, SealedContact]:
        """The case's reporters as stored (encrypted), by reporter id: what a merged duplicate brings along."""
        rows = (
            await self.session.execute(
                sa.select(
                    case_reporters.c.reporter_id, case_reporters.c.name_encrypted, case_reporters.c.phone_encrypted
                ).where(case_reporters.c.case_id == case_id)
            )
        ).all()
        return {row.reporter_id: SealedContact(row.reporter_id, row.name_encrypted, row.phone_encrypted) for row in rows}

    async def place(self, case_id: str) -> tuple[str, JurisdictionPath] | None:
        """The case's compound and jurisdiction, without loading the case."""
        row = (
            await self.session.execute(
                sa.select(cases.c.compound_id, cases.c.jurisdiction_path).where(cases.c.case_id == case_id)
            )
        ).first()
        return None if row is None else (row.compound_id, JurisdictionPath.parse(row.jurisdiction_path))

    async def case_id_for_external_id(self, channel: Channel, external_id: str) -> str | None:
        return await self.session.scalar(
            sa.select(cases.c.case_id).where(cases.c.channel == channel.value, cases.c.external_id == external_id)
        )

    async def duplicate_pool(self, compound_id: str, category_code: str, around: dt.datetime) -> list[OpenReport]:
        """The open cases the domain's C6 rule chooses from (a narrow index range, never the whole table).

        At most the ``DUPLICATE_POOL`` latest: after a storm a compound may hold hundreds of open cases
        on one lift, and offering the reporter ten of them is as useful as offering all, at a fixed cost.
        One statement: the offer compares five columns, so no case is loaded whole.
        """
        window = {
            "compound_id": compound_id, "category": category_code,
            "earliest": around - DUPLICATE_WINDOW, "latest": around + DUPLICATE_WINDOW,
        }
        return [
            OpenReport(row.case_id, row.compound_id, row.category, row.submitted_at, is_open=True)
            for row in await self.session.execute(_DUPLICATE_POOL, window)
        ]

    async def escalation_candidates(self, now: dt.datetime, limit: int) -> list[str]:
        """Ids of cases whose tier time ran out, longest overdue first; the domain decides each one."""
        query = (
            sa.select(cases.c.case_id)
            .where(
                cases.c.state.in_([state.value for state in ESCALATABLE_STATES]),
                cases.c.tier != Tier.COUNTY.value,
                cases.c.tier_due_at < now,
            )
            .order_by(cases.c.tier_due_at, cases.c.case_id)
            .limit(limit)
        )
        return list((await self.session.scalars(query)).all())

    async def _load(self, rows: Sequence[sa.RowMapping]) -> list[Case]:
        if not rows:
            return []
        ids = [row["case_id"] for row in rows]

        async def children(table: sa.Table) -> dict[str, list[sa.RowMapping]]:
            found: dict[str, list[sa.RowMapping]] = {case_id: [] for case_id in ids}
            query = sa.select(table).where(table.c.case_id.in_(ids)).order_by(table.c.case_id, table.c.position)
            for child in (await self.session.execute(query)).mappings():
                found[child["case_id"]].append(child)
            return found

        history, escalations = await children(case_history), await children(case_escalations)
        callbacks, reporters = await children(case_callbacks), await children(case_reporters)
        loaded = []
        for row in rows:
            case = self._case(row, history[row["case_id"]], escalations[row["case_id"]], callbacks[row["case_id"]])
            case.reporter_ids = [reporter["reporter_id"] for reporter in reporters[row["case_id"]]]
            stored_callbacks = callbacks[row["case_id"]]
            self._persisted[case.case_id] = _Persisted(
                len(case.history), len(case.escalations), len(case.callbacks), len(case.reporter_ids),
                closed_figure(row), stored_callbacks[-1]["jurisdiction_path"] if stored_callbacks else None,
            )
            loaded.append(case)
        return loaded

    def _case(
        self,
        row: sa.RowMapping,
        history: Sequence[sa.RowMapping],
        escalations: Sequence[sa.RowMapping],
        callbacks: Sequence[sa.RowMapping],
    ) -> Case:
        assignee = None
        if row["assignee_kind"] is not None:
            assignee = Assignee(AssigneeKind(row["assignee_kind"]), row["assignee_id"])
        reply = None
        if row["reply_at"] is not None:
            reply = Reply(row["reply_at"], row["reply_actor_id"], row["reply_message"])
        return Case(
            case_id=row["case_id"],
            compound_id=row["compound_id"],
            jurisdiction_path=JurisdictionPath.parse(row["jurisdiction_path"]),
            category=self.catalogue.get(row["category"]),
            channel=Channel(row["channel"]),
            external_id=row["external_id"],
            ticket_no=row["ticket_no"] or "",
            description=row["description"],
            reporter_person_id=row["reporter_person_id"],
            reporter_ids=[],
            submitted_at=row["submitted_at"],
            accept_due_at=row["accept_due_at"],
            state=CaseState(row["state"]),
            tier=Tier(row["tier"]),
            accepted_at=row["accepted_at"],
            rejected_at=row["rejected_at"],
            reject_reason=_optional(RejectReason, row["reject_reason"]),
            duplicate_of=row["duplicate_of"],
            assignee=assignee,
            first_dispatched_at=row["first_dispatched_at"],
            resolve_due_at=row["resolve_due_at"],
            tier_due_at=row["tier_due_at"],
            resolved_at=row["resolved_at"],
            reply=reply,
            callbacks=[
                Callback(
                    item["at"], item["actor_id"], item["valid"], item["contacted"], item["solved"],
                    _optional(Satisfaction, item["satisfaction"]), item["note"],
                )
                for item in callbacks
            ],
            closed_at=row["closed_at"],
            reopen_count=row["reopen_count"],
            collective=row["collective"],
            escalations=[
                EscalationRecord(
                    item["at"], item["actor_id"], Tier(item["from_tier"]), Tier(item["to_tier"]),
                    EscalationReason(item["reason"]), item["note"],
                )
                for item in escalations
            ],
            history=[
                HistoryItem(
                    item["at"], item["actor_id"], Action(item["action"]),
                    _optional(CaseState, item["from_state"]), CaseState(item["to_state"]), item["reason"],
                )
                for item in history
            ],
        )

    # --- writing -------------------------------------------------------------------------------

    async def add(self, case: Case, contacts: Mapping[str, SealedContact]) -> None:
        values = self._values(case)
        await self.session.execute(_INSERT_CASE, {"case_id": case.case_id, **values})
        self.figure_changes.submitted(str(case.jurisdiction_path), case.submitted_at)
        self._persisted[case.case_id] = _Persisted(0, 0, 0, 0, None, None)
        await self._append(case, values, contacts)

    async def save(self, case: Case, contacts: Mapping[str, SealedContact] | None = None) -> None:
        values = self._values(case)
        await self.session.execute(_UPDATE_CASE, {"saved_case_id": case.case_id, **values})
        await self._append(case, values, contacts or {})

    async def _append(self, case: Case, values: Mapping[str, object], contacts: Mapping[str, SealedContact]) -> None:
        done = self._persisted[case.case_id]
        path = str(case.jurisdiction_path)
        closed = closed_figure(values)
        self.figure_changes.closed(done.closed, closed)
        for position in range(done.callbacks, len(case.callbacks)):
            previous_path = done.last_callback_path if position == done.callbacks else path
            previous = None if position == 0 else (previous_path or path, case.callbacks[position - 1])
            self.figure_changes.callback(path, case.callbacks[position], previous)
        rows: list[tuple[sa.Table, list[dict[str, object]]]] = [
            (case_history, [
                {
                    "at": item.at, "actor_id": item.actor_id, "action": item.action.value,
                    "from_state": None if item.from_state is None else item.from_state.value,
                    "to_state": item.to_state.value, "reason": item.reason,
                }
                for item in case.history[done.history:]
            ]),
            (case_escalations, [
                {
                    "at": item.at, "actor_id": item.actor_id, "from_tier": item.from_tier.value,
                    "to_tier": item.to_tier.value, "reason": item.reason.value, "note": item.note,
                }
                for item in case.escalations[done.escalations:]
            ]),
            (case_callbacks, [
                {
                    "at": item.at, "actor_id": item.actor_id, "valid": item.valid, "contacted": item.contacted,
                    "solved": item.solved,
                    "satisfaction": None if item.satisfaction is None else item.satisfaction.value,
                    "note": item.note, "jurisdiction_path": path,
                    "category": case.category.code, "company_id": case.company_id,
                }
                for item in case.callbacks[done.callbacks:]
            ]),
            (case_reporters, [
                {
                    "reporter_id": reporter_id,
                    "name_encrypted": contacts[reporter_id].name_encrypted,
                    "phone_encrypted": contacts[reporter_id].phone_encrypted,
                }
                for reporter_id in case.reporter_ids[done.reporters:]
            ]),
        ]
        starts = (done.history, done.escalations, done.callbacks, done.reporters)
        for (table, new_rows), start in zip(rows, starts):
            if new_rows:
                await self.session.execute(
                    _INSERT_ROWS[table],
                    [{"case_id": case.case_id, "position": start + n, **row} for n, row in enumerate(new_rows)],
                )
        self._persisted[case.case_id] = _Persisted(
            len(case.history), len(case.escalations), len(case.callbacks), len(case.reporter_ids), closed,
            path if case.callbacks else None,
        )

    def _values(self, case: Case) -> dict[str, object]:
        assignee = case.assignee
        return {
            "compound_id": case.compound_id,
            "jurisdiction_path": str(case.jurisdiction_path),
            "category": case.category.code,
            "channel": case.channel.value,
            "external_id": case.external_id,
            "ticket_no": case.ticket_no or None,
            "description": case.description,
            "reporter_person_id": case.reporter_person_id,
            "state": case.state.value,
            "tier": case.tier.value,
            "submitted_at": case.submitted_at,
            "accept_due_at": case.accept_due_at,
            "accepted_at": case.accepted_at,
            "rejected_at": case.rejected_at,
            "reject_reason": None if case.reject_reason is None else case.reject_reason.value,
            "duplicate_of": case.duplicate_of,
            "assignee_kind": None if assignee is None else assignee.kind.value,
            "assignee_id": None if assignee is None else assignee.assignee_id,
            "company_id": case.company_id,
            "first_dispatched_at": case.first_dispatched_at,
            "resolve_due_at": case.resolve_due_at,
            "tier_due_at": case.tier_due_at,
            "resolved_at": case.resolved_at,
            "reply_at": None if case.reply is None else case.reply.at,
            "reply_actor_id": None if case.reply is None else case.reply.actor_id,
            "reply_message": None if case.reply is None else case.reply.message,
            "closed_at": case.closed_at,
            "reopen_count": case.reopen_count,
            "collective": case.collective,
            "resolved_late": case.resolved_at is not None and case.resolve_overdue(case.resolved_at),
            "handling_working_days": case.handling_working_days(self.calendar),
            "satisfaction": None if case.satisfaction is None else case.satisfaction.value,
        }
