"""Supervision rows ⇄ the domain's task lists, rounds and rectification lists (S1–S4), and the registry
facts an addressee is resolved against (A4): the jurisdiction directory and the compound read model.

A list is read whole (its tasks or items by number); a step saves the one task or item it changed.
Queues and figures read tasks and items by (jurisdiction_path, deadline), the index both tables have.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from wuye_chassis.companies import company_names
from wuye_chassis.path_queries import at_or_below
from wuye_enforcement.adapters.orm import (
    known_companies,
    known_compounds,
    known_jurisdictions,
    supervision_checks,
    supervision_items,
    supervision_lists,
    supervision_rounds,
    supervision_task_lists,
    supervision_tasks,
)
from wuye_enforcement.adapters.pages import after, before
from wuye_enforcement.domain.supervision import (
    ActionOrigin,
    Addressee,
    Check,
    ItemState,
    ItemStep,
    ItemStepKind,
    ListItem,
    RectificationList,
    RoundKind,
    SupervisionRound,
    Task,
    TaskList,
    TaskListKind,
    TaskState,
)
from wuye_enforcement.domain.vocabulary import AddresseeKind

#: the segments of a street's path (city/county/street)
STREET_DEPTH = 3


def _addressee(row: sa.RowMapping) -> Addressee:
    return Addressee(AddresseeKind(row["addressee_kind"]), row["addressee_id"], row["addressee_name"],
                     row["jurisdiction_path"])


def _addressee_values(addressee: Addressee) -> dict[str, object]:
    return {"addressee_kind": addressee.kind.value, "addressee_id": addressee.id, "addressee_name": addressee.name,
            "jurisdiction_path": addressee.jurisdiction_path}


def _task(row: sa.RowMapping) -> Task:
    return Task(
        task_id=row["task_id"], list_id=row["list_id"], number=row["number"], area=row["area"], title=row["title"],
        required_result=row["required_result"], addressee=_addressee(row), deadline=row["deadline"],
        state=TaskState(row["state"]), result=row["result"], evidence_refs=tuple(row["evidence_refs"]),
        done_at=row["done_at"], done_by=row["done_by"], returned_reason=row["returned_reason"],
        times_returned=row["times_returned"],
    )


def _task_changes(task: Task) -> dict[str, object]:
    return {"state": task.state.value, "result": task.result, "evidence_refs": list(task.evidence_refs),
            "done_at": task.done_at, "done_by": task.done_by, "returned_reason": task.returned_reason,
            "times_returned": task.times_returned}


def _step(step: dict[str, Any]) -> ItemStep:
    return ItemStep(ItemStepKind(step["step"]), step["by"], dt.datetime.fromisoformat(step["at"]), step.get("note"),
                    tuple(step.get("evidence_refs") or ()))


def _item(row: sa.RowMapping) -> ListItem:
    return ListItem(
        item_id=row["item_id"], list_id=row["list_id"], number=row["number"], problem=row["problem"],
        addressee=_addressee(row), deadline=row["deadline"], state=ItemState(row["state"]), check_id=row["check_id"],
        steps=[_step(step) for step in row["steps"]], closed_at=row["closed_at"],
        times_reopened=row["times_reopened"], reviewed=row["reviewed"],
    )


def _item_changes(item: ListItem) -> dict[str, object]:
    return {
        "state": item.state.value, "closed_at": item.closed_at, "times_reopened": item.times_reopened,
        "reviewed": item.reviewed,
        "steps": [
            {"step": step.step.value, "by": step.by, "at": step.at.isoformat(), "note": step.note,
             "evidence_refs": list(step.evidence_refs)}
            for step in item.steps
        ],
    }


def _check(row: sa.RowMapping) -> Check:
    return Check(
        check_id=row["check_id"], position=row["position"], target=row["target"], target_name=row["target_name"],
        jurisdiction_path=row["jurisdiction_path"], checker_path=row["checker_path"],
        findings=tuple(row["findings"]), note=row["note"], recorded_by=row["recorded_by"],
        recorded_at=row["recorded_at"],
    )


class SupervisionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # --- registry facts (A4) ----------------------------------------------------------------------

    async def jurisdiction_name(self, path: str) -> str | None:
        """The directory's name of the jurisdiction at ``path``; None when the registry never announced it."""
        query = sa.select(known_jurisdictions.c.name).where(known_jurisdictions.c.path == path)
        return (await self.session.execute(query)).scalar()

    async def streets_below(self, path: str) -> dict[str, str]:
        """The streets at or below ``path`` the directory knows: path → name."""
        query = sa.select(known_jurisdictions.c.path, known_jurisdictions.c.name).where(
            at_or_below(known_jurisdictions.c.path, path)
        )
        rows = (await self.session.execute(query)).all()
        return {row.path: row.name for row in rows if len(row.path.split("/")) == STREET_DEPTH}

    async def compound(self, compound_id: str) -> tuple[str, str] | None:
        """(name, jurisdiction path) of a compound the registry announced."""
        query = sa.select(known_compounds.c.name, known_compounds.c.jurisdiction_path).where(
            known_compounds.c.compound_id == compound_id
        )
        row = (await self.session.execute(query)).first()
        return None if row is None else (row.name, row.jurisdiction_path)

    async def compounds_below(self, path: str) -> dict[str, tuple[str, str]]:
        """Every compound at or below ``path``: id → (name, jurisdiction path)."""
        query = sa.select(known_compounds.c.compound_id, known_compounds.c.name,
                          known_compounds.c.jurisdiction_path).where(
            at_or_below(known_compounds.c.jurisdiction_path, path)
        )
        return {row.compound_id: (row.name, row.jurisdiction_path) for row in (await self.session.execute(query))}

    async def company_name(self, company_id: str) -> str | None:
        """The company's name as the registry announced it; None until it has."""
        return (await company_names(self.session, known_companies, [company_id])).get(company_id)

    async def company_serves_within(self, company_id: str, path: str) -> bool:
        """True when the company serves a compound at or below ``path`` (as the read model last heard)."""
        query = sa.select(sa.literal(1)).where(
            known_compounds.c.company_id == company_id, at_or_below(known_compounds.c.jurisdiction_path, path)
        ).limit(1)
        return (await self.session.execute(query)).first() is not None

    # --- S1 -----------------------------------------------------------------------------------------

    async def add_task_list(self, task_list: TaskList) -> None:
        await self.session.execute(supervision_task_lists.insert().values(
            list_id=task_list.list_id, kind=task_list.kind.value,
            origin=None if task_list.origin is None else task_list.origin.value, title=task_list.title,
            jurisdiction_path=task_list.jurisdiction_path, issued_by=task_list.issued_by,
            issued_at=task_list.issued_at,
        ))
        await self.session.execute(supervision_tasks.insert(), [
            {"task_id": task.task_id, "list_id": task.list_id, "number": task.number, "area": task.area,
             "title": task.title, "required_result": task.required_result, "deadline": task.deadline,
             **_addressee_values(task.addressee), **_task_changes(task)}
            for task in task_list.tasks
        ])

    async def task_list(self, list_id: str) -> TaskList | None:
        row = (await self.session.execute(
            sa.select(supervision_task_lists).where(supervision_task_lists.c.list_id == list_id)
        )).mappings().first()
        if row is None:
            return None
        tasks = (await self.session.execute(
            sa.select(supervision_tasks).where(supervision_tasks.c.list_id == list_id).order_by(supervision_tasks.c.number)
        )).mappings()
        return self._task_list(row, [_task(task) for task in tasks])

    @staticmethod
    def _task_list(row: sa.RowMapping, tasks: list[Task]) -> TaskList:
        return TaskList(
            list_id=row["list_id"], kind=TaskListKind(row["kind"]),
            origin=None if row["origin"] is None else ActionOrigin(row["origin"]), title=row["title"],
            jurisdiction_path=row["jurisdiction_path"], issued_by=row["issued_by"], issued_at=row["issued_at"],
            tasks=tasks,
        )

    async def task_lists_in(
        self, path: str, *, after_key: tuple[dt.datetime, str] | None, size: int
    ) -> list[tuple[TaskList, int, int, int]]:
        """(list without its tasks, tasks, tasks done, areas) of lists issued at or below ``path``, newest first."""
        counts = (
            sa.select(
                supervision_tasks.c.list_id,
                sa.func.count().label("tasks"),
                sa.func.sum(sa.case((supervision_tasks.c.state == TaskState.DONE.value, 1), else_=0)).label("done"),
                sa.func.count(sa.distinct(supervision_tasks.c.area)).label("areas"),
            ).group_by(supervision_tasks.c.list_id).subquery()
        )
        query = (
            sa.select(supervision_task_lists, counts.c.tasks, counts.c.done, counts.c.areas)
            .join(counts, counts.c.list_id == supervision_task_lists.c.list_id)
            .where(at_or_below(supervision_task_lists.c.jurisdiction_path, path))
            .order_by(supervision_task_lists.c.issued_at.desc(), supervision_task_lists.c.list_id.desc())
            .limit(size)
        )
        if after_key is not None:
            query = query.where(before(supervision_task_lists.c.issued_at, supervision_task_lists.c.list_id, after_key))
        rows = (await self.session.execute(query)).mappings()
        return [(self._task_list(row, []), row["tasks"], int(row["done"] or 0), row["areas"]) for row in rows]

    async def task_list_path(self, list_id: str) -> str:
        """Where a task list was issued (its tasks' task force acts there)."""
        query = sa.select(supervision_task_lists.c.jurisdiction_path).where(supervision_task_lists.c.list_id == list_id)
        return str((await self.session.execute(query)).scalar_one())

    async def task(self, task_id: str, *, lock: bool = False) -> Task | None:
        query = sa.select(supervision_tasks).where(supervision_tasks.c.task_id == task_id)
        row = (await self.session.execute(query.with_for_update() if lock else query)).mappings().first()
        return None if row is None else _task(row)

    async def save_task(self, task: Task) -> None:
        await self.session.execute(
            supervision_tasks.update().where(supervision_tasks.c.task_id == task.task_id).values(**_task_changes(task))
        )

    async def tasks_in(
        self, path: str, *, state: TaskState | None, open_before: dt.date | None, company_id: str | None,
        after_key: tuple[dt.date, str] | None, size: int,
    ) -> list[Task]:
        """Tasks at or below ``path`` by (deadline, id); ``open_before``: only open ones due before that day."""
        query = (
            sa.select(supervision_tasks).where(at_or_below(supervision_tasks.c.jurisdiction_path, path))
            .order_by(supervision_tasks.c.deadline, supervision_tasks.c.task_id).limit(size)
        )
        if state is not None:
            query = query.where(supervision_tasks.c.state == state.value)
        if company_id is not None:
            query = query.where(supervision_tasks.c.addressee_kind == AddresseeKind.COMPANY.value,
                                supervision_tasks.c.addressee_id == company_id)
        if open_before is not None:
            query = query.where(supervision_tasks.c.state == TaskState.OPEN.value,
                                supervision_tasks.c.deadline < open_before)
        if after_key is not None:
            query = query.where(after(supervision_tasks.c.deadline, supervision_tasks.c.task_id, after_key))
        return [_task(row) for row in (await self.session.execute(query)).mappings()]

    async def tasks_due(self, path: str, first: dt.date, last: dt.date) -> list[Task]:
        query = sa.select(supervision_tasks).where(
            at_or_below(supervision_tasks.c.jurisdiction_path, path),
            supervision_tasks.c.deadline >= first, supervision_tasks.c.deadline <= last,
        )
        return [_task(row) for row in (await self.session.execute(query)).mappings()]

    # --- S2 -----------------------------------------------------------------------------------------

    async def add_round(self, found: SupervisionRound) -> None:
        await self.session.execute(supervision_rounds.insert().values(
            round_id=found.round_id, kind=found.kind.value, title=found.title,
            jurisdiction_path=found.jurisdiction_path, seed=found.seed, population=found.population,
            population_digest=found.population_digest, created_by=found.created_by, created_at=found.created_at,
        ))
        await self.session.execute(supervision_checks.insert(), [
            {"check_id": check.check_id, "round_id": found.round_id, "position": check.position,
             "target": check.target, "target_name": check.target_name, "jurisdiction_path": check.jurisdiction_path,
             "checker_path": check.checker_path, "findings": list(check.findings), "note": check.note,
             "recorded_by": check.recorded_by, "recorded_at": check.recorded_at}
            for check in found.checks
        ])

    async def round(self, round_id: str, *, lock: bool = False) -> SupervisionRound | None:
        query = sa.select(supervision_rounds).where(supervision_rounds.c.round_id == round_id)
        row = (await self.session.execute(query.with_for_update() if lock else query)).mappings().first()
        return None if row is None else (await self._rounds([row]))[0]

    async def rounds_for(
        self, path: str, *, after_key: tuple[dt.datetime, str] | None, size: int
    ) -> list[SupervisionRound]:
        """Rounds started at or below ``path`` or with a check by a street at or below it, newest first."""
        checking = sa.select(supervision_checks.c.round_id).where(at_or_below(supervision_checks.c.checker_path, path))
        query = (
            sa.select(supervision_rounds)
            .where(sa.or_(at_or_below(supervision_rounds.c.jurisdiction_path, path),
                          supervision_rounds.c.round_id.in_(checking)))
            .order_by(supervision_rounds.c.created_at.desc(), supervision_rounds.c.round_id.desc())
            .limit(size)
        )
        if after_key is not None:
            query = query.where(before(supervision_rounds.c.created_at, supervision_rounds.c.round_id, after_key))
        return await self._rounds(list((await self.session.execute(query)).mappings()))

    async def _rounds(self, rows: Sequence[sa.RowMapping]) -> list[SupervisionRound]:
        """The rounds of these rows with their checks in order, the checks of all of them in one query."""
        checks: dict[str, list[Check]] = {row["round_id"]: [] for row in rows}
        if checks:
            found = await self.session.execute(
                sa.select(supervision_checks).where(supervision_checks.c.round_id.in_(list(checks)))
                .order_by(supervision_checks.c.round_id, supervision_checks.c.position)
            )
            for check in found.mappings():
                checks[check["round_id"]].append(_check(check))
        return [
            SupervisionRound(
                round_id=row["round_id"], kind=RoundKind(row["kind"]), title=row["title"],
                jurisdiction_path=row["jurisdiction_path"], created_by=row["created_by"], created_at=row["created_at"],
                checks=checks[row["round_id"]], seed=row["seed"], population=row["population"],
                population_digest=row["population_digest"],
            )
            for row in rows
        ]

    async def save_check(self, check: Check) -> None:
        await self.session.execute(
            supervision_checks.update().where(supervision_checks.c.check_id == check.check_id).values(
                findings=list(check.findings), note=check.note, recorded_by=check.recorded_by,
                recorded_at=check.recorded_at,
            )
        )

    # --- S3 -----------------------------------------------------------------------------------------

    async def add_rectification_list(self, found: RectificationList) -> None:
        await self.session.execute(supervision_lists.insert().values(
            list_id=found.list_id, title=found.title, jurisdiction_path=found.jurisdiction_path,
            round_id=found.round_id, issued_by=found.issued_by, issued_at=found.issued_at,
        ))
        await self.session.execute(supervision_items.insert(), [
            {"item_id": item.item_id, "list_id": item.list_id, "number": item.number, "problem": item.problem,
             "deadline": item.deadline, "check_id": item.check_id, **_addressee_values(item.addressee),
             **_item_changes(item)}
            for item in found.items
        ])

    async def rectification_list(self, list_id: str) -> RectificationList | None:
        row = (await self.session.execute(
            sa.select(supervision_lists).where(supervision_lists.c.list_id == list_id)
        )).mappings().first()
        if row is None:
            return None
        items = (await self.session.execute(
            sa.select(supervision_items).where(supervision_items.c.list_id == list_id).order_by(supervision_items.c.number)
        )).mappings()
        return self._rectification_list(row, [_item(item) for item in items])

    @staticmethod
    def _rectification_list(row: sa.RowMapping, items: list[ListItem]) -> RectificationList:
        return RectificationList(
            list_id=row["list_id"], title=row["title"], jurisdiction_path=row["jurisdiction_path"],
            round_id=row["round_id"], issued_by=row["issued_by"], issued_at=row["issued_at"], items=items,
        )

    async def rectification_lists_in(
        self, path: str, *, after_key: tuple[dt.datetime, str] | None, size: int
    ) -> list[tuple[RectificationList, int, int]]:
        """(list without its items, items, items closed) of lists issued at or below ``path``, newest first."""
        counts = (
            sa.select(
                supervision_items.c.list_id,
                sa.func.count().label("items"),
                sa.func.sum(sa.case((supervision_items.c.state == ItemState.CLOSED.value, 1), else_=0)).label("closed"),
            ).group_by(supervision_items.c.list_id).subquery()
        )
        query = (
            sa.select(supervision_lists, counts.c["items"], counts.c.closed)
            .join(counts, counts.c.list_id == supervision_lists.c.list_id)
            .where(at_or_below(supervision_lists.c.jurisdiction_path, path))
            .order_by(supervision_lists.c.issued_at.desc(), supervision_lists.c.list_id.desc())
            .limit(size)
        )
        if after_key is not None:
            query = query.where(before(supervision_lists.c.issued_at, supervision_lists.c.list_id, after_key))
        rows = (await self.session.execute(query)).mappings()
        return [(self._rectification_list(row, []), row["items"], int(row["closed"] or 0)) for row in rows]

    async def item(self, item_id: str, *, lock: bool = False) -> ListItem | None:
        query = sa.select(supervision_items).where(supervision_items.c.item_id == item_id)
        row = (await self.session.execute(query.with_for_update() if lock else query)).mappings().first()
        return None if row is None else _item(row)

    async def list_path(self, list_id: str) -> str:
        """Where a rectification list was issued (its items' task force acts there)."""
        query = sa.select(supervision_lists.c.jurisdiction_path).where(supervision_lists.c.list_id == list_id)
        return str((await self.session.execute(query)).scalar_one())

    async def save_item(self, item: ListItem) -> None:
        await self.session.execute(
            supervision_items.update().where(supervision_items.c.item_id == item.item_id).values(**_item_changes(item))
        )

    async def items_in(
        self, path: str, *, state: ItemState | None, company_id: str | None, after_key: tuple[dt.date, str] | None,
        size: int,
    ) -> list[ListItem]:
        query = (
            sa.select(supervision_items).where(at_or_below(supervision_items.c.jurisdiction_path, path))
            .order_by(supervision_items.c.deadline, supervision_items.c.item_id).limit(size)
        )
        if state is not None:
            query = query.where(supervision_items.c.state == state.value)
        if company_id is not None:
            query = query.where(supervision_items.c.addressee_kind == AddresseeKind.COMPANY.value,
                                supervision_items.c.addressee_id == company_id)
        if after_key is not None:
            query = query.where(after(supervision_items.c.deadline, supervision_items.c.item_id, after_key))
        return [_item(row) for row in (await self.session.execute(query)).mappings()]

    async def items_due(self, path: str, first: dt.date, last: dt.date) -> list[ListItem]:
        query = sa.select(supervision_items).where(
            at_or_below(supervision_items.c.jurisdiction_path, path),
            supervision_items.c.deadline >= first, supervision_items.c.deadline <= last,
        )
        return [_item(row) for row in (await self.session.execute(query)).mappings()]

    async def checks_of(self, round_id: str, check_ids: Sequence[str]) -> set[str]:
        """Which of ``check_ids`` belong to the round."""
        query = sa.select(supervision_checks.c.check_id).where(
            supervision_checks.c.round_id == round_id, supervision_checks.c.check_id.in_(list(check_ids))
        )
        return set((await self.session.execute(query)).scalars())
