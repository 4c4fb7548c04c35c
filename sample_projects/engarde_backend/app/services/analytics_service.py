"""Campaign performance aggregation shared by the analytics and dashboard routers."""
from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Dict, Iterable, List, Optional, Sequence

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from app.models import Campaign, CampaignMetric
from app.schemas.analytics import DailyPerformance, MetricTotals, PerformanceReport


def _metric_query(
    brand_ids: Sequence[str],
    start_date: Optional[date],
    end_date: Optional[date],
    campaign_ids: Optional[Sequence[str]] = None,
) -> Select:
    stmt = select(CampaignMetric).join(Campaign).where(Campaign.brand_id.in_(brand_ids))
    if start_date:
        stmt = stmt.where(CampaignMetric.metric_date >= start_date)
    if end_date:
        stmt = stmt.where(CampaignMetric.metric_date <= end_date)
    if campaign_ids:
        stmt = stmt.where(CampaignMetric.campaign_id.in_(campaign_ids))
    return stmt


def _accumulate(totals: MetricTotals, row: CampaignMetric) -> None:
    totals.impressions += row.impressions
    totals.clicks += row.clicks
    totals.conversions += row.conversions
    totals.spend += float(row.spend or 0)
    totals.revenue += float(row.revenue or 0)


def build_performance_report(
    db: Session,
    brand_ids: Sequence[str],
    start_date: Optional[date] = None,
    end_date: Optional[date] = None,
    campaign_ids: Optional[Sequence[str]] = None,
) -> PerformanceReport:
    end_date = end_date or date.today()
    start_date = start_date or end_date - timedelta(days=30)
    rows: Iterable[CampaignMetric] = db.execute(
        _metric_query(brand_ids, start_date, end_date, campaign_ids)
    ).scalars()

    overall = MetricTotals()
    per_day: Dict[date, MetricTotals] = defaultdict(MetricTotals)
    per_platform: Dict[str, MetricTotals] = defaultdict(MetricTotals)
    per_campaign: Dict[str, MetricTotals] = defaultdict(MetricTotals)
    for row in rows:
        _accumulate(overall, row)
        _accumulate(per_day[row.metric_date], row)
        _accumulate(per_platform[row.platform], row)
        _accumulate(per_campaign[row.campaign_id], row)

    top = sorted(per_campaign.items(), key=lambda item: item[1].revenue, reverse=True)[:5]
    return PerformanceReport(
        period={"start": start_date, "end": end_date},
        overall=overall,
        daily=[DailyPerformance(day=d, totals=t) for d, t in sorted(per_day.items())],
        platforms=dict(per_platform),
        top_campaigns=[{"campaign_id": cid, "revenue": t.revenue, "roas": t.roas} for cid, t in top],
        recommendations=recommend(overall),
    )


def recommend(totals: MetricTotals) -> List[str]:
    tips: List[str] = []
    if totals.impressions and totals.clicks / totals.impressions < 0.01:
        tips.append("CTR below 1%: refresh creatives or tighten targeting.")
    if totals.spend and totals.roas < 1.0:
        tips.append("ROAS below 1.0: shift budget to the best performing platform.")
    return tips


def count_campaigns(db: Session, brand_ids: Sequence[str]) -> int:
    return db.execute(select(func.count(Campaign.id)).where(Campaign.brand_id.in_(brand_ids))).scalar_one()
