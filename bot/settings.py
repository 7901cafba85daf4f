"""Settings, read from the environment once into a frozen object."""

from __future__ import annotations

from pathlib import Path
from typing import Literal
from urllib.parse import urlparse

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.handover.hours import OfficeHours

ROOT = Path(__file__).resolve().parent.parent


class SettingsError(Exception):
    """A setting that the chosen command needs is missing or malformed."""


class Settings(BaseSettings):
    """Everything configurable; names are the environment variables in upper case."""

    model_config = SettingsConfigDict(
        frozen=True, env_file=None, extra="ignore", env_ignore_empty=True)

    telegram_bot_token: str | None = None
    telegram_api_url: str = "https://api.telegram.org/bot"
    redis_url: str = "redis://127.0.0.1:6379/0"
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_timeout: float = Field(default=1.5, gt=0, le=30)
    # Handover: the staff supergroups (forum topics on, bot admin with "manage topics").
    counsellor_chat_id: int | None = None
    peer_chat_id: int | None = None
    staff_file: Path = ROOT / "staff.yml"
    # Office hours in Europe/Berlin ("Mo-Fr 09:00-17:00; Sa 10:00-13:00" or "24/7"); public
    # holidays of `holiday_region` (NW = NRW) are closed.
    counsellor_hours: str = "Mo-Fr 09:00-17:00"
    peer_hours: str = "Mo-Fr 15:00-19:00"
    holiday_region: str = "NW"
    # An unclaimed case is announced again after this many minutes (within office hours).
    reannounce_minutes: float = Field(default=15, gt=0)
    # Open cases without a message for this long are closed, with a notice to both sides.
    case_idle_days: float = Field(default=7, gt=0)
    # Closed cases are anonymised (and their forum topic deleted) after this many days.
    case_retention_days: float = Field(default=90, gt=0)
    # Asking for a person again within this many days reopens the last case.
    case_reopen_days: float = Field(default=7, ge=0)
    blocked_days: float = Field(default=90, gt=0)
    # The user's last messages (shown on a new case card) expire after this many days.
    snippet_ttl_days: float = Field(default=30, gt=0)
    sweep_seconds: float = Field(default=60, gt=0)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    webhook_url: str | None = None
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    webhook_secret: str | None = None
    # Key for the keyed hash that turns Telegram ids into pseudonyms (storage and logs).
    pseudonym_key: str | None = None
    content_dir: Path = ROOT / "content"
    # Below this Rasa confidence, or when the second topic is less than the margin behind, the
    # bot asks back instead of answering (tuned on the held-out data: nlu/README.md).
    nlu_threshold: float = Field(default=0.5, ge=0, le=1)
    nlu_margin: float = Field(default=0.1, ge=0, le=1)
    max_text_chars: int = Field(default=1500, ge=50, le=4096)
    # How long a user's profile (language, city) is kept after their last message.
    profile_ttl_days: int = Field(default=180, ge=1)

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("counsellor_hours", "peer_hours")
    @classmethod
    def _hours(cls, value: str) -> str:
        _ = OfficeHours(value).windows  # raises HoursError (a ValueError) when unreadable
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis_scheme(cls, value: str) -> str:
        if urlparse(value).scheme not in {"redis", "rediss", "unix"}:
            raise ValueError("must start with redis://, rediss:// or unix://")
        return value

    @field_validator("rasa_url", "telegram_api_url", "webhook_url")
    @classmethod
    def _http_scheme(cls, value: str | None) -> str | None:
        if value is not None and urlparse(value).scheme not in {"http", "https"}:
            raise ValueError("must be an http:// or https:// URL")
        return value.rstrip("/") if value else value

    def require(self, *names: str) -> None:
        """Raise SettingsError naming the first of `names` that is not set."""
        for name in names:
            if not getattr(self, name):
                raise SettingsError(f"{name.upper()} is not set (see .env.example)")

    @property
    def secret_for_pseudonyms(self) -> str:
        """The pseudonym key; falls back to the bot token so a deployment needs one secret less."""
        return self.pseudonym_key or self.telegram_bot_token or "lotse-local"


def load_settings() -> Settings:
    """Read the environment once; a malformed value raises SettingsError naming it."""
    try:
        return Settings()
    except ValidationError as exc:
        error = exc.errors()[0]
        name = str(error["loc"][0]).upper() if error["loc"] else "a setting"
        raise SettingsError(f"{name} is malformed: {error['msg']}") from None
