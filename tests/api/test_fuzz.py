"""A property-based fuzz of the whole API from its own OpenAPI document (schemathesis).

Every operation gets positive and negative examples through the live `assay up` origin, with a
valid token: no answer may be a 5xx, and every answer must match the document.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import checks

from api.conftest import mint_hs256

# The document is the contract: no 5xx, statuses, content types, headers and bodies as
# documented, and schema-invalid input refused. (Schema-valid input may still be refused for
# reasons the schema cannot say, e.g. an unknown id, so positive_data_acceptance is left out.)
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
    checks.negative_data_rejection,
]

EXAMPLES_PER_OPERATION = 12


def test_every_operation_survives_fuzzing(live_server: Any) -> None:
    server = live_server()
    headers = {"Authorization": f"Bearer {mint_hs256(uuid.uuid4())}"}
    document = httpx.get(f"{server.url}/v1/openapi.json").json()
    schema = schemathesis.openapi.from_dict(document)
    schema.config.base_url = server.url
    failures: list[str] = []
    # Refreshing the catalog calls OpenRouter; with no catalog configured it rightly answers 503.
    operations = [
        result.ok()
        for result in schema.get_all_operations()
        if result.ok().label != "POST /v1/models/refresh"
    ]
    assert len(operations) >= 4

    for operation in operations:
        strategy = st.one_of(
            operation.as_strategy(generation_mode=mode)
            for mode in (
                schemathesis.GenerationMode.POSITIVE,
                schemathesis.GenerationMode.NEGATIVE,
            )
        )

        @given(case=strategy)
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def fuzz(case: Any) -> None:
            case.call_and_validate(base_url=server.url, headers=headers, checks=CHECKS)

        try:
            fuzz()
        except (Exception, BaseExceptionGroup) as exc:  # report every operation's failure
            failures.append(f"{operation.label}: {type(exc).__name__}: {str(exc)[:1500]}")
    if failures:
        pytest.fail("\n\n".join(failures), pytrace=False)
