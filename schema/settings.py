"""The one source of configuration: environment variables prefixed PHOIHOP_."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PHOIHOP_", extra="ignore", populate_by_name=True)

    data_dir: Path = Field(Path("var"), description="where the embedded database and drafts live")
    database_url: str | None = Field(None, description="SQLAlchemy URL; default: SQLite file in data_dir")
    actor: str = Field("coordinator", description="who the CLI acts as in the audit log")
    db_pool_size: int = Field(5, ge=1, description="database connections kept open per process")
    db_max_overflow: int = Field(5, ge=0, description="extra connections opened under load, closed after")
    db_pool_timeout: float = Field(10, gt=0, description="seconds a request waits for a free connection")
    log_file: Path | None = Field(
        None, description="the technical log (tracebacks); default: data_dir/logs/phoihop.log"
    )
    unfinished_grace_seconds: int = Field(
        120, ge=0, description="an upload stored but not finished for this long is taken up again at the next start"
    )
    api_db_calls: int | None = Field(
        None,
        ge=1,
        description="database calls the API runs at once per process (each in a thread, holding one connection); "
        "default: the number of CPUs, at most the pool's size — more threads only fight over Python's lock",
    )
    api_retry_after: int = Field(2, ge=1, description="seconds a client is told to wait when the service is busy (503)")
    prefect_api_url: str | None = Field(
        None,
        validation_alias=AliasChoices("PHOIHOP_PREFECT_API_URL", "PREFECT_API_URL"),
        description="the Prefect API the flows are run through (Prefect's own PREFECT_API_URL is read too); "
        "none: `phoihop serve` starts a Prefect server of its own, and the portal cannot start a flow",
    )
    prefect_port: int = Field(
        4200, ge=1, le=65535, description="port of the Prefect server `phoihop serve` starts (on 127.0.0.1)"
    )
    forwarded_allow_ips: str = Field(
        "127.0.0.1",
        description="proxies whose X-Forwarded-For/-Proto headers the portal of `phoihop serve` trusts "
        "(comma-separated addresses, or *)",
    )
    cookie_secure: bool = Field(
        True,
        description="portal cookies only over HTTPS (browsers also accept them from http://127.0.0.1 and localhost); "
        "turn off only on a closed network without TLS",
    )
    session_hours: int = Field(12, ge=1, description="hours a portal sign-in lasts")
    sign_in_attempts: int = Field(
        5, ge=1, description="failed sign-ins allowed per account (four times as many per address) in the window"
    )
    sign_in_window_minutes: int = Field(15, ge=1, description="minutes failed sign-ins are counted over")
    public_url: str = Field(
        "http://127.0.0.1:8000", description="the portal's address as agencies reach it (in e-mails)"
    )
    smtp_host: str | None = Field(
        None, description="SMTP server mail is sent through; none: each message is saved as .eml under data_dir/mail/"
    )
    smtp_port: int | None = Field(
        None, ge=1, le=65535, description="SMTP port; default 587 with STARTTLS, 465 with implicit TLS, 25 without"
    )
    smtp_security: Literal["starttls", "tls", "none"] = Field(
        "starttls", description="starttls (upgrade after connecting), tls (implicit, port 465) or none"
    )
    smtp_user: str | None = Field(None, description="SMTP login; none: no authentication")
    smtp_password: SecretStr | None = Field(None, description="SMTP password (never logged or passed to a flow)")
    smtp_ca_file: Path | None = Field(
        None, description="CA certificates (PEM) the SMTP server's certificate is checked against"
    )
    smtp_timeout: float = Field(30, gt=0, description="seconds an SMTP connection or command may take")
    mail_from: str = Field("phoihop <phoihop@localhost>", description="sender address of every mail")
    mail_rate_per_minute: int = Field(
        30,
        ge=1,
        description="at most this many mails sent per minute by one sender (one connection); a limit across tasks is for Prefect",
    )
    mail_retry_delays: list[float] = Field(
        [30, 120, 600],
        description="seconds Prefect waits before each new attempt at mails that met a passing fault (server down, "
        "connection dropped, a 4xx answer); what is still not sent after the last waits for the next run",
    )

    def export_database(self) -> None:
        """Name this database in the environment, for the flows run in this process (they read it from there)."""
        os.environ["PHOIHOP_DATABASE_URL"] = self.resolved_database_url

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'phoihop.db'}"

    @property
    def resolved_api_db_calls(self) -> int:
        pool = self.db_pool_size + self.db_max_overflow
        return min(self.api_db_calls or os.cpu_count() or 2, pool)

    @property
    def resolved_smtp_port(self) -> int:
        return self.smtp_port or {"starttls": 587, "tls": 465, "none": 25}[self.smtp_security]

    @property
    def mail_dir(self) -> Path:
        """Where messages are saved when no SMTP server is configured."""
        return self.data_dir / "mail"

    @property
    def resolved_log_file(self) -> Path:
        return self.log_file or self.data_dir / "logs" / "phoihop.log"
