"""Assertions with promptfoo's names and semantics.

    validate_assertion(spec, allow_code=...)   refuse an unknown or malformed assertion early
    grade(specs, output, context, ...)         judge one output; never raises for bad values
    SUPPORTED_TYPES                            every accepted type name, `not-` forms included

`python` assertions need a CodeRunner (`assay.adapters.python_assertion.run_python_assertion`),
which only the local CLI wires in.
"""

from __future__ import annotations

from assay.domain.assertions.registry import SUPPORTED_TYPES
from assay.domain.assertions.scoring import CodeRunner, grade
from assay.domain.assertions.validation import validate_assertion

__all__ = ["SUPPORTED_TYPES", "CodeRunner", "grade", "validate_assertion"]
