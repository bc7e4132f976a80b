"""Migrations cannot collide: several processes migrating one fresh database at once all succeed.

Seen before the lock: the demo import and the registry's migrate-on-start ran Alembic at the same moment
on a fresh PostgreSQL database and one failed creating alembic_version (pg_type_typname_nsp_index).
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import sqlalchemy as sa

from wuye_chassis.db import create_engine

PROCESSES = 4


@pytest.mark.slow
@pytest.mark.parametrize("service", ["registry", "complaints"])
async def test_several_processes_migrating_one_fresh_database_at_once_all_succeed(
    service: str, database_url: str
) -> None:
    env = {**os.environ, "WUYE_DATABASE_URL": database_url}
    racers = [
        subprocess.Popen([sys.executable, "-m", f"wuye_{service}", "migrate"], env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(PROCESSES)
    ]
    outcomes = [(racer.wait(timeout=120), racer.stderr.read() if racer.stderr else "") for racer in racers]
    assert [code for code, _ in outcomes] == [0] * PROCESSES, [error[-800:] for _, error in outcomes]
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            versions = (await connection.execute(sa.text("SELECT version_num FROM alembic_version"))).all()
    finally:
        await engine.dispose()
    assert len(versions) == 1  # one head, recorded once
