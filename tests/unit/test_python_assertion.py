"""Running python assertions for real: inline code and file:// functions, through grade()."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assay.adapters.python_assertion import context_dict, run_python_assertion
from assay.domain.assertions import grade
from assay.domain.models import AssertionResult, AssertionSpec, GradingContext

CHECKS = Path(__file__).parent / "data" / "assertions" / "checks.py"
BROKEN = Path(__file__).parent / "data" / "assertions" / "broken.py"
CONTEXT = GradingContext(
    vars={"topic": "greetings", "n": 3},
    prompt="Say hello",
    latency_ms=120.0,
    cost=0.002,
    provider="openrouter:openai/gpt-4o-mini",
    description="greets",
    allow_code=True,
)


def judge(value: str, output: str = "hello world", **spec: Any) -> AssertionResult:
    specs = [AssertionSpec(type=spec.pop("type", "python"), value=value, **spec)]
    result = grade(specs, output, CONTEXT, code_runner=run_python_assertion)
    return result.results[0]


def test_expression_sees_output_and_context() -> None:
    assert judge("output.startswith('hello')").passed
    assert not judge("output.startswith('bye')").passed
    assert judge("context['vars']['topic'] == 'greetings'").passed
    assert judge("context['prompt'] == 'Say hello'").passed
    assert judge("context['test'] == {'description': 'greets', 'vars': context['vars']}").passed
    assert judge("context['provider']['id'].startswith('openrouter:')").passed
    assert judge("context['cost'] == 0.002 and context['latency_ms'] == 120").passed


def test_expression_returning_a_score() -> None:
    result = judge("len(output) / 100")
    assert (result.passed, result.score) == (True, 0.11)
    assert not judge("len(output) / 100", threshold=0.5).passed
    assert judge("math.log10(len(output))", threshold=1).passed  # math is pre-imported


def test_multiline_code_returns_like_a_function_body() -> None:
    code = """
words = output.split()
if len(words) == 2:
    return {'pass': True, 'score': 0.5, 'reason': 'two words'}
return False
"""
    result = judge(code)
    assert (result.passed, result.score, result.reason) == (True, 0.5, "two words")
    assert not judge(code, output="one").passed


def test_multiline_code_ending_in_an_expression_returns_it() -> None:
    code = "import json\ndata = json.loads(output)\ndata['ok'] is True"
    assert judge(code, output='{"ok": true}').passed
    assert not judge(code, output='{"ok": false}').passed
    assert judge("n = context['vars']['n']\nn * 2 == 6").passed


def test_multiline_code_without_return_fails_clearly() -> None:
    result = judge("x = 1\nif x:\n    y = 2")
    assert not result.passed
    assert "not NoneType" in result.reason


def test_exception_in_user_code_fails_the_assertion() -> None:
    result = judge("1 / 0")
    assert not result.passed
    assert result.reason == "Python code execution failed: ZeroDivisionError: division by zero"
    assert "KeyError" in judge("context['vars']['nope']").reason


def test_exit_in_user_code_does_not_end_the_run() -> None:
    result = judge("exit(2)")
    assert not result.passed
    assert result.reason == "Python code execution failed: RuntimeError: the code called exit(2)"


def test_not_python_inverts() -> None:
    assert judge("'error' in output", type="not-python").passed
    assert not judge("'hello' in output", type="not-python").passed


def test_file_default_function() -> None:
    result = judge(f"file://{CHECKS}")
    assert (result.passed, result.score, result.reason) == (True, 0.75, "topic=greetings")
    assert not judge(f"file://{CHECKS}", output="bye").passed


def test_file_named_function() -> None:
    result = judge(f"file://{CHECKS}:length_score", output="12345")
    assert (result.passed, result.score) == (True, 0.5)
    assert not judge(f"file://{CHECKS}:length_score", output="123", threshold=0.5).passed


def test_file_function_returning_a_dataclass() -> None:
    result = judge(f"file://{CHECKS}:as_dataclass", output="LOUD")
    assert (result.passed, result.score, result.reason) == (True, 0.5, "upper-case check")
    assert not judge(f"file://{CHECKS}:as_dataclass", output="quiet").passed


def test_file_function_raising() -> None:
    result = judge(f"file://{CHECKS}:raises")
    assert result.reason == "Python code execution failed: KeyError: 'missing-key'"
    assert "called exit(3)" in judge(f"file://{CHECKS}:exits").reason


def test_file_problems_fail_with_clear_reasons(tmp_path: Path) -> None:
    missing = judge(f"file://{tmp_path}/nope.py")
    assert missing.reason == (
        f"Python code execution failed: python assertion file not found: {tmp_path}/nope.py"
    )
    no_function = judge(f"file://{CHECKS}:absent")
    assert no_function.reason.endswith(f"{CHECKS} has no function 'absent'")
    assert judge(f"file://{CHECKS}:NOT_CALLABLE").reason.endswith("has no function 'NOT_CALLABLE'")
    broken = judge(f"file://{BROKEN}")
    assert broken.reason == "Python code execution failed: ImportError: broken fixture module"


def test_edited_file_is_reloaded(tmp_path: Path) -> None:
    script = tmp_path / "check.py"
    script.write_text("def get_assert(output, context):\n    return True\n")
    assert judge(f"file://{script}").passed
    script.write_text("def get_assert(output, context):\n    return False\n# edited\n")
    assert not judge(f"file://{script}").passed


def test_file_can_import_its_siblings(tmp_path: Path) -> None:
    (tmp_path / "shared_words_for_test.py").write_text("WORD = 'hello'\n")
    script = tmp_path / "uses_sibling.py"
    script.write_text(
        "from shared_words_for_test import WORD\n\n"
        "def get_assert(output, context):\n    return WORD in output\n"
    )
    assert judge(f"file://{script}").passed


def test_user_code_cannot_change_the_case_vars() -> None:
    assert judge(f"file://{CHECKS}:mutates").passed
    assert CONTEXT.vars["topic"] == "greetings"
    assert judge("context['vars']['topic'] == 'greetings'").passed


def test_inline_state_does_not_leak_between_calls() -> None:
    code = "global seen\ntry:\n    seen += 1\nexcept NameError:\n    seen = 1\nreturn seen == 1"
    assert judge(code).passed
    assert judge(code).passed


def test_runner_returns_the_raw_result() -> None:
    spec = AssertionSpec(type="python", value="[output, context['vars']['n']]")
    assert run_python_assertion(spec, "o", CONTEXT) == ["o", 3]


def test_context_dict_shape() -> None:
    assert context_dict(GradingContext()) == {
        "vars": {},
        "prompt": "",
        "test": {"description": None, "vars": {}},
        "provider": None,
        "latency_ms": None,
        "cost": None,
        "config": {},
    }
