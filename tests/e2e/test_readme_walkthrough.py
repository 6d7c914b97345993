"""docs/api-walkthrough.md, executed: its bash blocks with curl against a real `assay up`."""

from __future__ import annotations

import csv
import re
import shutil
import signal
import subprocess
from pathlib import Path

import httpx
import pytest

from e2e.test_up import _env, _free_port, _start

WALKTHROUGH = Path(__file__).resolve().parents[2] / "docs" / "api-walkthrough.md"
DOCUMENTED_ORIGIN = "http://127.0.0.1:8321"


def bash_blocks(markdown: str) -> list[str]:
    """The ```bash fenced blocks of a Markdown text, in order."""
    return re.findall(r"^```bash\n(.*?)^```$", markdown, flags=re.DOTALL | re.MULTILINE)


def test_the_walkthrough_has_every_step() -> None:
    script = "\n".join(bash_blocks(WALKTHROUGH.read_text(encoding="utf-8")))
    for step in ("/import", "text/csv", "/v1/prompts", "local:echo", "local:reverse",
                 "/results?", "status=failed", "/export?format=csv"):  # fmt: skip
        assert step in script, step
    assert DOCUMENTED_ORIGIN in script


@pytest.mark.skipif(shutil.which("curl") is None, reason="the walkthrough needs curl")
def test_the_walkthrough_runs_as_written(database_url: str, tmp_path: Path) -> None:
    blocks = bash_blocks(WALKTHROUGH.read_text(encoding="utf-8"))
    proc, url = _start(_env(database_url, tmp_path / "home"), tmp_path, "--port", str(_free_port()))
    try:
        script = "set -euo pipefail\n" + "\n".join(blocks).replace(DOCUMENTED_ORIGIN, url)
        work = tmp_path / "shell"
        work.mkdir()
        done = subprocess.run(
            ["bash", "-c", script], cwd=work, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, f"stdout:\n{done.stdout}\nstderr:\n{done.stderr}"
        assert "status completed" in done.stdout
        # the filtered read printed a reversed answer that failed its assertion
        assert "?ecnarF fo latipac eht si tahW" in done.stdout
        rows = list(csv.DictReader((work / "results.csv").open(encoding="utf-8")))
        assert len(rows) == 3 * 2
        runs = httpx.get(f"{url}/v1/runs", timeout=30).json()["items"]
        assert len(runs) == 1 and runs[0]["status"] == "completed"
        run = httpx.get(f"{url}/v1/runs/{runs[0]['id']}", timeout=30).json()
        passed = {s["provider"]: s["passed"] for s in run["summary"]}
        # echo keeps France and Japan; only reversed text holds "urep" (Peru), case-insensitively
        assert passed == {"local:echo": 2, "local:reverse": 1}
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0
