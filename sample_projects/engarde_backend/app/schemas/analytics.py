from __future__ import annotations

from datetime import date
from typing import Dict, List, Optional

from pydantic import BaseModel, Field


class MetricTotals(BaseModel):
    impressions: int = 0
    clicks: int = 0
    conversions: int = 0
    spend: float = 0.0
    revenue: float = 0.0

    @property
    def roas(self) -> float:
        return round(self.revenue / self.spend, 2) if self.spend else 0.0


class DailyPerformance(BaseModel):
    day: date
    totals: MetricTotals


class PerformanceReport(BaseModel):
    period: Dict[str, Optional[date]]
    overall: MetricTotals
    daily: List[DailyPerformance] = Field(default_factory=list)
    platforms: Dict[str, MetricTotals] = Field(default_factory=dict)
    top_campaigns: List[Dict[str, object]] = Field(default_factory=list)
    recommendations: List[str] = Field(default_factory=list)


class ReportRequest(BaseModel):
    name: str
    metrics: List[str]
    dimensions: List[str] = Field(default_factory=list)
    schedule_cron: Optional[str] = None
