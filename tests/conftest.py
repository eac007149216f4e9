from __future__ import annotations

import os
import signal
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from github_issue_analysis.cli.context import run_app
from github_issue_analysis.cli.main import app
from github_issue_analysis.config import get_settings
from github_issue_analysis.storage.store import Store, open_store
from tests.browser import CHROMIUM, CHROMIUM_ARGS

# The served emulators (`served_openai`, `served_anthropic`, `served_gemini`) come from the sandbox distribution.
pytest_plugins = ["github_issue_analysis_sandbox.testing"]

POSTGRES_URL = os.environ.get("GH_ANALYSIS_TEST_POSTGRES_URL")


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Every test gets its own data dir and SQLite file; no key or token from the machine leaks in."""
    for name in (
        "OPENAI_API_KEY",
        "OPENAI_BASE_URL",
        "ANTHROPIC_API_KEY",
        "ANTHROPIC_AUTH_TOKEN",
        "ANTHROPIC_BASE_URL",
        "GEMINI_API_KEY",
        "GOOGLE_API_KEY",
        "GEMINI_BASE_URL",
        "GITHUB_TOKEN",
        "GITHUB_API_URL",
        "GH_ANALYSIS_DATABASE_URL",
        "GH_ANALYSIS_MODEL",
    ):
        monkeypatch.delenv(name, raising=False)
    for name in ("GH_TOKEN", "GH_ENTERPRISE_TOKEN", "GH_ANALYSIS_PRICES_FILE", "GH_ANALYSIS_DEBUG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GH_CONFIG_DIR", str(tmp_path / "gh-config"))  # an installed `gh` is logged out here
    monkeypatch.setenv("GH_ANALYSIS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.chdir(tmp_path)
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'data' / 'gh-analysis.db'}"


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    opened = open_store(database_url)
    yield opened
    opened.close()


def fresh_postgres_database() -> str:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    assert POSTGRES_URL
    name = f"gha_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(make_url(POSTGRES_URL).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_store(request: pytest.FixtureRequest, database_url: str) -> Iterator[Store]:
    """The same store tests on SQLite and, when GH_ANALYSIS_TEST_POSTGRES_URL is set, on PostgreSQL."""
    if request.param == "postgres":
        if not POSTGRES_URL:
            pytest.skip("GH_ANALYSIS_TEST_POSTGRES_URL is not set")
        url = fresh_postgres_database()
    else:
        url = database_url
    opened = open_store(url)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium through Playwright's sync API (tests/browser.py), one per test module: while it is
    open, Playwright's event loop counts as running in the main thread, so a later module's `asyncio.run`
    (every service entry point) would fail; a session-wide browser would outlive the browser tests."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def pytest_configure(config: pytest.Config) -> None:
    """CLI processes the tests start take Ctrl+C even when the test run itself was started in the background:
    a shell starts background jobs with SIGINT ignored, and a child inherits an ignored signal (tests send
    SIGINT to `collect`, `watch`, `label` and `sandbox serve` and expect them to stop)."""
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def invoke(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> CliResult:
    """Run the CLI in-process through the same edge as the console script (error rule included)."""
    runner = CliRunner()
    get_settings.cache_clear()
    with runner.isolation(input=input, env=env) as (out, err, _):
        code = run_app(app, list(args))
        sys.stdout.flush()
        sys.stderr.flush()
    return CliResult(code, out.getvalue().decode(), err.getvalue().decode())


# The heaviest fast-lane tests whose module and path another fast test already covers: they run in the full
# suite (`uv run pytest`), not in `-m "not slow"`, which stays within ~3 minutes on 2 cores.
SECOND_OF_A_KIND = (
    "test_cli/test_properties.py::test_import_keeps_the_later_instant",
    "test_cli/test_properties.py::test_import_names_urls_and_states",
    "test_cli/test_properties.py::test_export_targets",
    "test_hardening/test_write_limits.py::test_a_limit_of_5_writes_per_2_seconds_finishes_on_the_real_clock",
    "test_ai/test_crash_resume.py::test_kill_at_each_step_then_resume[gemini-POST-/v1beta/models/gemini-2.5-flash"
    ":batchGenerateContent-1-response]",
    "test_report/test_page_safety.py::test_injected_links_handlers_and_scripts_do_nothing",
    "test_triage/test_fortnight.py::test_an_evaluated_blind_sample_sent_by_hand_calibrates_the_gate",
    "test_ai/test_watch.py::test_retry_failed_resends_items_until_they_succeed[openai]",
    "test_quality/test_local_baseline.py::test_eval_compares_the_baseline_with_an_llm_group_on_the_same_sample",
    "test_ai/test_batch_flow.py::test_submit_status_collect[openai-400]",
    "test_ai/test_provider_limits.py::test_byte_limit_is_checked_on_the_real_request_lines[gemini]",
    "test_report/test_label.py::test_blind_run_is_recorded_blind_and_continued_as_its_own_run",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.nodeid.endswith(SECOND_OF_A_KIND):
            item.add_marker(pytest.mark.slow)
