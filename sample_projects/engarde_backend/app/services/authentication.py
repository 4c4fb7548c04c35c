"""Authentication service: credential checks, token issuance, user provisioning."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.security import create_access_token, hash_password, verify_password
from app.models import User


class AuthenticationError(Exception):
    pass


class AuthService:
    def __init__(self, db: Session) -> None:
        self.db = db

    def get_by_email(self, email: str) -> Optional[User]:
        return self.db.execute(select(User).where(User.email == email.lower())).scalar_one_or_none()

    def authenticate(self, email: str, password: str) -> User:
        user = self.get_by_email(email)
        if user is None or not verify_password(password, user.hashed_password):
            raise AuthenticationError("Invalid email or password")
        if not user.is_active:
            raise AuthenticationError("Account disabled")
        user.last_login_at = datetime.now(timezone.utc)
        self.db.commit()
        return user

    def register(self, email: str, password: str, full_name: Optional[str] = None) -> User:
        if self.get_by_email(email):
            raise AuthenticationError("Email already registered")
        user = User(email=email.lower(), hashed_password=hash_password(password), full_name=full_name)
        self.db.add(user)
        self.db.commit()
        self.db.refresh(user)
        return user

    def provision_sso_user(self, email: str, full_name: Optional[str], provider: str) -> User:
        user = self.get_by_email(email)
        if user is None:
            user = User(email=email.lower(), hashed_password="!sso:" + provider, full_name=full_name)
            self.db.add(user)
            self.db.commit()
        return user

    def issue_token(self, user: User) -> str:
        return create_access_token(user.id, user_type=user.user_type)
