"""Test cases written back out as promptfoo CSV (`__expected` columns) or JSONL."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

from assay.domain.errors import InvalidInput

_LIST_TYPES = ("contains-any", "contains-all", "icontains-any", "icontains-all")
_BARE_TYPES = ("is-json", "contains-json", "is-valid-json")


def cases_jsonl(bodies: Sequence[dict[str, Any]]) -> str:
    """One test object a line, as `parse_tests_jsonl` reads it back."""
    return "".join(json.dumps(b, ensure_ascii=False, sort_keys=True) + "\n" for b in bodies)


def _expected(spec: dict[str, Any], where: str) -> str:
    """The `__expected` shorthand of one assertion, or InvalidInput when CSV cannot say it."""
    kind, value = spec["type"], spec.get("value")
    base = kind.removeprefix("not-")
    if spec.get("weight", 1.0) != 1.0 or spec.get("metric"):
        raise _unsayable(where, "a weight or metric")
    threshold = spec.get("threshold")
    head = kind if threshold is None else f"{kind}({threshold:g})"
    if value is None:
        if base in _BARE_TYPES or threshold is not None:
            return head
        raise _unsayable(where, f"a '{kind}' without a value")
    if (
        base in _LIST_TYPES
        and isinstance(value, list)
        and all(isinstance(v, str) and "," not in v for v in value)
    ):
        return f"{head}:{', '.join(value)}"
    if isinstance(value, str) and value == value.strip() and "\n" not in value:
        return f"{head}:{value}"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{head}:{value}"
    raise _unsayable(where, f"a '{kind}' value CSV cannot hold")


def _unsayable(where: str, what: str) -> InvalidInput:
    return InvalidInput(
        f"{where} has {what}; export this test set as JSONL instead",
        details={"case": where, "format": "csv"},
    )


def _cell(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def cases_csv(bodies: Sequence[dict[str, Any]]) -> str:
    """Var columns, then `__description`, `__threshold`, `__metadata:*`, `__expected1…N`."""
    var_names: dict[str, None] = {}
    meta_names: dict[str, None] = {}
    n_expected = 0
    expected: list[list[str]] = []
    for index, body in enumerate(bodies):
        var_names.update(dict.fromkeys(body.get("vars", {})))
        meta_names.update(dict.fromkeys(body.get("metadata", {})))
        specs = [_expected(s, f"case {index}") for s in body.get("assert", [])]
        expected.append(specs)
        n_expected = max(n_expected, len(specs))
    header = [
        *var_names,
        "__description",
        "__threshold",
        *(f"__metadata:{m}" for m in meta_names),
        *(f"__expected{i + 1}" for i in range(n_expected)),
    ]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for body, specs in zip(bodies, expected, strict=True):
        variables, meta = body.get("vars", {}), body.get("metadata", {})
        threshold = body.get("threshold")
        writer.writerow(
            [
                *(_cell(variables[v]) if v in variables else "" for v in var_names),
                body.get("description") or "",
                "" if threshold is None else f"{threshold:g}",
                *(_cell(meta[m]) if m in meta else "" for m in meta_names),
                *specs,
                *([""] * (n_expected - len(specs))),
            ]
        )
    return out.getvalue()
