from wuye_chassis.migrations import run_alembic_env
from wuye_enforcement.adapters.orm import metadata

run_alembic_env(metadata)
