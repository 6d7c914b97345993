"""Config documents: YAML/JSON with line numbers, error locations, `file://` references."""

from __future__ import annotations

import glob
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from assay.domain.errors import ConfigError

FILE_PREFIX = "file://"
PathKey = tuple[str | int, ...]


def dotted(path: PathKey) -> str:
    """`("tests", 3, "assert", 0)` → `tests[3].assert[0]`."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


@dataclass(frozen=True)
class Document:
    """One parsed config file: its data and, for YAML, the line of each path."""

    path: Path
    data: Any
    lines: dict[PathKey, int] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.path.name

    def line(self, path: PathKey) -> int | None:
        """The line of `path`, or of its nearest ancestor that has one."""
        for end in range(len(path), -1, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return None

    def where(self, path: PathKey, at: PathKey | None = None) -> str:
        """`name:line: dotted.path`; the line is looked up at `at` (default `path`)."""
        line = self.line(path if at is None else at)
        place = self.name + (f":{line}" if line is not None else "")
        return f"{place}: {dotted(path)}" if path else place

    def error(self, path: PathKey, message: str, *, at: PathKey | None = None) -> ConfigError:
        """A ConfigError that names this file, the line and the field path."""
        details: dict[str, Any] = {"file": str(self.path), "path": dotted(path)}
        line = self.line(path if at is None else at)
        if line is not None:
            details["line"] = line
        return ConfigError(f"{self.where(path, at)}: {message}", details=details)


_MAX_ALIAS_USES = 10_000


class _LineMap:
    """Walks a composed YAML tree once, recording the line of each path; refuses alias abuse."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lines: dict[PathKey, int] = {}
        self.seen: set[int] = set()
        self.active: set[int] = set()
        self.alias_uses = 0

    def _refuse(self, node: yaml.Node, why: str) -> ConfigError:
        line = node.start_mark.line + 1
        return ConfigError(f"{self.path.name}:{line}: {why}", details={"file": str(self.path)})

    def walk(self, node: yaml.Node, path: PathKey) -> None:
        self.lines[path] = node.start_mark.line + 1
        if id(node) in self.active:
            raise self._refuse(node, "a YAML alias refers to itself")
        if id(node) in self.seen:  # an alias: its inside was walked already
            self.alias_uses += 1
            if self.alias_uses > _MAX_ALIAS_USES:
                raise self._refuse(node, "too many YAML alias uses")
            return
        self.seen.add(id(node))
        self.active.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    self.lines[(*path, key.value)] = key.start_mark.line + 1
                    self.walk(value, (*path, key.value))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                self.walk(item, (*path, i))
        self.active.discard(id(node))


def parse_yaml(text: str, path: Path) -> Document:
    """Parse YAML text, remembering where each path starts."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return Document(path, None)
        data = loader.construct_document(node)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(
            f"{path.name}{line}: invalid YAML: {problem}", details={"file": str(path)}
        ) from None
    finally:
        loader.dispose()
    line_map = _LineMap(path)
    line_map.walk(node, ())
    return Document(path, data, line_map.lines)


def parse_json(text: str, path: Path) -> Document:
    try:
        return Document(path, json.loads(text))
    except json.JSONDecodeError as exc:
        raise ConfigError(
            f"{path.name}:{exc.lineno}: invalid JSON: {exc.msg} (column {exc.colno})",
            details={"file": str(path), "line": exc.lineno},
        ) from None


def read_text(path: Path, referrer: str) -> str:
    """A file's text; a missing or unreadable file is a ConfigError naming who referenced it."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(
            f"{referrer}: file not found: {path}", details={"file": str(path)}
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(
            f"{referrer}: cannot read {path}: {exc}", details={"file": str(path)}
        ) from None


def load_document(path: Path, referrer: str) -> Document:
    """Read and parse a `.yaml`, `.yml` or `.json` file."""
    text = read_text(path, referrer)
    if path.suffix.lower() == ".json":
        return parse_json(text, path)
    return parse_yaml(text, path)


def is_file_ref(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FILE_PREFIX)


def has_glob(text: str) -> bool:
    return any(ch in text for ch in "*?[")


@dataclass(frozen=True)
class FileRefs:
    """Resolves `file://` references relative to the config file's directory."""

    base_dir: Path

    def path(self, ref: str) -> Path:
        """The absolute path a `file://` reference names (no existence check)."""
        raw = Path(ref[len(FILE_PREFIX) :]).expanduser()
        return raw if raw.is_absolute() else (self.base_dir / raw).resolve()

    def paths(self, ref: str, referrer: str) -> list[Path]:
        """The files a reference names: one file, or every match of a glob (sorted)."""
        target = self.path(ref)
        if not has_glob(ref[len(FILE_PREFIX) :]):
            if not target.is_file():
                raise ConfigError(
                    f"{referrer}: file not found: {target}", details={"file": str(target)}
                )
            return [target]
        matches = sorted(
            Path(p) for p in glob.glob(str(target), recursive=True) if Path(p).is_file()
        )
        if not matches:
            raise ConfigError(f"{referrer}: no files match {ref}", details={"file": str(target)})
        return matches
