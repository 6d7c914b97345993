"""Rows from the repositories shaped into response models (shared by several routers)."""

from __future__ import annotations

from typing import Any

from assay.http.schemas.test_sets import CaseOut, TestSetOut, VersionOut

Row = dict[str, Any]


def version_out(row: Row) -> VersionOut:
    """A test_set_versions row as returned."""
    return VersionOut.model_validate(row)


def case_out(position: int, case_id: Any, digest: str, body: dict[str, Any]) -> CaseOut:
    """A stored case at a position."""
    return CaseOut.model_validate(
        {
            "id": case_id,
            "position": position,
            "content_hash": digest,
            "description": body.get("description"),
            "vars": body.get("vars", {}),
            "assert": body.get("assert", []),
            "threshold": body.get("threshold"),
            "metadata": body.get("metadata", {}),
        }
    )


def case_row_out(row: Row) -> CaseOut:
    """A (position, id, content_hash, body) row as returned."""
    return case_out(row["position"], row["id"], row["content_hash"], row["body"])


def test_set_out(row: Row) -> TestSetOut:
    """A test set row joined with its latest version and last run."""
    latest = None
    if row["v_id"] is not None:
        latest = VersionOut(
            id=row["v_id"],
            test_set_id=row["id"],
            version=row["v_version"],
            content_hash=row["v_hash"],
            case_count=row["v_count"],
            note=row["v_note"],
            created_at=row["v_created_at"],
        )
    return TestSetOut(
        id=row["id"],
        name=row["name"],
        description=row["description"],
        case_count=latest.case_count if latest else 0,
        latest_version=latest,
        last_run_id=row["last_run_id"],
        last_run_at=row["last_run_at"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )
