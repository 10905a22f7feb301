"""Alembic environment: the engine comes from the caller, else from phoihop's settings."""

from typing import Any

from alembic import context
from sqlalchemy import Engine, TypeDecorator

from schema.models import Base

config = context.config


def _engine() -> Engine:
    engine = config.attributes.get("engine")
    if engine is not None:
        return engine
    from schema.database import make_engine
    from schema.settings import Settings  # the `alembic` command line, run from the project root

    return make_engine(Settings().resolved_database_url)


def _render_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    """Write our TypeDecorators as their plain SQL type, so revisions never import the models."""
    if type_ == "type" and isinstance(obj, TypeDecorator):
        return f"sa.{obj.impl!r}"
    return False


def run_migrations() -> None:
    with _engine().connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            render_item=_render_item,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations()
