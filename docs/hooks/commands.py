"""MkDocs hook: the command reference, generated from the Typer app at build time so it cannot drift.

`docs/commands.md` holds the marker `<!-- generated: commands -->`; the hook replaces it with every command and
subcommand of `gh-analysis`: its help, usage, options (as `--help` prints them) and epilog."""

from __future__ import annotations

import html
from collections.abc import Iterator
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup

Command = TyperCommand | TyperGroup

MARKER = "<!-- generated: commands -->"
PAGE = "commands.md"
ROOT = "gh-analysis"


def walk_commands(command: Command, ctx: typer.Context) -> Iterator[tuple[Command, typer.Context]]:
    """The command, then each visible subcommand depth-first, in the order `--help` lists them."""
    yield command, ctx
    for name, child in _children(command, ctx):
        yield from walk_commands(child, _context(child, name, ctx))


def _children(command: Command, ctx: typer.Context) -> list[tuple[str, Command]]:
    if not isinstance(command, TyperGroup):
        return []
    found = ((name, command.get_command(ctx, name)) for name in command.list_commands(ctx))
    return [(name, child) for name, child in found if isinstance(child, Command) and not child.hidden]


def _root(app: typer.Typer | None) -> tuple[Command, typer.Context]:
    from github_issue_analysis.cli.main import app as gh_analysis

    root = typer.main.get_command(app or gh_analysis)
    assert isinstance(root, Command)
    return root, _context(root, ROOT, None)


def _context(command: Command, name: str, parent: typer.Context | None) -> typer.Context:
    """The context `--help` would have: the command's own settings (e.g. `-h` beside `--help`)."""
    return typer.Context(command, info_name=name, parent=parent, **command.context_settings)


def command_reference(app: typer.Typer | None = None) -> str:
    """Markdown for every command of the app (the `gh-analysis` app by default)."""
    return "\n".join(_section(command, ctx) for command, ctx in walk_commands(*_root(app)))


def command_paths(app: typer.Typer | None = None) -> list[str]:
    """`gh-analysis batch submit`-style paths of every command the reference lists, root included."""
    return [ctx.command_path for _, ctx in walk_commands(*_root(app))]


def _section(command: Command, ctx: typer.Context) -> str:
    depth = 2 if ctx.command_path.count(" ") <= 1 else 3  # gh-analysis and its commands: ##, subcommands: ###
    lines = [f"{'#' * depth} `{ctx.command_path}`", ""]
    lines += [_text(paragraph) + "\n" for paragraph in _paragraphs(command.help or "")]
    lines += ["```text", command.get_usage(ctx).strip(), "```", ""]
    lines += _parameters(command, ctx)
    lines += _subcommands(command, ctx)
    lines += _epilog(command.epilog or "")
    return "\n".join(lines)


def _parameters(command: Command, ctx: typer.Context) -> list[str]:
    records = [r for r in (p.get_help_record(ctx) for p in command.get_params(ctx)) if r is not None]
    if not records:
        return []
    lines = ["**Arguments and options**", ""]
    lines += [f"- `{names}`" + (f": {_text(help_text)}" if help_text else "") for names, help_text in records]
    return [*lines, ""]


def _subcommands(command: Command, ctx: typer.Context) -> list[str]:
    children = _children(command, ctx)
    if not children:
        return []
    lines = ["**Commands**", ""]
    for name, child in children:
        summary = _text(child.get_short_help_str(limit=300))
        lines.append(f"- [`{name}`](#{_anchor(ctx.command_path + ' ' + name)}): {summary}")
    return [*lines, ""]


def _epilog(epilog: str) -> list[str]:
    """One-line paragraphs as prose; a paragraph of several lines (examples) as it prints."""
    lines: list[str] = []
    for paragraph in epilog.split("\n\n"):
        plain = _plain_lines(paragraph)
        if len(plain) == 1:
            lines += [_text(plain[0].strip()), ""]
        elif plain:
            lines += ["```text", *plain, "```", ""]
    return lines


def _anchor(command_path: str) -> str:
    """The id MkDocs gives the heading of a command path: `gh-analysis batch` -> gh-analysis-batch."""
    return command_path.replace(" ", "-").lower()


def _paragraphs(help_text: str) -> list[str]:
    return [" ".join(_plain_lines(p)) for p in help_text.split("\n\n") if _plain_lines(p)]


def _plain_lines(text: str) -> list[str]:
    """Lines without Click's `\\b` (no-rewrap) markers."""
    return [line.rstrip() for line in text.strip("\n").splitlines() if line.strip() != "\b"]


def _text(value: str) -> str:
    """Help text as Markdown prose: angle brackets shown, not taken for HTML."""
    return html.escape(value, quote=False)


def on_page_markdown(markdown: str, page: Any, **_: Any) -> str:
    if page.file.src_uri != PAGE:
        return markdown
    if MARKER not in markdown:
        from mkdocs.exceptions import PluginError

        raise PluginError(f"{PAGE} lost its marker {MARKER}: the command reference would be missing")
    return markdown.replace(MARKER, command_reference())
