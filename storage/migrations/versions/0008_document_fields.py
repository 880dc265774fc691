"""document fields read by the bot

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 09:00:00.000000

`/nopvanban` reads the submitted file (issuer, số/ký hiệu, place and date, type, trích yếu,
signer's title) and checks it against what the deadline asks. `document_reading` keeps, per
document, the fields read, the mismatches (`flags`, never a refusal) and which fields Phòng
Nội vụ corrected (each correction audited). Documents stored before have no row: not read.
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel
import storage.types


revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "document_reading",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("issuer", sa.Text(), nullable=True),
        sa.Column("parent_issuer", sa.Text(), nullable=True),
        sa.Column("number", sa.Text(), nullable=True),
        sa.Column("place", sa.Text(), nullable=True),
        sa.Column("issued_on", sa.Date(), nullable=True),
        sa.Column("doc_type", sa.Text(), nullable=True),
        sa.Column("subject", sa.Text(), nullable=True),
        sa.Column("signer_title", sa.Text(), nullable=True),
        sa.Column("notes", sa.JSON(), nullable=False),
        sa.Column("flags", sa.JSON(), nullable=False),
        sa.Column("corrected", sa.JSON(), nullable=False),
        sa.Column("read_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["document.id"]),
        sa.PrimaryKeyConstraint("document_id"),
    )


def downgrade() -> None:
    op.drop_table("document_reading")
