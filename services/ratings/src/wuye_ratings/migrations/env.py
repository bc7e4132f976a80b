from wuye_chassis.migrations import run_alembic_env
from wuye_ratings.adapters.orm import metadata

run_alembic_env(metadata)
