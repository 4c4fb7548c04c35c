"""OpenTelemetry metrics exported in Prometheus format (scraped at /metrics)."""
from __future__ import annotations

from functools import lru_cache

from opentelemetry.exporter.prometheus import PrometheusMetricReader
from opentelemetry import metrics
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.resources import Resource

SERVICE_NAME = "engarde-backend"


@lru_cache(maxsize=1)
def setup_metrics() -> MeterProvider:
    reader = PrometheusMetricReader()
    provider = MeterProvider(
        resource=Resource.create({"service.name": SERVICE_NAME}),
        metric_readers=[reader],
    )
    metrics.set_meter_provider(provider)
    return provider


def get_meter(name: str) -> metrics.Meter:
    setup_metrics()
    return metrics.get_meter(name)


class AgentMetrics:
    """Counters/histograms recorded by the AI agent runtime."""

    def __init__(self) -> None:
        meter = get_meter("engarde.agents")
        self.runs = meter.create_counter("agent_runs", unit="1", description="Agent executions")
        self.latency = meter.create_histogram("agent_run_latency", unit="ms", description="Agent run latency")
        self.tokens = meter.create_counter("agent_tokens", unit="1", description="LLM tokens consumed")

    def record_run(self, agent_type: str, latency_ms: float, tokens: int, success: bool) -> None:
        attrs = {"agent_type": agent_type, "success": str(success).lower()}
        self.runs.add(1, attrs)
        self.latency.record(latency_ms, attrs)
        self.tokens.add(tokens, attrs)
