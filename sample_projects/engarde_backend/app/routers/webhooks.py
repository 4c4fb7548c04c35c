"""Outgoing webhook subscriptions and signed test deliveries."""
from __future__ import annotations

import json
import secrets
import urllib.request
from typing import Dict, List

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, Field

from app.core.security import get_current_user
from app.models import User
from app.services.oauth_manager import sign_webhook_payload

router = APIRouter(prefix="/webhooks", tags=["webhooks"])

_subscriptions: Dict[str, Dict[str, object]] = {}


class SubscriptionCreate(BaseModel):
    target_url: str
    event_types: List[str] = Field(default_factory=lambda: ["campaign.updated"])


@router.post("/subscriptions", status_code=201)
def create_subscription(payload: SubscriptionCreate, current_user: User = Depends(get_current_user)):
    sub_id = secrets.token_hex(8)
    _subscriptions[sub_id] = {"owner": current_user.id, "secret": secrets.token_urlsafe(32), **payload.model_dump()}
    return {"id": sub_id, "secret": _subscriptions[sub_id]["secret"]}


@router.post("/subscriptions/{sub_id}/test")
def send_test_event(sub_id: str, current_user: User = Depends(get_current_user)):
    sub = _subscriptions.get(sub_id)
    if sub is None or sub["owner"] != current_user.id:
        raise HTTPException(status_code=404, detail="Subscription not found")
    body = json.dumps({"type": "webhook.test", "subscription": sub_id}).encode()
    request = urllib.request.Request(
        str(sub["target_url"]),
        data=body,
        headers={"Content-Type": "application/json", "X-EnGarde-Signature": sign_webhook_payload(str(sub["secret"]), body)},
    )
    with urllib.request.urlopen(request, timeout=10) as resp:  # noqa: S310
        return {"delivered": True, "status": resp.status}
