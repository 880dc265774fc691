"""Configuration from the environment (and a `.env` file), as product.md §6 lists it."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATA_DIR = Path("data")


class Settings(BaseSettings):
    """Every knob an operator can turn; tokens are secrets and never printed."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = Field(default="", description="SQLAlchemy URL; empty: SQLite under ./data/")
    redis_url: str | None = None
    telegram_bot_token: SecretStr | None = None
    telegram_api_base: str = "https://api.telegram.org"
    zalo_bot_token: SecretStr | None = None
    zalo_api_base: str = "https://bot-api.zaloplatforms.com"
    campaign_file: Path | None = None
    webhook_base_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_listen: str = "127.0.0.1:8080"
    # With webhooks, charts and exports sent on Zalo are links to this server (bot/published.py):
    # how long a link works (to the end of that local day), and the key that signs it
    # (unset: derived from WEBHOOK_SECRET; changing it revokes every link).
    file_link_ttl_days: int = Field(default=7, ge=1)
    file_link_secret: SecretStr | None = None
    data_dir: Path = DEFAULT_DATA_DIR
    # Several workers: how often each looks for chats with stored updates no worker has taken
    # (a worker died, or received them and stopped), and how long a reply being sent stays
    # claimed by its worker without renewal (it renews while alive; after a crash, another
    # worker sends the reply once this has passed).
    inbox_poll_seconds: float = Field(default=2.0, gt=0)
    outbox_lease_seconds: float = Field(default=30.0, gt=0)
    log_level: str = "INFO"
    # Wrong invite codes: after this many in the window the chat is slowed, then refused.
    invite_attempts_before_delay: int = 3
    invite_attempts_before_lockout: int = 6
    invite_lockout_minutes: int = 15
    invite_code_ttl_days: int = 30
    # Reminders (product.md §4): the messengers' limits, and how the planner and sender run.
    reminders_enabled: bool = True
    telegram_rate_per_second: float = 30
    telegram_rate_per_chat: float = 1
    zalo_rate_per_second: float = 30
    zalo_rate_per_chat: float = 1
    reminder_send_until_hour: int | None = 17
    reminder_plan_seconds: float = 300
    reminder_send_seconds: float = 30
    reminder_lease_seconds: float = 300
    reminder_concurrency: int = 4
    reminder_horizon_days: float = 7
    reminder_catch_up_days: float = 3
    reminder_max_after_due: int = 10
    reminder_late_grace_minutes: float = 30

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> Settings:
        if self.webhook_base_url and not self.webhook_secret:
            raise ValueError("WEBHOOK_SECRET is required when WEBHOOK_BASE_URL is set")
        return self

    def secret(self, name: str) -> str:
        """A secret setting's value ('' when unset); only channel code should need it."""
        value = getattr(self, name)
        return value.get_secret_value() if value is not None else ""

    def resolved_database_url(self) -> str:
        """The configured URL, or the embedded SQLite file under the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'bot.db').as_posix()}"
