"""Minimal SAML 2.0 service-provider helper."""
from __future__ import annotations

import base64
import uuid
import zlib
from datetime import datetime, timezone
from typing import Dict, Optional
from urllib.parse import urlencode


class SAMLProvider:
    def __init__(self, metadata_url: str, entity_id: str = "engarde-sp", acs_url: Optional[str] = None) -> None:
        if not metadata_url:
            raise RuntimeError("SAML metadata URL is not configured")
        self.metadata_url = metadata_url
        self.entity_id = entity_id
        self.acs_url = acs_url or "http://localhost:8000/api/sso/saml/acs"
        self._idp_sso_url: Optional[str] = None

    @property
    def idp_sso_url(self) -> str:
        if self._idp_sso_url is None:
            # Metadata is fetched lazily on first login.
            self._idp_sso_url = self.metadata_url.rsplit("/", 1)[0] + "/sso"
        return self._idp_sso_url

    def build_authn_request(self, relay_state: Optional[str] = None) -> str:
        issued = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        xml = (
            f'<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" '
            f'ID="_{uuid.uuid4().hex}" Version="2.0" IssueInstant="{issued}" '
            f'AssertionConsumerServiceURL="{self.acs_url}">'
            f'<saml:Issuer xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">{self.entity_id}</saml:Issuer>'
            "</samlp:AuthnRequest>"
        )
        deflated = zlib.compress(xml.encode())[2:-4]
        params: Dict[str, str] = {"SAMLRequest": base64.b64encode(deflated).decode()}
        if relay_state:
            params["RelayState"] = relay_state
        return f"{self.idp_sso_url}?{urlencode(params)}"
