from __future__ import annotations

from typing import List

from fastapi import APIRouter, Depends, HTTPException
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.security import get_current_user
from app.database import get_db
from app.models import Agent, AgentPackage, User

router = APIRouter(prefix="/agent-packages", tags=["agent-packages"])


@router.get("/")
def list_packages(db: Session = Depends(get_db)) -> List[dict]:
    return [
        {"slug": p.slug, "name": p.name, "price_credits": p.price_credits, "agents": len(p.agent_templates)}
        for p in db.execute(select(AgentPackage)).scalars()
    ]


@router.post("/{slug}/install")
def install_package(slug: str, brand_id: str, db: Session = Depends(get_db), current_user: User = Depends(get_current_user)):
    package = db.execute(select(AgentPackage).where(AgentPackage.slug == slug)).scalar_one_or_none()
    if package is None:
        raise HTTPException(status_code=404, detail="Package not found")
    created = []
    for template in package.agent_templates:
        agent = Agent(brand_id=brand_id, name=template["name"], agent_type=template["type"], config=template.get("config", {}))
        db.add(agent)
        created.append(agent)
    db.commit()
    return {"installed": [a.id for a in created]}
