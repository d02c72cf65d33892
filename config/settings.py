"""Settings from the environment (and a ``.env`` file), named exactly as the public contract names them."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field, SecretStr, TypeAdapter, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from config.loader import EXAMPLE_PATH

DEFAULT_SLACK_API_URL = "https://slack.com/api/"
# A developer's and operator's switch: ``off`` makes storage run SQLite through plain aiosqlite and SQLAlchemy
# instead of its fast path (docs/architecture.md, "The database"). Rows written are the same either way.
SQLITE_FAST_PATH = "CROSSDESK_SQLITE_FAST_PATH"


class Settings(BaseSettings):
    """Process settings. Secrets are ``SecretStr`` so they never appear in a repr, a log line or a traceback."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        populate_by_name=True,
    )

    slack_bot_token: SecretStr | None = Field(default=None, alias="SLACK_BOT_TOKEN")
    slack_signing_secret: SecretStr | None = Field(default=None, alias="SLACK_SIGNING_SECRET")
    slack_app_token: SecretStr | None = Field(default=None, alias="SLACK_APP_TOKEN")
    slack_api_url: str = Field(default=DEFAULT_SLACK_API_URL, alias="SLACK_API_URL")
    database_url: str = Field(default="sqlite:///./crossdesk.db", alias="DATABASE_URL")
    crossdesk_config: Path | None = Field(default=None, alias="CROSSDESK_CONFIG")
    port: int = Field(default=3000, alias="PORT", ge=0, le=65535)
    host: str = Field(default="0.0.0.0", alias="HOST")  # noqa: S104  (a server in a container must listen on all)
    log_level: str = Field(default="INFO", alias="LOG_LEVEL")
    # When set, ``GET /metrics`` answers only ``Authorization: Bearer <METRICS_TOKEN>`` (401 otherwise).
    metrics_token: SecretStr | None = Field(default=None, alias="METRICS_TOKEN")
    tick_seconds: float = Field(default=15.0, alias="CROSSDESK_TICK_SECONDS", gt=0, le=3600)
    log_format: str = Field(default="text", alias="LOG_FORMAT", pattern="^(text|json)$")
    # Replicas on PostgreSQL: each process holds up to pool + overflow connections; size them so that
    # replicas × (DATABASE_POOL_SIZE + DATABASE_MAX_OVERFLOW) stays below the server's max_connections.
    database_pool_size: int = Field(default=10, alias="DATABASE_POOL_SIZE", ge=1, le=1000)
    database_max_overflow: int = Field(default=10, alias="DATABASE_MAX_OVERFLOW", ge=0, le=1000)
    # A database that does not answer must fail a request fast enough for Slack to retry it (3 s).
    database_connect_timeout: float = Field(default=2.0, alias="DATABASE_CONNECT_TIMEOUT", gt=0, le=300)
    # How long an outbox row stays leased to one sender; a message whose sender died waits this long.
    outbox_lease_seconds: float | None = Field(default=None, alias="CROSSDESK_OUTBOX_LEASE_SECONDS", ge=5, le=86_400)
    # How long a sender may go without a heartbeat before another replica takes over the rows leased to it, looking
    # in Slack before posting any of them again; so also about how long a message waits when its replica dies.
    dead_sender_seconds: float = Field(default=15.0, alias="CROSSDESK_DEAD_SENDER_SECONDS", ge=2, le=3600)
    sqlite_fast_path: bool = Field(default=True, alias=SQLITE_FAST_PATH)

    @property
    def socket_mode(self) -> bool:
        return self.slack_app_token is not None and bool(self.slack_app_token.get_secret_value())

    @property
    def metrics_bearer(self) -> str | None:
        """``METRICS_TOKEN`` when it is set to something other than blanks; ``None`` leaves ``/metrics`` open."""
        token = self.metrics_token.get_secret_value().strip() if self.metrics_token is not None else ""
        return token or None

    def missing_for_run(self) -> list[str]:
        """Names of the variables ``crossdesk run`` needs and does not have, in the order to set them."""
        missing: list[str] = []
        if not _present(self.slack_bot_token):
            missing.append("SLACK_BOT_TOKEN")
        if not self.socket_mode and not _present(self.slack_signing_secret):
            missing.append("SLACK_SIGNING_SECRET")
        return missing

    def token_problems(self) -> list[str]:
        """Tokens that are present but cannot be right (a user token where a bot token belongs, say)."""
        problems: list[str] = []
        bot = self.slack_bot_token.get_secret_value() if self.slack_bot_token else ""
        if bot and not bot.startswith("xoxb-"):
            problems.append("SLACK_BOT_TOKEN must be a bot token starting with xoxb-")
        app = self.slack_app_token.get_secret_value() if self.slack_app_token else ""
        if app and not app.startswith("xapp-"):
            problems.append("SLACK_APP_TOKEN must be an app-level token starting with xapp-")
        return problems

    def workspace_path(self) -> Path:
        """``CROSSDESK_CONFIG``, else ``./crossdesk.yaml`` when it exists, else the bundled example."""
        if self.crossdesk_config is not None:
            return self.crossdesk_config
        local = Path("crossdesk.yaml")
        return local if local.exists() else EXAMPLE_PATH

    @property
    def api_url(self) -> str:
        """``SLACK_API_URL`` with the trailing slash slack_sdk needs to join method names."""
        return self.slack_api_url if self.slack_api_url.endswith("/") else self.slack_api_url + "/"


_SWITCH = TypeAdapter(bool)


def sqlite_fast_path_from_environment() -> bool:
    """``CROSSDESK_SQLITE_FAST_PATH`` as the process environment has it (on when unset), read the way
    :class:`Settings` reads it, for what opens a database without settings (tests, the benchmarks)."""
    value = os.environ.get(SQLITE_FAST_PATH, "on")
    try:
        return _SWITCH.validate_python(value)
    except ValidationError:
        raise ValueError(f"{SQLITE_FAST_PATH} must be on or off, not {value!r}") from None


def _present(secret: SecretStr | None) -> bool:
    return secret is not None and bool(secret.get_secret_value().strip())
