from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel

from app.core.config import settings
from app.core.security import create_access_token
from app.services.zerodb_client import ZeroDBClient, get_zerodb

router = APIRouter(prefix="/zerodb/auth", tags=["zerodb-auth"])


class ZeroDBLogin(BaseModel):
    email: str
    password: str


@router.post("/login")
def zerodb_login(payload: ZeroDBLogin, client: ZeroDBClient = Depends(get_zerodb)) -> dict:
    try:
        result = client.authenticate(payload.email, payload.password)
    except OSError as exc:  # network / HTTP errors from urllib
        raise HTTPException(status_code=502, detail=f"ZeroDB unavailable: {exc}") from exc
    user_id = result.get("user_id")
    if not user_id:
        raise HTTPException(status_code=401, detail="Invalid credentials")
    return {
        "access_token": create_access_token(user_id, tenant=settings.ZERODB_PROJECT_ID),
        "token_type": "bearer",
        "project_id": settings.ZERODB_PROJECT_ID,
    }


@router.get("/project")
def zerodb_project() -> dict:
    return {"project_id": settings.ZERODB_PROJECT_ID}
