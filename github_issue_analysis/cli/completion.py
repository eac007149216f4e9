"""Shell completion of group, job and run ids, models and processors, answered before Typer and the store load
(a Tab must take well under 0.3 s).

The commands that create ids (`batch submit`, `label`, `labels apply`, `labels revert`) and list them
(`batch list`) remember the newest ones in a small file in the data folder, `recent-ids.json`; models and
processors are kept there too once listed. Completion reads only that file. Anything else (commands, options)
is left to Typer's own completion.
"""

from __future__ import annotations

import json
import os
import shlex
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

COMPLETE_ENV = "_GH_ANALYSIS_COMPLETE"
RECENT_FILE = "recent-ids.json"
KEEP = 100
"""Ids kept per kind, newest first."""

# command words -> what its first argument is
_ARGUMENTS: dict[tuple[str, ...], str] = {
    ("batch", "status"): "id",
    ("batch", "watch"): "id",
    ("batch", "remove"): "id",
    ("batch", "collect"): "job",
    ("batch", "cancel"): "job",
    ("batch", "adopt"): "job",
    ("batch", "unsent"): "job",
    ("batch", "group-collect"): "group",
    ("batch", "group-cancel"): "group",
    ("batch", "group-retry"): "group",
    ("batch", "submit"): "processor",
    ("process",): "processor",
    ("labels", "revert"): "run",
    ("eval",): "group",
    ("report",): "group",
}
_REPEATED = {("eval",)}  # takes several ids
# option -> what its value is
_OPTIONS = {"--model": "model", "--processor": "processor", "--resume": "group", "--eval": "group", "--group": "group"}
_KINDS = {"id": ("groups", "jobs"), "group": ("groups",), "job": ("jobs",), "run": ("runs",)}


def recent_file(data_dir: Path | None = None) -> Path:
    """The file in the data folder: GH_ANALYSIS_DATA_DIR (environment, then ./.env), else the per-user folder."""
    if data_dir is None:
        folder = os.environ.get("GH_ANALYSIS_DATA_DIR") or _from_dotenv("GH_ANALYSIS_DATA_DIR")
        if folder:
            data_dir = Path(folder).expanduser()
        else:
            from github_issue_analysis.defaults import default_data_dir

            data_dir = default_data_dir()
    return data_dir / RECENT_FILE


def _from_dotenv(name: str) -> str | None:
    try:
        lines = Path(".env").read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    for line in lines:
        key, _, value = line.removeprefix("export ").partition("=")
        if key.strip() == name:
            return value.strip().strip("'\"") or None
    return None


def _read(path: Path) -> dict[str, list[str]]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(document, dict):
        return {}
    return {str(k): [str(v) for v in values] for k, values in document.items() if isinstance(values, list)}


def remember(data_dir: Path, **kinds: Iterable[str]) -> None:
    """Put ids (groups=, jobs=, runs=) or names (models=, processors=) first in the file; never fails a command."""
    path = recent_file(data_dir)
    try:
        document = _read(path)
        for kind, values in kinds.items():
            new = [v for v in values if v]
            document[kind] = list(dict.fromkeys(new + document.get(kind, [])))[:KEEP]
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(document), encoding="utf-8")
        temporary.replace(path)
    except OSError:
        pass


def candidates(args: Sequence[str], incomplete: str, path: Path | None = None) -> list[str] | None:
    """What completes `incomplete` after `args` (the words before it), or None when Typer should answer."""
    kind = _kind(args, incomplete)
    if kind is None:
        return None
    recent = _read(path or recent_file())
    if kind in _KINDS:
        values = [v for key in _KINDS[kind] for v in recent.get(key, [])]
    else:
        values = recent.get(kind + "s") or _names(kind, path or recent_file())
    return [v for v in values if v.startswith(incomplete)]


def _kind(args: Sequence[str], incomplete: str) -> str | None:
    if incomplete.startswith("-"):
        return None
    if args and args[-1] in _OPTIONS:
        return _OPTIONS[args[-1]]
    words = [a for a in args if not a.startswith("-")]
    for command, kind in _ARGUMENTS.items():
        if tuple(words[: len(command)]) == command:
            given = len(words) - len(command)
            if given == 0 or (command in _REPEATED and given > 0):
                return kind
    return None


def _names(kind: str, path: Path) -> list[str]:
    """Models or processors from the registry (slow: it loads the providers), kept for the next Tab."""
    from github_issue_analysis.ai.registry import processors, providers

    if kind == "processor":
        names = sorted(processors())
    else:
        names = [f"{name}:{model}" for name, plugin in sorted(providers().items()) for model in plugin.models]
    remember(path.parent, **{kind + "s": names})
    return names


def _request(shell: str) -> tuple[list[str], str]:
    """The words before the cursor and the word being completed, as each shell's Typer script passes them."""
    if shell == "bash":
        words = _split(os.environ.get("COMP_WORDS", ""))
        cword = int(os.environ.get("COMP_CWORD", "0") or 0)
        return words[1:cword], words[cword] if cword < len(words) else ""
    line = os.environ.get("_TYPER_COMPLETE_ARGS", "")
    words = _split(line)[1:]
    if shell in ("powershell", "pwsh"):
        incomplete = os.environ.get("_TYPER_COMPLETE_WORD_TO_COMPLETE", "")
        return (words[:-1] if incomplete else words), incomplete
    if words and not line.endswith(" "):
        return words[:-1], words[-1]
    return words, ""


def _split(line: str) -> list[str]:
    try:
        return shlex.split(line)
    except ValueError:  # an open quote while typing
        return line.split()


def _format(shell: str, values: list[str]) -> str:
    if shell == "zsh":
        if not values:
            return "_files"
        quoted = "\n".join('"' + v.replace("\\", "\\\\").replace('"', '\\"').replace(":", r"\\:") + '"' for v in values)
        return f"_arguments '*: :(({quoted}))'"
    if shell in ("powershell", "pwsh"):
        return "\n".join(f"{v}::: " for v in values)
    return "\n".join(values)


def answer_fast() -> bool:
    """Answer a completion request for an id, model or processor and say so; False leaves it to Typer."""
    instruction = os.environ.get(COMPLETE_ENV, "")
    if not instruction.startswith("complete_"):
        return False
    shell = instruction.removeprefix("complete_")
    args, incomplete = _request(shell)
    found = candidates(args, incomplete)
    if found is None:
        return False
    if shell == "fish" and os.environ.get("_TYPER_COMPLETE_FISH_ACTION") == "is-args":
        sys.exit(0 if found else 1)
    sys.stdout.write(_format(shell, found) + "\n")
    return True
