"""`triage init-workflow`: a GitHub Actions workflow that runs one triage step every hour (and on demand),
never two at once (a concurrency group), with `issues: write` as its only permission, the keys from
repository secrets, the tool installed with `uv tool install` pinned to this version (the package, or with
`--source` a git repository at this version's tag), and the store either
on PostgreSQL (a secret URL) or a SQLite file kept between runs with the cache action."""

from __future__ import annotations

import re
from typing import Literal

from github_issue_analysis import __version__
from github_issue_analysis.errors import UsageError

REPOSITORY_OWNER = "${{ github.repository_owner }}"
StoreKind = Literal["postgres", "sqlite-cache"]

_HEAD = """\
# Written by `gh-analysis triage init-workflow`. One triage step an hour: collect what is new, collect finished
# batches, apply the labels whose measured precision passes the gate, submit what is new or changed.
name: gh-analysis triage

on:
  schedule:
    - cron: "17 * * * *"
  workflow_dispatch:

concurrency:
  group: gh-analysis-triage
  cancel-in-progress: false

permissions:
  issues: write

jobs:
  triage:
    runs-on: ubuntu-latest
    timeout-minutes: 50
    env:
      GITHUB_TOKEN: ${{{{ secrets.GITHUB_TOKEN }}}}
      OPENAI_API_KEY: ${{{{ secrets.OPENAI_API_KEY }}}}
      ANTHROPIC_API_KEY: ${{{{ secrets.ANTHROPIC_API_KEY }}}}
      GEMINI_API_KEY: ${{{{ secrets.GEMINI_API_KEY }}}}
      GH_ANALYSIS_MODEL: ${{{{ vars.GH_ANALYSIS_MODEL }}}}
      TRIAGE_CONFIG: ${{{{ vars.GH_ANALYSIS_TRIAGE_CONFIG }}}}
{store_env}    steps:
      - uses: astral-sh/setup-uv@v6
{restore}      - name: Install gh-analysis {version}
        run: uv tool install {extras}"{requirement}"
      - name: Triage
        run: |
          args=()
          if [ -n "$TRIAGE_CONFIG" ]; then
            printf '%s\\n' "$TRIAGE_CONFIG" > "$RUNNER_TEMP/triage.toml"
            args+=(--config "$RUNNER_TEMP/triage.toml")
          fi
          gh-analysis triage --org "{org}" "${{args[@]}}" --yes --json
{save}"""

_POSTGRES_ENV = "      GH_ANALYSIS_DATABASE_URL: ${{ secrets.GH_ANALYSIS_DATABASE_URL }}\n"
_SQLITE_ENV = "      GH_ANALYSIS_DATA_DIR: ${{ github.workspace }}/.gh-analysis\n"
_RESTORE = """\
      - name: Restore the store
        uses: actions/cache/restore@v4
        with:
          path: .gh-analysis
          key: gh-analysis-store-${{ github.run_id }}
          restore-keys: gh-analysis-store-
"""
_SAVE = """\
      - name: Keep the store for the next run
        if: always()
        uses: actions/cache/save@v4
        with:
          path: .gh-analysis
          key: gh-analysis-store-${{ github.run_id }}
"""


def workflow_yaml(store: StoreKind, org: str = REPOSITORY_OWNER, source: str | None = None) -> str:
    """`source`: a git URL to install from at tag v{version}; None: the published package at this version."""
    if org != REPOSITORY_OWNER and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9-]{0,38}", org):
        raise UsageError(f"{org!r} is not a GitHub organization name")
    sqlite = store == "sqlite-cache"
    text = _HEAD.format(
        store_env=_SQLITE_ENV if sqlite else _POSTGRES_ENV,
        restore=_RESTORE if sqlite else "",
        save=_SAVE if sqlite else "",
        extras="" if sqlite else "--with 'psycopg[binary]>=3.1' ",
        requirement=_requirement(source),
        version=__version__,
        org=org,
    )
    return text


def _requirement(source: str | None) -> str:
    if source is None:
        return f"github-issue-analysis=={__version__}"  # the distribution (`gh-analysis` on PyPI is another project)
    if not re.fullmatch(r"git\+https://[A-Za-z0-9._~/:-]+", source):
        raise UsageError(f"{source!r} is not a git+https:// repository URL")
    return f"github-issue-analysis @ {source}@v{__version__}"
