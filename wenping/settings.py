"""One Settings object, built at the entry point and passed down.

Environment variables use Camunda's own names where Camunda has one (``ZEEBE_ADDRESS``,
``CAMUNDA_CLIENT_ID`` …) so a deployment can switch between the embedded engine and a Camunda 8
cluster by configuration only. Everything else is prefixed ``WENPING_``.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class EngineSettings(BaseSettings):
    """Settings of the embedded engine (``wenping engine``)."""

    model_config = SettingsConfigDict(env_prefix="WENPING_ENGINE_", extra="ignore")

    database_url: str = Field(
        default="sqlite:///var/engine.db",
        description="SQLAlchemy URL of the engine store; SQLite (WAL) or PostgreSQL.",
    )
    grpc_host: str = "127.0.0.1"
    grpc_port: int = 26500
    rest_host: str = "127.0.0.1"
    rest_port: int = 8080
    rest_token: SecretStr | None = Field(
        default=None, description="Bearer token required by the REST API (any non-loopback host)."
    )
    rest_basic_user: str | None = None
    rest_basic_password: SecretStr | None = None
    rest_max_body_bytes: int = 10 * 1024 * 1024
    job_timeout_check_ms: int = 1000
    long_poll_default_ms: int = 10_000
    group_commit: bool = Field(
        default=True,
        description=(
            "Commit the commands that arrive together in one store transaction, and update the "
            "search tables after the commit in batches (a REST read flushes them first); every "
            "answer still waits for the commit of its command. Off: one transaction per "
            "command, search tables updated inside it."
        ),
    )
    sqlite_synchronous: str = Field(
        default="NORMAL",
        description=(
            "SQLite synchronous pragma. NORMAL survives a process crash; FULL also a power cut."
        ),
    )


class WorkerSettings(BaseSettings):
    """Settings of the job workers; Camunda's variable names."""

    # populate_by_name: WorkerSettings(database_url=…) works as well as the Camunda-style aliases.
    model_config = SettingsConfigDict(env_prefix="", extra="ignore", populate_by_name=True)

    zeebe_address: str = Field(default="127.0.0.1:26500", alias="ZEEBE_ADDRESS")
    camunda_client_id: str | None = Field(default=None, alias="CAMUNDA_CLIENT_ID")
    camunda_client_secret: SecretStr | None = Field(default=None, alias="CAMUNDA_CLIENT_SECRET")
    camunda_oauth_url: str | None = Field(default=None, alias="CAMUNDA_OAUTH_URL")
    camunda_token_audience: str = Field(default="zeebe.camunda.io", alias="CAMUNDA_TOKEN_AUDIENCE")
    database_url: str = Field(default="sqlite:///var/wenping.db", alias="WENPING_DATABASE_URL")
    reports_dir: Path = Field(default=Path("var/reports"), alias="WENPING_REPORTS_DIR")
    max_jobs_to_activate: int = Field(default=32, alias="WENPING_MAX_JOBS_TO_ACTIVATE")
    stream_jobs: bool = Field(
        default=True,
        alias="WENPING_STREAM_JOBS",
        description="Take new jobs as the engine pushes them (job streaming, Zeebe 8.4+) besides "
        "polling; turn off against a Camunda 8.3 or older gateway.",
    )


class Settings(BaseSettings):
    """Top-level settings: what ``wenping`` reads once at start-up."""

    model_config = SettingsConfigDict(env_prefix="WENPING_", extra="ignore")

    environment: str = Field(default="development", description="development | production")
    log_level: str = "INFO"
    log_json: bool = False
    models_dir: Path = Field(default=Path("."), description="Folder holding bpmn/ dmn/ forms/.")
    engine: EngineSettings = Field(default_factory=EngineSettings)
    workers: WorkerSettings = Field(default_factory=WorkerSettings)
