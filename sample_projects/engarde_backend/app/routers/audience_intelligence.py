"""Audience intelligence: segment discovery with OpenTelemetry instrumentation."""
from __future__ import annotations

from collections import Counter
from functools import lru_cache
from typing import Dict, List

from fastapi import APIRouter, Depends, Query
from opentelemetry.exporter.prometheus import PrometheusMetricReader
from opentelemetry.sdk.metrics import MeterProvider
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.security import get_current_user
from app.database import get_db
from app.models import AnalyticsDataPoint, User

router = APIRouter(prefix="/audience-intelligence", tags=["intelligence"])


@lru_cache(maxsize=1)
def _segment_counter():
    provider = MeterProvider(metric_readers=[PrometheusMetricReader()])
    meter = provider.get_meter("engarde.audience")
    return meter.create_counter("audience_segment_queries", description="Segment discovery queries")


@router.get("/segments")
def discover_segments(
    brand_id: str,
    dimension: str = Query("age_bracket"),
    top: int = Query(5, le=20),
    db: Session = Depends(get_db),
    current_user: User = Depends(get_current_user),
) -> List[Dict[str, object]]:
    _segment_counter().add(1, {"dimension": dimension})
    rows = db.execute(
        select(AnalyticsDataPoint.dimensions).where(AnalyticsDataPoint.brand_id == brand_id, AnalyticsDataPoint.metric == "conversion")
    ).scalars()
    counts = Counter(d.get(dimension, "unknown") for d in rows)
    return [{"segment": seg, "conversions": n} for seg, n in counts.most_common(top)]
