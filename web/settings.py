"""Settings of the staff web app (``wenping web``), built once at the entry point.

The engine is reached only through the Camunda 8 REST API v2, so the same settings point the app
at the embedded engine or at a Camunda 8 cluster: ``CAMUNDA_REST_ADDRESS`` (Camunda's own name)
plus either a bearer token, basic credentials or Camunda's OAuth client credentials.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SESSION_SECRET = "wenping-development-session-secret"
DEV_DEMO_PASSWORD = "wenping-demo"


class InsecureSettings(ValueError):
    """A setting left at its development default where that would be unsafe."""


class WebSettings(BaseSettings):
    """Everything ``wenping web`` reads: where to listen, which engine, which domain database."""

    model_config = SettingsConfigDict(env_prefix="WENPING_WEB_", extra="ignore")

    environment: str = Field(
        default="development",
        alias="WENPING_ENVIRONMENT",
        description="development | production (shared with the rest of wenping)",
    )
    host: str = "127.0.0.1"
    port: int = 8000

    engine_url: str = Field(
        default="http://127.0.0.1:8080",
        alias="CAMUNDA_REST_ADDRESS",
        description="Base URL of the Camunda 8 REST API (without /v2).",
    )
    engine_token: SecretStr | None = Field(
        default=None, description="Bearer token for the REST API"
    )
    engine_basic_user: str | None = None
    engine_basic_password: SecretStr | None = None
    camunda_client_id: str | None = Field(default=None, alias="CAMUNDA_CLIENT_ID")
    camunda_client_secret: SecretStr | None = Field(default=None, alias="CAMUNDA_CLIENT_SECRET")
    camunda_oauth_url: str | None = Field(default=None, alias="CAMUNDA_OAUTH_URL")
    camunda_token_audience: str = Field(default="zeebe.camunda.io", alias="CAMUNDA_TOKEN_AUDIENCE")
    engine_timeout_s: float = 10.0

    database_url: str = Field(
        default="sqlite:///var/wenping.db",
        alias="WENPING_DATABASE_URL",
        description="The workers' domain database (items, risk registers, filings, ledger).",
    )
    reports_dir: Path = Field(default=Path("var/reports"), alias="WENPING_REPORTS_DIR")

    session_secret: SecretStr = SecretStr(DEV_SESSION_SECRET)
    session_max_age_s: int = 8 * 3600
    secure_cookies: bool | None = Field(
        default=None,
        description="Send the session cookie over HTTPS only; unset: on outside development.",
    )
    users_file: Path | None = Field(
        default=None, description="JSON list of users with scrypt password hashes (production)."
    )
    demo_users: bool = Field(default=True, description="Offer the demo users of the six units.")
    demo_password: SecretStr = SecretStr(DEV_DEMO_PASSWORD)
    process_id: str = Field(
        default="Process_RiskAssessment", description="The process a new item starts."
    )

    @property
    def is_development(self) -> bool:
        return self.environment == "development"

    @property
    def cookies_https_only(self) -> bool:
        """Whether the session cookie carries ``Secure``.

        On by default outside development, so a production session cannot leak over plain HTTP
        by omission; a site without TLS must say so with ``WENPING_WEB_SECURE_COOKIES=false``.
        """
        return self.secure_cookies if self.secure_cookies is not None else not self.is_development

    @model_validator(mode="after")
    def _refuse_defaults_outside_development(self) -> WebSettings:
        if self.is_development:
            return self
        if self.session_secret.get_secret_value() in ("", DEV_SESSION_SECRET):
            raise InsecureSettings(
                "WENPING_WEB_SESSION_SECRET must be set outside development "
                "(生产环境必须设置会话密钥)"
            )
        if len(self.session_secret.get_secret_value()) < 32:
            raise InsecureSettings(
                "WENPING_WEB_SESSION_SECRET must have at least 32 characters (会话密钥过短)"
            )
        if self.demo_users and self.demo_password.get_secret_value() == DEV_DEMO_PASSWORD:
            raise InsecureSettings(
                "demo users with the default password are refused outside development: set "
                "WENPING_WEB_DEMO_USERS=false or WENPING_WEB_DEMO_PASSWORD (演示账号须改密码)"
            )
        return self
