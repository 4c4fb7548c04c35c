"""GDPR / SOC2 compliance exports."""
from __future__ import annotations

from datetime import datetime, timezone

from fastapi import APIRouter, Depends, HTTPException
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.security import require_admin
from app.database import get_db
from app.models import AuditLog, User
from app.services.auth_service import AuthService

router = APIRouter(prefix="/compliance", tags=["compliance"])


@router.get("/data-export")
def export_user_data(email: str, db: Session = Depends(get_db), admin: User = Depends(require_admin)):
    user = AuthService(db).get_by_email(email)
    if user is None:
        raise HTTPException(status_code=404, detail="User not found")
    events = db.execute(select(AuditLog).where(AuditLog.actor_id == user.id)).scalars()
    return {
        "generated_at": datetime.now(timezone.utc).isoformat(),
        "user": {"id": user.id, "email": user.email, "full_name": user.full_name, "created_at": user.created_at},
        "audit_events": [{"action": e.action, "at": e.created_at, "resource": e.resource_type} for e in events],
    }


@router.get("/access-review")
def access_review(db: Session = Depends(get_db), admin: User = Depends(require_admin)):
    rows = db.execute(select(User).where(User.is_superuser.is_(True))).scalars()
    return [{"id": u.id, "email": u.email, "active": u.is_active, "last_login_at": u.last_login_at} for u in rows]
