from __future__ import annotations

from typing import Any, Dict, Optional

from fastapi import APIRouter, Depends
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.security import get_current_user
from app.database import get_db
from app.models import User, UserPreference

router = APIRouter(prefix="/user-preferences", tags=["users"])


class PreferencesUpdate(BaseModel):
    theme: Optional[str] = None
    locale: Optional[str] = None
    timezone: Optional[str] = None
    notifications: Optional[Dict[str, Any]] = None


def _prefs(db: Session, user: User) -> UserPreference:
    prefs = db.execute(select(UserPreference).where(UserPreference.user_id == user.id)).scalar_one_or_none()
    if prefs is None:
        prefs = UserPreference(user_id=user.id, notifications={})
        db.add(prefs)
        db.flush()
    return prefs


@router.get("")
def get_preferences(db: Session = Depends(get_db), current_user: User = Depends(get_current_user)):
    p = _prefs(db, current_user)
    return {"theme": p.theme, "locale": p.locale, "timezone": p.timezone, "notifications": p.notifications}


@router.patch("")
def update_preferences(payload: PreferencesUpdate, db: Session = Depends(get_db), current_user: User = Depends(get_current_user)):
    p = _prefs(db, current_user)
    for key, value in payload.model_dump(exclude_unset=True).items():
        setattr(p, key, value)
    db.commit()
    return get_preferences(db, current_user)
