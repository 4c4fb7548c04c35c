"""Audit trail helpers."""
from __future__ import annotations

from typing import Any, Dict, Optional

from sqlalchemy.orm import Session

from app.models import AuditLog


def record(db: Session, actor_id: Optional[str], action: str, resource_type: str, resource_id: Optional[str] = None, **details: Any) -> AuditLog:
    entry = AuditLog(
        actor_id=actor_id,
        action=action,
        resource_type=resource_type,
        resource_id=resource_id,
        details=dict(details),
    )
    db.add(entry)
    db.flush()
    return entry
