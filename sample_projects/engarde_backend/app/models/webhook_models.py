"""Webhook infrastructure models (events, handlers, subscriptions, DLQ, metrics)."""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Dict, List, Optional

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import Base


def _uuid() -> str:
    return str(uuid.uuid4())


class WebhookSubscription(Base):
    __tablename__ = "webhook_subscriptions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=_uuid)
    brand_id: Mapped[str] = mapped_column(ForeignKey("brands.id"), index=True)
    target_url: Mapped[str] = mapped_column(String(1000))
    event_types: Mapped[List[str]] = mapped_column(JSON, default=list)
    secret: Mapped[str] = mapped_column(String(128))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    events: Mapped[List["WebhookEvent"]] = relationship(back_populates="subscription")


class WebhookEvent(Base):
    __tablename__ = "webhook_events"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=_uuid)
    subscription_id: Mapped[Optional[str]] = mapped_column(ForeignKey("webhook_subscriptions.id"))
    source: Mapped[str] = mapped_column(String(60))
    event_type: Mapped[str] = mapped_column(String(100), index=True)
    payload: Mapped[Dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(32), default="received")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    subscription: Mapped[Optional[WebhookSubscription]] = relationship(back_populates="events")


class WebhookEventHandler(Base):
    __tablename__ = "webhook_event_handlers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_type: Mapped[str] = mapped_column(String(100), index=True)
    handler_path: Mapped[str] = mapped_column(String(300))
    priority: Mapped[int] = mapped_column(Integer, default=100)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)


class WebhookDeadLetter(Base):
    __tablename__ = "webhook_dead_letter_queue"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[str] = mapped_column(ForeignKey("webhook_events.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(Text)
    last_status_code: Mapped[Optional[int]] = mapped_column(Integer)
    failed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class WebhookMetric(Base):
    __tablename__ = "webhook_metrics"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscription_id: Mapped[str] = mapped_column(ForeignKey("webhook_subscriptions.id", ondelete="CASCADE"))
    window_start: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    delivered: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    p95_latency_ms: Mapped[Optional[float]] = mapped_column(Float)


class WebhookDeliveryDataPoint(Base):
    """Per-delivery latency samples, fed into the analytics pipeline."""

    __tablename__ = "analytics_data_points"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[str] = mapped_column(ForeignKey("webhook_events.id", ondelete="CASCADE"))
    metric: Mapped[str] = mapped_column(String(80), default="webhook.delivery_ms")
    value: Mapped[float] = mapped_column(Float)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
