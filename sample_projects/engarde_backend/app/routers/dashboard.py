from __future__ import annotations

from typing import List

from fastapi import APIRouter, Depends
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.security import get_current_user
from app.database import get_db
from app.models import BrandMember, Campaign, Content, User
from app.services import analytics_service

router = APIRouter(prefix="/dashboard", tags=["dashboard"])


def _brand_ids(db: Session, user: User) -> List[str]:
    return list(db.execute(select(BrandMember.brand_id).where(BrandMember.user_id == user.id)).scalars())


@router.get("/overview")
def dashboard_overview(db: Session = Depends(get_db), current_user: User = Depends(get_current_user)):
    brand_ids = _brand_ids(db, current_user)
    active = db.execute(
        select(func.count(Campaign.id)).where(Campaign.brand_id.in_(brand_ids), Campaign.status == "active")
    ).scalar_one()
    scheduled = db.execute(
        select(func.count(Content.id)).where(Content.brand_id.in_(brand_ids), Content.status == "scheduled")
    ).scalar_one()
    report = analytics_service.build_performance_report(db, brand_ids)
    return {
        "brands": len(brand_ids),
        "campaigns_total": analytics_service.count_campaigns(db, brand_ids),
        "campaigns_active": active,
        "content_scheduled": scheduled,
        "last_30_days": report.overall.model_dump(),
    }
