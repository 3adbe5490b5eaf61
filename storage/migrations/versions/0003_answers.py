"""opinion answers (text, reference, when, by whom), campaign dialogue and conclusion dates

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 09:47:48.146314
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.add_column(sa.Column("dialogue_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("conclusion_date", sa.Date(), nullable=True))

    with op.batch_alter_table("opinions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("answer", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("answer_reference", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("answered_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_opinion_answered_by", "users", ["answered_by_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("opinions", schema=None) as batch_op:
        batch_op.drop_constraint("fk_opinion_answered_by", type_="foreignkey")
        batch_op.drop_column("answered_by_id")
        batch_op.drop_column("answered_at")
        batch_op.drop_column("answer_reference")
        batch_op.drop_column("answer")

    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_column("conclusion_date")
        batch_op.drop_column("dialogue_date")
