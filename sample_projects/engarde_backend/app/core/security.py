"""Password hashing, JWT-like tokens and the ``get_current_user`` dependency."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from typing import TYPE_CHECKING, Any, Dict, Optional

from fastapi import Depends, HTTPException, status
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.config import settings
from app.database import get_db

if TYPE_CHECKING:  # pragma: no cover - imported for type hints only
    from app.models.core import User

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/auth/token", auto_error=False)

_PBKDF2_ROUNDS = 120_000


def hash_password(password: str, *, salt: Optional[str] = None) -> str:
    salt = salt or secrets.token_hex(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), _PBKDF2_ROUNDS)
    return f"pbkdf2_sha256${_PBKDF2_ROUNDS}${salt}${digest.hex()}"


def verify_password(password: str, hashed: str) -> bool:
    try:
        _algo, rounds, salt, digest = hashed.split("$")
    except ValueError:
        return False
    candidate = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), int(rounds))
    return hmac.compare_digest(candidate.hex(), digest)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(data: str) -> bytes:
    return base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))


def create_access_token(subject: str, expires_in: Optional[int] = None, **claims: Any) -> str:
    expires_in = expires_in or settings.ACCESS_TOKEN_EXPIRE_MINUTES * 60
    payload: Dict[str, Any] = {"sub": subject, "exp": int(time.time()) + expires_in, **claims}
    body = _b64(json.dumps(payload, separators=(",", ":")).encode())
    signature = _b64(hmac.new(settings.SECRET_KEY.encode(), body.encode(), hashlib.sha256).digest())
    return f"{body}.{signature}"


def decode_access_token(token: str) -> Dict[str, Any]:
    try:
        body, signature = token.split(".")
    except ValueError as exc:
        raise ValueError("malformed token") from exc
    expected = _b64(hmac.new(settings.SECRET_KEY.encode(), body.encode(), hashlib.sha256).digest())
    if not hmac.compare_digest(expected, signature):
        raise ValueError("bad signature")
    payload = json.loads(_unb64(body))
    if payload.get("exp", 0) < time.time():
        raise ValueError("token expired")
    return payload


def get_current_user(token: Optional[str] = Depends(oauth2_scheme), db: Session = Depends(get_db)) -> "User":
    """Resolve the authenticated user from the bearer token."""
    from app.models.core import User  # local import keeps app.core free of model imports

    credentials_error = HTTPException(
        status_code=status.HTTP_401_UNAUTHORIZED,
        detail="Could not validate credentials",
        headers={"WWW-Authenticate": "Bearer"},
    )
    if not token:
        raise credentials_error
    try:
        payload = decode_access_token(token)
    except ValueError:
        raise credentials_error
    user = db.execute(select(User).where(User.id == payload["sub"])).scalar_one_or_none()
    if user is None or not user.is_active:
        raise credentials_error
    return user


def require_admin(current_user: "User" = Depends(get_current_user)) -> "User":
    if not current_user.is_superuser:
        raise HTTPException(status_code=status.HTTP_403_FORBIDDEN, detail="Admin privileges required")
    return current_user
