from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.security import get_current_user
from app.database import get_db
from app.models import OnboardingProgress, User

router = APIRouter(prefix="/onboarding", tags=["onboarding"])

STEPS = ["welcome", "brand_profile", "connect_platforms", "first_campaign", "invite_team", "done"]


def _progress(db: Session, user: User) -> OnboardingProgress:
    progress = db.execute(select(OnboardingProgress).where(OnboardingProgress.user_id == user.id)).scalar_one_or_none()
    if progress is None:
        progress = OnboardingProgress(user_id=user.id, step=STEPS[0], completed_steps=[])
        db.add(progress)
        db.flush()
    return progress


@router.get("/status")
def onboarding_status(db: Session = Depends(get_db), current_user: User = Depends(get_current_user)):
    progress = _progress(db, current_user)
    return {"step": progress.step, "completed": progress.completed_steps, "steps": STEPS}


@router.post("/complete/{step}")
def complete_step(step: str, db: Session = Depends(get_db), current_user: User = Depends(get_current_user)):
    if step not in STEPS:
        raise HTTPException(status_code=404, detail="Unknown step")
    progress = _progress(db, current_user)
    progress.completed_steps = sorted(set(progress.completed_steps) | {step}, key=STEPS.index)
    remaining = [s for s in STEPS if s not in progress.completed_steps]
    progress.step = remaining[0] if remaining else "done"
    db.commit()
    return {"step": progress.step}
