"""Checking an assertion before any output exists, so a bad config fails before a run starts."""

from __future__ import annotations

import difflib
import math

from assay.domain.assertions.registry import (
    KINDS,
    SUPPORTED_TYPES,
    is_known_unsupported,
    split_type,
)
from assay.domain.assertions.templating import is_templated
from assay.domain.errors import AssertionConfigError
from assay.domain.models import AssertionSpec

CODE_ONLY_LOCALLY = "python assertions run only in the local CLI"


def _error(spec: AssertionSpec, message: str, field: str = "value") -> AssertionConfigError:
    return AssertionConfigError(
        f"{spec.type} assertion: {message}", details={"type": spec.type, "field": field}
    )


def unknown_type_error(name: str) -> AssertionConfigError:
    """The error for a type Assay does not run, with near matches when it looks like a typo."""
    base, _ = split_type(name)
    supported = ", ".join(sorted(t for t in SUPPORTED_TYPES if not t.startswith("not-")))
    if is_known_unsupported(base):
        message = f"unsupported assertion type '{name}' (Assay supports: {supported})"
    else:
        near = difflib.get_close_matches(name, sorted(SUPPORTED_TYPES), n=3, cutoff=0.6)
        hint = f"; did you mean {' or '.join(repr(n) for n in near)}?" if near else ""
        message = f"unknown assertion type '{name}'{hint} (Assay supports: {supported})"
    return AssertionConfigError(message, details={"type": name, "field": "type"})


def validate_assertion(spec: AssertionSpec, *, allow_code: bool) -> None:
    """Raise AssertionConfigError when `spec` is unknown or malformed."""
    base, _ = split_type(spec.type)
    kind = KINDS.get(base)
    if kind is None:
        raise unknown_type_error(spec.type)
    if base == "python" and not allow_code:
        raise _error(spec, f"{CODE_ONLY_LOCALLY}, not on a server", field="type")
    if not math.isfinite(spec.weight) or spec.weight < 0:
        raise _error(spec, f"weight must be a number >= 0, not {spec.weight}", field="weight")
    if spec.threshold is not None and not math.isfinite(spec.threshold):
        raise _error(spec, "threshold must be a finite number", field="threshold")
    if kind.needs_threshold and spec.threshold is None:
        raise _error(spec, "a threshold is required", field="threshold")
    if base == "levenshtein" and spec.threshold is not None and spec.threshold < 0:
        raise _error(spec, "threshold (the largest distance allowed) must be >= 0", "threshold")
    value = spec.value
    if isinstance(value, str) and value.startswith("file://") and base != "python":
        raise _error(
            spec, f"file:// values are not supported here; write the value inline ({value})"
        )
    if is_templated(value):
        return  # only the rendered value can be checked, once the case's vars are known
    try:
        kind.parse(value)
    except AssertionConfigError as exc:
        raise _error(spec, exc.message) from exc
