"""A best-effort model of a target file that has type errors, so its other rules still run.

Every problem of a file should come out in one run. When some values are of the wrong type,
the entries holding them (a list item, a program, a unit's target, an unknown or optional key)
are set aside and the rest is validated again; the rules then check what is left, and any rule
problem that could stem from what was set aside is not reported.

A list item set aside leaves a gap, not a shift: the rules see the remaining items renumbered,
and `Salvaged.problem` maps their paths back, so `campaigns[1]` is still called `campaigns[1]`
(at its own line) when `campaigns[0]` was set aside.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from sspost.problems import Problem, Severity
from sspost.targets.fields import required
from sspost.targets.model import TargetFile
from sspost.targets.yamlpos import Document, Path, dotted

_ROUNDS = 8


class _Gap:
    """Where a list item was set aside."""


_GAP = _Gap()


def _compact(data: Any) -> Any:
    """`data` without the gaps: what the model validates."""
    if isinstance(data, dict):
        return {k: _compact(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_compact(v) for v in data if v is not _GAP]
    return data


def _original(data: Any, path: Path) -> Path:
    """A path in the compacted data, as a path in the data with its gaps."""
    out: list[str | int] = []
    current = data
    for seg in path:
        if isinstance(current, list) and isinstance(seg, int):
            kept = [i for i, v in enumerate(current) if v is not _GAP]
            seg = kept[seg] if 0 <= seg < len(kept) else seg
        out.append(seg)
        try:
            current = current[seg]
        except (KeyError, IndexError, TypeError):
            current = None
    return tuple(out)


@dataclass
class Salvaged(Document):
    """The document, answering for paths of the salvaged model (renumbered lists)."""

    gapped: Any = None

    def position(self, path: Path, *, of_key: bool = False) -> tuple[int, int]:
        return super().position(_original(self.gapped, path), of_key=of_key)

    def problem(self, path: Path, rule: str, message: str, *, of_key: bool = False,
                severity: Severity = Severity.ERROR) -> Problem:
        original = _original(self.gapped, path)
        line, column = Document.position(self, original, of_key=of_key)
        return Problem(self.file, line, column, severity, rule, message, dotted(original))


def salvage(data: Any, locate: Any, doc: Document
            ) -> tuple[TargetFile | None, list[Path], Salvaged]:
    """The model of `data` with the invalid entries removed, the paths removed, and a document
    that places the model's paths where they stand in the file.

    `locate` turns pydantic's loc into a path in the data (loader._data_path).
    """
    data = copy.deepcopy(data)
    if isinstance(data, dict) and "schema_version" in data:
        data["schema_version"] = 1  # already reported; the other rules still apply
    view = Salvaged(doc.file, doc.data, doc.values, doc.keys, [], data)
    removed: list[Path] = []
    for _ in range(_ROUNDS):
        compact = _compact(data)
        try:
            return TargetFile.model_validate(compact), removed, view
        except ValidationError as exc:
            targets = [_removable(_original(data, locate(compact, tuple(e["loc"]))[0]))
                       for e in exc.errors()]
        if any(t is None for t in targets):
            return None, removed, view
        for target in {t for t in targets if t is not None}:
            if _set_aside(data, target):
                removed.append(target)
    return None, removed, view


def trustworthy(problem: Problem, removed: list[Path]) -> bool:
    """Whether a rule problem stands on its own, whatever was set aside."""
    if not removed:
        return True
    prefixes = [dotted(path) for path in removed]
    if any(problem.key == p or problem.key.startswith((p + ".", p + "[")) for p in prefixes):
        return False
    if problem.rule == "undeclared-program":
        gone = {str(path[1]) for path in removed if len(path) == 2 and path[0] == "programs"}
        return not any(f'program "{code}"' in problem.message for code in gone)
    if problem.rule == "children-sum":  # a sum over a subtree that lost a target is not one
        unit = problem.key.split(".targets")[0]
        return not any(p.startswith(unit) or unit.startswith(p) for p in prefixes)
    return True


def _removable(path: Path) -> Path | None:
    """The shortest-reaching entry holding `path` that may be left out, if any."""
    while path:
        if not required(path):
            return path
        path = path[:-1]
    return None


def _set_aside(data: Any, path: Path) -> bool:
    parent = data
    for seg in path[:-1]:
        try:
            parent = parent[seg]
        except (KeyError, IndexError, TypeError):
            return False
    key = path[-1]
    if isinstance(parent, dict) and key in parent:
        del parent[key]
        return True
    if isinstance(parent, list) and isinstance(key, int) and 0 <= key < len(parent):
        if parent[key] is _GAP:
            return False
        parent[key] = _GAP
        return True
    return False
