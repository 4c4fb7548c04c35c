from __future__ import annotations

from typing import List

from fastapi import APIRouter, Depends, HTTPException
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.security import get_current_user
from app.database import get_db
from app.models import Brand, BrandMember, User
from app.schemas.brand import BrandCreate, BrandResponse, BrandUpdate

router = APIRouter(prefix="/brands", tags=["brands"])


@router.get("/", response_model=List[BrandResponse])
def list_brands(db: Session = Depends(get_db), current_user: User = Depends(get_current_user)):
    stmt = select(Brand).join(BrandMember).where(BrandMember.user_id == current_user.id)
    return list(db.execute(stmt).scalars())


@router.post("/", response_model=BrandResponse, status_code=201)
def create_brand(payload: BrandCreate, db: Session = Depends(get_db), current_user: User = Depends(get_current_user)):
    brand = Brand(**payload.model_dump(), tenant_id=current_user.tenant_id)
    brand.members.append(BrandMember(user_id=current_user.id, role="owner"))
    db.add(brand)
    db.commit()
    db.refresh(brand)
    return brand


@router.patch("/{brand_id}", response_model=BrandResponse)
def update_brand(brand_id: str, payload: BrandUpdate, db: Session = Depends(get_db), current_user: User = Depends(get_current_user)):
    brand = db.get(Brand, brand_id)
    if brand is None:
        raise HTTPException(status_code=404, detail="Brand not found")
    for key, value in payload.model_dump(exclude_unset=True).items():
        setattr(brand, key, value)
    db.commit()
    return brand
