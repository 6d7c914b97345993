"""Test objects: reading one, merging `defaultTest` into it, expanding array and `file://` vars."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from assay.config.assertions import CaseRules, check_keys, number, read_assertions
from assay.config.source import Document, FileRefs, PathKey, is_file_ref, read_text
from assay.domain.errors import ConfigError
from assay.domain.models import AssertionSpec, TestCase

TEST_KEYS = frozenset({"description", "vars", "assert", "threshold", "metadata", "options"})
OPTION_KEYS = frozenset({"disableVarExpansion"})
MAX_COMBINATIONS = 100_000
_CODE_SUFFIXES = frozenset({".py", ".js", ".mjs", ".cjs", ".ts"})


@dataclass(frozen=True)
class RawTest:
    """A test as written, before defaultTest is merged and vars are expanded."""

    case: TestCase
    expand: bool | None = None  # options.disableVarExpansion inverted; None when not said
    where: str = ""  # "file:line" of the test, for errors raised while expanding


def make_case(
    *,
    description: str | None,
    vars: dict[str, Any],
    assertions: tuple[AssertionSpec, ...],
    threshold: float | None,
    metadata: dict[str, Any],
) -> TestCase:
    """A TestCase; `assert` is its field's alias, which keyword arguments cannot spell."""
    fields: dict[str, Any] = {"description": description, "vars": vars, "assert": assertions}
    return TestCase(**fields, threshold=threshold, metadata=metadata)


def _mapping(doc: Document, path: PathKey, value: Any, what: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise doc.error(path, f"'{what}' must be a mapping")
    return {str(k): v for k, v in value.items()}


def _options(doc: Document, path: PathKey, value: Any) -> bool | None:
    options = _mapping(doc, path, value, "options")
    for key in options:
        if key not in OPTION_KEYS:
            raise doc.error(
                path,
                f"unsupported option '{key}' (supported: disableVarExpansion)",
                at=(*path, key),
            )
    flag = options.get("disableVarExpansion")
    if flag is None:
        return None
    if not isinstance(flag, bool):
        raise doc.error((*path, "disableVarExpansion"), "must be true or false")
    return not flag


def read_test(doc: Document, path: PathKey, obj: Any, rules: CaseRules) -> RawTest:
    """One test object (`description`, `vars`, `assert`, `threshold`, `metadata`, `options`)."""
    if not isinstance(obj, Mapping):
        raise doc.error(path, "a test must be an object (or a file:// reference)")
    check_keys(doc, path, obj, TEST_KEYS)
    description = obj.get("description")
    if description is not None and not isinstance(description, str):
        description = str(description)
    threshold = obj.get("threshold")
    case = make_case(
        description=description,
        vars=_mapping(doc, (*path, "vars"), obj.get("vars"), "vars"),
        assertions=read_assertions(doc, (*path, "assert"), obj.get("assert"), rules),
        threshold=None if threshold is None else number(doc, (*path, "threshold"), threshold),
        metadata=_mapping(doc, (*path, "metadata"), obj.get("metadata"), "metadata"),
    )
    expand = _options(doc, (*path, "options"), obj.get("options"))
    return RawTest(case, expand, doc.where(path))


def merge_default(test: RawTest, default: RawTest | None) -> RawTest:
    """Apply defaultTest: vars under the test's, assertions first, threshold as a fallback."""
    if default is None:
        return test
    base, own = default.case, test.case
    case = make_case(
        description=own.description,
        vars={**base.vars, **own.vars},
        assertions=base.assertions + own.assertions,
        threshold=own.threshold if own.threshold is not None else base.threshold,
        metadata={**base.metadata, **own.metadata},
    )
    expand = test.expand if test.expand is not None else default.expand
    return RawTest(case, expand, test.where)


def _file_text(files: FileRefs, ref: str, referrer: str) -> list[str]:
    texts = []
    for path in files.paths(ref, referrer):
        if path.suffix.lower() in _CODE_SUFFIXES:
            message = (
                f"{referrer}: var file {path.name} is code; Assay loads var files as text only"
            )
            raise ConfigError(message, details={"file": str(path)})
        texts.append(read_text(path, referrer))
    return texts


def _choices(key: str, value: Any, expand: bool, files: FileRefs | None, where: str) -> list[Any]:
    """The values one var takes across the expanded tests (promptfoo's rules)."""
    referrer = f"{where}: vars.{key}"
    if is_file_ref(value) and files is not None:
        texts = _file_text(files, value, referrer)
        if not expand and len(texts) != 1:
            raise ConfigError(f"{referrer}: {value} matches several files", details={"file": value})
        return texts if expand else texts[:1]
    # promptfoo expands a list only when it holds strings; other lists stay one value
    if expand and isinstance(value, list) and value and isinstance(value[0], str):
        out: list[Any] = []
        for item in value:
            out.extend(_choices(key, item, False, files, where) if is_file_ref(item) else [item])
        return out
    return [value]


def expand_test(test: RawTest, files: FileRefs | None) -> list[TestCase]:
    """One test per combination of its array vars; `file://` vars become the files' text."""
    expand = test.expand is not False
    combos: list[dict[str, Any]] = [{}]
    for key, value in test.case.vars.items():
        choices = _choices(key, value, expand, files, test.where)
        if len(combos) * len(choices) > MAX_COMBINATIONS:
            message = f"{test.where}: vars expand to more than {MAX_COMBINATIONS} tests"
            raise ConfigError(message, details={"where": test.where})
        combos = [{**combo, key: choice} for combo in combos for choice in choices]
    if len(combos) == 1 and combos[0] == test.case.vars:
        return [test.case]
    return [test.case.model_copy(update={"vars": combo}) for combo in combos]
