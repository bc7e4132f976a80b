"""The funds service's tables (its own database; no other service reads them)."""

import sqlalchemy as sa

from wuye_chassis.directory import add_directory_table
from wuye_chassis.messaging_tables import add_messaging_tables

metadata = sa.MetaData()
known_jurisdictions = add_directory_table(metadata)
outbox, inbox = add_messaging_tables(metadata)
