"""Every top-level module of the package (and of `ai/`) has a place in the layers contract and in the layers table
of docs/architecture.md: import-linter checks only the modules a contract names, so one left out is unchecked."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import github_issue_analysis

PACKAGE = Path(github_issue_analysis.__file__).parent
ROOT = PACKAGE.parent
NOT_LAYERS = {"__init__", "__main__", "ai"}  # `ai` is listed by its parts


def top_level_modules() -> dict[str, str]:
    """Dotted module name -> how docs/architecture.md names it (`cli/`, `ai/catalog.py`)."""
    modules: dict[str, str] = {}
    for parent in (PACKAGE, PACKAGE / "ai"):
        for path in sorted(parent.iterdir()):
            is_package = path.is_dir() and (path / "__init__.py").exists()
            if path.stem in NOT_LAYERS or not (is_package or path.suffix == ".py"):
                continue
            relative = path.relative_to(PACKAGE)
            dotted = ".".join(("github_issue_analysis", *relative.with_suffix("").parts))
            modules[dotted] = f"`{relative.as_posix()}/`" if is_package else f"`{relative.as_posix()}`"
    return modules


def contract_layers() -> set[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    contract = next(c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers")
    return {name.strip() for layer in contract["layers"] for name in re.split(r"[|:]", layer)}


def architecture_table() -> str:
    text = (ROOT / "docs" / "architecture.md").read_text()
    return text.split("## The layers, from the top", 1)[1].split("\n## ", 1)[0]


def test_every_top_level_module_is_a_layer_of_the_contract() -> None:
    assert set(top_level_modules()) - contract_layers() == set()


def test_every_top_level_module_is_in_the_architecture_table() -> None:
    table = architecture_table()
    assert [named for named in top_level_modules().values() if named not in table] == []
