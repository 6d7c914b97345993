"""Route /v1/runs/{id}/latency: the run's latency distribution per prompt × model."""

from __future__ import annotations

import uuid
from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query

from assay.http.routes.runs import TAG, results_repo, router, runs_repo
from assay.http.schemas.latency import LatencyOut
from assay.usecases.latency import latency_histogram

Buckets = Annotated[int, Query(ge=1, le=100, description="number of equal-width buckets")]


@router.get("/runs/<run_id>/latency", tags=TAG)
def run_latency(run_id: uuid.UUID, buckets: Buckets = 20) -> LatencyOut:
    """Histograms of call latency per prompt × model, on buckets spanning the run's fastest to
    slowest call; cached and errored results are left out."""
    hist = latency_histogram(
        runs=runs_repo(), results=results_repo(), run_id=run_id, buckets=buckets
    )
    return LatencyOut.model_validate(hist)
