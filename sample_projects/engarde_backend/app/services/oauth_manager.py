"""OAuth 2.0 connection manager for advertising, commerce and POS platforms.

Handles the authorization-code flow (with PKCE where supported), token
exchange, refresh and revocation for every platform integration.  Tokens are
persisted through a pluggable ``TokenStore``; the default store keeps them in
memory (tests / local development).
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import secrets
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Mapping, Optional, Protocol

from app.core.config import settings

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 15.0
STATE_TTL_SECONDS = 600
REFRESH_LEEWAY_SECONDS = 120


# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------


class OAuthError(Exception):
    """Base class for OAuth failures."""


class UnknownProviderError(OAuthError):
    pass


class InvalidStateError(OAuthError):
    pass


class TokenExchangeError(OAuthError):
    def __init__(self, provider: str, status: int, body: str) -> None:
        super().__init__(f"{provider}: token endpoint returned HTTP {status}: {body[:200]}")
        self.provider = provider
        self.status = status
        self.body = body


class TokenExpiredError(OAuthError):
    pass


# ---------------------------------------------------------------------------
# Data structures
# ---------------------------------------------------------------------------


@dataclass
class OAuthProvider:
    name: str
    authorize_url: str
    token_url: str
    scopes: List[str]
    revoke_url: Optional[str] = None
    userinfo_url: Optional[str] = None
    auth_style: str = "body"  # "body" (client creds in form) or "header" (HTTP basic)
    pkce: bool = False
    scope_separator: str = " "
    extra_authorize_params: Dict[str, str] = field(default_factory=dict)
    client_id_env: str = ""
    client_secret_env: str = ""

    @classmethod
    def from_dict(cls, name: str, data: Mapping[str, Any]) -> "OAuthProvider":
        return cls(name=name, **dict(data))


@dataclass
class OAuthToken:
    provider: str
    access_token: str
    token_type: str = "Bearer"
    refresh_token: Optional[str] = None
    expires_at: Optional[float] = None
    scope: Optional[str] = None
    raw: Dict[str, Any] = field(default_factory=dict)

    @property
    def expired(self) -> bool:
        return self.expires_at is not None and self.expires_at - REFRESH_LEEWAY_SECONDS <= time.time()

    def authorization_header(self) -> Dict[str, str]:
        return {"Authorization": f"{self.token_type} {self.access_token}"}

    @classmethod
    def from_response(cls, provider: str, payload: Mapping[str, Any]) -> "OAuthToken":
        expires_in = payload.get("expires_in")
        return cls(
            provider=provider,
            access_token=payload["access_token"],
            token_type=str(payload.get("token_type", "Bearer")).capitalize(),
            refresh_token=payload.get("refresh_token"),
            expires_at=time.time() + float(expires_in) if expires_in else None,
            scope=payload.get("scope"),
            raw=dict(payload),
        )


@dataclass
class PendingAuthorization:
    state: str
    provider: str
    owner_id: str
    redirect_uri: str
    code_verifier: Optional[str]
    created_at: float = field(default_factory=time.time)


class TokenStore(Protocol):
    def save(self, owner_id: str, token: OAuthToken) -> None: ...

    def load(self, owner_id: str, provider: str) -> Optional[OAuthToken]: ...

    def delete(self, owner_id: str, provider: str) -> None: ...


class InMemoryTokenStore:
    def __init__(self) -> None:
        self._tokens: Dict[tuple, OAuthToken] = {}
        self._lock = threading.Lock()

    def save(self, owner_id: str, token: OAuthToken) -> None:
        with self._lock:
            self._tokens[(owner_id, token.provider)] = token

    def load(self, owner_id: str, provider: str) -> Optional[OAuthToken]:
        with self._lock:
            return self._tokens.get((owner_id, provider))

    def delete(self, owner_id: str, provider: str) -> None:
        with self._lock:
            self._tokens.pop((owner_id, provider), None)


# ---------------------------------------------------------------------------
# Advertising / social / commerce platforms
# ---------------------------------------------------------------------------

PLATFORM_PROVIDERS: Dict[str, Dict[str, Any]] = {
    "google": {
        "authorize_url": "https://accounts.google.com/o/oauth2/v2/auth",
        "token_url": "https://oauth2.googleapis.com/token",
        "revoke_url": "https://oauth2.googleapis.com/revoke",
        "userinfo_url": "https://openidconnect.googleapis.com/v1/userinfo",
        "scopes": ["openid", "email", "https://www.googleapis.com/auth/adwords"],
        "pkce": True,
        "extra_authorize_params": {"access_type": "offline", "prompt": "consent"},
        "client_id_env": "GOOGLE_CLIENT_ID",
        "client_secret_env": "GOOGLE_CLIENT_SECRET",
    },
    "facebook": {
        "authorize_url": "https://www.facebook.com/v19.0/dialog/oauth",
        "token_url": "https://graph.facebook.com/v19.0/oauth/access_token",
        "userinfo_url": "https://graph.facebook.com/me",
        "scopes": ["ads_management", "ads_read", "business_management", "pages_read_engagement"],
        "scope_separator": ",",
        "client_id_env": "FACEBOOK_APP_ID",
        "client_secret_env": "FACEBOOK_APP_SECRET",
    },
    "linkedin": {
        "authorize_url": "https://www.linkedin.com/oauth/v2/authorization",
        "token_url": "https://www.linkedin.com/oauth/v2/accessToken",
        "scopes": ["r_ads", "rw_ads", "r_organization_social"],
        "client_id_env": "LINKEDIN_CLIENT_ID",
        "client_secret_env": "LINKEDIN_CLIENT_SECRET",
    },
    "twitter": {
        "authorize_url": "https://twitter.com/i/oauth2/authorize",
        "token_url": "https://api.twitter.com/2/oauth2/token",
        "revoke_url": "https://api.twitter.com/2/oauth2/revoke",
        "scopes": ["tweet.read", "users.read", "offline.access"],
        "auth_style": "header",
        "pkce": True,
        "client_id_env": "TWITTER_CLIENT_ID",
        "client_secret_env": "TWITTER_CLIENT_SECRET",
    },
    "shopify": {
        # {shop} is substituted with the merchant's myshopify domain
        "authorize_url": "https://{shop}/admin/oauth/authorize",
        "token_url": "https://{shop}/admin/oauth/access_token",
        "scopes": ["read_orders", "read_products", "write_payment_gateways"],
        "scope_separator": ",",
        "client_id_env": "SHOPIFY_API_KEY",
        "client_secret_env": "SHOPIFY_API_SECRET",
    },
    "stripe": {
        "authorize_url": "https://connect.stripe.com/oauth/authorize",
        "token_url": "https://connect.stripe.com/oauth/token",
        "revoke_url": "https://connect.stripe.com/oauth/deauthorize",
        "scopes": ["read_write"],
        "client_id_env": "STRIPE_CLIENT_ID",
        "client_secret_env": "STRIPE_SECRET_KEY",
    },
}


# ---------------------------------------------------------------------------
# Manager
# ---------------------------------------------------------------------------


class OAuthManager:
    def __init__(
        self,
        providers: Optional[Mapping[str, Mapping[str, Any]]] = None,
        store: Optional[TokenStore] = None,
        http_post: Optional[Callable[[str, Dict[str, str], Dict[str, str]], Dict[str, Any]]] = None,
        env: Optional[Mapping[str, str]] = None,
    ) -> None:
        self.providers: Dict[str, OAuthProvider] = {
            name: OAuthProvider.from_dict(name, cfg) for name, cfg in (providers or PLATFORM_PROVIDERS).items()
        }
        self.store: TokenStore = store or InMemoryTokenStore()
        self._http_post = http_post or self._default_post
        self._pending: Dict[str, PendingAuthorization] = {}
        self._env = env
        self._lock = threading.Lock()

    # -- configuration -----------------------------------------------------

    def provider(self, name: str) -> OAuthProvider:
        try:
            return self.providers[name]
        except KeyError:
            raise UnknownProviderError(f"Unknown OAuth provider: {name}") from None

    def register(self, name: str, config: Mapping[str, Any]) -> None:
        self.providers[name] = OAuthProvider.from_dict(name, config)

    def _credentials(self, provider: OAuthProvider) -> tuple:
        import os

        env = self._env if self._env is not None else os.environ
        return env.get(provider.client_id_env, ""), env.get(provider.client_secret_env, "")

    def redirect_uri(self, provider_name: str) -> str:
        return f"{settings.OAUTH_REDIRECT_BASE}/{provider_name}"

    # -- authorization -----------------------------------------------------

    def authorization_url(self, provider_name: str, owner_id: str, shop: Optional[str] = None) -> str:
        provider = self.provider(provider_name)
        client_id, _ = self._credentials(provider)
        state = secrets.token_urlsafe(24)
        verifier = generate_code_verifier() if provider.pkce else None
        redirect_uri = self.redirect_uri(provider_name)
        params: Dict[str, str] = {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": redirect_uri,
            "scope": provider.scope_separator.join(provider.scopes),
            "state": state,
            **provider.extra_authorize_params,
        }
        if verifier:
            params["code_challenge"] = code_challenge(verifier)
            params["code_challenge_method"] = "S256"
        with self._lock:
            self._expire_pending()
            self._pending[state] = PendingAuthorization(state, provider_name, owner_id, redirect_uri, verifier)
        base = provider.authorize_url.format(shop=shop) if shop else provider.authorize_url
        return f"{base}?{urllib.parse.urlencode(params)}"

    def _expire_pending(self) -> None:
        cutoff = time.time() - STATE_TTL_SECONDS
        for state in [s for s, p in self._pending.items() if p.created_at < cutoff]:
            del self._pending[state]

    def _pop_pending(self, state: str) -> PendingAuthorization:
        with self._lock:
            pending = self._pending.pop(state, None)
        if pending is None or pending.created_at < time.time() - STATE_TTL_SECONDS:
            raise InvalidStateError("OAuth state is unknown or expired")
        return pending

    # -- token exchange ----------------------------------------------------

    def exchange_code(self, state: str, code: str, shop: Optional[str] = None) -> OAuthToken:
        pending = self._pop_pending(state)
        provider = self.provider(pending.provider)
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": pending.redirect_uri,
        }
        if pending.code_verifier:
            form["code_verifier"] = pending.code_verifier
        payload = self._token_request(provider, form, shop=shop)
        token = OAuthToken.from_response(provider.name, payload)
        self.store.save(pending.owner_id, token)
        logger.info("Connected %s for owner %s", provider.name, pending.owner_id)
        return token

    def refresh(self, owner_id: str, provider_name: str) -> OAuthToken:
        provider = self.provider(provider_name)
        current = self.store.load(owner_id, provider_name)
        if current is None or not current.refresh_token:
            raise TokenExpiredError(f"No refresh token stored for {provider_name}")
        payload = self._token_request(
            provider, {"grant_type": "refresh_token", "refresh_token": current.refresh_token}
        )
        token = OAuthToken.from_response(provider_name, payload)
        if token.refresh_token is None:  # many providers do not rotate refresh tokens
            token.refresh_token = current.refresh_token
        self.store.save(owner_id, token)
        return token

    def get_valid_token(self, owner_id: str, provider_name: str) -> OAuthToken:
        token = self.store.load(owner_id, provider_name)
        if token is None:
            raise TokenExpiredError(f"{provider_name} is not connected")
        if token.expired:
            token = self.refresh(owner_id, provider_name)
        return token

    def revoke(self, owner_id: str, provider_name: str) -> None:
        provider = self.provider(provider_name)
        token = self.store.load(owner_id, provider_name)
        if token and provider.revoke_url:
            client_id, client_secret = self._credentials(provider)
            try:
                self._http_post(
                    provider.revoke_url,
                    {"token": token.access_token, "client_id": client_id, "client_secret": client_secret},
                    {},
                )
            except OAuthError:
                logger.warning("Revocation failed for %s; deleting local token anyway", provider_name)
        self.store.delete(owner_id, provider_name)

    # -- HTTP --------------------------------------------------------------

    def _token_request(self, provider: OAuthProvider, form: Dict[str, str], shop: Optional[str] = None) -> Dict[str, Any]:
        client_id, client_secret = self._credentials(provider)
        headers = {"Accept": "application/json"}
        if provider.auth_style == "header":
            basic = base64.b64encode(f"{client_id}:{client_secret}".encode()).decode()
            headers["Authorization"] = f"Basic {basic}"
        else:
            form = {**form, "client_id": client_id, "client_secret": client_secret}
        url = provider.token_url.format(shop=shop) if shop else provider.token_url
        return self._http_post(url, form, headers)

    @staticmethod
    def _default_post(url: str, form: Dict[str, str], headers: Dict[str, str]) -> Dict[str, Any]:
        data = urllib.parse.urlencode(form).encode()
        request = urllib.request.Request(url, data=data, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=DEFAULT_TIMEOUT) as response:  # noqa: S310
                body = response.read().decode()
        except urllib.error.HTTPError as exc:
            raise TokenExchangeError(url, exc.code, exc.read().decode(errors="replace")) from exc
        except urllib.error.URLError as exc:
            raise OAuthError(f"Could not reach {url}: {exc.reason}") from exc
        try:
            return json.loads(body)
        except json.JSONDecodeError:
            return dict(urllib.parse.parse_qsl(body))


# ---------------------------------------------------------------------------
# Point-of-sale providers (added for the POS production rollout)
# ---------------------------------------------------------------------------

POS_PROVIDERS: Dict[str, Dict[str, Any]] = {
    "square": {
        "authorize_url": "https://connect.squareup.com/oauth2/authorize",
        "token_url": "https://connect.squareup.com/oauth2/token",
        "revoke_url": "https://connect.squareup.com/oauth2/revoke",
        "scopes": ["MERCHANT_PROFILE_READ", "PAYMENTS_READ", "ORDERS_READ", "ITEMS_READ"],
        "pkce": True,
        "client_id_env": "SQUARE_APPLICATION_ID",
        "client_secret_env": "SQUARE_APPLICATION_SECRET",
    },
    "clover": {
        "authorize_url": "https://www.clover.com/oauth/v2/authorize",
        "token_url": "https://www.clover.com/oauth/v2/token",
        "scopes": ["merchant_r", "orders_r", "payments_r", "inventory_r"],
        "client_id_env": "CLOVER_APP_ID",
        "client_secret_env": "CLOVER_APP_SECRET",
    },
    "lightspeed": {
        "authorize_url": "https://cloud.lightspeedapp.com/oauth/authorize.php",
        "token_url": "https://cloud.lightspeedapp.com/oauth/access_token.php",
        "scopes": ["employee:all"]
        "auth_style": "body",
        "client_id_env": "LIGHTSPEED_CLIENT_ID",
        "client_secret_env": "LIGHTSPEED_CLIENT_SECRET",
    },
    "toast": {
        "authorize_url": "https://ws-api.toasttab.com/usermgmt/v1/oauth/authorize",
        "token_url": "https://ws-api.toasttab.com/authentication/v1/authentication/login",
        "scopes": ["orders:read", "menus:read", "restaurants:read"],
        "auth_style": "header",
        "client_id_env": "TOAST_CLIENT_ID",
        "client_secret_env": "TOAST_CLIENT_SECRET",
    },
}


def all_providers() -> Dict[str, Dict[str, Any]]:
    return {**PLATFORM_PROVIDERS, **POS_PROVIDERS}


# ---------------------------------------------------------------------------
# PKCE helpers
# ---------------------------------------------------------------------------


def generate_code_verifier(length: int = 64) -> str:
    return secrets.token_urlsafe(length)[:128]


def code_challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


_manager: Optional[OAuthManager] = None
_manager_lock = threading.Lock()


def get_oauth_manager() -> OAuthManager:
    """Process-wide manager (FastAPI dependency)."""
    global _manager
    with _manager_lock:
        if _manager is None:
            _manager = OAuthManager(providers=all_providers())
        return _manager


def connected_providers(owner_id: str, manager: Optional[OAuthManager] = None) -> List[str]:
    manager = manager or get_oauth_manager()
    return [name for name in manager.providers if manager.store.load(owner_id, name) is not None]


def sign_webhook_payload(secret: str, payload: bytes) -> str:
    """HMAC-SHA256 signature used by the outgoing webhook deliveries."""
    import hmac

    return base64.b64encode(hmac.new(secret.encode(), payload, hashlib.sha256).digest()).decode()


def verify_webhook_signature(secret: str, payload: bytes, signature: str) -> bool:
    import hmac

    return hmac.compare_digest(sign_webhook_payload(secret, payload), signature)


def verify_shopify_hmac(query: Mapping[str, str], secret: str) -> bool:
    """Validate the ``hmac`` query parameter Shopify appends to OAuth callbacks."""
    import hmac

    params = {k: v for k, v in query.items() if k != "hmac"}
    message = "&".join(f"{k}={v}" for k, v in sorted(params.items()))
    expected = hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, query.get("hmac", ""))
