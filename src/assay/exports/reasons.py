"""Why a result failed, in words, shared by the CSV and JUnit writers."""

from __future__ import annotations

from assay.domain.models import ResultRecord


def failing_reasons(record: ResultRecord) -> list[str]:
    """Reasons of the failed assertions, or the overall reason when none is itemised."""
    grading = record.grading
    if grading is None or record.passed is not False:
        return []
    failed = (r for r in grading.results if not r.passed)
    reasons = [f"{r.type}: {r.reason}" if r.reason else r.type for r in failed]
    if not reasons and grading.reason:
        reasons.append(grading.reason)
    return reasons
