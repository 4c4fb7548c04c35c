"""Inbound webhook processing: events, handlers, dead-letter queue and metrics."""
from __future__ import annotations

from typing import Optional

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.security import require_admin
from app.database import get_db
from app.models import User
from app.models.webhook_models import WebhookDeadLetter, WebhookEvent, WebhookEventHandler, WebhookMetric

router = APIRouter(prefix="/webhooks/v2", tags=["webhooks"])


@router.post("/inbound/{source}", status_code=202)
async def receive_webhook(source: str, request: Request, db: Session = Depends(get_db)):
    payload = await request.json()
    event = WebhookEvent(source=source, event_type=payload.get("type", "unknown"), payload=payload)
    db.add(event)
    db.commit()
    return {"id": event.id, "status": event.status}


@router.get("/events")
def list_events(
    event_type: Optional[str] = Query(None),
    limit: int = Query(100, le=1000),
    db: Session = Depends(get_db),
    admin: User = Depends(require_admin),
):
    stmt = select(WebhookEvent).order_by(WebhookEvent.received_at.desc()).limit(limit)
    if event_type:
        stmt = stmt.where(WebhookEvent.event_type == event_type)
    return [{"id": e.id, "type": e.event_type, "status": e.status, "attempts": e.attempts} for e in db.execute(stmt).scalars()]


@router.post("/dead-letter/{entry_id}/replay")
def replay_dead_letter(entry_id: int, db: Session = Depends(get_db), admin: User = Depends(require_admin)):
    entry = db.get(WebhookDeadLetter, entry_id)
    if entry is None:
        raise HTTPException(status_code=404, detail="Entry not found")
    event = db.get(WebhookEvent, entry.event_id)
    event.status, event.attempts = "received", 0
    db.delete(entry)
    db.commit()
    return {"replayed": event.id}


@router.get("/handlers")
def list_handlers(db: Session = Depends(get_db), admin: User = Depends(require_admin)):
    rows = db.execute(select(WebhookEventHandler).order_by(WebhookEventHandler.priority)).scalars()
    metrics = db.execute(select(WebhookMetric).limit(50)).scalars()
    return {
        "handlers": [{"event_type": h.event_type, "handler": h.handler_path, "enabled": h.enabled} for h in rows],
        "recent_metrics": [{"subscription": m.subscription_id, "delivered": m.delivered, "failed": m.failed} for m in metrics],
    }
