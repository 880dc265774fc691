"""worker claims

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 09:00:00.000000

Several workers share one database: the inbox is the queue (the oldest pending update of a chat
is found through an index on the chat), and a reply being sent is claimed in the outbox by one
worker until a lease runs out. `attempts` of an outbox row counts the sends that may have
reached the person; `pieces_sent` the pieces of a long reply surely delivered;
`next_attempt_at` backs a reply off after a failure.
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel
import storage.types


revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("claimed_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )
        batch_op.add_column(
            sa.Column("claimed_until", storage.types.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("next_attempt_at", storage.types.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("pieces_sent", sa.Integer(), server_default="0", nullable=False)
        )
    op.create_index("ix_inbox_chat_pending", "inbox", ["channel", "chat_id", "status", "id"])


def downgrade() -> None:
    op.drop_index("ix_inbox_chat_pending", table_name="inbox")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("pieces_sent")
        batch_op.drop_column("next_attempt_at")
        batch_op.drop_column("claimed_until")
        batch_op.drop_column("claimed_by")
