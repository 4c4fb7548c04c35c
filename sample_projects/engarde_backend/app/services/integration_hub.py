"""Shared plumbing for commerce / point-of-sale integrations."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Optional

from .oauth_manager import OAuthManager, OAuthToken, get_oauth_manager

COMMERCE_PROVIDERS = ("shopify", "stripe", "square", "clover", "lightspeed", "toast")


@dataclass
class IntegrationStatus:
    provider: str
    connected: bool
    expires_at: Optional[float] = None
    scopes: Optional[str] = None


class IntegrationHub:
    def __init__(self, manager: Optional[OAuthManager] = None) -> None:
        self.manager = manager or get_oauth_manager()

    def status(self, owner_id: str) -> List[IntegrationStatus]:
        result: List[IntegrationStatus] = []
        for provider in COMMERCE_PROVIDERS:
            token: Optional[OAuthToken] = self.manager.store.load(owner_id, provider)
            result.append(
                IntegrationStatus(
                    provider=provider,
                    connected=token is not None,
                    expires_at=token.expires_at if token else None,
                    scopes=token.scope if token else None,
                )
            )
        return result

    def connect_url(self, owner_id: str, provider: str, shop: Optional[str] = None) -> str:
        return self.manager.authorization_url(provider, owner_id, shop=shop)

    def auth_headers(self, owner_id: str, provider: str) -> Dict[str, Any]:
        return self.manager.get_valid_token(owner_id, provider).authorization_header()


def get_integration_hub() -> IntegrationHub:
    return IntegrationHub()
