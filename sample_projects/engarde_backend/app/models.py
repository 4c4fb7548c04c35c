"""LEGACY monolithic models module.

This file predates the ``app/models/`` package and is no longer importable:
``import app.models`` resolves to the package (``app/models/__init__.py``),
which shadows this module.  It was never deleted and still contains copies
of several models, including ``PredictiveModel``.
"""
import uuid
from datetime import datetime

from sqlalchemy import JSON, Boolean, Column, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import relationship

from .database import Base


def generate_uuid():
    return str(uuid.uuid4())


class User(Base):
    __tablename__ = "users"

    id = Column(String(36), primary_key=True, default=generate_uuid)
    email = Column(String(320), unique=True, index=True, nullable=False)
    hashed_password = Column(String(256), nullable=False)
    full_name = Column(String(200))
    is_active = Column(Boolean, default=True)
    is_superuser = Column(Boolean, default=False)
    created_at = Column(DateTime, default=datetime.utcnow)

    brands = relationship("Brand", back_populates="owner")


class Brand(Base):
    __tablename__ = "brands"

    id = Column(String(36), primary_key=True, default=generate_uuid)
    owner_id = Column(String(36), ForeignKey("users.id"))
    name = Column(String(200), nullable=False)
    website = Column(String(500))
    industry = Column(String(100))
    created_at = Column(DateTime, default=datetime.utcnow)

    owner = relationship("User", back_populates="brands")
    campaigns = relationship("Campaign", back_populates="brand")


class Campaign(Base):
    __tablename__ = "campaigns"

    id = Column(String(36), primary_key=True, default=generate_uuid)
    brand_id = Column(String(36), ForeignKey("brands.id"), nullable=False)
    name = Column(String(200), nullable=False)
    status = Column(String(32), default="draft")
    platform = Column(String(40))
    budget = Column(Float)
    start_date = Column(DateTime)
    end_date = Column(DateTime)
    created_at = Column(DateTime, default=datetime.utcnow)

    brand = relationship("Brand", back_populates="campaigns")


class Content(Base):
    __tablename__ = "content"

    id = Column(String(36), primary_key=True, default=generate_uuid)
    brand_id = Column(String(36), ForeignKey("brands.id"), nullable=False)
    campaign_id = Column(String(36), ForeignKey("campaigns.id"))
    title = Column(String(300), nullable=False)
    body = Column(Text)
    content_type = Column(String(40), default="post")
    status = Column(String(32), default="draft")
    created_at = Column(DateTime, default=datetime.utcnow)


class Agent(Base):
    __tablename__ = "agents"

    id = Column(String(36), primary_key=True, default=generate_uuid)
    brand_id = Column(String(36), ForeignKey("brands.id"))
    name = Column(String(200), nullable=False)
    agent_type = Column(String(60), nullable=False)
    config = Column(JSON, default=dict)
    is_active = Column(Boolean, default=True)


class AnalyticsEvent(Base):
    __tablename__ = "analytics_events"

    id = Column(Integer, primary_key=True)
    brand_id = Column(String(36), ForeignKey("brands.id"), index=True)
    event_name = Column(String(100), nullable=False)
    properties = Column(JSON, default=dict)
    occurred_at = Column(DateTime, default=datetime.utcnow, index=True)


class PredictiveModel(Base):
    __tablename__ = "predictive_models"

    id = Column(String(36), primary_key=True, default=generate_uuid)
    brand_id = Column(String(36), ForeignKey("brands.id"))
    name = Column(String(200), nullable=False)
    model_type = Column(String(60), nullable=False)
    version = Column(String(20), default="1.0")
    accuracy = Column(Float)
    is_active = Column(Boolean, default=True)
    created_at = Column(DateTime, default=datetime.utcnow)


class FeatureToggle(Base):
    __tablename__ = "feature_toggles"

    id = Column(Integer, primary_key=True)
    key = Column(String(100), unique=True, nullable=False)
    enabled = Column(Boolean, default=False)
    description = Column(Text)
