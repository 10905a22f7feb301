from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect

from schema.models import Base


def test_upgrade_head_matches_the_models(engine: Engine) -> None:
    """The `engine` fixture ran `upgrade head` on an empty database; autogenerate finds nothing."""
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_constraint_names_follow_the_convention(engine: Engine) -> None:
    unique = inspect(engine).get_unique_constraints("returns")
    assert [u["name"] for u in unique] == ["uq_returns_agency_id_period_id_version"]
    assert inspect(engine).get_pk_constraint("returns")["name"] == "pk_returns"


def test_the_code_knows_the_newest_migration(engine: Engine) -> None:
    """`phoihop` asks for `phoihop init` when a database is behind SCHEMA_REVISION; it must be the head."""
    from alembic.script import ScriptDirectory

    from schema.database import SCHEMA_REVISION, schema_revision
    from schema.migrate import alembic_config

    assert ScriptDirectory.from_config(alembic_config(engine)).get_current_head() == SCHEMA_REVISION
    assert schema_revision(engine) == SCHEMA_REVISION
