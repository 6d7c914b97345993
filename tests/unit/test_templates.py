"""Prompt templates: rendering, Nunjucks-compatible filters, chat JSON, errors and the sandbox."""

from __future__ import annotations

import pytest

from assay.domain import templates
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


@pytest.mark.parametrize(
    ("source", "why"),
    [
        ("{{ 'x' * 10000000000 }}", "repeating a value"),
        ("{{ 'x' * n }}", "repeating a value"),
        ("{{ [1, 2] * 10000000 }}", "repeating a value"),
        ("{{ 10 ** 10000 }}", "a power over 4,096 bits"),
        ("{{ 'x'.ljust(10000000000) }}", "a padding width"),
        ("{{ 'x'.center(n) }}", "a padding width"),
        ("{{ 'x' | center(10000000000) }}", "a padding width"),
        ("{{ 'a\nb' | indent(10000000000) }}", "an indent width"),
        ("{{ '%10000000000d' % 1 }}", "a format width"),
        ("{{ '%.10000000000f' | format(1.5) }}", "a format width"),
        ("{{ '{:>10000000000}'.format(1) }}", "a format width"),
        ("{{ '{:{}}'.format(1, 10000000000) }}", "a format width"),
        ("{{ '{x:>{w}}'.format_map({'x': 1, 'w': 10000000000}) }}", "a format width"),
        ("{{ '%*d' % (10000000000, 1) }}", "a format width"),
        ("{{ '%.*f' | format(10000000000, 1.5) }}", "a format width"),
        ("{{ ('x' * 1000) | replace('', 'yyyyyyyyyy' * 100) }}", "replacing would make"),
        ("{{ ('x' * 1000).replace('x', 'y' * 2000) }}", "replacing would make"),
    ],
)
def test_a_template_that_would_build_a_huge_value_is_refused_before_it_does(
    source: str, why: str
) -> None:
    with pytest.raises(TemplateError, match="forbidden operation") as info:
        render(source, n=10_000_000_000)
    assert why in info.value.message
    assert "test 1" in info.value.message


@pytest.mark.parametrize(
    ("source", "why"),
    [
        (
            "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
            "loops ran over 1,000,000 steps",
        ),
        ("{% for i in range(100000) %}{{ 'x' * 100 }}{% endfor %}", "over 1,000,000 characters"),
        ("{% for x in items %}{{ x * 1000 }}{% endfor %}", "over 1,000,000 characters"),
    ],
)
def test_a_template_that_runs_too_long_or_writes_too_much_stops_with_a_clear_error(
    source: str, why: str
) -> None:
    with pytest.raises(TemplateError, match="too costly to render") as info:
        render(source, items=["y"] * 2000)
    assert why in info.value.message


def test_a_render_past_its_deadline_stops(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(templates, "RENDER_SECONDS", 0.0)
    with pytest.raises(TemplateError, match="rendering took over 0 s"):
        render("{% for i in range(5000) %}{% endfor %}")


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("{% for i in range(3) %}{{ i }}{% endfor %}", "012"),
        (
            "{{ range(4) | list | length }}|{{ range(10)[2] }}|{{ range(2, 8, 3) | join(',') }}",
            "4|2|2,5",
        ),
        ("{{ '-' * 5 }}{{ 2 ** 10 }}", "-----1024"),
        (
            "{{ 'ab'.center(6) }}|{{ 'x' | center(5) }}|{{ '%05.1f' % 3.14159 }}",
            "  ab  |  x  |003.1",
        ),
        ("{{ '{:>6,}'.format(1234) }}|{{ '%s-%s' | format('a', 'b') }}", " 1,234|a-b"),
        (
            "{{ '{:{}}'.format('a', 3) }}|{{ '%*d' % (4, 7) }}|"
            "{{ '{n:>{w}}'.format_map({'n': 1, 'w': 2}) }}",
            "a  |   7| 1",
        ),
        ("{{ 'a.b.c' | replace('.', '/') }}|{{ 'aaa'.replace('a', 'b', 2) }}", "a/b/c|bba"),
        ("{{ 'line1\nline2' | indent(2) }}", "line1\n  line2"),
        ("{{ price * 3 }}", "3000000000"),
    ],
)
def test_ordinary_templates_render_as_before_under_the_bounds(source: str, expected: str) -> None:
    assert render(source, price=1_000_000_000) == expected


def test_a_render_over_its_bounds_does_not_leave_the_next_render_bounded_by_it() -> None:
    with pytest.raises(TemplateError):
        render("{% for i in range(100000) %}{% for j in range(20) %}{% endfor %}{% endfor %}")
    assert render("{% for i in range(100000) %}{% endfor %}ok") == "ok"
