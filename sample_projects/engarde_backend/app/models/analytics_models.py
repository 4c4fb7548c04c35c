"""Advanced analytics models (migration 20251010_create_missing_analytics_webhook_tables).

Tables: analytics_aggregations, cultural_analytics, predictive_models,
predictive_analyses, custom_reports, report_executions,
performance_benchmarks, automated_insights.
"""
from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, Dict, List, Optional

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import Base


def _uuid() -> str:
    return str(uuid.uuid4())


class AnalyticsAggregation(Base):
    __tablename__ = "analytics_aggregations"
    __table_args__ = (
        UniqueConstraint("brand_id", "metric", "granularity", "period_start"),
        Index("ix_analytics_aggregations_lookup", "brand_id", "metric", "period_start"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    brand_id: Mapped[str] = mapped_column(ForeignKey("brands.id"))
    metric: Mapped[str] = mapped_column(String(80))
    granularity: Mapped[str] = mapped_column(String(16), default="day")
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    total: Mapped[float] = mapped_column(Float, default=0.0)
    average: Mapped[Optional[float]] = mapped_column(Float)
    minimum: Mapped[Optional[float]] = mapped_column(Float)
    maximum: Mapped[Optional[float]] = mapped_column(Float)
    sample_count: Mapped[int] = mapped_column(Integer, default=0)


class CulturalAnalytics(Base):
    __tablename__ = "cultural_analytics"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    brand_id: Mapped[str] = mapped_column(ForeignKey("brands.id"), index=True)
    region: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(16))
    sentiment_score: Mapped[Optional[float]] = mapped_column(Float)
    trending_topics: Mapped[List[str]] = mapped_column(JSON, default=list)
    cultural_moments: Mapped[List[Dict[str, Any]]] = mapped_column(JSON, default=list)
    captured_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class PredictiveModel(Base):
    """A trained predictive model (forecasting, churn, LTV, creative scoring)."""

    __tablename__ = "predictive_models"
    __table_args__ = (UniqueConstraint("brand_id", "name", "version", name="uq_predictive_models_brand_name_version"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=_uuid)
    brand_id: Mapped[Optional[str]] = mapped_column(ForeignKey("brands.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    model_type: Mapped[str] = mapped_column(String(60))
    algorithm: Mapped[Optional[str]] = mapped_column(String(60))
    version: Mapped[str] = mapped_column(String(20), default="1.0")
    target_metric: Mapped[Optional[str]] = mapped_column(String(80))
    features: Mapped[List[str]] = mapped_column(JSON, default=list)
    hyperparameters: Mapped[Dict[str, Any]] = mapped_column(JSON, default=dict)
    training_metrics: Mapped[Dict[str, float]] = mapped_column(JSON, default=dict)
    accuracy: Mapped[Optional[float]] = mapped_column(Float)
    artifact_uri: Mapped[Optional[str]] = mapped_column(String(500))
    trained_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True), onupdate=func.now())

    analyses: Mapped[List["PredictiveAnalysis"]] = relationship(
        back_populates="model", cascade="all, delete-orphan"
    )


class PredictiveAnalysis(Base):
    __tablename__ = "predictive_analyses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    model_id: Mapped[str] = mapped_column(ForeignKey("predictive_models.id", ondelete="CASCADE"), index=True)
    campaign_id: Mapped[Optional[str]] = mapped_column(ForeignKey("campaigns.id"))
    horizon_days: Mapped[int] = mapped_column(Integer, default=30)
    predictions: Mapped[Dict[str, Any]] = mapped_column(JSON, default=dict)
    confidence: Mapped[Optional[float]] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    model: Mapped[PredictiveModel] = relationship(back_populates="analyses")


class CustomReport(Base):
    __tablename__ = "custom_reports"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=_uuid)
    brand_id: Mapped[str] = mapped_column(ForeignKey("brands.id"), index=True)
    owner_id: Mapped[Optional[str]] = mapped_column(ForeignKey("users.id"))
    name: Mapped[str] = mapped_column(String(200))
    definition: Mapped[Dict[str, Any]] = mapped_column(JSON, default=dict)
    schedule_cron: Mapped[Optional[str]] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    executions: Mapped[List["ReportExecution"]] = relationship(back_populates="report")


class ReportExecution(Base):
    __tablename__ = "report_executions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[str] = mapped_column(ForeignKey("custom_reports.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(32), default="queued")
    result_uri: Mapped[Optional[str]] = mapped_column(String(500))
    error: Mapped[Optional[str]] = mapped_column(Text)
    started_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))

    report: Mapped[CustomReport] = relationship(back_populates="executions")


class PerformanceBenchmark(Base):
    __tablename__ = "performance_benchmarks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    industry: Mapped[str] = mapped_column(String(100), index=True)
    platform: Mapped[str] = mapped_column(String(40))
    metric: Mapped[str] = mapped_column(String(80))
    p25: Mapped[float] = mapped_column(Float)
    p50: Mapped[float] = mapped_column(Float)
    p75: Mapped[float] = mapped_column(Float)
    period: Mapped[str] = mapped_column(String(16))


class AutomatedInsight(Base):
    __tablename__ = "automated_insights"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    brand_id: Mapped[str] = mapped_column(ForeignKey("brands.id"), index=True)
    campaign_id: Mapped[Optional[str]] = mapped_column(ForeignKey("campaigns.id"))
    severity: Mapped[str] = mapped_column(String(16), default="info")
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    acknowledged: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
