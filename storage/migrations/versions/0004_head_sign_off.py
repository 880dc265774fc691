"""head sign-off

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 09:00:00.000000

A campaign may require the unit head's confirmation before a report or a document counts
(campaign file `sign_off`). Reports and documents get the sign-off state, the head's comment
when they ask for a correction, and who confirmed when. Rows already stored were sent without
sign-off: they are `confirmed` (the server default), and they counted when they were sent.
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel
import storage.types


revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TABLES = ("report_submission", "document")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column(
                    "sign_off_status",
                    sqlmodel.sql.sqltypes.AutoString(length=16),
                    server_default="confirmed",
                    nullable=False,
                )
            )
            batch_op.add_column(sa.Column("sign_off_comment", sa.Text(), nullable=True))
            batch_op.add_column(
                sa.Column("signed_off_at", storage.types.UTCDateTime(timezone=True), nullable=True)
            )
            batch_op.add_column(sa.Column("signed_off_by", sa.Integer(), nullable=True))
            batch_op.create_foreign_key(
                f"fk_{table}_signed_off_by_person", "person", ["signed_off_by"], ["id"]
            )


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(f"fk_{table}_signed_off_by_person", type_="foreignkey")
            batch_op.drop_column("signed_off_by")
            batch_op.drop_column("signed_off_at")
            batch_op.drop_column("sign_off_comment")
            batch_op.drop_column("sign_off_status")
