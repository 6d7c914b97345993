"""load_suite: top-level keys, test files, defaultTest, var expansion, file:// values, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assay.config import load_suite
from assay.domain import assertions as assertion_rules
from assay.domain.errors import AssertionConfigError, ConfigError
from assay.domain.models import AssertionSpec, EvalSuite

HEAD = "prompts: ['{{ q }}']\nproviders: [local:echo]\n"
DEMO = Path(__file__).parents[2] / "examples" / "demo" / "promptfooconfig.yaml"


def load(tmp_path: Path, body: str, files: dict[str, str] | None = None, **kw: bool) -> EvalSuite:
    for name, content in (files or {}).items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(content)
    config = tmp_path / "promptfooconfig.yaml"
    config.write_text(HEAD + body)
    return load_suite(config, **kw)


def test_unknown_top_level_key_names_key_file_and_line(tmp_path: Path) -> None:
    with pytest.raises(
        ConfigError,
        match=r"promptfooconfig.yaml:4: unsupported key 'scenarios' in promptfooconfig.yaml",
    ):
        load(tmp_path, "tests: [{vars: {q: a}}]\nscenarios: []\n")


def test_schema_and_description_are_accepted(tmp_path: Path) -> None:
    suite = load(
        tmp_path,
        "$schema: https://example.invalid/s.json\ndescription: d\ntests: [{vars: {q: a}}]\n",
    )
    assert suite.description == "d" and len(suite.tests) == 1


def test_json_config(tmp_path: Path) -> None:
    config = tmp_path / "c.json"
    config.write_text(
        json.dumps(
            {"prompts": ["{{ q }}"], "providers": ["local:echo"], "tests": [{"vars": {"q": 1}}]}
        )
    )
    assert load_suite(config).tests[0].vars == {"q": 1}


@pytest.mark.parametrize(
    ("name", "content", "pattern"),
    [
        ("c.toml", "x", r"must end in .yaml, .yml or .json"),
        ("c.yaml", "prompts: [a\n", r"c.yaml:2: invalid YAML"),
        ("c.json", '{"prompts": }', r"c.json:1: invalid JSON"),
        ("c.yaml", "- a\n", r"a config must be a mapping"),
    ],
)
def test_bad_config_files(tmp_path: Path, name: str, content: str, pattern: str) -> None:
    (tmp_path / name).write_text(content)
    with pytest.raises(ConfigError, match=pattern):
        load_suite(tmp_path / name)


def test_recursive_yaml_alias_is_refused(tmp_path: Path) -> None:
    (tmp_path / "c.yaml").write_text("prompts: &loop [*loop]\n")
    with pytest.raises(ConfigError, match=r"c.yaml:1: a YAML alias refers to itself"):
        load_suite(tmp_path / "c.yaml")


def test_missing_config_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_suite(tmp_path / "nope.yaml")


def test_tests_from_csv_jsonl_yaml_and_glob(tmp_path: Path) -> None:
    files = {
        "t/a.csv": "q,__expected\nfrom-csv,contains: csv\n",
        "t/b.jsonl": '{"vars": {"q": "from-jsonl"}}\n',
        "more/c.yaml": "- vars: {q: from-yaml}\n",
        "more/d.json": '[{"vars": {"q": "from-json"}}]',
    }
    suite = load(
        tmp_path,
        "tests:\n  - file://t/*\n  - file://more/c.yaml\n  - file://more/d.json\n"
        "  - vars: {q: inline}\n",
        files,
    )
    assert [t.vars["q"] for t in suite.tests] == [
        "from-csv",
        "from-jsonl",
        "from-yaml",
        "from-json",
        "inline",
    ]
    assert suite.tests[0].assertions == (AssertionSpec(type="contains", value="csv"),)


def test_tests_as_a_single_file_reference(tmp_path: Path) -> None:
    suite = load(tmp_path, "tests: file://tests.csv\n", {"tests.csv": "q\na\nb\n"})
    assert [t.vars for t in suite.tests] == [{"q": "a"}, {"q": "b"}]


def test_csv_errors_inside_a_suite_name_the_csv_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load(
            tmp_path,
            "tests: file://data/t.csv\n",
            {"data/t.csv": "q,__expected\na,llm-rubric: nice\n"},
        )
    assert "data/t.csv" in info.value.message and info.value.details["errors"][0]["line"] == 2


def test_missing_tests_file_names_it_and_the_reference(tmp_path: Path) -> None:
    with pytest.raises(
        ConfigError, match=r"promptfooconfig.yaml:4: tests\[0\]: file not found: .*gone.csv"
    ):
        load(tmp_path, "tests:\n  - file://gone.csv\n")


@pytest.mark.parametrize("tests_yaml", ["tests: []\n", "", "tests: file://empty.csv\n"])
def test_no_tests_is_an_error(tmp_path: Path, tests_yaml: str) -> None:
    with pytest.raises(ConfigError, match=r"tests"):
        load(tmp_path, tests_yaml, {"empty.csv": "q\n"})


def test_default_test_is_merged_into_every_test(tmp_path: Path) -> None:
    body = (
        "defaultTest:\n"
        "  vars: {q: default, lang: en}\n"
        "  assert: [{type: not-contains, value: ERROR}]\n"
        "  threshold: 0.5\n"
        "  metadata: {team: a, kind: default}\n"
        "tests:\n"
        "  - vars: {q: own}\n"
        "    assert: [{type: contains, value: own}]\n"
        "    threshold: 0.9\n"
        "    metadata: {kind: own}\n"
        "  - description: bare\n"
    )
    own, bare = load(tmp_path, body).tests
    assert own.vars == {"q": "own", "lang": "en"}
    assert [a.type for a in own.assertions] == ["not-contains", "contains"]
    assert own.threshold == 0.9 and own.metadata == {"team": "a", "kind": "own"}
    assert bare.vars == {"q": "default", "lang": "en"} and bare.threshold == 0.5
    assert [a.type for a in bare.assertions] == ["not-contains"]


def test_default_test_from_a_file(tmp_path: Path) -> None:
    suite = load(
        tmp_path, "defaultTest: file://d.yaml\ntests: [{}]\n", {"d.yaml": "vars: {q: from-file}\n"}
    )
    assert suite.tests[0].vars == {"q": "from-file"}


def test_string_array_vars_expand_to_every_combination(tmp_path: Path) -> None:
    body = "tests:\n  - description: grid\n    vars: {q: [a, b], lang: [en, fr], n: 1}\n"
    suite = load(tmp_path, body)
    assert [t.vars for t in suite.tests] == [
        {"q": "a", "lang": "en", "n": 1},
        {"q": "a", "lang": "fr", "n": 1},
        {"q": "b", "lang": "en", "n": 1},
        {"q": "b", "lang": "fr", "n": 1},
    ]
    assert {t.description for t in suite.tests} == {"grid"}


def test_default_test_arrays_expand_too_and_non_string_arrays_stay_whole(tmp_path: Path) -> None:
    body = (
        "defaultTest: {vars: {tone: [calm, loud]}}\n"
        "tests:\n  - vars: {q: x, nums: [1, 2], objs: [{a: 1}]}\n"
    )
    suite = load(tmp_path, body)
    assert [t.vars for t in suite.tests] == [
        {"tone": "calm", "q": "x", "nums": [1, 2], "objs": [{"a": 1}]},
        {"tone": "loud", "q": "x", "nums": [1, 2], "objs": [{"a": 1}]},
    ]


def test_disable_var_expansion_keeps_the_array(tmp_path: Path) -> None:
    suite = load(
        tmp_path, "tests:\n  - vars: {q: [a, b]}\n    options: {disableVarExpansion: true}\n"
    )
    assert [t.vars for t in suite.tests] == [{"q": ["a", "b"]}]


def test_file_vars_load_text_and_globs_expand(tmp_path: Path) -> None:
    files = {"docs/one.txt": "first doc\n", "docs/two.txt": "second doc", "note.md": "# note"}
    body = (
        "tests:\n  - vars: {q: file://note.md}\n  - vars: {q: 'file://docs/*.txt'}\n"
        "  - vars: {q: [file://note.md, plain]}\n"
    )
    suite = load(tmp_path, body, files)
    assert [t.vars["q"] for t in suite.tests] == [
        "# note",
        "first doc\n",
        "second doc",
        "# note",
        "plain",
    ]


def test_file_vars_in_csv_are_loaded(tmp_path: Path) -> None:
    suite = load(
        tmp_path, "tests: file://t.csv\n", {"t.csv": "q\nfile://in.txt\n", "in.txt": "from file"}
    )
    assert suite.tests[0].vars == {"q": "from file"}


def test_missing_var_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(
        ConfigError,
        match=r"promptfooconfig.yaml:4: tests\[0\]: vars.q: file not found: .*absent.txt",
    ):
        load(tmp_path, "tests:\n  - vars: {q: file://absent.txt}\n")


@pytest.mark.parametrize(
    ("tests_yaml", "pattern"),
    [
        (
            "tests:\n  - vars: {q: a}\n    provider: x\n",
            r":5: tests\[0\]: unknown field 'provider'",
        ),
        (
            "tests:\n  - vars: {q: a}\n  - vars: {q: b}\n"
            "    assert:\n      - type: contains\n        foo: 1\n",
            r"promptfooconfig.yaml:8: tests\[1\]\.assert\[0\]: unknown field 'foo'",
        ),
        (
            "tests:\n  - assert: [{value: x}]\n",
            r"tests\[0\]\.assert\[0\]\.type: an assertion needs a 'type'",
        ),
        ("tests:\n  - assert: {type: contains}\n", r"'assert' must be a list"),
        (
            "tests:\n  - assert: [{type: contains, weight: heavy}]\n",
            r"assert\[0\]\.weight: must be a number",
        ),
        ("tests:\n  - vars: [q]\n", r"tests\[0\]\.vars: 'vars' must be a mapping"),
        ("tests:\n  - threshold: high\n", r"tests\[0\]\.threshold: must be a number"),
        ("tests:\n  - threshold: .nan\n", r"tests\[0\]\.threshold: must be a number"),
        (
            "tests:\n  - options: {transform: x}\n",
            r"tests\[0\]\.options: unsupported option 'transform'",
        ),
        ("defaultTest: {bogus: 1}\ntests: [{}]\n", r":3: defaultTest: unknown field 'bogus'"),
        ("tests:\n  - file://t.txt\n", r"unsupported tests file t.txt"),
        ("tests:\n  - file://l.yaml\n", r"l.yaml:1: a tests file must hold a list"),
    ],
)
def test_bad_tests_are_reported_with_location(
    tmp_path: Path, tests_yaml: str, pattern: str
) -> None:
    with pytest.raises(ConfigError, match=pattern):
        load(tmp_path, tests_yaml, {"t.txt": "x", "l.yaml": "a: 1\n"})


def test_assertion_values_load_from_files(tmp_path: Path) -> None:
    files = {
        "v/list.json": '["a", "b"]',
        "v/list.yaml": "- c\n- d\n",
        "v/text.txt": "expected text",
    }
    body = (
        "tests:\n  - assert:\n"
        "      - {type: contains-any, value: file://v/list.json}\n"
        "      - {type: contains-all, value: file://v/list.yaml}\n"
        "      - {type: equals, value: file://v/text.txt}\n"
    )
    values = [a.value for a in load(tmp_path, body, files).tests[0].assertions]
    assert values == [["a", "b"], ["c", "d"], "expected text"]


def test_python_file_assertion_keeps_an_absolute_reference(tmp_path: Path) -> None:
    files = {"checks/g.py": "def get_assert(output, context):\n    return True\n"}
    body = (
        "tests:\n  - assert:\n      - {type: python, value: file://checks/g.py}\n"
        "      - {type: not-python, value: 'file://checks/g.py:other'}\n"
    )
    first, second = load(tmp_path, body, files).tests[0].assertions
    target = (tmp_path / "checks" / "g.py").resolve()
    assert first.value == f"file://{target}"
    assert second.value == f"file://{target}:other"


def test_python_assertions_need_allow_code(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"tests\[0\]\.assert\[0\]: 'python' assertions run code"):
        load(tmp_path, "tests:\n  - assert: [{type: python, value: 'True'}]\n", allow_code=False)


def test_missing_python_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"assert\[0\]\.value: file not found: .*nope.py"):
        load(tmp_path, "tests:\n  - assert: [{type: python, value: file://nope.py}]\n")


def test_missing_assertion_value_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"assert\[0\]\.value: file not found: .*gone.json"):
        load(tmp_path, "tests:\n  - assert: [{type: equals, value: file://gone.json}]\n")


def test_assertion_validation_errors_carry_the_location(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def reject(spec: AssertionSpec, *, allow_code: bool) -> None:
        if spec.type == "bogus":
            raise AssertionConfigError("unknown assertion type 'bogus'")

    monkeypatch.setattr(assertion_rules, "validate_assertion", reject)
    body = (
        "tests:\n  - vars: {q: a}\n  - description: second\n    assert:\n"
        "      - {type: contains, value: a}\n      - {type: bogus}\n"
    )
    with pytest.raises(AssertionConfigError) as info:
        load(tmp_path, body)
    assert info.value.message == (
        "promptfooconfig.yaml:8: tests[1].assert[1]: unknown assertion type 'bogus'"
    )
    assert info.value.details["line"] == 8


def test_demo_suite_loads() -> None:
    suite = load_suite(DEMO)
    assert [p.label for p in suite.prompts] == ["translate", "shout"]
    assert [p.id for p in suite.providers] == ["local:echo", "local:reverse"]
    assert 8 <= len(suite.tests) <= 12
    assert all(a.type not in ("python", "not-python") for t in suite.tests for a in t.assertions)
