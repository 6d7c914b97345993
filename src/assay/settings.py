"""Process settings from the environment, validated once at start-up."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from assay.domain.errors import ConfigError

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]


def _default_home() -> Path:
    return Path.cwd() / ".assay"


class Settings(BaseSettings):
    """Everything Assay reads from the environment; the field names are the variable names."""

    model_config = SettingsConfigDict(env_prefix="", env_ignore_empty=True, extra="ignore")

    database_url: str | None = None
    assay_home: Path = Field(default_factory=_default_home)
    openrouter_api_key: SecretStr | None = None
    openrouter_base_url: str = "https://openrouter.ai/api/v1"
    supabase_url: str | None = None
    supabase_jwt_secret: SecretStr | None = None
    supabase_anon_key: str | None = None  # public by design: the dashboard sends it to Supabase
    log_level: LogLevel = "INFO"

    @property
    def openrouter_key_configured(self) -> bool:
        """Whether OPENROUTER_API_KEY holds a key; says nothing about the key itself."""
        key = self.openrouter_api_key
        return key is not None and bool(key.get_secret_value().strip())

    @field_validator("assay_home")
    @classmethod
    def _resolve_home(cls, value: Path) -> Path:
        return value.expanduser().resolve()

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_level(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("openrouter_base_url", "supabase_url")
    @classmethod
    def _strip_slash(cls, value: str | None) -> str | None:
        # Callers append paths like "/chat/completions"; a trailing slash would double it.
        return value.rstrip("/") if value else value


@functools.lru_cache(maxsize=1)
def load_settings() -> Settings:
    """Read the environment once; later calls return the same object."""
    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in err['loc']).upper()}: {err['msg']}"
            for err in exc.errors()
        )
        raise ConfigError(f"invalid environment: {problems}") from exc
