"""The Alembic environment of every service: the chassis runs each service's revisions through it."""

from wuye_chassis.migrations import run_alembic_env

run_alembic_env()
