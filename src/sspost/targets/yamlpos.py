"""YAML to plain Python data, remembering where every key and value stands.

PyYAML's loaders keep the last of two equal keys and forget positions; target files need both
(duplicate keys are errors, and every problem points at a line and column).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from sspost.problems import Problem, Severity

Path = tuple[str | int, ...]
Position = tuple[int, int]

# Limits on hostile files, enforced while loading and reported as problems at their position:
# a real target file nests a few levels and holds a few thousand values.
_MAX_DEPTH = 64
_MAX_VALUES = 100_000  # after aliases are expanded (a 382-byte "billion laughs" holds 10^9)
_SHOWN = 60  # characters of a value quoted in a message


@dataclass
class Document:
    """A parsed file: its data (None when it could not be parsed) and where everything is."""

    file: str
    data: Any = None
    values: dict[Path, Position] = field(default_factory=dict)
    keys: dict[Path, Position] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def position(self, path: Path, *, of_key: bool = False) -> Position:
        """The position of `path`, or of its nearest ancestor that has one."""
        while True:
            if of_key and path in self.keys:
                return self.keys[path]
            if path in self.values:
                return self.values[path]
            if not path:
                return (1, 1)
            path = path[:-1]

    def problem(
        self, path: Path, rule: str, message: str, *, of_key: bool = False,
        severity: Severity = Severity.ERROR,
    ) -> Problem:
        line, column = self.position(path, of_key=of_key)
        return Problem(self.file, line, column, severity, rule, message, dotted(path))


def dotted(path: Path) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _pos(node: Node) -> Position:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


def short(value: object) -> str:
    """A value quoted in a message, cut to a readable length."""
    text = repr(value)
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


def _too_deep(text: str) -> Problem | None:
    """The first place nesting goes past _MAX_DEPTH, read from the event stream (no recursion)."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > _MAX_DEPTH:
                    mark = event.start_mark
                    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
                    return Problem("", line, column, Severity.ERROR, "limit",
                                   f"nesting deeper than {_MAX_DEPTH} levels")
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.YAMLError:
        return None  # composing reports it, with its position
    return None


def _expanded_size(root: Node) -> tuple[int, Node]:
    """How many values the document holds once aliases are expanded, and where it grows most.

    Aliased nodes are shared in the composed graph, so each node's size is worked out once; a
    node reached again through an alias counts again, as it would when built, and an alias to
    one of its own ancestors expands without end.
    """
    endless = _MAX_VALUES + 1
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if children_done:
            open_nodes.discard(id(node))
            total = 1 + sum(sizes.get(id(child), endless) for child in _children(node))
            sizes[id(node)] = min(total, 10 * endless)  # big enough to say, small to add
            continue
        if id(node) in sizes or id(node) in open_nodes:
            continue
        open_nodes.add(id(node))
        stack.append((node, True))
        stack += [(child, False) for child in _children(node)
                  if id(child) not in sizes and id(child) not in open_nodes]
    worst = root
    while True:  # descend to the smallest node still over the limit: the one to point at
        bigger = [c for c in _children(worst) if sizes.get(id(c), endless) > _MAX_VALUES]
        if not bigger or bigger[0] is worst:
            return sizes[id(root)], worst
        worst = bigger[0]


def _children(node: Node) -> list[Node]:
    if isinstance(node, MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, SequenceNode):
        return list(node.value)
    return []


class _Builder:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.constructor = SafeConstructor()

    def problem(self, node: Node, path: Path, rule: str, message: str) -> None:
        line, column = _pos(node)
        self.doc.problems.append(
            Problem(self.doc.file, line, column, Severity.ERROR, rule, message, dotted(path))
        )

    def build(self, node: Node, path: Path, depth: int = 0) -> Any:
        self.doc.values[path] = _pos(node)
        if depth > _MAX_DEPTH:
            self.problem(node, path, "syntax", "nesting too deep (a recursive alias?)")
            return None
        if isinstance(node, MappingNode):
            return self._mapping(node, path, depth)
        if isinstance(node, SequenceNode):
            return [self.build(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        assert isinstance(node, ScalarNode)
        return self._scalar(node, path)

    def _mapping(self, node: MappingNode, path: Path, depth: int) -> dict[Any, Any]:
        try:
            self.constructor.flatten_mapping(node)
        except ConstructorError as exc:  # `<<: 5`: a merge key must name mappings
            mark = exc.problem_mark
            line, column = (mark.line + 1, mark.column + 1) if mark else _pos(node)
            self.doc.problems.append(Problem(
                self.doc.file, line, column, Severity.ERROR, "type",
                "a merge key (<<) must name a mapping or a list of mappings", dotted(path)))
            # The rest of the mapping is read as written, without its merge keys.
            node.value = [(k, v) for k, v in node.value if k.tag != "tag:yaml.org,2002:merge"]
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self.problem(key_node, path, "type", "a mapping key must be a plain value")
                continue
            key = self._scalar(key_node, path)
            try:
                hash(key)
            except TypeError:
                key = str(key)
            if key in out:
                first = self.doc.keys[(*path, key)]
                self.problem(
                    key_node, (*path, key), "duplicate-key",
                    f'key "{key}" repeated (first at line {first[0]}); '
                    "YAML would keep only the last",
                )
                continue
            self.doc.keys[(*path, key)] = _pos(key_node)
            out[key] = self.build(value_node, (*path, key), depth + 1)
        return out

    def _scalar(self, node: ScalarNode, path: Path) -> Any:
        try:
            return self.constructor.construct_object(node, deep=True)
        except (ConstructorError, ValueError, OverflowError) as exc:
            if node.tag == "tag:yaml.org,2002:timestamp":
                self.problem(node, path, "date", f"no such date: {node.value}")
            else:
                self.problem(node, path, "type",
                             f"cannot read value {short(node.value)}: {str(exc)[:_SHOWN]}")
            return _Unreadable(node.value)


class _Unreadable(str):
    """A scalar already reported as unreadable; later checks skip it instead of repeating."""


def is_unreadable(value: object) -> bool:
    return isinstance(value, _Unreadable)


def parse(file: str, text: str) -> Document:
    """Parse one YAML file; a syntax problem is returned in the document, never raised."""
    doc = Document(file)
    deep = _too_deep(text)
    if deep is not None:
        doc.problems.append(Problem(file, deep.line, deep.column, deep.severity, deep.rule,
                                    deep.message))
        return doc
    try:
        nodes = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        reason = " ".join(filter(None, [exc.context, exc.problem])) or "not valid YAML"
        doc.problems.append(Problem(file, line, column, Severity.ERROR, "syntax", reason))
        return doc
    except yaml.YAMLError as exc:
        doc.problems.append(
            Problem(file, 1, 1, Severity.ERROR, "syntax", f"not valid YAML: {exc}".splitlines()[0])
        )
        return doc
    nodes = [n for n in nodes if n is not None]
    if not nodes:
        doc.problems.append(
            Problem(file, 1, 1, Severity.ERROR, "document", "empty file: expected a target mapping")
        )
        return doc
    if len(nodes) > 1:
        line, column = _pos(nodes[1])
        doc.problems.append(
            Problem(file, line, column, Severity.ERROR, "document",
                    "several YAML documents: a target file holds exactly one")
        )
    root = nodes[0]
    if not isinstance(root, MappingNode):
        kind = "a list" if isinstance(root, SequenceNode) else "a single value"
        line, column = _pos(root)
        doc.problems.append(
            Problem(file, line, column, Severity.ERROR, "document",
                    f"the document is {kind}: expected a mapping of keys such as schema_version")
        )
        return doc
    size, worst = _expanded_size(root)
    if size > _MAX_VALUES:
        line, column = _pos(worst)
        doc.problems.append(
            Problem(file, line, column, Severity.ERROR, "limit",
                    f"aliases expand the file to more than {_MAX_VALUES:,} values (the most "
                    "a target file may hold)")
        )
        return doc
    doc.data = _Builder(doc).build(root, ())
    return doc
