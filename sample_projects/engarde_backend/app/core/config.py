"""Application settings.

Values come from environment variables; defaults are suitable for local
development (SQLite, no SSO, no external AI providers).
"""
from __future__ import annotations

import os
from functools import lru_cache
from typing import List

from pydantic import BaseModel, Field


def _env_list(name: str, default: str = "") -> List[str]:
    raw = os.getenv(name, default)
    return [item.strip() for item in raw.split(",") if item.strip()]


class Settings(BaseModel):
    PROJECT_NAME: str = "EnGarde API"
    API_PREFIX: str = "/api"
    ENVIRONMENT: str = Field(default_factory=lambda: os.getenv("ENVIRONMENT", "development"))
    DATABASE_URL: str = Field(default_factory=lambda: os.getenv("DATABASE_URL", "sqlite:///./engarde.db"))
    SECRET_KEY: str = Field(default_factory=lambda: os.getenv("SECRET_KEY", "dev-secret-change-me"))
    ACCESS_TOKEN_EXPIRE_MINUTES: int = Field(
        default_factory=lambda: int(os.getenv("ACCESS_TOKEN_EXPIRE_MINUTES", "60"))
    )
    CORS_ORIGINS: List[str] = Field(default_factory=lambda: _env_list("CORS_ORIGINS", "http://localhost:3000"))

    # Enterprise SSO (SAML 2.0). Empty unless configured for a tenant.
    SAML_METADATA_URL: str = Field(default_factory=lambda: os.getenv("SAML_METADATA_URL", ""))
    SAML_ENTITY_ID: str = Field(default_factory=lambda: os.getenv("SAML_ENTITY_ID", "engarde-sp"))

    # OAuth client credentials for platform integrations
    OAUTH_REDIRECT_BASE: str = Field(
        default_factory=lambda: os.getenv("OAUTH_REDIRECT_BASE", "http://localhost:8000/api/oauth/callback")
    )

    # AI providers
    OPENAI_API_KEY: str = Field(default_factory=lambda: os.getenv("OPENAI_API_KEY", ""))
    GEMINI_API_KEY: str = Field(default_factory=lambda: os.getenv("GEMINI_API_KEY", ""))

    # ZeroDB multi-tenant store
    ZERODB_PROJECT_ID: str = Field(default_factory=lambda: os.getenv("ZERODB_PROJECT_ID", "local"))

    # Credits / billing
    DEFAULT_MONTHLY_CREDITS: int = 1000

    @property
    def is_production(self) -> bool:
        return self.ENVIRONMENT.lower() == "production"


@lru_cache
def get_settings() -> Settings:
    return Settings()


settings = get_settings()
