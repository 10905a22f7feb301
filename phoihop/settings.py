"""The one source of configuration: environment variables prefixed PHOIHOP_."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PHOIHOP_", extra="ignore")

    data_dir: Path = Field(Path("var"), description="where the embedded database and drafts live")
    database_url: str | None = Field(None, description="SQLAlchemy URL; default: SQLite file in data_dir")
    actor: str = Field("coordinator", description="who the CLI acts as in the audit log")

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'phoihop.db'}"
