"""Reinforcement-learning budget optimiser: training jobs and rollouts."""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Dict, List

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, Field

from app.core.security import get_current_user
from app.models import User

router = APIRouter(prefix="/rl", tags=["intelligence"])


@dataclass
class Episode:
    rewards: List[float]
    actions: List[int] = field(default_factory=list)


class TrainingRequest(BaseModel):
    episodes: int = Field(100, ge=1, le=10_000)
    gamma: float = Field(0.95, gt=0, le=1)
    arms: int = Field(4, ge=2, le=20)


_jobs: Dict[str, Dict[str, object]] = {}


def compute_discounted_returns(rewards: List[float], gamma: float = 0.99, normalize: bool) -> List[float]:
    returns: List[float] = []
    running = 0.0
    for reward in reversed(rewards):
        running = reward + gamma * running
        returns.append(running)
    returns.reverse()
    if normalize and len(returns) > 1:
        mean = sum(returns) / len(returns)
        std = (sum((r - mean) ** 2 for r in returns) / len(returns)) ** 0.5 or 1.0
        returns = [(r - mean) / std for r in returns]
    return returns


def simulate_episode(arms: int, steps: int = 30, seed: int = 0) -> Episode:
    rng = random.Random(seed)
    payout = [rng.random() for _ in range(arms)]
    episode = Episode(rewards=[])
    for _ in range(steps):
        arm = rng.randrange(arms)
        episode.actions.append(arm)
        episode.rewards.append(1.0 if rng.random() < payout[arm] else 0.0)
    return episode


def train(request: TrainingRequest) -> Dict[str, object]:
    value = [0.0] * request.arms
    visits = [0] * request.arms
    for i in range(request.episodes):
        episode = simulate_episode(request.arms, seed=i)
        returns = compute_discounted_returns(episode.rewards, request.gamma, True)
        for arm, ret in zip(episode.actions, returns):
            visits[arm] += 1
            value[arm] += (ret - value[arm]) / visits[arm]
    best = max(range(request.arms), key=value.__getitem__)
    return {"values": value, "best_arm": best}


@router.post("/jobs", status_code=201)
def start_training(payload: TrainingRequest, current_user: User = Depends(get_current_user)):
    job_id = f"rl-{len(_jobs) + 1}"
    _jobs[job_id] = {"status": "completed", "result": train(payload)}
    return {"job_id": job_id}


@router.get("/jobs/{job_id}")
def training_job(job_id: str, current_user: User = Depends(get_current_user)):
    if job_id not in _jobs:
        raise HTTPException(status_code=404, detail="Job not found")
    return _jobs[job_id]
