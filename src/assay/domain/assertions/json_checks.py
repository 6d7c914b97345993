"""JSON checks: is-json and contains-json, each with an optional JSON schema."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

import yaml
from jsonschema import Draft7Validator
from jsonschema.exceptions import SchemaError, best_match
from jsonschema.protocols import Validator
from jsonschema.validators import validator_for

from assay.domain.assertions.outcome import PASSED, Outcome, failed, verdict
from assay.domain.errors import AssertionConfigError
from assay.domain.models import AssertionSpec, GradingContext

_MAX_SCAN_STARTS = 1000


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


_DECODER = json.JSONDecoder(parse_constant=_reject_constant)


def loads_strict(text: str) -> Any:
    """Parse JSON as JavaScript's JSON.parse does (no NaN or Infinity)."""
    return _DECODER.decode(text.strip())


def parse_schema(value: Any) -> Validator | None:
    """A compiled validator for a schema given as an object or as JSON/YAML text; none if empty."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return _validator_from_text(value)
    if isinstance(value, dict | bool):
        return _validator_from_key(json.dumps(value, sort_keys=True, default=str))
    raise AssertionConfigError("value must be a JSON schema (an object, or JSON/YAML text)")


@lru_cache(maxsize=512)
def _validator_from_text(text: str) -> Validator:
    try:
        schema = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise AssertionConfigError(f"the JSON schema does not parse: {exc}") from exc
    if not isinstance(schema, dict | bool):
        raise AssertionConfigError("value must be a JSON schema (an object, or JSON/YAML text)")
    return _validator_from_key(json.dumps(schema, sort_keys=True, default=str))


@lru_cache(maxsize=512)
def _validator_from_key(key: str) -> Validator:
    schema = json.loads(key)
    cls = validator_for(schema, default=Draft7Validator)
    try:
        cls.check_schema(schema)
    except SchemaError as exc:
        raise AssertionConfigError(f"invalid JSON schema: {exc.message}") from exc
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def schema_error(validator: Validator, data: Any) -> str | None:
    """The most relevant reason `data` breaks the schema, or None when it conforms."""
    error = best_match(validator.iter_errors(data))
    if error is None:
        return None
    return f"{error.json_path}: {error.message}"[:300]


def extract_json_values(text: str) -> list[Any]:
    """The JSON objects and arrays found in `text`: the whole text, or values embedded in prose."""
    try:
        whole = loads_strict(text)
    except ValueError:
        whole = None
    if isinstance(whole, list):
        # promptfoo judges each item of a top-level array; the array itself may match a schema too.
        return [whole, *whole]
    if isinstance(whole, dict):
        return [whole]
    found: list[Any] = []
    pos, starts = 0, 0
    while starts < _MAX_SCAN_STARTS:
        pos = _next_start(text, pos)
        if pos < 0:
            break
        starts += 1
        try:
            value, end = _DECODER.raw_decode(text, pos)
        except ValueError:
            pos += 1
            continue
        if isinstance(value, dict) or (isinstance(value, list) and _holds_container(value)):
            found.append(value)
            pos = end
        else:
            pos += 1
    return found


def _next_start(text: str, pos: int) -> int:
    starts = [i for i in (text.find("{", pos), text.find("[", pos)) if i >= 0]
    return min(starts) if starts else -1


def _holds_container(items: list[Any]) -> bool:
    # Bare arrays like "[1]" are citations in prose far more often than JSON.
    return any(isinstance(item, dict | list) for item in items)


def check_is_json(
    value: Validator | None, output: str, spec: AssertionSpec, ctx: GradingContext, inverse: bool
) -> Outcome:
    """The whole output is JSON (conforming to the schema, if one is given)."""
    try:
        data = loads_strict(output)
    except ValueError:
        return Outcome(True, 1.0, PASSED) if inverse else failed("Expected output to be valid JSON")
    if value is None:
        return verdict(True, inverse, "be valid JSON")
    problem = schema_error(value, data)
    if inverse:
        if problem is None:
            return failed("Output is JSON that conforms to the provided schema")
        return Outcome(True, 1.0, PASSED)
    if problem is not None:
        return failed(f"JSON does not conform to the provided schema: {problem}")
    return Outcome(True, 1.0, PASSED)


def check_contains_json(
    value: Validator | None, output: str, spec: AssertionSpec, ctx: GradingContext, inverse: bool
) -> Outcome:
    """Some JSON object or array appears in the output (conforming to the schema, if given)."""
    candidates = extract_json_values(output)
    if not candidates:
        return (
            Outcome(True, 1.0, PASSED)
            if inverse
            else failed("Expected output to contain valid JSON")
        )
    if value is None:
        return verdict(True, inverse, "contain JSON")
    problem: str | None = None
    for candidate in candidates:
        problem = schema_error(value, candidate)
        if problem is None:
            break
    if inverse:
        if problem is None:
            return failed("Output contains JSON conforming to the provided schema")
        return Outcome(True, 1.0, PASSED)
    if problem is not None:
        return failed(f"JSON does not conform to the provided schema: {problem}")
    return Outcome(True, 1.0, PASSED)
