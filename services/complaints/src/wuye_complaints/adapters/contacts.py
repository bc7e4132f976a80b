"""Reporters' names and phones: sealed (encrypted) before they reach a table, opened only for the roles
that call reporters back, masked for everyone else, and every opening audited.

A reporter is identified by a keyed hash of the phone number (a blind index): the same person reporting
twice is one reporter (C6 counts people, not reports), yet the id reveals nothing without the key.
Contacts never go into events or logs; ``ReporterContact.__repr__`` masks them so even a stray log line
or a traceback cannot print them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from wuye_chassis import pii
from wuye_chassis.auth import AuthContext
from wuye_chassis.db import utcnow
from wuye_chassis.ids import new_id
from wuye_chassis.validation import require_text
from wuye_complaints.adapters.cases import SealedContact
from wuye_complaints.adapters.orm import case_reporters, personal_data_reads

NAME_MAX_LENGTH = 50
#: an unmasked read, recorded for the audit (built once: it is written with every intake by an operator)
_RECORD_READ = personal_data_reads.insert()


def mask_name(name: str) -> str:
    """Keep the first character (the surname, for Chinese names) and hide the rest: "张三丰" → "张**"."""
    return name[:1] + "*" * max(1, len(name) - 1)


@dataclass(frozen=True)
class ReporterContact:
    name: str
    phone: str
    unmasked: bool

    def __repr__(self) -> str:
        return f"ReporterContact(name={mask_name(self.name)!r}, phone={pii.mask_mobile(self.phone)!r})"


class Contacts:
    def __init__(self, cipher: pii.PersonalDataCipher) -> None:
        self.cipher = cipher

    def seal(self, name: str, phone: str) -> SealedContact:
        """Validate and encrypt a reporter's contact; refusals name ``reporter.name`` / ``reporter.phone``."""
        clean_name = require_text(name, field="reporter.name", max_length=NAME_MAX_LENGTH)
        clean_phone = pii.validate_mobile(phone, field="reporter.phone")
        return SealedContact(
            reporter_id=self.cipher.blind_index(clean_phone),
            name_encrypted=self.cipher.encrypt(clean_name),
            phone_encrypted=self.cipher.encrypt(clean_phone),
        )

    async def for_case(
        self, session: AsyncSession, case_id: str, *, unmasked: bool, reader: AuthContext
    ) -> list[ReporterContact]:
        rows: Sequence[sa.RowMapping] = (
            await session.execute(
                sa.select(case_reporters).where(case_reporters.c.case_id == case_id).order_by(case_reporters.c.position)
            )
        ).mappings().all()
        sealed = [(row["name_encrypted"], row["phone_encrypted"]) for row in rows]
        return await self._opened(session, case_id, sealed, unmasked=unmasked, reader=reader)

    async def for_new_case(
        self, session: AsyncSession, case_id: str, contact: SealedContact, *, unmasked: bool, reader: AuthContext
    ) -> list[ReporterContact]:
        """The contact a case was just filed with, opened from what was sealed (nothing read back)."""
        sealed = [(contact.name_encrypted, contact.phone_encrypted)]
        return await self._opened(session, case_id, sealed, unmasked=unmasked, reader=reader)

    async def _opened(
        self, session: AsyncSession, case_id: str, sealed: Sequence[tuple[bytes, bytes]], *, unmasked: bool,
        reader: AuthContext,
    ) -> list[ReporterContact]:
        contacts = []
        for name_encrypted, phone_encrypted in sealed:
            name = self.cipher.decrypt(name_encrypted)
            phone = self.cipher.decrypt(phone_encrypted)
            if unmasked:
                contacts.append(ReporterContact(name, phone, True))
            else:
                contacts.append(ReporterContact(mask_name(name), pii.mask_mobile(phone), False))
        if unmasked and contacts:
            await session.execute(_RECORD_READ, {
                "read_id": new_id(), "case_id": case_id, "user_id": reader.user,
                "roles": ",".join(sorted(reader.roles)), "at": utcnow(),
            })
        return contacts
