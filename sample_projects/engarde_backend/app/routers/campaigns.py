from __future__ import annotations

from typing import List, Optional

from fastapi import APIRouter, Depends, HTTPException, Query
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.security import get_current_user
from app.database import get_db
from app.models import BrandMember, Campaign, User
from app.schemas.campaign import CampaignCreate, CampaignResponse, CampaignUpdate

router = APIRouter(prefix="/campaigns", tags=["campaigns"])


def _brand_ids(db: Session, user: User) -> List[str]:
    return list(db.execute(select(BrandMember.brand_id).where(BrandMember.user_id == user.id)).scalars())


@router.get("/", response_model=List[CampaignResponse])
def list_campaigns(
    status: Optional[str] = Query(None),
    db: Session = Depends(get_db),
    current_user: User = Depends(get_current_user),
):
    stmt = select(Campaign).where(Campaign.brand_id.in_(_brand_ids(db, current_user)))
    if status:
        stmt = stmt.where(Campaign.status == status)
    return list(db.execute(stmt).scalars())


@router.post("/", response_model=CampaignResponse, status_code=201)
def create_campaign(payload: CampaignCreate, db: Session = Depends(get_db), current_user: User = Depends(get_current_user)):
    if payload.brand_id not in _brand_ids(db, current_user):
        raise HTTPException(status_code=403, detail="Not a member of this brand")
    campaign = Campaign(**payload.model_dump())
    db.add(campaign)
    db.commit()
    db.refresh(campaign)
    return campaign


@router.get("/{campaign_id}", response_model=CampaignResponse)
def get_campaign(campaign_id: str, db: Session = Depends(get_db), current_user: User = Depends(get_current_user)):
    campaign = db.get(Campaign, campaign_id)
    if campaign is None or campaign.brand_id not in _brand_ids(db, current_user):
        raise HTTPException(status_code=404, detail="Campaign not found")
    return campaign


@router.patch("/{campaign_id}", response_model=CampaignResponse)
def update_campaign(
    campaign_id: str,
    payload: CampaignUpdate,
    db: Session = Depends(get_db),
    current_user: User = Depends(get_current_user),
):
    campaign = get_campaign(campaign_id, db, current_user)
    for key, value in payload.model_dump(exclude_unset=True).items():
        setattr(campaign, key, value)
    db.commit()
    return campaign
