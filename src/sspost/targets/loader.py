"""Load a target file: YAML with positions -> pydantic model -> rules, every problem located."""

from __future__ import annotations

import copy
import difflib
import re
import sys
from pathlib import Path as FsPath
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from sspost.problems import Problem, Severity, TargetFileError, UsageError
from sspost.targets import rules
from sspost.targets.fields import allowed_keys
from sspost.targets.model import TargetFile
from sspost.targets.salvage import salvage, trustworthy
from sspost.targets.yamlpos import Document, Path, is_unreadable, parse, short

# What `sspost plan next` writes where a target is for the user to fill in.
PLACEHOLDER = "TODO"

_RANGE_WORDS = {
    "greater_than_equal": (">=", "ge"),
    "greater_than": (">", "gt"),
    "less_than_equal": ("<=", "le"),
    "less_than": ("<", "lt"),
}


def read_text(path: str) -> str:
    """The file's text; a file that cannot be opened is a usage error (exit 2)."""
    try:
        raw = sys.stdin.buffer.read() if path == "-" else FsPath(path).read_bytes()
    except OSError as exc:
        raise UsageError.of("plan_missing", path=path, why=exc.strerror or exc) from None
    # Undecodable bytes become surrogates, which validate_file reports as a located problem.
    return raw.decode("utf-8-sig", errors="surrogateescape")


def validate_files(paths: list[str]) -> tuple[list[Problem], list[str]]:
    """Every problem of every file, sorted by position; and the files that cannot be read at
    all (each a one-line message)."""
    problems: list[Problem] = []
    unreadable: list[str] = []
    for path in paths:
        try:
            problems += validate_file(path)[1]
        except UsageError as exc:
            unreadable.append(str(exc))
    return sorted(problems), unreadable


def validate_file(path: str) -> tuple[TargetFile | None, list[Problem]]:
    """Every problem of one target file, and the model when it has no errors."""
    model, problems = read_plan(path)
    if any(p.severity is Severity.ERROR for p in problems):
        model = None
    return model, problems


def read_plan(path: str) -> tuple[TargetFile | None, list[Problem]]:
    """Every problem of one target file, and the model whenever its shape and types are right,
    even if a rule over the whole file fails (a diff still shows what such a file changes)."""
    model, problems, _ = read_plan_and_placeholders(path)
    return model, problems


# Targets written as the placeholder, as read: (program,) for a program's target, (unit code,
# program) for a unit's. A plan with any is not valid; `diff` shows them as what they are.
Placeholders = frozenset[tuple[str, ...]]


def read_plan_and_placeholders(path: str) -> tuple[TargetFile | None, list[Problem],
                                                   Placeholders]:
    """As `read_plan`, and where the plan still has placeholder targets (there the model
    holds 0 for a program and nothing for a unit)."""
    text = read_text(path)
    undecodable = re.search("[\udc80-\udcff]", text)
    if undecodable:
        line_no = text.count("\n", 0, undecodable.start()) + 1
        return None, [Problem(path, line_no, 1, Severity.ERROR, "encoding",
                              "not UTF-8 text: a target file must be UTF-8")], frozenset()
    doc = parse(path, text)
    if doc.data is None:
        return None, sorted(doc.problems), frozenset()
    problems = list(doc.problems)
    data, placeholders = _without_placeholders(doc)
    problems += [doc.problem(path, "placeholder", f"a target still to be written "
                             f"({PLACEHOLDER}): replace it with the number of participants")
                 for path in placeholders.values()]
    model: TargetFile | None = None
    try:
        model = TargetFile.model_validate(data)
    except ValidationError as exc:
        reported: set[str] = set()  # one problem per key, whatever union branches said
        for error in exc.errors():
            problem = _from_pydantic(doc, error)
            if problem is not None and problem.key not in reported:
                reported.add(problem.key)
                problems.append(problem)
        if not any(p.severity is Severity.ERROR for p in problems):
            # a value the model refuses is always an error, said somewhere
            first = exc.errors()[0]
            problems.append(doc.problem(_data_path(doc.data, tuple(first["loc"]))[0], "type",
                                        first["msg"]))
        partial, removed, view = salvage(data, _data_path, doc)
        if partial is not None:
            problems += [p for p in rules.check(partial, view) if trustworthy(p, removed)]
    if model is not None:
        problems.extend(rules.check(model, doc))
    return model, sorted(set(problems)), frozenset(placeholders)


def _without_placeholders(doc: Document) -> tuple[Any, dict[tuple[str, ...], Path]]:
    """The data with each placeholder target taken out (a program's set to 0, a unit's
    removed), and where each was: (program,) or (unit code, program) -> its path. The plan is
    then checked as if they were filled, so its other problems are said in the same run."""
    data = copy.deepcopy(doc.data)
    found: dict[tuple[str, ...], Path] = {}
    programs = data.get("programs") if isinstance(data, dict) else None
    for code, program in (programs.items() if isinstance(programs, dict) else ()):
        if isinstance(program, dict) and program.get("target") == PLACEHOLDER:
            program["target"] = 0
            found[(str(code),)] = ("programs", code, "target")

    def walk(units: Any, path: Path) -> None:
        for i, unit in enumerate(units if isinstance(units, list) else ()):
            if not isinstance(unit, dict):
                continue
            targets = unit.get("targets")
            if not isinstance(targets, dict):
                targets = {}
            for program in [k for k, v in targets.items() if v == PLACEHOLDER]:
                del targets[program]
                found[(str(unit.get("code")), str(program))] = (*path, i, "targets", program)
            walk(unit.get("units"), (*path, i, "units"))

    walk(data.get("units") if isinstance(data, dict) else None, ("units",))
    return data, found


def load_targets(path: str) -> TargetFile:
    """The model of a valid target file, or TargetFileError with every problem."""
    model, problems = validate_file(path)
    if model is None:
        raise TargetFileError(problems)
    return model


def _data_path(data: Any, loc: tuple[str | int, ...]) -> tuple[Path, list[str]]:
    """Split pydantic's loc into the path in the data and the union-branch tags along it."""
    path: list[str | int] = []
    tags: list[str] = []
    current = data
    for seg in loc:
        if _has(current, seg):
            path.append(seg)
            current = current[seg]
        elif isinstance(current, dict) and isinstance(seg, str) and not _is_tag(seg):
            path.append(seg)  # a missing or unknown key
            current = None
        else:
            tags.append(str(seg))
    return tuple(path), tags


def _has(container: Any, seg: str | int) -> bool:
    if isinstance(container, dict):
        return seg in container
    return isinstance(container, list) and isinstance(seg, int) and 0 <= seg < len(container)


def _is_tag(seg: str) -> bool:
    return "[" in seg or seg in {"str", "int", "float", "date", "bool"} or "-" in seg


def _from_pydantic(doc: Document, error: ErrorDetails) -> Problem | None:
    path, tags = _data_path(doc.data, tuple(error["loc"]))
    value = error.get("input")
    kind = error["type"]
    if is_unreadable(value):
        return None
    # For `phasing: linear | {month: fraction}`, report the branch that matches the value's shape.
    if tags and any(t.startswith("literal") for t in tags) and isinstance(value, dict):
        return None
    if path == ("phasing",) and any(t.startswith("dict") for t in tags):
        if isinstance(value, dict):  # the map's own errors are reported at their months
            return None
        return doc.problem(path, "type", "must be 'linear' or a map of YYYY-MM to "
                                         f"fraction (got {short(value)})")
    ctx = error.get("ctx") or {}
    if kind == "extra_forbidden":
        name = str(path[-1]) if path else ""
        hint = difflib.get_close_matches(name, allowed_keys(path[:-1]), n=1, cutoff=0.6)
        message = f'unknown key "{name}"' + (f' (did you mean "{hint[0]}"?)' if hint else "")
        return doc.problem(path, "unknown-key", message, of_key=True)
    if kind == "missing":
        return doc.problem(path, "required", "required key is missing")
    if kind in _RANGE_WORDS:
        word, ctx_key = _RANGE_WORDS[kind]
        return doc.problem(path, "range", f"must be {word} {_number(ctx.get(ctx_key))} "
                                          f"(got {short(value)})")
    if kind == "too_short":
        return doc.problem(path, "range", "must not be empty")
    if kind == "string_pattern_mismatch":
        if "[a-z]" in str(ctx.get("pattern")):
            return doc.problem(path, "program-code", f"program code {short(value)} must match "
                                                     "[a-z][a-z0-9_]*", of_key=True)
        return doc.problem(path, "month", f"month {short(value)} must be written YYYY-MM",
                           of_key=True)
    if kind == "literal_error" and path == ("schema_version",):
        return doc.problem(path, "schema-version", f"unsupported schema_version {short(value)} "
                                                   "(this sspost reads version 1)")
    if kind.startswith(("date_", "datetime_")):
        return doc.problem(path, "date", f"not a date (got {short(value)}); write YYYY-MM-DD")
    if kind == "finite_number":
        return doc.problem(path, "range", f"must be a finite number (got {short(value)})")
    expected = error["msg"].removeprefix("Input should be ").rstrip(".")
    return doc.problem(path, "type", f"must be {expected} (got {short(value)})")


def _number(value: object) -> str:
    return f"{value:,}" if isinstance(value, int) else str(value)
