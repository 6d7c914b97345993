"""Response body of /v1/runs/{id}/latency."""

from __future__ import annotations

from pydantic import BaseModel, Field


class LatencySeries(BaseModel):
    """One prompt × model's latency histogram over the run's shared buckets."""

    prompt: str
    provider: str
    counts: list[int] = Field(description="results per bucket, `len(bucket_edges_ms) - 1` long")
    p50: float | None
    p95: float | None


class LatencyOut(BaseModel):
    """Latency histograms of a run's uncached, error-free results; empty when it has none."""

    bucket_edges_ms: list[float]
    series: list[LatencySeries]
