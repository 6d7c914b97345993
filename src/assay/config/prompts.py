"""The `prompts` section: inline text, `file://` files and globs, objects, chat message lists."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from assay.config.assertions import check_keys
from assay.config.source import Document, FileRefs, PathKey, is_file_ref, read_text
from assay.domain.models import ChatMessage, PromptTemplate

PROMPT_KEYS = frozenset({"raw", "id", "label", "messages"})
_ROLES = ("system", "user", "assistant")
_SEPARATOR = re.compile(r"^\s*---\s*$", re.MULTILINE)  # promptfoo splits .txt files on `---` lines
_CODE_SUFFIXES = frozenset({".py", ".js", ".mjs", ".cjs", ".ts"})
_LABEL_WIDTH = 60


@dataclass(frozen=True)
class _Draft:
    """A prompt before labels are made unique; `explicit` when the config named the label."""

    label: str
    explicit: bool
    text: str | None = None
    messages: tuple[ChatMessage, ...] | None = None


def short_label(text: str) -> str:
    """The label of an unlabelled inline prompt: its text, whitespace collapsed, truncated."""
    flat = " ".join(text.split())
    return flat if len(flat) <= _LABEL_WIDTH else flat[: _LABEL_WIDTH - 1] + "…"


def _messages(doc: Document, path: PathKey, items: Any) -> tuple[ChatMessage, ...]:
    if not isinstance(items, list) or not items:
        raise doc.error(path, "a chat prompt must be a non-empty list of {role, content} messages")
    out = []
    for i, item in enumerate(items):
        if not isinstance(item, Mapping):
            raise doc.error((*path, i), "a message must be an object with 'role' and 'content'")
        check_keys(doc, (*path, i), item, frozenset({"role", "content"}))
        role, content = item.get("role"), item.get("content")
        if role not in _ROLES:
            raise doc.error(
                (*path, i, "role"), f"role must be one of {', '.join(_ROLES)}, got {role!r}"
            )
        if not isinstance(content, str):
            raise doc.error((*path, i, "content"), "content must be a string")
        out.append(ChatMessage(role=role, content=content))
    return tuple(out)


def _is_chat(data: Any) -> bool:
    return (
        isinstance(data, list)
        and bool(data)
        and all(isinstance(m, Mapping) and "role" in m for m in data)
    )


def _from_file(doc: Document, path: PathKey, file: Path, files: FileRefs) -> list[_Draft]:
    """The prompts in one file, labelled by its path relative to the config."""
    try:
        name = str(file.relative_to(files.base_dir))
    except ValueError:
        name = str(file)
    suffix = file.suffix.lower()
    if suffix in _CODE_SUFFIXES:
        raise doc.error(
            path, f"prompt functions ({file.name}) are not supported; use a text or JSON file"
        )
    text = read_text(file, doc.where(path))
    if suffix in (".json", ".yaml", ".yml"):
        file_doc = Document(file, None)
        try:
            data = json.loads(text) if suffix == ".json" else yaml.safe_load(text)
        except (ValueError, yaml.YAMLError) as exc:
            raise doc.error(path, f"cannot parse {name}: {exc}") from None
        if _is_chat(data):
            return [_Draft(name, False, messages=_messages(file_doc, (), data))]
        return [_Draft(name, False, text=text)]
    parts = [p.strip() for p in _SEPARATOR.split(text)] if suffix == ".txt" else [text]
    parts = [p for p in parts if p]
    if not parts:
        raise doc.error(path, f"prompt file {name} is empty")
    if len(parts) == 1:
        return [_Draft(name, False, text=parts[0])]
    return [_Draft(f"{name} #{i}", False, text=p) for i, p in enumerate(parts, start=1)]


def _from_ref(doc: Document, path: PathKey, ref: str, files: FileRefs) -> list[_Draft]:
    drafts: list[_Draft] = []
    for file in files.paths(ref, doc.where(path)):
        drafts.extend(_from_file(doc, path, file, files))
    return drafts


def _relabel(drafts: list[_Draft], label: str) -> list[_Draft]:
    if len(drafts) == 1:
        return [_Draft(label, True, drafts[0].text, drafts[0].messages)]
    return [
        _Draft(f"{label} #{i}", True, d.text, d.messages) for i, d in enumerate(drafts, start=1)
    ]


def _from_object(
    doc: Document, path: PathKey, obj: Mapping[str, Any], files: FileRefs
) -> list[_Draft]:
    check_keys(doc, path, obj, PROMPT_KEYS)
    label = obj.get("label")
    if label is not None and (not isinstance(label, str) or not label.strip()):
        raise doc.error((*path, "label"), "label must be a non-empty string")
    forms = [k for k in ("raw", "id", "messages") if k in obj]
    if len(forms) != 1:
        raise doc.error(
            path, "a prompt object needs exactly one of 'raw', 'id' (file://…) or 'messages'"
        )
    form = forms[0]
    if form == "messages":
        messages = _messages(doc, (*path, "messages"), obj["messages"])
        drafts = [_Draft(short_label(messages[-1].content), False, messages=messages)]
    elif form == "id":
        if not is_file_ref(obj["id"]):
            raise doc.error(
                (*path, "id"), "a prompt 'id' must be a file:// reference (use 'raw' for text)"
            )
        drafts = _from_ref(doc, (*path, "id"), obj["id"], files)
    else:
        if not isinstance(obj["raw"], str):
            raise doc.error((*path, "raw"), "raw must be a string")
        drafts = [_Draft(short_label(obj["raw"]), False, text=obj["raw"])]
    return _relabel(drafts, label) if label is not None else drafts


def _from_item(doc: Document, path: PathKey, item: Any, files: FileRefs) -> list[_Draft]:
    if isinstance(item, str):
        if is_file_ref(item):
            return _from_ref(doc, path, item, files)
        if not item.strip():
            raise doc.error(path, "a prompt must not be empty")
        return [_Draft(short_label(item), False, text=item)]
    if isinstance(item, list):
        messages = _messages(doc, path, item)
        return [_Draft(short_label(messages[-1].content), False, messages=messages)]
    if isinstance(item, Mapping):
        return _from_object(doc, path, item, files)
    raise doc.error(
        path, "a prompt must be text, a file:// reference, an object or a list of messages"
    )


def _unique(drafts: list[_Draft], doc: Document) -> tuple[PromptTemplate, ...]:
    """Explicit duplicate labels are an error; default labels that collide get ' (2)', ' (3)'…"""
    explicit = [d.label for d in drafts if d.explicit]
    for label in explicit:
        if explicit.count(label) > 1:
            raise doc.error(("prompts",), f"duplicate prompt label '{label}'")
    taken = set(explicit)
    out = []
    for d in drafts:
        label = d.label
        if not d.explicit:
            n = 1
            while label in taken:
                n += 1
                label = f"{d.label} ({n})"
        taken.add(label)
        out.append(PromptTemplate(label=label, text=d.text, messages=d.messages))
    return tuple(out)


def read_prompts(doc: Document, value: Any, files: FileRefs) -> tuple[PromptTemplate, ...]:
    """The `prompts` section, in order."""
    path: PathKey = ("prompts",)
    if isinstance(value, str):
        value = [value]
    if isinstance(value, Mapping):  # promptfoo's `{file://x.txt: label}` form
        value = [{"id" if is_file_ref(k) else "raw": k, "label": v} for k, v in value.items()]
    if not isinstance(value, list) or not value:
        raise doc.error(path, "'prompts' must list at least one prompt")
    drafts: list[_Draft] = []
    for i, item in enumerate(value):
        drafts.extend(_from_item(doc, (*path, i), item, files))
    return _unique(drafts, doc)
