"""Commands (cli/) and pipelines (pipeline/) call synchronous service entry points; only the services open the
event loop. This walks every module of those two packages and names, file:line, each place that opens one:
`asyncio.run`, `asyncio.Runner`, `asyncio.new_event_loop`, `asyncio.get_event_loop` (however asyncio or the
name was imported) and any `<loop>.run_until_complete`."""

from __future__ import annotations

import ast
from pathlib import Path

import github_issue_analysis

PACKAGE = Path(github_issue_analysis.__file__).parent
CHECKED = ("cli", "pipeline")
OPENERS = frozenset({"run", "Runner", "new_event_loop", "get_event_loop"})


def loop_openings(source: str, filename: str = "<source>") -> list[str]:
    """`filename:line: what` for every reference that opens an event loop (called or not: `run = asyncio.run`
    counts too)."""
    tree = ast.parse(source, filename)
    modules, names = _asyncio_aliases(tree)
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "run_until_complete":
            found.append((node.lineno, f"{ast.unparse(node)}"))
        elif (
            isinstance(node, ast.Attribute)
            and node.attr in OPENERS
            and isinstance(node.value, ast.Name)
            and node.value.id in modules
        ):
            found.append((node.lineno, f"asyncio.{node.attr}"))
        elif isinstance(node, ast.Name) and node.id in names:
            found.append((node.lineno, f"asyncio.{names[node.id]} (as {node.id})"))
    return [f"{filename}:{line}: {what}" for line, what in sorted(found)]


def _asyncio_aliases(tree: ast.AST) -> tuple[set[str], dict[str, str]]:
    """The local names of the asyncio module, and of its loop openers imported by name (local -> asyncio's)."""
    modules: set[str] = set()
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules |= {alias.asname or alias.name for alias in node.names if alias.name == "asyncio"}
        elif isinstance(node, ast.ImportFrom) and node.module == "asyncio":
            names |= {alias.asname or alias.name: alias.name for alias in node.names if alias.name in OPENERS}
    return modules, names


def package_openings() -> list[str]:
    found: list[str] = []
    for folder in CHECKED:
        for path in sorted((PACKAGE / folder).rglob("*.py")):
            found += loop_openings(path.read_text(encoding="utf-8"), str(path.relative_to(PACKAGE.parent)))
    return found


def test_commands_and_pipelines_open_no_event_loop() -> None:
    assert package_openings() == [], "call a service's synchronous entry point instead"


def test_the_packages_checked_are_there() -> None:
    assert all(any((PACKAGE / folder).rglob("*.py")) for folder in CHECKED)


def test_every_way_of_opening_a_loop_is_named() -> None:
    planted = """\
import asyncio
import asyncio as aio
from asyncio import run, new_event_loop as fresh

def command():
    asyncio.run(work())
    aio.run(work())
    run(work())
    loop = fresh()
    loop.run_until_complete(work())
    asyncio.get_event_loop().run_until_complete(work())
    with asyncio.Runner() as runner:
        runner.run(work())
    opener = asyncio.run
"""
    assert loop_openings(planted, "cli/planted.py") == [
        "cli/planted.py:6: asyncio.run",
        "cli/planted.py:7: asyncio.run",
        "cli/planted.py:8: asyncio.run (as run)",
        "cli/planted.py:9: asyncio.new_event_loop (as fresh)",
        "cli/planted.py:10: loop.run_until_complete",
        "cli/planted.py:11: asyncio.get_event_loop",
        "cli/planted.py:11: asyncio.get_event_loop().run_until_complete",
        "cli/planted.py:12: asyncio.Runner",
        "cli/planted.py:14: asyncio.run",
    ]


def test_async_work_that_opens_no_loop_passes() -> None:
    fine = """\
import asyncio
from github_issue_analysis.labels.label_service import LabelService

async def step():
    await asyncio.sleep(0)
    await asyncio.gather(asyncio.to_thread(print))

def command(service: LabelService, run: object) -> None:
    service.run()
    run()
"""
    assert loop_openings(fine) == []
