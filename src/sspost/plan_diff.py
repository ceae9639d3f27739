"""`sspost diff`: what changed between two versions of a plan (SPEC section 6).

Both plans are first turned into the same shape, where every list item is keyed by what it is
rather than where it sits: units by code wherever they are in the tree (their parent becomes a
field, so a move is one change), national totals by program and date, campaigns by name and
date, aliases as a set. Reordering is then no change at all, and a plain walk over two nested
mappings finds every difference. The children's sums under each parent are compared too, since
a reviewer's real question about a unit target is what it does to its parent.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sspost.problems import Failure, Problem, Severity
from sspost.targets.loader import PLACEHOLDER, Placeholders, read_plan_and_placeholders
from sspost.targets.model import TargetFile, Unit

KINDS = ("added", "removed", "changed", "moved")
_KEYED = {"units", "national_totals", "campaigns"}  # shown as units[CODE], not units.CODE


@dataclass(frozen=True)
class Change:
    path: str  # e.g. programs.household_hi.target, units[01-001].targets.voluntary_si
    kind: str  # one of KINDS
    old: Any = None  # JSON values: numbers, text, lists, mappings; None when added
    new: Any = None
    parent_target: int | None = None  # children_sum changes: the parent's own target
    parent: str | None = None  # children_sum changes: the parent unit's code

    @property
    def difference(self) -> int | float | None:
        if _number(self.old) and _number(self.new):
            return self.new - self.old  # type: ignore[no-any-return]
        return None

    @property
    def ratio(self) -> float | None:
        """The relative change, new / old - 1 (None from zero or for non-numbers)."""
        if self.difference is None or not self.old:
            return None
        return float(self.new / self.old - 1)

    @property
    def against_parent(self) -> str | None:
        """For a children's sum: above, below or equal to the parent's target."""
        if self.parent_target is None:  # set on children's sums only
            return None
        if self.new > self.parent_target:
            return "above"
        return "below" if self.new < self.parent_target else "equal"


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _units(units: list[Unit], placeholders: Placeholders,
           parent: str | None = None) -> Iterator[tuple[str, dict[str, Any]]]:
    for unit in units:
        targets: dict[str, Any] = dict(unit.targets)
        targets.update({program: PLACEHOLDER for code, *rest in placeholders
                        for program in rest if code == unit.code})
        shown: dict[str, Any] = {"name": unit.name, "parent": parent, "targets": targets}
        if unit.baseline is not None:
            shown["baseline"] = unit.baseline.model_dump(mode="json", exclude_none=True)
        yield unit.code, shown
        yield from _units(unit.units, placeholders, unit.code)


def comparable(plan: TargetFile, placeholders: Placeholders = frozenset()) -> dict[str, Any]:
    """The plan as nested mappings keyed by identity (see the module's docstring); a target
    still to be written shows as the placeholder."""
    data: dict[str, Any] = plan.model_dump(mode="json", exclude={"units", "national_totals",
                                                                   "campaigns"})
    for key in placeholders:
        if len(key) == 1:
            data["programs"][key[0]]["target"] = PLACEHOLDER
    for program in data["programs"].values():
        program["aliases"] = sorted(program["aliases"])
    data["national_totals"] = {f"{t.program},{t.as_of}": t.model_dump(mode="json",
                                                                      exclude={"program",
                                                                               "as_of"})
                               for t in plan.national_totals}
    data["campaigns"] = {f"{c.name},{c.date}": c.model_dump(mode="json",
                                                            exclude={"name", "date"})
                         for c in plan.campaigns}
    data["units"] = dict(_units(plan.units, placeholders))
    return data


def _path(parts: tuple[str, ...]) -> str:
    out = ""
    for i, part in enumerate(parts):
        if i == 1 and parts[0] in _KEYED:
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out


def _walk(old: Any, new: Any, parts: tuple[str, ...]) -> Iterator[Change]:
    if isinstance(old, dict) and isinstance(new, dict):
        for key in sorted(old.keys() | new.keys(), key=str):
            here = (*parts, str(key))
            if key not in new:
                yield Change(_path(here), "removed", old=old[key])
            elif key not in old:
                yield Change(_path(here), "added", new=new[key])
            elif key == "parent" and parts[:1] == ("units",) and old[key] != new[key]:
                yield Change(_path(parts), "moved", old=old[key], new=new[key])
            else:
                yield from _walk(old[key], new[key], here)
    elif old != new:
        yield Change(_path(parts), "changed", old=old, new=new)


def _children_sums(plan: TargetFile) -> dict[tuple[str, str], tuple[int, int | None]]:
    """(parent code, program) -> (the children's targets summed, the parent's own target)."""
    sums: dict[tuple[str, str], tuple[int, int | None]] = {}

    def visit(units: list[Unit]) -> None:
        for unit in units:
            programs = {p for child in unit.units for p in child.targets}
            for program in programs:
                total = sum(child.targets.get(program, 0) for child in unit.units)
                sums[unit.code, program] = (total, unit.targets.get(program))
            visit(unit.units)
    visit(plan.units)
    return sums


def diff(old: TargetFile, new: TargetFile, placeholders: tuple[Placeholders, Placeholders] = (
        frozenset(), frozenset())) -> list[Change]:
    """Every change from `old` to `new`, in a stable order (by path)."""
    changes = list(_walk(comparable(old, placeholders[0]), comparable(new, placeholders[1]), ()))
    before, after = _children_sums(old), _children_sums(new)
    for parent, program in sorted(before.keys() | after.keys()):
        was = before.get((parent, program), (0, None))[0]
        now, parent_target = after.get((parent, program), (0, None))
        if was != now and (parent, program) in after:
            changes.append(Change(f"units[{parent}].children_sum.{program}", "changed", was, now,
                                  parent_target, parent))
    return sorted(changes, key=lambda c: (c.path.split("[")[0].split(".")[0] != "programs",
                                          c.path))


@dataclass(frozen=True)
class Compared:
    """`sspost diff` of two files: the problems each has, and the changes when both read."""

    problems: list[Problem]
    changes: list[Change] | None  # None when a file cannot be read as a plan
    unreadable: str | None = None  # that file
    errors: int = 0  # problems that are errors: the plans break a rule

    def failures(self, *, exit_code: bool) -> list[Failure]:
        """A plan that breaks a rule fails as validate would; --exit-code: any change fails."""
        out = [Failure(message=f"{self.errors:,} error{'s' * (self.errors != 1)} in the plans "
                               "(above)")] if self.errors else []
        return out + ([Failure()] if exit_code and self.changes else [])


def compare_files(old: str, new: str) -> Compared:
    """Both files read in turn (stopping at one that is not a plan), then compared."""
    plans, problems, placeholders = [], list[Problem](), list[Placeholders]()
    for path in (old, new):
        plan, found, unfilled = read_plan_and_placeholders(path)
        problems += found
        if plan is None:
            return Compared(problems, None, path)
        plans.append(plan)
        placeholders.append(unfilled)
    errors = sum(p.severity is Severity.ERROR for p in problems)
    return Compared(problems, diff(plans[0], plans[1], (placeholders[0], placeholders[1])),
                    errors=errors)
