"""Documentation + schema for the realtime WebSocket API."""
from __future__ import annotations

from typing import List

from fastapi import APIRouter

from app.schemas.websocket import WebSocketMessage

router = APIRouter(prefix="/websocket", tags=["websocket", "docs"])

CHANNELS: List[str] = ["campaign.metrics", "agent.runs", "workflow.executions", "notifications"]


@router.get("/channels")
def websocket_channels() -> dict:
    return {"url": "/ws", "channels": CHANNELS}


@router.get("/message-schema")
def websocket_message_schema() -> dict:
    return WebSocketMessage.model_json_schema()


@router.get("/example")
def websocket_example() -> dict:
    return WebSocketMessage(channel="campaign.metrics", event="update", data={"campaign_id": "c_123", "clicks": 42}).model_dump()
