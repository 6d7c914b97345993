"""A run's latency distribution: histograms per prompt × model on shared bucket edges."""

from __future__ import annotations

import uuid
from typing import Any

Row = dict[str, Any]


def bucket_edges(lo: float, hi: float, buckets: int) -> list[float]:
    """`buckets + 1` evenly spaced edges from `lo` to `hi` (all equal when lo = hi)."""
    step = (hi - lo) / buckets
    return [lo + i * step for i in range(buckets)] + [hi]


def latency_histogram(*, runs: Any, results: Any, run_id: uuid.UUID, buckets: int) -> Row:
    """Bucket edges and, per prompt × model with eligible results, counts, p50 and p95."""
    runs.get(run_id)
    rows = results.latency(run_id, buckets)
    if not rows or rows[0]["lo"] is None:
        return {"bucket_edges_ms": [], "series": []}
    prompts = {p["position"]: p["label"] for p in runs.prompts(run_id)}
    providers = {p["position"]: p["label"] for p in runs.providers(run_id)}
    series = [
        {
            "prompt": prompts[r["prompt_position"]],
            "provider": providers[r["provider_position"]],
            "counts": list(r["counts"]),
            "p50": r["p50"],
            "p95": r["p95"],
        }
        for r in rows
    ]
    edges = bucket_edges(rows[0]["lo"], rows[0]["hi"], buckets)
    return {"bucket_edges_ms": edges, "series": series}
