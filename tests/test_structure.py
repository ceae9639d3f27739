"""The shape of the code (issue #31), said as tests: records/ behind one door, a store that
only records/ writes, a thin CLI, benchmarks that run the product."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "sspost"
RECORDS = PACKAGE / "records"
# The store's own module, and the reading that fills it with what it read.
WRITE_THE_STORE = {RECORDS / "store.py", RECORDS / "loading.py"}
MUTATORS = {"append", "extend", "update", "add", "pop", "clear", "insert", "remove",
            "setdefault"}


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), str(path))


def _imported(tree: ast.Module) -> list[str]:
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names += [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names += [a.name for a in node.names]
    return names


def test_outside_records_only_the_door_is_imported() -> None:
    outside = [p for p in PACKAGE.rglob("*.py") if RECORDS not in p.parents]
    reaching_in = {
        f"{p.relative_to(PACKAGE)}: {name}"
        for p in outside for name in _imported(_tree(p))
        if name.startswith("sspost.records.")
        and not _is_door_name(name)
    }
    assert reaching_in == set()


def _is_door_name(name: str) -> bool:
    """`from sspost.records import X` is the door; `sspost.records.loading` is not."""
    import sspost.records

    return name.removeprefix("sspost.records.") in sspost.records.__all__


def _store_like(node: ast.expr) -> bool:
    """`store`, `self.store`, `self._store`, `run._store`: a RecordStore by its name."""
    if isinstance(node, ast.Name):
        return node.id == "store"
    return isinstance(node, ast.Attribute) and node.attr in ("store", "_store")


def _writes_to_store(tree: ast.Module) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr in MUTATORS:
            targets = [node.func.value]
        for target in targets:
            while isinstance(target, ast.Subscript):
                target = target.value
            if isinstance(target, ast.Attribute) and _store_like(target.value):
                lines.append(target.lineno)
    return sorted(lines)


def test_nothing_but_the_store_and_its_reading_writes_to_it() -> None:
    writes = {f"{p.relative_to(PACKAGE)}:{line}"
              for p in PACKAGE.rglob("*.py") if p not in WRITE_THE_STORE
              for line in _writes_to_store(_tree(p))}
    assert writes == set()


def test_the_check_of_store_writes_sees_them() -> None:
    """The test above would pass on a checker that finds nothing: it finds these."""
    tree = ast.parse("store.counted = 1\nstore.parts[t] = 2\nstore.sources.append(3)\n"
                     "self._store.x += 1\nrun.count()\nstore.con.execute('x')\n")
    assert _writes_to_store(tree) == [1, 2, 3, 4]


def _commands() -> list[ast.FunctionDef]:
    tree = _tree(PACKAGE / "cli.py")
    return [node for node in tree.body if isinstance(node, ast.FunctionDef)
            and any(isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute)
                    and d.func.attr == "command" for d in node.decorator_list)]


def test_the_cli_is_thin() -> None:
    assert len((PACKAGE / "cli.py").read_text(encoding="utf-8").splitlines()) < 300
    commands = _commands()
    assert len(commands) >= 8
    bodies = {}
    for command in commands:
        body = command.body
        if isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            body = body[1:]  # the docstring is --help, not body
        bodies[command.name] = (body[-1].end_lineno or 0) - body[0].lineno + 1
    assert max(bodies.values()) <= 25, bodies


def test_every_way_a_command_ends_is_decided_at_the_edge() -> None:
    """No command raises typer.Exit or calls sys.exit itself: `finish` (problems.exit_code)
    and `fail` (cli_edge) decide every exit code."""
    source = (PACKAGE / "cli.py").read_text(encoding="utf-8")
    assert "typer.Exit(" not in source.replace("raise typer.Exit()", "")  # --version's
    assert "sys.exit" not in source


def test_benchmarks_run_the_product() -> None:
    for path in (ROOT / "benchmarks").glob("*.py"):
        names = _imported(_tree(path))
        assert not [n for n in names if n.startswith("sspost.records")], path.name


def test_help_groups_options_in_panels() -> None:
    from sspost.cli import app

    for command in ("progress", "check", "report"):
        page = CliRunner().invoke(app, [command, "--help"], env={"COLUMNS": "100"}).output
        panels = [name for name in ("What to count", "Output", "Reading the exports", "Engine")
                  if name in page]
        assert panels[-2:] == ["Reading the exports", "Engine"], (command, panels)
        assert page.index("Reading the exports") < page.index("--date-format") \
            < page.index("Engine") < page.index("--memory-limit"), command


@pytest.mark.parametrize("command", ["progress", "check", "report", "renewals", "sample",
                                     "validate", "diff"])
def test_help_shows_placeholders_people_read(command: str) -> None:
    """No Python type (`<list[Path]>`, `<bool>`) nor Typer's range (`[x>=1]`) in --help: the
    metavar and the help say what to give (issue #33)."""
    from tests.conftest import run

    shown = run(command, "--help").stdout
    assert "Usage" in shown
    for noise in ("list[", "<path>", "<bool>", "<int>", "x>=", "<=x"):
        assert noise not in shown, (command, noise)
