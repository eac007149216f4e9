"""No import cycle between the package's modules (import-linter's layers contract, run by `uv run lint-imports`,
checks the direction between packages; this checks every module, type-checking imports included)."""

from __future__ import annotations

from pathlib import Path

import grimp
import pytest


def import_cycles(package: str) -> list[list[str]]:
    """The strongly connected groups of more than one module in the package's import graph (Tarjan)."""
    graph = grimp.build_graph(package, include_external_packages=False)
    imports = {module: sorted(graph.find_modules_directly_imported_by(module)) for module in sorted(graph.modules)}
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(module: str) -> None:
        order[module] = low[module] = len(order)
        stack.append(module)
        for imported in imports[module]:
            if imported not in order:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in stack:
                low[module] = min(low[module], order[imported])
        if low[module] == order[module]:
            group = [stack.pop()]
            while group[-1] != module:
                group.append(stack.pop())
            if len(group) > 1:
                cycles.append(sorted(group))

    for module in imports:
        if module not in order:
            visit(module)
    return cycles


def test_no_module_imports_itself_back() -> None:
    assert import_cycles("github_issue_analysis") == []
    assert import_cycles("github_issue_analysis_sandbox") == []  # the emulators' distribution


def test_a_cycle_is_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "cyclic_example"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from cyclic_example import b\n")
    (package / "b.py").write_text("from cyclic_example import c\n")
    (package / "c.py").write_text("from cyclic_example import a\n")
    (package / "d.py").write_text("from cyclic_example import a\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert import_cycles("cyclic_example") == [["cyclic_example.a", "cyclic_example.b", "cyclic_example.c"]]
