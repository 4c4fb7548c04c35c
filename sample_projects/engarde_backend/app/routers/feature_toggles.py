from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from app.core.security import get_current_user, require_admin
from app.database import get_db
from app.models import FeatureToggle, User
from app.services import feature_flags

router = APIRouter(prefix="/feature-toggles", tags=["feature-toggles"])


class ToggleUpdate(BaseModel):
    enabled: bool
    rollout_percentage: int = Field(0, ge=0, le=100)


@router.get("/")
def my_flags(db: Session = Depends(get_db), current_user: User = Depends(get_current_user)):
    return {key: feature_flags.is_enabled(db, key, current_user.id) for key in feature_flags.snapshot(db)}


@router.put("/{key}")
def update_toggle(key: str, payload: ToggleUpdate, db: Session = Depends(get_db), admin: User = Depends(require_admin)):
    toggle = db.query(FeatureToggle).filter_by(key=key).one_or_none()
    if toggle is None:
        raise HTTPException(status_code=404, detail="Unknown feature")
    toggle.enabled = payload.enabled
    toggle.rollout_percentage = payload.rollout_percentage
    db.commit()
    return {"key": key, "enabled": toggle.enabled, "rollout_percentage": toggle.rollout_percentage}
