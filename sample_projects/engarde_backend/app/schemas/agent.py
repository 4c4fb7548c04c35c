from __future__ import annotations

from typing import Any, Dict, List, Optional

from pydantic import BaseModel, ConfigDict, Field


class AgentCreate(BaseModel):
    name: str
    agent_type: str
    brand_id: Optional[str] = None
    config: Dict[str, Any] = Field(default_factory=dict)


class AgentResponse(AgentCreate):
    model_config = ConfigDict(from_attributes=True)

    id: str
    is_active: bool = True


class AnalysisRequest(BaseModel):
    objective: str = "performance"
    metrics: List[str] = Field(default_factory=lambda: ["ctr", "cpa", "roas"])
    lookback_days: int = Field(30, ge=1, le=365)


class AgentRunRequest(BaseModel):
    input: Dict[str, Any] = Field(default_factory=dict)
    dry_run: bool = False
