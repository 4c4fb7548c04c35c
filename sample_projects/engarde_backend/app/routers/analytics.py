"""Advanced analytics: performance, predictions, cultural insights, custom reports."""
from datetime import date, datetime, timedelta, timezone
from typing import List, Optional

from fastapi import APIRouter, Depends, HTTPException, Query
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import schemas
from app.core.security import get_current_user
from app.database import get_db
from app.models import BrandMember, Campaign
from app.models.analytics_models import (
    AutomatedInsight,
    CulturalAnalytics,
    CustomReport,
    PredictiveAnalysis,
    PredictiveModel,
    ReportExecution,
)
from app.schemas.analytics import ReportRequest
from app.services.analytics_service import build_performance_report

router = APIRouter(tags=["analytics"])


def _user_brand_ids(db: Session, user_id: str) -> List[str]:
    return list(db.execute(select(BrandMember.brand_id).where(BrandMember.user_id == user_id)).scalars())


@router.get("/analytics/predictions/{campaign_id}")
async def get_campaign_predictions(
    campaign_id: str,
    horizon_days: int = Query(30, ge=1, le=180),
    db: Session = Depends(get_db),
    current_user: schemas.UserResponse = Depends(get_current_user),
):
    campaign = db.get(Campaign, campaign_id)
    if campaign is None or campaign.brand_id not in _user_brand_ids(db, current_user.id):
        raise HTTPException(status_code=404, detail="Campaign not found")
    model = db.execute(
        select(PredictiveModel)
        .where(PredictiveModel.brand_id == campaign.brand_id, PredictiveModel.is_active.is_(True))
        .order_by(PredictiveModel.trained_at.desc())
    ).scalars().first()
    if model is None:
        return {"campaign_id": campaign_id, "predictions": None, "reason": "no trained model"}
    analysis = db.execute(
        select(PredictiveAnalysis)
        .where(PredictiveAnalysis.model_id == model.id, PredictiveAnalysis.campaign_id == campaign_id)
        .order_by(PredictiveAnalysis.created_at.desc())
    ).scalars().first()
    return {
        "campaign_id": campaign_id,
        "model": {"id": model.id, "name": model.name, "version": model.version, "accuracy": model.accuracy},
        "horizon_days": horizon_days,
        "predictions": analysis.predictions if analysis else None,
    }


@router.get("/analytics/cultural-insights")
async def get_cultural_insights(
    brand_id: str,
    region: Optional[str] = Query(None),
    db: Session = Depends(get_db),
    current_user: schemas.UserResponse = Depends(get_current_user),
):
    stmt = select(CulturalAnalytics).where(CulturalAnalytics.brand_id == brand_id)
    if region:
        stmt = stmt.where(CulturalAnalytics.region == region)
    rows = db.execute(stmt.order_by(CulturalAnalytics.captured_at.desc()).limit(50)).scalars()
    return [
        {"region": r.region, "language": r.language, "sentiment": r.sentiment_score, "topics": r.trending_topics}
        for r in rows
    ]


@router.post("/analytics/reports", status_code=201)
async def create_custom_report(
    brand_id: str,
    payload: ReportRequest,
    db: Session = Depends(get_db),
    current_user: schemas.UserResponse = Depends(get_current_user),
):
    report = CustomReport(
        brand_id=brand_id,
        owner_id=current_user.id,
        name=payload.name,
        definition={"metrics": payload.metrics, "dimensions": payload.dimensions},
        schedule_cron=payload.schedule_cron,
    )
    db.add(report)
    db.flush()
    db.add(ReportExecution(report_id=report.id, status="queued"))
    db.commit()
    return {"id": report.id, "status": "queued"}


@router.get("/analytics/insights")
async def list_automated_insights(
    brand_id: str,
    unacknowledged_only: bool = True,
    db: Session = Depends(get_db),
    current_user: schemas.UserResponse = Depends(get_current_user),
):
    stmt = select(AutomatedInsight).where(AutomatedInsight.brand_id == brand_id)
    if unacknowledged_only:
        stmt = stmt.where(AutomatedInsight.acknowledged.is_(False))
    return [
        {"id": i.id, "severity": i.severity, "title": i.title, "body": i.body}
        for i in db.execute(stmt.order_by(AutomatedInsight.created_at.desc())).scalars()
    ]


@router.get("/analytics/performance")
async def get_overall_performance(
    start_date: Optional[date] = Query(None),
    end_date: Optional[date] = Query(None),
    campaign_ids: Optional[List[str]] = Query(None),
    db: Session = Depends(get_db),
    current_user: schemas.UserResponse = Depends(get_current_user),
):
    """Get overall performance analytics across all campaigns or specific campaigns"""
    end_date = end_date or datetime.now(timezone.utc).date()
    start_date = start_date or end_date - timedelta(days=30)
    if start_date > end_date:
        raise HTTPException(status_code=400, detail="start_date must be before end_date")

    brand_ids = _user_brand_ids(db, current_user.id)
    report = build_performance_report(db, brand_ids, start_date, end_date, campaign_ids)
    overall = report.overall
    return {
        "period": {"start_date": start_date, "end_date": end_date, "days": (end_date - start_date).days + 1},
        "overall_metrics": {
            "impressions": overall.impressions,
            "clicks": overall.clicks,
            "conversions": overall.conversions,
            "spend": round(overall.spend, 2),
            "revenue": round(overall.revenue, 2),
            "ctr": round(overall.clicks / overall.impressions * 100, 2) if overall.impressions else 0.0,
            "roas": overall.roas,
        },
        "daily_performance": [d.model_dump() for d in report.daily],
        "platform_breakdown": {k: v.model_dump() for k, v in report.platforms.items()},
        "top_campaigns": report.top_campaigns,
        "recommendations": report.recommendations,
        "alerts": [r for r in report.recommendations if "below" in r],
    }
