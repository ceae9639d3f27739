"""Problems as text, GitHub annotations or JSON: one renderer per format, chosen by name."""

from __future__ import annotations

from collections.abc import Callable

from sspost.problems import Problem, Severity
from sspost.shown import json_text


def _count(problems: list[Problem], severity: Severity) -> int:
    return sum(p.severity is severity for p in problems)


def as_text(problems: list[Problem], files: list[str]) -> str:
    return "".join(p.as_text() + "\n" for p in problems)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def as_github(problems: list[Problem], files: list[str]) -> str:
    """GitHub Actions workflow commands: each problem becomes an annotation on its line."""
    lines = []
    for p in problems:
        where = f"{p.key}: " if p.key else ""
        lines.append(
            f"::{p.severity.value} file={_escape_property(p.file)},line={p.line},"
            f"col={p.column},title={_escape_property(p.rule)}::"
            f"{_escape_data(where + p.message)}"
        )
    return "".join(line + "\n" for line in lines)


def as_json(problems: list[Problem], files: list[str]) -> str:
    doc = {
        "schema_version": 1,
        "files": [{"path": f, "errors": sum(p.file == f and p.severity is Severity.ERROR
                                            for p in problems),
                   "warnings": sum(p.file == f and p.severity is Severity.WARNING
                                   for p in problems)} for f in files],
        "errors": _count(problems, Severity.ERROR),
        "warnings": _count(problems, Severity.WARNING),
        "problems": [{"file": p.file, "line": p.line, "column": p.column,
                      "severity": p.severity.value, "rule": p.rule, "key": p.key,
                      "message": p.message} for p in problems],
    }
    return json_text(doc)


PROBLEM_RENDERERS: dict[str, Callable[[list[Problem], list[str]], str]] = {
    "text": as_text,
    "github": as_github,
    "json": as_json,
}


def summary(problems: list[Problem], files: list[str]) -> str:
    errors, warnings = _count(problems, Severity.ERROR), _count(problems, Severity.WARNING)
    return (f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)} "
            f"in {len(files)} file{'s' * (len(files) != 1)}")
