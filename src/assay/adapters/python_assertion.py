"""Runs user-supplied `python` assertions in this process (local CLI only: it executes their code).

Inline code is compiled once (by the domain) and executed in a fresh namespace per call;
`file://path.py[:function]` modules are loaded once per file version. The result is returned
raw; `assay.domain.assertions` judges it.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import importlib.util
import json
import math
import re
import sys
import threading
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import Any

from assay.domain.assertions.python_code import INLINE_FUNCTION, FileRef, parse_python
from assay.domain.errors import AssertionConfigError
from assay.domain.models import AssertionSpec, GradingContext

# Loading a module briefly puts its folder on sys.path so sibling imports work; one at a time.
_LOAD_LOCK = threading.Lock()


def run_python_assertion(spec: AssertionSpec, output: str, context: GradingContext) -> Any:
    """Call the assertion's code with `(output, context)` and return what it returned."""
    target = parse_python(spec.value)
    try:
        if isinstance(target, FileRef):
            function = _file_function(target)
        else:
            namespace: dict[str, Any] = {"__name__": "assay_python_assertion"}
            namespace.update(json=json, math=math, re=re)  # promptfoo's wrapper imports json
            exec(target, namespace)
            function = namespace[INLINE_FUNCTION]
        result = function(output, context_dict(context))
    except SystemExit as exc:  # user code must not end the whole run
        raise RuntimeError(f"the code called exit({exc.code})") from exc
    return _plain(result)


def context_dict(context: GradingContext) -> dict[str, Any]:
    """The `context` argument promptfoo scripts read: vars, prompt, test, provider and metrics."""
    variables = copy.deepcopy(context.vars)  # a script mutating vars must not touch other cells
    return {
        "vars": variables,
        "prompt": context.prompt,
        "test": {"description": context.description, "vars": copy.deepcopy(context.vars)},
        "provider": {"id": context.provider} if context.provider else None,
        "latency_ms": context.latency_ms,
        "cost": context.cost,
        "config": {},
    }


def _plain(result: Any) -> Any:
    """A dataclass result (promptfoo's documented `GradingResult` with `pass_`) as a dict."""
    if dataclasses.is_dataclass(result) and not isinstance(result, type):
        return dataclasses.asdict(result)
    return result


def _file_function(ref: FileRef) -> Callable[..., Any]:
    path = Path(ref.path).expanduser().resolve()
    try:
        version = path.stat().st_mtime_ns
    except OSError as exc:
        raise AssertionConfigError(f"python assertion file not found: {path}") from exc
    module = _load_module(str(path), version)
    function = getattr(module, ref.function, None)
    if not callable(function):
        raise AssertionConfigError(f"{path} has no function '{ref.function}'")
    return function  # type: ignore[no-any-return]


@lru_cache(maxsize=128)
def _load_module(path: str, version: int) -> ModuleType:
    """Import a file once per modification time; an edited file is picked up on the next call."""
    digest = hashlib.sha256(f"{path}:{version}".encode()).hexdigest()[:16]
    name = f"assay_user_assertion_{digest}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise AssertionConfigError(f"cannot load python assertion file {path}")
    module = importlib.util.module_from_spec(spec)
    folder = str(Path(path).parent)
    with _LOAD_LOCK:
        sys.modules[name] = module  # dataclasses and pickling look modules up here
        sys.path.insert(0, folder)
        try:
            spec.loader.exec_module(module)
        except BaseException:
            sys.modules.pop(name, None)
            raise
        finally:
            sys.path.remove(folder)
    return module
