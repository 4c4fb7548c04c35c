"""Lightweight analytics endpoints (no predictive models)."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Optional

from fastapi import APIRouter, Depends, Query
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.security import get_current_user
from app.database import get_db
from app.models import AnalyticsDataPoint, User

router = APIRouter(prefix="/analytics-simple", tags=["analytics"])


@router.get("/summary")
def analytics_summary(
    brand_id: str,
    days: int = Query(30, ge=1, le=365),
    db: Session = Depends(get_db),
    current_user: User = Depends(get_current_user),
):
    since = date.today() - timedelta(days=days)
    rows = db.execute(
        select(AnalyticsDataPoint.metric, func.sum(AnalyticsDataPoint.value))
        .where(AnalyticsDataPoint.brand_id == brand_id, AnalyticsDataPoint.recorded_at >= since)
        .group_by(AnalyticsDataPoint.metric)
    ).all()
    return {"brand_id": brand_id, "days": days, "metrics": {metric: total for metric, total in rows}}


@router.get("/timeseries")
def analytics_timeseries(
    brand_id: str,
    metric: str,
    campaign_id: Optional[str] = None,
    db: Session = Depends(get_db),
    current_user: User = Depends(get_current_user),
):
    stmt = select(AnalyticsDataPoint).where(AnalyticsDataPoint.brand_id == brand_id, AnalyticsDataPoint.metric == metric)
    if campaign_id:
        stmt = stmt.where(AnalyticsDataPoint.campaign_id == campaign_id)
    points = db.execute(stmt.order_by(AnalyticsDataPoint.recorded_at)).scalars()
    return [{"t": p.recorded_at, "v": p.value} for p in points]
