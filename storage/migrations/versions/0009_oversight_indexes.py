"""indexes for the oversight reads

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 01:30:00.000000

`/tonghop` reads one month's values of every unit (`facts_by_unit`: campaign and a few period
codes) and the values sent back for correction (`corrections`: `returned_at` set). With only
the unique index (campaign, unit, indicator, period) both scanned every value of the campaign:
at 2,000 units, 80,000 rows for 15,000 (or none) wanted. `ix_value_period` finds a month's
values; `ix_value_returned` is partial, holding only the few values ever returned.
"""

from alembic import op
import sqlalchemy as sa


revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_RETURNED = sa.text("returned_at IS NOT NULL")


def upgrade() -> None:
    op.create_index(
        "ix_value_period", "indicator_value", ["campaign_id", "period", "unit_id"], unique=False
    )
    op.create_index(
        "ix_value_returned",
        "indicator_value",
        ["campaign_id"],
        unique=False,
        sqlite_where=_RETURNED,
        postgresql_where=_RETURNED,
    )


def downgrade() -> None:
    op.drop_index("ix_value_returned", table_name="indicator_value")
    op.drop_index("ix_value_period", table_name="indicator_value")
