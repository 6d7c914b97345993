"""`assay run` as a user drives it: exit codes, every output format, errors named clearly."""

from __future__ import annotations

import csv
import json
import xml.etree.ElementTree as ET
from pathlib import Path

from e2e.cli_support import assay, assay_env, write_config
from fakes.openrouter import FakeOpenRouter


def test_all_passing_run_exits_0_and_writes_every_format(database_url: str, tmp_path: Path) -> None:
    with FakeOpenRouter() as fake:
        config = write_config(tmp_path, cases=4)
        outs = [tmp_path / f"out.{ext}" for ext in ("json", "jsonl", "csv", "xml")]
        result = assay(
            "run",
            config,
            "--no-progress",
            *[arg for o in outs for arg in ("-o", o)],
            env=assay_env(database_url, fake.base_url),
            cwd=tmp_path,
        )
    assert result.returncode == 0, result.stderr + result.stdout
    doc = json.loads(outs[0].read_text())
    assert len(doc["results"]) == 4 and all(r["passed"] for r in doc["results"])
    lines = [json.loads(line) for line in outs[1].read_text().splitlines()]
    assert {r["vars"]["word"] for r in lines} == {f"word{i}" for i in range(4)}
    with outs[2].open(newline="") as fh:
        table = list(csv.DictReader(fh))
    assert len(table) == 4 and {row["pass"] for row in table} == {"true"}
    suite = ET.parse(outs[3]).getroot().find("testsuite")
    assert suite is not None and suite.get("tests") == "4" and suite.get("failures") == "0"


def test_some_failing_assertions_exit_100(database_url: str, tmp_path: Path) -> None:
    with FakeOpenRouter() as fake:
        config = write_config(
            tmp_path,
            cases=3,
            extra_tests=[
                {"vars": {"word": "x"}, "assert": [{"type": "equals", "value": "something else"}]}
            ],
        )
        result = assay(
            "run", config, "--no-progress", env=assay_env(database_url, fake.base_url), cwd=tmp_path
        )
    assert result.returncode == 100, result.stderr + result.stdout


def test_provider_errors_count_as_failures(database_url: str, tmp_path: Path) -> None:
    with FakeOpenRouter(status_by_model={"fake/model": 401}) as fake:
        config = write_config(tmp_path, cases=2)
        result = assay(
            "run", config, "--no-progress", env=assay_env(database_url, fake.base_url), cwd=tmp_path
        )
    assert result.returncode == 100


def test_bad_config_exits_1_naming_file_and_key(database_url: str, tmp_path: Path) -> None:
    config = tmp_path / "broken.yaml"
    config.write_text("prompts: ['hi']\nproviders: ['local:echo']\ntests: []\nscenarios: []\n")
    result = assay("run", config, env=assay_env(database_url), cwd=tmp_path)
    assert result.returncode == 1
    assert "broken.yaml" in result.stderr and "scenarios" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_missing_config_and_bad_output_extension_exit_1(database_url: str, tmp_path: Path) -> None:
    env = assay_env(database_url)
    missing = assay("run", tmp_path / "nope.yaml", env=env, cwd=tmp_path)
    assert missing.returncode == 1 and "nope.yaml" in missing.stderr
    config = write_config(tmp_path, providers=["local:echo"])
    bad_out = assay("run", config, "-o", tmp_path / "out.pdf", env=env, cwd=tmp_path)
    assert bad_out.returncode == 1 and ".pdf" in bad_out.stderr
    assert "Traceback" not in missing.stderr + bad_out.stderr


def test_resume_of_unknown_run_is_a_clear_error(database_url: str, tmp_path: Path) -> None:
    env = assay_env(database_url)
    not_uuid = assay("run", "--resume", "abc", env=env, cwd=tmp_path)
    assert not_uuid.returncode == 1 and "abc" in not_uuid.stderr
    unknown = assay(
        "run", "--resume", "00000000-0000-4000-8000-000000000009", env=env, cwd=tmp_path
    )
    assert unknown.returncode == 1 and "not found" in unknown.stderr


def test_repeat_multiplies_cells(database_url: str, tmp_path: Path) -> None:
    config = write_config(tmp_path, cases=2, providers=["local:echo", "local:upper"])
    out = tmp_path / "r.jsonl"
    result = assay(
        "run",
        config,
        "--repeat",
        "3",
        "-o",
        out,
        "--no-progress",
        env=assay_env(database_url),
        cwd=tmp_path,
    )
    assert result.returncode in (0, 100), result.stderr
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(records) == 12 and {r["repeat"] for r in records} == {0, 1, 2}
