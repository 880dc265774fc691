"""individuals

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 01:00:00.000000

The people a unit proposes for an award (seed II.1.2): full name and position, who added and
last changed each and when, and a removal flag (a removed person stays, so that the audit log
and an earlier proposal still resolve).
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel
import storage.types


revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "individual",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("full_name", sa.Text(), nullable=False),
        sa.Column("position", sa.Text(), nullable=False),
        sa.Column("removed", sa.Boolean(), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("updated_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"]),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"]),
        sa.ForeignKeyConstraint(["created_by"], ["person.id"]),
        sa.ForeignKeyConstraint(["updated_by"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_individual_unit_id"), "individual", ["unit_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_individual_unit_id"), table_name="individual")
    op.drop_table("individual")
