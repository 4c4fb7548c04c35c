from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.security import get_current_user
from app.database import get_db
from app.models import Brand, BrandMember, User
from app.schemas.brand import TeamInvite
from .brands import list_brands

router = APIRouter(prefix="/brands-team", tags=["brands", "onboarding"])


@router.post("/{brand_id}/invite")
def invite_team(brand_id: str, payload: TeamInvite, db: Session = Depends(get_db), current_user: User = Depends(get_current_user)):
    brand = db.get(Brand, brand_id)
    if brand is None:
        raise HTTPException(status_code=404, detail="Brand not found")
    invited = []
    for email in payload.emails:
        user = db.execute(select(User).where(User.email == email.lower())).scalar_one_or_none()
        if user is not None:
            db.add(BrandMember(brand_id=brand.id, user_id=user.id, role=payload.role, invited_by=current_user.id))
            invited.append(email)
    db.commit()
    return {"invited": invited, "pending_signup": sorted(set(payload.emails) - set(invited))}


@router.get("/mine")
def my_team_brands(db: Session = Depends(get_db), current_user: User = Depends(get_current_user)):
    return [{"id": b.id, "name": b.name} for b in list_brands(db, current_user)]
