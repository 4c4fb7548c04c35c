from __future__ import annotations

from typing import Any, Dict, List, Optional

from pydantic import BaseModel, Field


class WorkflowNode(BaseModel):
    id: str
    type: str
    data: Dict[str, Any] = Field(default_factory=dict)
    position: Dict[str, float] = Field(default_factory=lambda: {"x": 0.0, "y": 0.0})


class WorkflowEdge(BaseModel):
    source: str
    target: str
    source_handle: Optional[str] = None
    target_handle: Optional[str] = None


class WorkflowCreate(BaseModel):
    name: str
    brand_id: Optional[str] = None
    nodes: List[WorkflowNode] = Field(default_factory=list)
    edges: List[WorkflowEdge] = Field(default_factory=list)


class WorkflowGraphUpdate(BaseModel):
    nodes: List[WorkflowNode]
    edges: List[WorkflowEdge]
    comment: Optional[str] = None


class WorkflowRunRequest(BaseModel):
    inputs: Dict[str, Any] = Field(default_factory=dict)
    tweaks: Dict[str, Any] = Field(default_factory=dict)
    run_in_container: bool = False
