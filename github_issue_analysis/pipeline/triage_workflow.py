"""`triage init-workflow`: a GitHub Actions workflow that runs one triage step every hour (and on demand, or in
check mode before the first scheduled run), never two at once (a concurrency group). What a security team
asks of it: the tool installed at an exact version (the distribution, or with `--source` a git repository at
this version's tag); every action pinned to a full commit SHA (workflow_actions.py); keys and tokens given
only to the steps that use them; a GitHub token that reaches every repository the step labels (a GitHub App
installation token, or a fine-grained token in a secret), never the job's own GITHUB_TOKEN, which reaches this
repository only; and `permissions:` the least the job needs. The store is one of three kinds: the SQLite store
sealed on a branch of this repository (`git-branch`, the default), PostgreSQL (a secret URL), or a SQLite file
kept by actions/cache with its generation on a branch (`sqlite-cache`, best effort)."""

from __future__ import annotations

import re
from typing import Literal

from github_issue_analysis import __version__
from github_issue_analysis.errors import UsageError

from .workflow_actions import APP_TOKEN, CACHE_RESTORE, CACHE_SAVE, CHECKOUT, SETUP_UV, UV_VERSION

REPOSITORY_OWNER = "${{ github.repository_owner }}"
StoreKind = Literal["git-branch", "postgres", "sqlite-cache"]
TokenKind = Literal["app", "fine-grained"]
STATE_BRANCH = "gh-analysis-state"
GENERATION_BRANCH = "gh-analysis-generation"

_HEAD = """\
# Written by `gh-analysis triage init-workflow` (gh-analysis {version}). One triage step an hour: collect what
# is new, collect finished batches, apply the labels whose measured precision passes the gate, submit what is
# new or changed. Run it once by hand with "check" ticked before the first scheduled run.
name: gh-analysis triage

on:
  schedule:
    - cron: "17 * * * *"
  workflow_dispatch:
    inputs:
      check:
        description: "Check only: token reach per repository, keys, store, model (nothing paid or written)"
        type: boolean
        default: false
      accept_store:
        description: "Accept the present store after a person looked at it (when a step refused it as older)"
        type: boolean
        default: false

concurrency:
  group: gh-analysis-triage
  cancel-in-progress: false

{permissions}
jobs:
  triage:
    runs-on: ubuntu-latest
    timeout-minutes: 50
    steps:
"""

_BRANCH_PERMISSIONS = """\
# The job's own GITHUB_TOKEN pushes the {what} branch
# `{branch}` with the checkout's credentials, so it needs contents: write, which lets it push to
# every branch of this repository, not only that one. It needs no issues: write: labels and comments are
# written with the token the triage step gets as GITHUB_TOKEN (the App's or the fine-grained one), which also
# reaches the owner's other repositories.
permissions:
  contents: write
"""

_NO_PERMISSIONS = """\
# The job's own GITHUB_TOKEN is given no permission: labels and comments are written with the token the triage
# step gets as GITHUB_TOKEN (the App's or the fine-grained one), and PostgreSQL needs no checkout.
permissions: {}
"""

_APP_TOKEN = """\
      # A GitHub App installation token for every repository the App is installed on, under
      # {owner_note}. The App's repository permissions: Issues read & write, Metadata read.
      # Nothing else: Contents and Pull requests are not needed (the state is pushed with this job's
      # GITHUB_TOKEN, on this repository only).
      - name: GitHub App token
        id: token
        uses: {uses}
        with:
          client-id: ${{{{ vars.GH_ANALYSIS_APP_CLIENT_ID }}}}
          private-key: ${{{{ secrets.GH_ANALYSIS_APP_PRIVATE_KEY }}}}
          owner: {owner}
          permission-issues: write
          permission-metadata: read
"""

_CHECKOUT = """\
      # A default checkout (depth 1, credentials kept): the tool fetches its branch itself and pushes with
      # these credentials.
      - name: Check out this repository
        uses: {uses}
        with:
          persist-credentials: true
"""

_RESTORE = """\
      - name: Restore the store (best effort; actions/cache may evict it or hand back an older one)
        uses: {uses}
        with:
          path: .gh-analysis
          key: gh-analysis-store-${{{{ github.run_id }}}}
          restore-keys: gh-analysis-store-
"""

_INSTALL = """\
      - name: Install uv {uv_version}
        uses: {uses}
        with:
          version: "{uv_version}"
          enable-cache: false
      - name: Install gh-analysis {version}
        run: uv tool install {requirement}
"""

_STEP = """\
      - name: {name}
        id: {id}
        if: {condition}
        env:
{env}        run: |
          args=(--org "{org}"{store_args})
          if [ -n "$TRIAGE_CONFIG" ]; then
            printf '%s\\n' "$TRIAGE_CONFIG" > "$RUNNER_TEMP/triage.toml"
            args+=(--config "$RUNNER_TEMP/triage.toml")
          fi
          gh-analysis triage "${{args[@]}}" {mode}
"""

_ACCEPT = """\
      - name: Accept the present store (after a person looked at it)
        id: accept
        if: ${{{{ inputs.accept_store && !inputs.check }}}}
        env:
{env}        run: gh-analysis triage accept-store --org "{org}"{store_args}
"""

_SAVE = """\
      - name: Keep the store for the next run
        if: ${{{{ always() && !inputs.check }}}}  # also after accept-store, which changes the store
        uses: {uses}
        with:
          path: .gh-analysis
          key: gh-analysis-store-${{{{ github.run_id }}}}
"""

_GITHUB_TOKEN = {
    "app": "${{ steps.token.outputs.token }}",
    "fine-grained": "${{ secrets.GH_ANALYSIS_GITHUB_TOKEN }}",
}
_STORE_ENV = {
    "git-branch": {"GH_ANALYSIS_STATE_KEY": "${{ secrets.GH_ANALYSIS_STATE_KEY }}"},
    "postgres": {"GH_ANALYSIS_DATABASE_URL": "${{ secrets.GH_ANALYSIS_DATABASE_URL }}"},
    "sqlite-cache": {"GH_ANALYSIS_DATA_DIR": "${{ github.workspace }}/.gh-analysis"},
}
_STORE_ARGS = {
    "git-branch": f" --state-branch {STATE_BRANCH}",
    "postgres": "",
    "sqlite-cache": f" --generation-branch {GENERATION_BRANCH}",
}


def workflow_yaml(
    store: StoreKind,
    org: str = REPOSITORY_OWNER,
    source: str | None = None,
    token: TokenKind = "app",
) -> str:
    """`source`: a git URL to install from at tag v{version}; None: the published distribution at this version."""
    if org != REPOSITORY_OWNER and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9-]{0,38}", org):
        raise UsageError(f"{org!r} is not a GitHub organization or user name")
    parts = [_HEAD.format(version=__version__, permissions=_permissions(store))]
    if token == "app":
        parts.append(_app_token(org))
    if store != "postgres":
        parts.append(_CHECKOUT.format(uses=CHECKOUT.uses()))
    if store == "sqlite-cache":
        parts.append(_RESTORE.format(uses=CACHE_RESTORE.uses()))
    parts.append(_install(store, source))
    parts.append(_step(store, org, token, check=False))
    parts.append(_step(store, org, token, check=True))
    parts.append(_accept(store, org))
    if store == "sqlite-cache":
        parts.append(_SAVE.format(uses=CACHE_SAVE.uses()))
    return "".join(parts)


def _permissions(store: StoreKind) -> str:
    if store == "git-branch":
        return _BRANCH_PERMISSIONS.format(what="encrypted state", branch=STATE_BRANCH)
    if store == "sqlite-cache":
        return _BRANCH_PERMISSIONS.format(what="generation", branch=GENERATION_BRANCH)
    return _NO_PERMISSIONS


def _app_token(org: str) -> str:
    note = "this repository's owner" if org == REPOSITORY_OWNER else org
    return _APP_TOKEN.format(uses=APP_TOKEN.uses(), owner=org, owner_note=note)


def _install(store: StoreKind, source: str | None) -> str:
    requirement = f'"{_requirement(source)}"'
    if store == "postgres":
        requirement = f"--with 'psycopg[binary]>=3.1' {requirement}"
    return _INSTALL.format(uses=SETUP_UV.uses(), uv_version=UV_VERSION, version=__version__, requirement=requirement)


def _step(store: StoreKind, org: str, token: TokenKind, *, check: bool) -> str:
    env = {
        "GITHUB_TOKEN": _GITHUB_TOKEN[token],
        "OPENAI_API_KEY": "${{ secrets.OPENAI_API_KEY }}",
        "ANTHROPIC_API_KEY": "${{ secrets.ANTHROPIC_API_KEY }}",
        "GEMINI_API_KEY": "${{ secrets.GEMINI_API_KEY }}",
        "GH_ANALYSIS_MODEL": "${{ vars.GH_ANALYSIS_MODEL }}",  # an unset variable is "": the tool reads it as unset
        "TRIAGE_CONFIG": "${{ vars.GH_ANALYSIS_TRIAGE_CONFIG }}",
        **_STORE_ENV[store],
    }
    return _STEP.format(
        name="Check (token reach, keys, store, model; nothing paid or written)" if check else "Triage",
        id="check" if check else "triage",
        condition="${{ inputs.check }}" if check else "${{ !inputs.check && !inputs.accept_store }}",
        env="".join(f"          {name}: {value}\n" for name, value in env.items()),
        org=org,
        store_args=_STORE_ARGS[store],
        mode="--check" if check else "--yes --json",
    )


def _accept(store: StoreKind, org: str) -> str:
    env = "".join(f"          {name}: {value}\n" for name, value in _STORE_ENV[store].items())
    return _ACCEPT.format(env=env, org=org, store_args=_STORE_ARGS[store])


def _requirement(source: str | None) -> str:
    if source is None:
        return f"github-issue-analysis=={__version__}"  # the distribution (`gh-analysis` on PyPI is another project)
    if not re.fullmatch(r"git\+https://[A-Za-z0-9._~/:-]+", source):
        raise UsageError(f"{_without_credentials(source)!r} is not a git+https:// repository URL without credentials")
    return f"github-issue-analysis @ {source}@v{__version__}"


def _without_credentials(url: str) -> str:
    """The URL as it may be printed: whatever stands before an `@` in its authority (a user, a token) hidden."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return "(not a URL)" if "@" in url else url
    authority, slash, path = rest.partition("/")
    if "@" in authority:
        authority = "***@" + authority.rsplit("@", 1)[1]
    return f"{scheme}://{authority}{slash}{path}"
