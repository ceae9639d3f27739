"""Mutated target files: `sspost validate` answers with problems or success, never a crash."""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.conftest import DATA, ROOT, run

BASE = yaml.safe_load((ROOT / "targets" / "2025.yaml").read_text(encoding="utf-8"))
BASE["units"] = [{"code": "01", "name": "Hà Nội", "targets": {"voluntary_si": 10},
                  "units": [{"code": "01-001", "name": "Ba Đình",
                             "targets": {"voluntary_si": 4}}]}]
NAUGHTY = [line for line in (DATA / "corpora" / "naughty-strings" / "blns.txt")
           .read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]


def paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found += paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += paths(value, (*prefix, i))
    return found


ALL_PATHS = paths(BASE)[1:]
values = st.one_of(
    st.sampled_from(NAUGHTY), st.integers(-10**12, 10**12), st.floats(allow_nan=True),
    st.booleans(), st.none(), st.dates().map(str), st.lists(st.integers(), max_size=3),
    st.dictionaries(st.sampled_from(NAUGHTY), st.integers(), max_size=2),
)


@st.composite
def mutated(draw: st.DrawFn) -> str:
    data = copy.deepcopy(BASE)
    for _ in range(draw(st.integers(1, 4))):
        live = paths(data)[1:] or ALL_PATHS
        path = draw(st.sampled_from(live))
        parent: Any = data
        try:
            for part in path[:-1]:
                parent = parent[part]
        except (KeyError, IndexError, TypeError):
            continue
        action = draw(st.sampled_from(["drop", "retype", "insert", "rename"]))
        key = path[-1]
        if isinstance(parent, dict) and key in parent:
            if action == "drop":
                del parent[key]
            elif action == "rename":
                parent[draw(st.sampled_from(NAUGHTY))] = parent.pop(key)
            elif action == "insert":
                parent[draw(st.sampled_from(NAUGHTY))] = draw(values)
            else:
                parent[key] = draw(values)
        elif isinstance(parent, list) and isinstance(key, int) and key < len(parent):
            if action == "drop":
                parent.pop(key)
            else:
                parent[key] = draw(values)
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    lines = text.splitlines(keepends=True)
    if draw(st.booleans()) and lines:  # a repeated line: duplicate keys or list items
        i = draw(st.integers(0, len(lines) - 1))
        lines.insert(i, lines[i])
    return "".join(lines)


# 30 here; benchmarks/fuzz.py (and so CI) runs as many as it is given.
@settings(max_examples=int(os.environ.get("SSPOST_FUZZ_EXAMPLES", "30")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(text=mutated())
def test_validate_answers_every_mutation(tmp_path: Path, text: str) -> None:
    path = tmp_path / "mutated.yaml"
    path.write_text(text, encoding="utf-8")
    result = run("validate", path, "--format", "text")
    assert result.exit_code in (0, 1), result.stderr
    assert "Traceback" not in result.stderr
    for line in result.stdout.splitlines():
        assert line.startswith(f"{path}:")
        assert line.endswith("]")
