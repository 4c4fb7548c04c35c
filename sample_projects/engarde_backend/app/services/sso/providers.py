"""Registry of configured SSO identity providers (per tenant)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional


@dataclass
class SSOProviderConfig:
    tenant_id: str
    kind: str  # "saml" | "oidc"
    display_name: str
    metadata_url: Optional[str] = None
    client_id: Optional[str] = None
    enabled: bool = True
    domains: List[str] = field(default_factory=list)


class SSOProviderRegistry:
    def __init__(self) -> None:
        self._providers: Dict[str, List[SSOProviderConfig]] = {}

    def register(self, config: SSOProviderConfig) -> None:
        self._providers.setdefault(config.tenant_id, []).append(config)

    def for_tenant(self, tenant_id: str) -> List[SSOProviderConfig]:
        return list(self._providers.get(tenant_id, []))

    def for_email(self, email: str) -> Optional[SSOProviderConfig]:
        domain = email.rsplit("@", 1)[-1].lower()
        for configs in self._providers.values():
            for config in configs:
                if config.enabled and domain in config.domains:
                    return config
        return None


registry = SSOProviderRegistry()
