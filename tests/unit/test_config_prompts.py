"""The `prompts` section of a config, in each form promptfoo (and Assay) accepts."""

from __future__ import annotations

from pathlib import Path

import pytest

from assay.config import load_suite
from assay.domain.errors import ConfigError
from assay.domain.models import ChatMessage, PromptTemplate

DATA = Path(__file__).parent / "data" / "config"
TAIL = "providers: [local:echo]\ntests:\n  - vars: {text: hi}\n"


def suite_prompts(
    tmp_path: Path, prompts_yaml: str, files: dict[str, str] | None = None
) -> tuple[PromptTemplate, ...]:
    for name, content in (files or {}).items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(content)
    config = tmp_path / "promptfooconfig.yaml"
    config.write_text(prompts_yaml + TAIL)
    return load_suite(config).prompts


def test_inline_string_prompt_is_labelled_by_its_text(tmp_path: Path) -> None:
    (prompt,) = suite_prompts(tmp_path, "prompts:\n  - 'Say {{ text }}'\n")
    assert prompt == PromptTemplate(label="Say {{ text }}", text="Say {{ text }}")


def test_a_single_string_is_one_prompt(tmp_path: Path) -> None:
    (prompt,) = suite_prompts(tmp_path, "prompts: 'Only {{ text }}'\n")
    assert prompt.text == "Only {{ text }}"


def test_long_inline_prompt_label_is_truncated(tmp_path: Path) -> None:
    long = "word " * 40 + "{{ text }}"
    (prompt,) = suite_prompts(tmp_path, f"prompts:\n  - '{long}'\n")
    assert prompt.text == long
    assert len(prompt.label) == 60 and prompt.label.endswith("…")


def test_raw_object_with_label(tmp_path: Path) -> None:
    (prompt,) = suite_prompts(tmp_path, "prompts:\n  - raw: 'Q: {{ text }}'\n    label: qa\n")
    assert prompt == PromptTemplate(label="qa", text="Q: {{ text }}")


def test_file_prompt_is_labelled_by_its_path(tmp_path: Path) -> None:
    (prompt,) = suite_prompts(
        tmp_path, "prompts:\n  - file://p/one.j2\n", {"p/one.j2": "J2 {{ text }}\n"}
    )
    assert prompt == PromptTemplate(label="p/one.j2", text="J2 {{ text }}\n")


def test_id_object_with_label(tmp_path: Path) -> None:
    files = {"one.txt": "T {{ text }}"}
    (prompt,) = suite_prompts(
        tmp_path, "prompts:\n  - id: file://one.txt\n    label: mine\n", files
    )
    assert prompt == PromptTemplate(label="mine", text="T {{ text }}")


def test_txt_file_splits_on_separator_lines_like_promptfoo(tmp_path: Path) -> None:
    text = (DATA / "multi.txt").read_text()
    prompts = suite_prompts(tmp_path, "prompts:\n  - file://multi.txt\n", {"multi.txt": text})
    assert [(p.label, p.text) for p in prompts] == [
        ("multi.txt #1", "First {{ a }}"),
        ("multi.txt #2", "Second {{ a }}"),
    ]


def test_fixture_suite_with_glob_json_chat_and_markdown() -> None:
    suite = load_suite(DATA / "suite.yaml")
    labels = [p.label for p in suite.prompts]
    assert labels == ["prompts/summary.txt", "chat", "prompts/review.md"]
    assert suite.prompts[0].text == "Summarise: {{ text }}"
    assert suite.prompts[1].messages == (
        ChatMessage(role="system", content="You are a {{ persona }}."),
        ChatMessage(role="user", content="{{ text }}"),
    )
    assert suite.prompts[2].text == "# Review\n\nReview {{ text }} carefully.\n"
    assert suite.source == str(DATA / "suite.yaml")


def test_glob_gives_one_prompt_per_file_sorted(tmp_path: Path) -> None:
    files = {"ps/b.txt": "B {{ text }}", "ps/a.txt": "A {{ text }}", "ps/skip.md": "no"}
    prompts = suite_prompts(tmp_path, "prompts:\n  - file://ps/*.txt\n", files)
    assert [(p.label, p.text) for p in prompts] == [
        ("ps/a.txt", "A {{ text }}"),
        ("ps/b.txt", "B {{ text }}"),
    ]


def test_chat_message_list_is_a_messages_prompt(tmp_path: Path) -> None:
    yaml = (
        "prompts:\n"
        "  - - {role: system, content: 'Be {{ tone }}'}\n"
        "    - {role: user, content: '{{ text }}'}\n"
    )
    (prompt,) = suite_prompts(tmp_path, yaml)
    assert prompt.messages == (
        ChatMessage(role="system", content="Be {{ tone }}"),
        ChatMessage(role="user", content="{{ text }}"),
    )
    assert prompt.label == "{{ text }}"


def test_messages_object_with_label(tmp_path: Path) -> None:
    yaml = "prompts:\n  - label: c\n    messages:\n      - {role: user, content: '{{ text }}'}\n"
    (prompt,) = suite_prompts(tmp_path, yaml)
    assert prompt == PromptTemplate(
        label="c", messages=(ChatMessage(role="user", content="{{ text }}"),)
    )


def test_promptfoo_mapping_form(tmp_path: Path) -> None:
    prompts = suite_prompts(
        tmp_path, "prompts:\n  file://x.txt: from-file\n  'Hi {{ text }}': inline\n", {"x.txt": "X"}
    )
    assert [(p.label, p.text) for p in prompts] == [("from-file", "X"), ("inline", "Hi {{ text }}")]


def test_colliding_default_labels_are_made_unique(tmp_path: Path) -> None:
    prompts = suite_prompts(tmp_path, "prompts:\n  - 'Same {{ text }}'\n  - 'Same {{ text }}'\n")
    assert [p.label for p in prompts] == ["Same {{ text }}", "Same {{ text }} (2)"]


def test_duplicate_explicit_labels_are_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="duplicate prompt label 'x'"):
        suite_prompts(tmp_path, "prompts:\n  - {raw: a, label: x}\n  - {raw: b, label: x}\n")


@pytest.mark.parametrize(
    ("prompts_yaml", "pattern"),
    [
        (
            "prompts: []\n",
            r"promptfooconfig.yaml:1: prompts: 'prompts' must list at least one prompt",
        ),
        (
            "prompts:\n  - {raw: a, label: x, config: {}}\n",
            r":2: prompts\[0\]: unknown field 'config'",
        ),
        ("prompts:\n  - {raw: a, id: file://b.txt}\n", r"exactly one of 'raw', 'id'"),
        (
            "prompts:\n  - [{role: robot, content: x}]\n",
            r"prompts\[0\]\[0\]\.role: role must be one of",
        ),
        (
            "prompts:\n  - file://nowhere.txt\n",
            r"promptfooconfig.yaml:2: prompts\[0\]: file not found: .*nowhere.txt",
        ),
        ("prompts:\n  - file://gen.py\n", r"prompt functions \(gen.py\) are not supported"),
        (
            "prompts:\n  - 'Hi {% if %}'\n",
            r"prompts\[0\]: prompt 'Hi \{% if %\}', line 1: syntax error",
        ),
        ("prompts:\n  - id: Hello\n", r"must be a file:// reference"),
    ],
)
def test_bad_prompts_are_reported_with_location(
    tmp_path: Path, prompts_yaml: str, pattern: str
) -> None:
    (tmp_path / "gen.py").write_text("def f(): pass\n")
    with pytest.raises(ConfigError, match=pattern):
        suite_prompts(tmp_path, prompts_yaml)
