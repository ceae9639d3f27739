"""A best-effort model of a target file that has type errors, so its other rules still run.

Every problem of a file should come out in one run. When some values are of the wrong type,
the entries holding them (a list item, a program, a unit's target, an unknown or optional key)
are set aside and the rest is validated again; the rules then check what is left, and any rule
problem that could stem from what was set aside is not reported.
"""

from __future__ import annotations

import copy
from typing import Any

from pydantic import ValidationError

from sspost.problems import Problem
from sspost.targets.fields import required
from sspost.targets.model import TargetFile
from sspost.targets.yamlpos import Path, dotted

_ROUNDS = 8


def salvage(data: Any, locate: Any) -> tuple[TargetFile | None, list[Path]]:
    """The model of `data` with the invalid entries removed, and the paths removed.

    `locate` turns pydantic's loc into a path in the data (loader._data_path).
    """
    data = copy.deepcopy(data)
    removed: list[Path] = []
    for _ in range(_ROUNDS):
        try:
            return TargetFile.model_validate(data), removed
        except ValidationError as exc:
            targets = [_removable(locate(data, tuple(e["loc"]))[0]) for e in exc.errors()]
        if any(t is None for t in targets):
            return None, removed
        for target in sorted({t for t in targets if t is not None}, key=len, reverse=True):
            if _delete(data, target):
                removed.append(target)
    return None, removed


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


def _delete(data: Any, path: Path) -> bool:
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
        parent.pop(key)
        return True
    return False
