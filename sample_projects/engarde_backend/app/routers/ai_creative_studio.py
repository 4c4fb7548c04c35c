"""AI creative studio: renders ad creatives from templates in an isolated container."""
from __future__ import annotations

from typing import Dict

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from app.core.security import get_current_user
from app.models import User
from app.schemas.ai import CreativeBrief
from app.services.dagger_pipeline import DaggerPipeline, get_pipeline

router = APIRouter(prefix="/ai-creative-studio", tags=["creative"])


class RenderRequest(BaseModel):
    template: str
    variables: Dict[str, str] = Field(default_factory=dict)


@router.post("/render")
async def render_creative(
    payload: RenderRequest,
    pipeline: DaggerPipeline = Depends(get_pipeline),
    current_user: User = Depends(get_current_user),
):
    result = await pipeline.render_creative(payload.template, payload.variables)
    return {"ok": result.exit_ok, "output": result.stdout}


@router.post("/briefs")
async def submit_brief(brief: CreativeBrief, current_user: User = Depends(get_current_user)):
    return {"brand_id": brief.brand_id, "channel": brief.channel, "variants_requested": brief.variants, "status": "queued"}
