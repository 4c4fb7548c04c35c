from __future__ import annotations

from typing import List

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.security import require_admin
from app.database import get_db
from app.models import Role, User, UserRole

router = APIRouter(prefix="/roles", tags=["roles"])


class RoleCreate(BaseModel):
    name: str
    description: str = ""
    permissions: List[str] = Field(default_factory=list)


@router.get("/")
def list_roles(db: Session = Depends(get_db), admin: User = Depends(require_admin)):
    return [{"id": r.id, "name": r.name, "permissions": r.permissions} for r in db.execute(select(Role)).scalars()]


@router.post("/", status_code=201)
def create_role(payload: RoleCreate, db: Session = Depends(get_db), admin: User = Depends(require_admin)):
    role = Role(**payload.model_dump())
    db.add(role)
    db.commit()
    return {"id": role.id}


@router.post("/{role_id}/assign/{user_id}")
def assign_role(role_id: int, user_id: str, db: Session = Depends(get_db), admin: User = Depends(require_admin)):
    if db.get(Role, role_id) is None or db.get(User, user_id) is None:
        raise HTTPException(status_code=404, detail="Role or user not found")
    db.add(UserRole(role_id=role_id, user_id=user_id))
    db.commit()
    return {"assigned": True}
