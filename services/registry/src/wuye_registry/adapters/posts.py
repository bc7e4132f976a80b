"""Posts and logins: who holds which post, and which login stands for which person (A1)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from wuye_chassis.db import insert_if_absent, utcnow
from wuye_chassis.path_queries import at_or_below
from wuye_registry.adapters.orm import logins, posts
from wuye_registry.domain.posts import Post, PostKind


def post_record(row: sa.RowMapping) -> Post:
    return Post(
        post_id=row["id"],
        person_id=row["person_id"],
        kind=PostKind(row["kind"]),
        jurisdiction_path=row["jurisdiction_path"],
        started_on=row["start_on"],
        company_id=row["company_id"] or "",
        department=row["department"] or "",
        ended_on=row["end_on"],
    )


def post_row(post: Post, *, assigned_by: str) -> dict[str, object]:
    """A post's row (the bulk import inserts the same columns)."""
    return {
        "id": post.post_id, "person_id": post.person_id, "kind": post.kind.value,
        "jurisdiction_path": post.jurisdiction_path, "company_id": post.company_id or None,
        "department": post.department or None, "start_on": post.started_on, "end_on": post.ended_on,
        "assigned_by": assigned_by, "created_at": utcnow(),
    }


def _open_on(day: dt.date) -> sa.ColumnElement[bool]:
    return sa.and_(posts.c.start_on <= day, sa.or_(posts.c.end_on.is_(None), posts.c.end_on >= day))


class PostRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, post: Post, *, assigned_by: str) -> None:
        await self.session.execute(posts.insert().values(post_row(post, assigned_by=assigned_by)))

    async def get(self, post_id: str) -> Post | None:
        row = (await self.session.execute(sa.select(posts).where(posts.c.id == post_id))).mappings().first()
        return None if row is None else post_record(row)

    async def save_end(self, post: Post) -> None:
        await self.session.execute(posts.update().where(posts.c.id == post.post_id).values(end_on=post.ended_on))

    async def open_posts_of(self, person_id: str, day: dt.date) -> list[Post]:
        query = sa.select(posts).where(posts.c.person_id == person_id, _open_on(day)).order_by(posts.c.id)
        return [post_record(row) for row in (await self.session.execute(query)).mappings()]

    async def open_posts_in(self, path: str, day: dt.date) -> list[Post]:
        query = sa.select(posts).where(at_or_below(posts.c.jurisdiction_path, path), _open_on(day)).order_by(posts.c.id)
        return [post_record(row) for row in (await self.session.execute(query)).mappings()]

    async def holds_open(self, post: Post) -> bool:
        """The person already holds this post, not ended before its first day (``Post.already_given``)."""
        query = sa.select(posts).where(posts.c.person_id == post.person_id, posts.c.kind == post.kind.value)
        return post.already_given(post_record(row) for row in (await self.session.execute(query)).mappings())


class LoginRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def person_of(self, subject: str) -> str | None:
        return await self.session.scalar(sa.select(logins.c.person_id).where(logins.c.subject == subject))

    async def bind(self, subject: str, person_id: str, *, bound_by: str) -> str:
        """Bind the login to the person, unless a concurrent first sign-in of the same login bound it first
        (its insert waits for that one's commit); the person the login stands for either way."""
        row = {"subject": subject, "person_id": person_id, "bound_by": bound_by, "bound_at": utcnow()}
        if await insert_if_absent(self.session, logins, row):
            return person_id
        bound = await self.person_of(subject)
        assert bound is not None  # the row that stopped the insert
        return bound

