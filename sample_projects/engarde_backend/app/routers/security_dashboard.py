from __future__ import annotations

from datetime import datetime, timedelta, timezone

from fastapi import APIRouter, Depends, Query
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.security import require_admin
from app.database import get_db
from app.models import AuditLog, User

router = APIRouter(prefix="/security/dashboard", tags=["security"])

SENSITIVE_ACTIONS = ("login_failed", "password_reset", "role_changed", "api_key_created")


@router.get("/summary")
def security_summary(hours: int = Query(24, le=720), db: Session = Depends(get_db), admin: User = Depends(require_admin)):
    since = datetime.now(timezone.utc) - timedelta(hours=hours)
    rows = db.execute(
        select(AuditLog.action, func.count(AuditLog.id))
        .where(AuditLog.created_at >= since, AuditLog.action.in_(SENSITIVE_ACTIONS))
        .group_by(AuditLog.action)
    ).all()
    return {"window_hours": hours, "events": {action: count for action, count in rows}}


@router.get("/inactive-admins")
def inactive_admins(db: Session = Depends(get_db), admin: User = Depends(require_admin)):
    cutoff = datetime.now(timezone.utc) - timedelta(days=90)
    rows = db.execute(
        select(User).where(User.is_superuser.is_(True), (User.last_login_at.is_(None)) | (User.last_login_at < cutoff))
    ).scalars()
    return [{"id": u.id, "email": u.email, "last_login_at": u.last_login_at} for u in rows]
