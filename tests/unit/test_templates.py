"""Prompt templates: rendering, Nunjucks-compatible filters, chat JSON, errors and the sandbox."""

from __future__ import annotations

import pytest

from assay.domain.errors import TemplateError
from assay.domain.models import ChatMessage, PromptTemplate
from assay.domain.templates import prompt_text, render_prompt, template_variables


def text(source: str, label: str = "p") -> PromptTemplate:
    return PromptTemplate(label=label, text=source)


def render(source: str, **vars: object) -> str:
    (message,) = render_prompt(text(source), vars, case="test 1")
    assert message.role == "user"
    return message.content


def test_text_prompt_renders_one_user_message() -> None:
    messages = render_prompt(text("Hello {{ name }}!"), {"name": "Ada"}, case="test 1")
    assert messages == (ChatMessage(role="user", content="Hello Ada!"),)


def test_dotted_access_into_dict_vars() -> None:
    assert (
        render("{{ user.name }} is {{ user['age'] }}", user={"name": "Ada", "age": 36})
        == "Ada is 36"
    )


def test_if_and_for() -> None:
    source = "{% for x in items %}{% if x > 1 %}[{{ x }}]{% endif %}{% endfor %}"
    assert render(source, items=[1, 2, 3]) == "[2][3]"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("{{ s | upper }}", "  MIXED CASE  "),
        ("{{ s | lower }}", "  mixed case  "),
        ("{{ s | trim }}", "Mixed Case"),
        ("{{ items | length }}", "3"),
        ("{{ items | join(', ') }}", "a, b, c"),
        ("{{ missing | default('fallback') }}", "fallback"),
        ("{{ s | replace('Case', 'Bag') }}", "  Mixed Bag  "),
        ("{{ s | safe }}", "  Mixed Case  "),
        ("{{ obj | dump }}", '{"k":[1,"é"]}'),
        ("{{ obj | dump(2) }}", '{\n  "k": [\n    1,\n    "é"\n  ]\n}'),
        ("{{ '<b>' }}", "<b>"),  # autoescape is off
    ],
)
def test_filters_match_nunjucks(source: str, expected: str) -> None:
    assert (
        render(source, s="  Mixed Case  ", items=["a", "b", "c"], obj={"k": [1, "é"]}) == expected
    )


def test_trailing_newline_is_kept_like_nunjucks() -> None:
    assert render("line {{ n }}\n", n=1) == "line 1\n"


def test_messages_prompt_renders_each_content() -> None:
    template = PromptTemplate(
        label="chat",
        messages=(
            ChatMessage(role="system", content="You speak {{ lang }}."),
            ChatMessage(role="user", content="{{ q }}"),
        ),
    )
    out = render_prompt(template, {"lang": "French", "q": "Bonjour?"}, case="test 2")
    assert out == (
        ChatMessage(role="system", content="You speak French."),
        ChatMessage(role="user", content="Bonjour?"),
    )


def test_text_rendering_to_a_json_chat_array_becomes_messages() -> None:
    source = '[{"role": "system", "content": "Be brief."}, {"role": "user", "content": "{{ q }}"}]'
    out = render_prompt(text(source), {"q": "Why?"}, case="test 1")
    assert out == (
        ChatMessage(role="system", content="Be brief."),
        ChatMessage(role="user", content="Why?"),
    )


@pytest.mark.parametrize(
    "source",
    [
        "[1, 2, 3]",
        '[{"role": "tool", "content": "x"}]',
        "[not json",
        '{"role": "user", "content": "x"}',
    ],
)
def test_other_json_stays_text(source: str) -> None:
    assert render(source) == source


def test_missing_variable_names_variable_and_case() -> None:
    with pytest.raises(TemplateError) as info:
        render_prompt(
            text("Hi {{ name }} from {{ city }}", label="greet"),
            {"city": "Oslo"},
            case="test 3 (hello)",
        )
    message = info.value.message
    assert "'name'" in message and "test 3 (hello)" in message and "greet" in message
    assert info.value.details["variables"] == ["name"]


def test_missing_key_inside_a_dict_var_is_reported() -> None:
    with pytest.raises(TemplateError, match=r"test 4.*no attribute 'age'"):
        render_prompt(text("{{ user.age }}"), {"user": {"name": "x"}}, case="test 4")


def test_syntax_error_names_prompt_and_line() -> None:
    with pytest.raises(TemplateError) as info:
        render_prompt(text("ok\n{% if x %}never closed", label="broken"), {"x": 1}, case="test 1")
    assert "broken" in info.value.message and "line" in info.value.message
    assert info.value.details["line"] >= 2


def test_syntax_error_in_a_message_names_the_message() -> None:
    template = PromptTemplate(
        label="chat",
        messages=(
            ChatMessage(role="user", content="fine"),
            ChatMessage(role="user", content="{{ x"),
        ),
    )
    with pytest.raises(TemplateError, match=r"'chat' \(message 2\), line 1"):
        template_variables(template)


@pytest.mark.parametrize(
    "source",
    [
        "{{ ''.__class__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ obj.__dict__ }}",
    ],
)
def test_sandbox_escape_is_refused(source: str) -> None:
    with pytest.raises(TemplateError) as info:
        render_prompt(text(source), {"obj": {"a": 1}}, case="test 1")
    assert "test 1" in info.value.message


def test_runtime_failure_becomes_template_error() -> None:
    with pytest.raises(TemplateError, match="ZeroDivisionError"):
        render("{{ 1 / n }}", n=0)


def test_template_variables_lists_top_level_undeclared_names() -> None:
    source = (
        "{% set n = 1 %}{{ a.b }}{% for x in items %}{{ x }}{{ c }}{% endfor %}{{ d | default }}"
    )
    assert template_variables(text(source)) == frozenset({"a", "items", "c", "d"})


def test_template_variables_of_a_messages_prompt_is_the_union() -> None:
    template = PromptTemplate(
        label="chat",
        messages=(
            ChatMessage(role="system", content="{{ s }}"),
            ChatMessage(role="user", content="{{ u }}"),
        ),
    )
    assert template_variables(template) == frozenset({"s", "u"})


def test_repeated_renders_give_equal_results() -> None:
    template = text("{{ a }}-{{ b | upper }}")
    first = render_prompt(template, {"a": 1, "b": "x"}, case="test 1")
    again = render_prompt(
        PromptTemplate(label="other", text="{{ a }}-{{ b | upper }}"), {"a": 1, "b": "x"}, case="t"
    )
    assert first == again == (ChatMessage(role="user", content="1-X"),)
    assert render_prompt(template, {"a": 2, "b": "y"}, case="test 2")[0].content == "2-Y"


def test_prompt_text_single_user_message_is_its_content() -> None:
    assert prompt_text((ChatMessage(role="user", content="hello"),)) == "hello"


def test_prompt_text_several_messages_are_role_lines() -> None:
    messages = (
        ChatMessage(role="system", content="be kind"),
        ChatMessage(role="user", content="hi"),
    )
    assert prompt_text(messages) == "system: be kind\nuser: hi"
