"""`load_suite`: a promptfoo-format config file (YAML or JSON) → an EvalSuite."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from assay.config.assertions import CaseRules
from assay.config.cases import RawTest, expand_test, merge_default, read_test
from assay.config.prompts import read_prompts
from assay.config.providers import read_providers
from assay.config.source import Document, FileRefs, PathKey, is_file_ref, load_document, read_text
from assay.config.tables import read_csv_tests, read_jsonl_tests
from assay.domain.errors import ConfigError, TemplateError
from assay.domain.models import EvalSuite, PromptTemplate
from assay.domain.templates import template_variables

TOP_KEYS = frozenset({"description", "prompts", "providers", "tests", "defaultTest", "$schema"})
CONFIG_SUFFIXES = (".yaml", ".yml", ".json")


def _relative(file: Path, files: FileRefs) -> str:
    try:
        return str(file.relative_to(files.base_dir))
    except ValueError:
        return str(file)


def _tests_from_file(doc: Document, path: PathKey, file: Path, rules: CaseRules) -> list[RawTest]:
    """The tests in one referenced file: .csv, .jsonl, or a YAML/JSON list of test objects."""
    assert rules.files is not None
    suffix = file.suffix.lower()
    source = _relative(file, rules.files)
    if suffix == ".csv":
        return read_csv_tests(read_text(file, doc.where(path)), source=source, rules=rules)
    if suffix == ".jsonl":
        return read_jsonl_tests(read_text(file, doc.where(path)), source=source, rules=rules)
    if suffix not in CONFIG_SUFFIXES:
        raise doc.error(
            path, f"unsupported tests file {source} (use .csv, .jsonl, .yaml, .yml or .json)"
        )
    sub = load_document(file, doc.where(path))
    items = sub.data if isinstance(sub.data, list) else None
    if items is None:
        raise sub.error((), "a tests file must hold a list of test objects")
    return [read_test(sub, (i,), obj, rules) for i, obj in enumerate(items)]


def _read_tests(doc: Document, value: Any, rules: CaseRules) -> list[RawTest]:
    assert rules.files is not None
    if is_file_ref(value):
        value = [value]
    if not isinstance(value, list) or not value:
        raise doc.error(("tests",), "'tests' must be a list of tests or a file:// reference")
    tests: list[RawTest] = []
    for i, item in enumerate(value):
        path: PathKey = ("tests", i)
        if is_file_ref(item):
            for file in rules.files.paths(item, doc.where(path)):
                tests.extend(_tests_from_file(doc, path, file, rules))
        else:
            tests.append(read_test(doc, path, item, rules))
    return tests


def _read_default(doc: Document, value: Any, rules: CaseRules) -> RawTest | None:
    if value is None:
        return None
    if is_file_ref(value):
        assert rules.files is not None
        sub = load_document(rules.files.path(value), doc.where(("defaultTest",)))
        return read_test(sub, (), sub.data, rules)
    return read_test(doc, ("defaultTest",), value, rules)


def _check_templates(doc: Document, prompts: tuple[PromptTemplate, ...]) -> None:
    """Compile every prompt now, so a syntax error stops the load rather than every cell."""
    for i, prompt in enumerate(prompts):
        try:
            template_variables(prompt)
        except TemplateError as exc:
            raise doc.error(("prompts", i), exc.message) from None


def _open(config_path: Path) -> Document:
    if config_path.suffix.lower() not in CONFIG_SUFFIXES:
        raise ConfigError(f"{config_path}: a config file must end in .yaml, .yml or .json")
    if not config_path.is_file():
        raise ConfigError(
            f"config file not found: {config_path}", details={"file": str(config_path)}
        )
    doc = load_document(config_path, str(config_path))
    if not isinstance(doc.data, Mapping):
        raise doc.error((), "a config must be a mapping with prompts, providers and tests")
    for key in doc.data:
        if key not in TOP_KEYS:
            allowed = ", ".join(sorted(TOP_KEYS))
            raise doc.error(
                (), f"unsupported key '{key}' in {doc.name} (supported: {allowed})", at=(str(key),)
            )
    return doc


def load_suite(
    path: str | Path, *, allow_code: bool = True, env: Mapping[str, str] | None = None
) -> EvalSuite:
    """Load a promptfoo-format config; every `file://` is relative to the config's directory.

    `env` (default: the process environment) supplies OPENROUTER_BASE_URL and OPENAI_BASE_URL.
    Raises ConfigError (naming file, line and field) for anything malformed.
    """
    config_path = Path(path)
    doc = _open(config_path)
    data: Mapping[str, Any] = doc.data
    files = FileRefs(config_path.parent.resolve())
    rules = CaseRules(allow_code=allow_code, files=files)
    description = data.get("description")
    if description is not None and not isinstance(description, str):
        raise doc.error(("description",), "must be a string")
    prompts = read_prompts(doc, data.get("prompts"), files)
    _check_templates(doc, prompts)
    providers = read_providers(doc, data.get("providers"), os.environ if env is None else env)
    default = _read_default(doc, data.get("defaultTest"), rules)
    cases = [
        case
        for raw in _read_tests(doc, data.get("tests"), rules)
        for case in expand_test(merge_default(raw, default), files)
    ]
    if not cases:
        raise doc.error(("tests",), "no tests found")
    return EvalSuite(
        description=description,
        prompts=prompts,
        providers=providers,
        tests=tuple(cases),
        source=str(config_path),
    )
