"""Running the real `assay` command in a subprocess against a test database and the fake."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml


def assay_env(database_url: str, base_url: str | None = None, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENROUTER_", "OPENAI_"))}
    env.update(DATABASE_URL=database_url, OPENROUTER_API_KEY="sk-cli-test", **extra)
    if base_url:
        env["OPENROUTER_BASE_URL"] = base_url
    return env


def assay(
    *args: str | Path, env: dict[str, str], cwd: Path, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "assay.cli.main", *map(str, args)],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def assay_popen(*args: str | Path, env: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "assay.cli.main", *map(str, args)],
        env=env,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def write_config(
    directory: Path,
    *,
    cases: int = 4,
    expect: str = "word",
    providers: list[Any] | None = None,
    extra_tests: list[Any] | None = None,
) -> Path:
    config = {
        "description": "cli test",
        "prompts": ["Say {{ word }}"],
        "providers": providers or ["openrouter:fake/model"],
        "tests": [
            {
                "description": f"case {i}",
                "vars": {"word": f"word{i}"},
                "assert": [{"type": "contains", "value": expect}],
            }
            for i in range(cases)
        ]
        + (extra_tests or []),
    }
    path = directory / "promptfooconfig.yaml"
    path.write_text(yaml.safe_dump(config))
    return path
