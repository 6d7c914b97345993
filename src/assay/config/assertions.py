"""Reading one assertion object (`{type, value, threshold, weight, metric}`) and checking it."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from assay.config.source import FILE_PREFIX, Document, FileRefs, PathKey, is_file_ref, read_text
from assay.domain import assertions as assertion_rules
from assay.domain.errors import AssertionConfigError
from assay.domain.models import AssertionSpec

ASSERTION_KEYS = frozenset({"type", "value", "threshold", "weight", "metric"})
_CODE_TYPES = frozenset({"python", "not-python"})


@dataclass(frozen=True)
class CaseRules:
    """How tests are read: whether code assertions are allowed, and where `file://` points."""

    allow_code: bool
    files: FileRefs | None = None  # None: keep `file://` references as written (HTTP imports)


def check_keys(
    doc: Document, path: PathKey, obj: Mapping[str, Any], allowed: frozenset[str]
) -> None:
    """Refuse any key outside `allowed`, naming it and where it is."""
    for key in obj:
        if key not in allowed:
            allowed_list = ", ".join(sorted(allowed))
            raise doc.error(
                path, f"unknown field '{key}' (allowed: {allowed_list})", at=(*path, str(key))
            )


def number(doc: Document, path: PathKey, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise doc.error(path, f"must be a number, got {value!r}")
    return float(value)


def _python_ref(doc: Document, path: PathKey, ref: str, files: FileRefs) -> str:
    """`file://x.py[:fn]` → the same reference with an absolute path, once the file is found."""
    body = ref[len(FILE_PREFIX) :]
    file_part, sep, function = body.partition(".py:")
    file_part = file_part + ".py" if sep else body
    target = files.path(FILE_PREFIX + file_part)
    if not target.is_file():
        raise doc.error(path, f"file not found: {target}")
    return f"{FILE_PREFIX}{target}" + (f":{function}" if sep else "")


def _file_value(doc: Document, path: PathKey, ref: str, files: FileRefs) -> Any:
    """An assertion value loaded from a file: JSON/YAML parsed, anything else as text."""
    target = files.path(ref)
    text = read_text(target, doc.where(path))
    suffix = target.suffix.lower()
    try:
        if suffix == ".json":
            return json.loads(text)
        if suffix in (".yaml", ".yml"):
            return yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise doc.error(path, f"cannot parse {target}: {exc}") from None
    return text


def finish_assertion(
    doc: Document, path: PathKey, spec: AssertionSpec, rules: CaseRules
) -> AssertionSpec:
    """Resolve a `file://` value, enforce allow_code, and validate the assertion."""
    if spec.type in _CODE_TYPES and not rules.allow_code:
        raise doc.error(
            path, f"'{spec.type}' assertions run code and are disabled here (allow_code is off)"
        )
    if rules.files is not None and is_file_ref(spec.value):
        if spec.type in _CODE_TYPES:
            value = _python_ref(doc, (*path, "value"), spec.value, rules.files)
        else:
            value = _file_value(doc, (*path, "value"), spec.value, rules.files)
        spec = spec.model_copy(update={"value": value})
    try:
        assertion_rules.validate_assertion(spec, allow_code=rules.allow_code)
    except AssertionConfigError as exc:
        located = doc.error(path, exc.message)
        raise AssertionConfigError(
            located.message, details={**exc.details, **located.details}
        ) from None
    return spec


def read_assertion(doc: Document, path: PathKey, obj: Any, rules: CaseRules) -> AssertionSpec:
    """One assertion object from a config, checked."""
    if not isinstance(obj, Mapping):
        raise doc.error(path, "an assertion must be an object with a 'type'")
    check_keys(doc, path, obj, ASSERTION_KEYS)
    kind = obj.get("type")
    if not isinstance(kind, str) or not kind:
        raise doc.error((*path, "type"), "an assertion needs a 'type' string")
    fields: dict[str, Any] = {"type": kind, "value": obj.get("value")}
    for key in ("threshold", "weight"):
        if obj.get(key) is not None:
            fields[key] = number(doc, (*path, key), obj[key])
    if obj.get("metric") is not None:
        if not isinstance(obj["metric"], str):
            raise doc.error((*path, "metric"), "must be a string")
        fields["metric"] = obj["metric"]
    return finish_assertion(doc, path, AssertionSpec(**fields), rules)


def read_assertions(
    doc: Document, path: PathKey, obj: Any, rules: CaseRules
) -> tuple[AssertionSpec, ...]:
    if obj is None:
        return ()
    if not isinstance(obj, list):
        raise doc.error(path, "'assert' must be a list of assertions")
    return tuple(read_assertion(doc, (*path, i), item, rules) for i, item in enumerate(obj))
