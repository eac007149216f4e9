"""Import issue files in the earlier tool's layout: 10,000 files (goal < 20 s), next to 1,000 in the same run.

uv run python benchmarks/import_files.py [--files 10000]
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from harness import Row, command_seconds, print_rows
from startup import console_script

GOAL_SECONDS = 20.0


def write_files(folder: Path, count: int) -> None:
    folder.mkdir(parents=True)
    for number in range(1, count + 1):
        document = {
            "org": "acme",
            "repo": f"repo{number % 7}",
            "issue": {
                "number": number,
                "title": f"Installer fails on upgrade ({number})",
                "body": "The admin console installer fails during upgrade.\n" * 8,
                "state": "open",
                "labels": [{"name": "bug", "color": "d73a4a", "description": "Something is broken"}],
                "user": {"login": "reporter"},
                "comments": [
                    {
                        "user": {"login": f"dev{i}"},
                        "body": "Seen it too. " * 10,
                        "created_at": "2026-01-02T00:00:00Z",
                        "updated_at": "2026-01-02T00:00:00Z",
                    }
                    for i in range(3)
                ],
                "created_at": "2026-01-01T00:00:00Z",
                "updated_at": "2026-01-03T00:00:00Z",
            },
        }
        (folder / f"acme_repo{number % 7}_issue_{number}.json").write_text(json.dumps(document))


def _import_seconds(root: Path, count: int) -> float:
    folder = root / f"files{count}"
    write_files(folder, count)
    env = {"GH_ANALYSIS_DATABASE_URL": f"sqlite:///{root / f'import{count}.db'}"}
    return command_seconds([console_script(), "import", str(folder)], env, 1)[0]


def measure(files: int = 10_000) -> list[Row]:
    with tempfile.TemporaryDirectory() as folder:
        ours = _import_seconds(Path(folder), files)
        small = _import_seconds(Path(folder), files // 10)
    return [
        Row(
            f"`gh-analysis import` of {files:,} issue files (3 comments each)",
            f"{ours:.2f} s ({files / ours:,.0f} files/s)",
            f"{small:.2f} s for {files // 10:,} files",
            f"{ours / small:.1f}x time for 10x files",
            f"< {GOAL_SECONDS:.0f} s",
            ours < GOAL_SECONDS,
        )
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=10_000)
    print_rows("Import", measure(parser.parse_args().files))


if __name__ == "__main__":
    main()
