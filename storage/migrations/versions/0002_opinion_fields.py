"""opinion intake fields (expanded text, section, line, extra), campaign groups revision

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 08:41:41.072446
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("groups_revision", sa.Integer(), server_default="0", nullable=False)
        )

    with op.batch_alter_table("opinions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("expanded_text", sa.Text(), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("section", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("line", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("extra", sa.JSON(), server_default="{}", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("opinions", schema=None) as batch_op:
        batch_op.drop_column("extra")
        batch_op.drop_column("line")
        batch_op.drop_column("section")
        batch_op.drop_column("expanded_text")

    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_column("groups_revision")
