from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Optional

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.security import get_current_user
from app.database import get_db
from app.models import ServiceMilestone, User

router = APIRouter(prefix="/service-milestones", tags=["services"])


class MilestoneCreate(BaseModel):
    request_id: str
    title: str
    due_date: Optional[date] = None
    amount: Optional[Decimal] = None


@router.get("/{request_id}")
def list_milestones(request_id: str, db: Session = Depends(get_db), current_user: User = Depends(get_current_user)):
    rows = db.execute(select(ServiceMilestone).where(ServiceMilestone.request_id == request_id)).scalars()
    return [{"id": m.id, "title": m.title, "due_date": m.due_date, "completed": m.completed} for m in rows]


@router.post("/", status_code=201)
def add_milestone(payload: MilestoneCreate, db: Session = Depends(get_db), current_user: User = Depends(get_current_user)):
    milestone = ServiceMilestone(**payload.model_dump())
    db.add(milestone)
    db.commit()
    return {"id": milestone.id}


@router.post("/{milestone_id}/complete")
def complete_milestone(milestone_id: int, db: Session = Depends(get_db), current_user: User = Depends(get_current_user)):
    milestone = db.get(ServiceMilestone, milestone_id)
    if milestone is None:
        raise HTTPException(status_code=404, detail="Milestone not found")
    milestone.completed = True
    db.commit()
    return {"id": milestone.id, "completed": True}
