"""The documentation site's generated pages: the command reference lists every command `--help` lists, with every
option, and the settings table every setting; both are generated, so a new command or setting shows up alone.
Also: one version for the package metadata, `--version` and the changelog."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import typer

from tests.conftest import invoke

ROOT = Path(__file__).parents[2]
DOCS = ROOT / "docs"


def _hook(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"docs_hook_{name}", DOCS / "hooks" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


commands_hook = _hook("commands")
settings_hook = _hook("settings")


def _listed_commands(*group: str) -> list[str]:
    """Names in the `Commands:` section of `gh-analysis [GROUP] --help`."""
    result = invoke(*group, "--help")
    assert result.exit_code == 0, result.stderr
    section = result.stdout.split("Commands:\n", 1)[1].split("\n\n", 1)[0] if "Commands:\n" in result.stdout else ""
    return [line.split()[0] for line in section.splitlines() if re.match(r"  \S", line)]


def _every_command_path() -> list[str]:
    paths = []
    for name in _listed_commands():
        paths.append(name)
        paths += [f"{name} {sub}" for sub in _listed_commands(name)]
    return paths


def test_the_reference_has_a_section_for_every_command_and_subcommand() -> None:
    reference = commands_hook.command_reference()
    paths = _every_command_path()

    assert {"collect", "batch submit", "labels apply", "sandbox serve"} <= set(paths)
    missing = [path for path in paths if f"## `gh-analysis {path}`" not in reference]
    assert missing == []
    assert sorted(commands_hook.command_paths()) == sorted(["gh-analysis", *(f"gh-analysis {p}" for p in paths)])


def test_the_reference_lists_every_option_of_a_command_as_help_prints_it() -> None:
    reference = commands_hook.command_reference()
    section = reference.split("## `gh-analysis batch submit`", 1)[1].split("\n## ", 1)[0]
    printed = invoke("batch", "submit", "--help").stdout.split("Options:\n", 1)[1]
    options = re.findall(r"^  (-[^\s,]+(?:, --\S+)?)", printed, re.MULTILINE)

    assert "--dry-run" in options and "-y, --yes" in options
    assert [option for option in options if f"- `{option}" not in section] == []


def test_a_command_added_to_the_app_appears_without_editing_the_docs() -> None:
    app = typer.Typer()
    group = typer.Typer(help="Things.")
    app.add_typer(group, name="things")

    @app.command("hello")
    def hello(name: str = typer.Option("world", "--name", help="Who to greet.")) -> None:
        """Say hello."""

    @group.command("count")
    def count() -> None:
        """Count <things>."""

    reference = commands_hook.command_reference(app)

    assert "## `gh-analysis hello`" in reference
    assert re.search(r"^- `--name [^`]+`: Who to greet\.  \[default: world\]$", reference, re.MULTILINE)
    assert "### `gh-analysis things count`" in reference
    assert "Count &lt;things&gt;." in reference  # help text shown as written, never taken for HTML
    assert "[`count`](#gh-analysis-things-count)" in reference


def test_the_settings_table_has_every_setting_with_its_meaning() -> None:
    from github_issue_analysis.config import Settings

    table = settings_hook.settings_table()
    rows = {line.split(" | ")[0].removeprefix("| ") for line in table.splitlines()[2:]}

    assert len(rows) == len(Settings.model_fields)
    assert "`GH_TOKEN` or `GITHUB_TOKEN`" in rows
    assert "| `GH_ANALYSIS_OPENAI_MAX_REQUESTS_PER_BATCH` | `50000` | 1 to 50000 |" in table
    assert settings_hook.undocumented_settings() == []


def test_the_generated_pages_keep_their_markers_and_the_nav_names_every_page() -> None:
    nav = (ROOT / "mkdocs.yml").read_text().split("\nnav:\n", 1)[1]
    in_nav = set(re.findall(r"^  - [^:]+: (\S+\.md)$", nav, re.MULTILINE))
    pages = {path.relative_to(DOCS).as_posix() for path in DOCS.glob("*.md")}

    assert commands_hook.MARKER in (DOCS / commands_hook.PAGE).read_text()
    assert settings_hook.MARKER in (DOCS / settings_hook.PAGE).read_text()
    assert pages - in_nav == set()
    assert in_nav - pages <= {"architecture.md"}  # written on another branch; pending_pages.py stands in for it


def test_one_version_for_the_package_metadata_the_cli_and_the_changelog() -> None:
    import importlib.metadata
    import tomllib

    from github_issue_analysis import __version__

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())

    assert "version" in project["project"]["dynamic"] and "version" not in project["project"]
    assert importlib.metadata.version("github-issue-analysis") == __version__
    assert invoke("--version").stdout.strip() == f"gh-analysis {__version__}"
    assert f"## [{__version__}] - " in (ROOT / "CHANGELOG.md").read_text()
