"""`sspost diff` as text for a terminal, Markdown for a pull request comment, and JSON."""

from __future__ import annotations

import json
from typing import Any

from sspost.plan_diff import Change
from sspost.render.words import Words
from sspost.shown import clean_all, for_markdown, json_text

SCHEMA_VERSION = 1
_W = Words("en")


def _value(value: Any) -> str:
    """A value for people: counts grouped, text as written (cleaned), the rest compact."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return _W.number(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return clean_all(value)
    return clean_all(json.dumps(value, ensure_ascii=False, separators=(", ", ": ")))


def _signed(value: float) -> str:
    return ("+" if value > 0 else "") + (_W.number(value) if isinstance(value, int)
                                         else f"{value:g}")


def difference(change: Change) -> str:
    """`+500,000, +2.7%`, or empty when the change is not between two numbers."""
    if change.difference is None:
        return ""
    text = _signed(change.difference)
    if change.ratio is not None:
        text += f", {'+' if change.ratio > 0 else ''}{_W.percent(change.ratio)}"
    return text


def effect(change: Change) -> str:
    """For a children's sum: what it now is against the parent's own target."""
    where = change.against_parent
    if where is None or change.parent is None:
        return ""
    said = {"above": "above the parent", "below": "below the parent",
            "equal": "equal to the parent"}[where]
    return (f"children of {clean_all(change.parent)} now sum to {_value(change.new)} of "
            f"{_value(change.parent_target)}: {said}")


def summary(changes: list[Change]) -> str:
    return "no change" if not changes else \
        f"{_W.number(len(changes))} change{'s' * (len(changes) != 1)}"


def as_text(old: str, new: str, changes: list[Change]) -> str:
    lines = [f"{clean_all(old)} -> {clean_all(new)}: {summary(changes)}"]
    for c in changes:
        if c.kind == "moved":
            what = f"from {_value(c.old or '(top level)')} to {_value(c.new or '(top level)')}"
        elif c.kind == "added":
            what = _value(c.new)
        elif c.kind == "removed":
            what = _value(c.old)
        else:
            what = f"{_value(c.old)} -> {_value(c.new)}"
            extra = "; ".join(x for x in (difference(c), effect(c)) if x)
            what += f" ({extra})" if extra else ""
        lines.append(f"  {c.kind:<8} {clean_all(c.path)}: {what}")
    return "\n".join(lines) + "\n"


def as_markdown(old: str, new: str, changes: list[Change]) -> str:
    lines = [f"### Plan changes: {for_markdown(old)} → {for_markdown(new)}", "",
             summary(changes).capitalize() + "."]
    if changes:
        lines += ["", "| Change | Where | Old | New | Difference |", "|:--|:--|--:|--:|:--|"]
        for c in changes:
            old_value = "" if c.kind == "added" else _value(c.old or "(top level)"
                                                            if c.kind == "moved" else c.old)
            new_value = "" if c.kind == "removed" else _value(c.new or "(top level)"
                                                              if c.kind == "moved" else c.new)
            note = "; ".join(x for x in (difference(c), effect(c)) if x)
            lines.append(f"| {c.kind} | {for_markdown(c.path)} | {for_markdown(old_value)} | "
                         f"{for_markdown(new_value)} | {for_markdown(note)} |")
    return "\n".join(lines) + "\n"


def as_json(old: str, new: str, changes: list[Change]) -> str:
    def entry(c: Change) -> dict[str, Any]:
        out: dict[str, Any] = {"path": c.path, "kind": c.kind, "old": c.old, "new": c.new}
        if c.difference is not None:
            out |= {"difference": c.difference, "ratio": c.ratio}
        if c.against_parent is not None:
            out |= {"parent_target": c.parent_target, "against_parent": c.against_parent}
        return out
    doc = {"schema_version": SCHEMA_VERSION, "old": old, "new": new,
           "changes": [entry(c) for c in changes]}
    return json_text(doc)


DIFF_RENDERERS = {"text": as_text, "markdown": as_markdown, "json": as_json}
