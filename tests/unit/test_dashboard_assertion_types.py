"""The dashboard's assertion types (web/src/testsets/assertionTypes.ts) match the server's.

The case editor offers exactly the types the API accepts in a stored test set, and the import
preview checks values as the server will; this reads the TypeScript lists and compares them with
what the server's validation actually does, so the two cannot drift apart.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assay.config import expected
from assay.domain.assertions.registry import KINDS, SUPPORTED_TYPES, UNSUPPORTED_TYPES
from assay.domain.assertions.validation import validate_assertion
from assay.domain.errors import AssertionConfigError
from assay.domain.models import AssertionSpec

TS_FILE = Path(__file__).resolve().parents[2] / "web" / "src" / "testsets" / "assertionTypes.ts"
# Each parser in registry.KINDS and the value shape the dashboard checks for it.
SHAPE_OF_PARSER = {
    "parse_equals": "required",
    "parse_substring": "text",
    "parse_expected": "scalar",
    "as_list": "list",
    "parse_regex": "regex",
    "parse_schema": "schema",
    "parse_ignored": "none",
    "parse_python": "code",
}


def ts_block(name: str) -> str:
    """The literal after `export const NAME...=`, up to its closing `];` or `};`."""
    source = TS_FILE.read_text(encoding="utf-8")
    match = re.search(
        rf"^export const {name}\b[^=]*=\s*(\[.*?\]|\{{.*?\}});", source, re.DOTALL | re.MULTILINE
    )
    assert match, f"no `export const {name} = [...]` in {TS_FILE}"
    return match.group(1)


def ts_strings(name: str) -> list[str]:
    return re.findall(r'"([^"]*)"', ts_block(name))


def ts_pairs(name: str) -> dict[str, str]:
    pairs = re.findall(r'"([^"]+)"\s*:\s*"([^"]+)"', ts_block(name))
    as_dict = dict(pairs)
    assert len(as_dict) == len(pairs), f"{name} names a type twice"
    return as_dict


def type_refused(name: str) -> bool:
    """Whether the API's check (validate_assertion, code not allowed) refuses the type itself."""
    spec = AssertionSpec(type=name, value="x", threshold=1.0)
    try:
        validate_assertion(spec, allow_code=False)
    except AssertionConfigError as exc:
        return exc.details.get("field") == "type"
    return False


def test_the_parser_reads_the_lists() -> None:
    assert ts_strings("ASSERTION_TYPES")[:2] == ["equals", "contains"]
    assert ts_pairs("VALUE_SHAPES")["regex"] == "regex"
    with pytest.raises(AssertionError):
        ts_strings("NO_SUCH_LIST")


def test_the_editor_offers_exactly_the_types_the_api_accepts() -> None:
    offered = ts_strings("ASSERTION_TYPES")
    assert len(offered) == len(set(offered)), "a type is listed twice"
    candidates = SUPPORTED_TYPES | UNSUPPORTED_TYPES | {"not-" + t for t in UNSUPPORTED_TYPES}
    candidates |= set(offered) | set(expected.RECOGNISED) | set(expected.UNSUPPORTED)
    accepted = {name for name in candidates if not type_refused(name)}
    assert set(offered) == accepted
    assert "python" not in offered and "javascript" not in offered
    assert {"icontains-any", "not-icontains-all", "not-regex"} <= set(offered)


def test_value_shapes_follow_each_kinds_parser() -> None:
    shapes = ts_pairs("VALUE_SHAPES")
    server = {
        base: SHAPE_OF_PARSER[kind.parse.__name__]
        for base, kind in KINDS.items()
        if base not in ts_strings("CODE_TYPES")
    }
    assert shapes == server
    bases = {name.removeprefix("not-") for name in ts_strings("ASSERTION_TYPES")}
    assert bases == set(shapes)


def test_threshold_and_code_types_match_the_registry() -> None:
    assert set(ts_strings("NEEDS_THRESHOLD")) == {b for b, k in KINDS.items() if k.needs_threshold}
    assert set(ts_strings("CODE_TYPES")) == {b for b in KINDS if type_refused(b)}


def test_the_csv_shorthand_names_match_the_server() -> None:
    names = ts_strings("SHORTHAND_TYPES")
    assert len(names) == len(set(names))
    assert set(names) == set(expected.RECOGNISED) | set(expected.UNSUPPORTED)
