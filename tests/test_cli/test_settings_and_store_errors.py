"""Settings and the store: every bad value, folder or file is one line naming what to fix (no "Unexpected")."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from github_issue_analysis.config import get_settings
from tests.cli_errors import one_error_line
from tests.conftest import invoke
from tests.factories import write_issue_files


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("GH_ANALYSIS_OPENAI_MAX_REQUESTS_PER_BATCH", "0", "from 1 to 50000"),
        ("GH_ANALYSIS_OPENAI_MAX_REQUESTS_PER_BATCH", "abc", "from 1 to 50000"),
        ("GH_ANALYSIS_OPENAI_MAX_BYTES_PER_BATCH", "1" + "0" * 30, "from 1 to 209715200"),
        ("GH_ANALYSIS_OPENAI_MAX_BATCHES_PER_HOUR", "-3", "from 1 to 1000000"),
        ("GH_ANALYSIS_RETRY_SECONDS", "nan", "more than 0 to 3600"),
        ("GH_ANALYSIS_RETRY_SECONDS", "inf", "more than 0 to 3600"),
        ("GH_ANALYSIS_DEBUG", "maybe", "valid boolean"),
        ("GITHUB_API_URL", "htp//nowhere", "http(s) URL"),
        ("GITHUB_API_URL", "http://127.0.0.1:99999", "invalid port"),
    ],
)
def test_bad_settings_name_the_variable_and_range(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(variable, value)
    result = invoke("status")
    assert result.exit_code == 2
    line = one_error_line(result.stderr)
    assert variable in line and expected in line


def test_every_setting_is_read_from_dot_env(tmp_path: Path) -> None:
    prices = tmp_path / "prices.json"
    prices.write_text(json.dumps({"my-model": {"input": 1.0, "output": 2.0}}))
    (tmp_path / ".env").write_text(f"GH_ANALYSIS_PRICES_FILE={prices}\nGH_TOKEN=from-dot-env\n")
    os.environ.pop("GH_ANALYSIS_PRICES_FILE", None)
    get_settings.cache_clear()
    settings = get_settings()
    assert settings.price_overrides() == {"my-model": (1.0, 2.0)}
    assert settings.github_token is not None and settings.github_token.get_secret_value() == "from-dot-env"
    from github_issue_analysis.ai.providers.pricing import price_for

    assert price_for("my-model") is not None


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "cannot read"),
        ("[1, 2]", "must hold an object"),
        ('{"gpt-4o-mini": {"input": "cheap"}}', "needs numbers"),
        ('{"gpt-4o-mini": {"input": -1, "output": 1}}', "not negative"),
        ("not json", "not a JSON file"),
    ],
)
def test_a_bad_prices_file_stops_submit_before_the_plan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: str | None, expected: str
) -> None:
    write_issue_files(tmp_path / "issues", "acme", "app", 2)
    assert invoke("import", str(tmp_path / "issues")).exit_code == 0
    prices = tmp_path / "prices.json"
    if content is not None:
        prices.write_text(content)
    monkeypatch.setenv("GH_ANALYSIS_PRICES_FILE", str(prices))
    result = invoke("batch", "submit", "product-labeling", "--org", "acme", "--dry-run")
    assert result.exit_code == 2
    assert "GH_ANALYSIS_PRICES_FILE" in one_error_line(result.stderr)
    assert expected in result.stderr
    assert result.stdout == ""


def test_a_binary_dot_env_is_one_line(tmp_path: Path) -> None:
    (tmp_path / ".env").write_bytes(b"\xff\xfe\x00\x01GH_\x00ANALYSIS\x9c")
    result = invoke("status")
    assert result.exit_code == 2
    assert ".env" in one_error_line(result.stderr)


def test_data_dir_tilde_is_expanded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("GH_ANALYSIS_DATA_DIR", "~/store")
    result = invoke("status", "--json")
    assert result.exit_code == 0, result.stderr
    assert str(tmp_path / "home" / "store" / "gh-analysis.db") in json.loads(result.stdout)["database"]
    assert not (tmp_path / "~").exists()


def test_default_data_dir_is_the_per_user_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GH_ANALYSIS_DATA_DIR")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    result = invoke("status")
    assert result.exit_code == 0, result.stderr
    assert f"Database: sqlite:///{tmp_path / 'xdg' / 'gh-analysis' / 'gh-analysis.db'}" in result.stdout
    assert f"Data folder: {tmp_path / 'xdg' / 'gh-analysis'}" in result.stdout
    assert not (tmp_path / "elsewhere" / "data").exists()


def test_data_dir_that_is_a_file_or_under_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "plain").write_text("x")
    for data_dir, expected in ((tmp_path / "plain", "is a file"), (tmp_path / "plain" / "sub", "is under a file")):
        monkeypatch.setenv("GH_ANALYSIS_DATA_DIR", str(data_dir))
        result = invoke("status")
        assert result.exit_code == 1
        assert expected in one_error_line(result.stderr)


@pytest.fixture
def read_only_folder(tmp_path: Path) -> Iterator[Path]:
    """A folder no one can write: chmod for ordinary users, the immutable attribute for root."""
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    immutable = False
    if os.access(folder, os.W_OK):
        immutable = subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode == 0
        if not immutable:
            pytest.skip("cannot make a read-only folder here")
    yield folder
    if immutable:
        subprocess.run(["chattr", "-i", str(folder)], check=True)
    folder.chmod(0o755)


def test_a_read_only_data_dir_says_read_only(read_only_folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for data_dir in (read_only_folder, read_only_folder / "sub"):
        monkeypatch.setenv("GH_ANALYSIS_DATA_DIR", str(data_dir))
        result = invoke("status")
        assert result.exit_code == 1
        assert "read-only" in one_error_line(result.stderr)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("nosuchdb://x", "unsupported database 'nosuchdb'"),
        ("not a url", "not a database URL"),
        ("mysql://u@h/db", "unsupported database 'mysql'"),
    ],
)
def test_unsupported_database_urls(monkeypatch: pytest.MonkeyPatch, url: str, expected: str) -> None:
    monkeypatch.setenv("GH_ANALYSIS_DATABASE_URL", url)
    result = invoke("status")
    assert result.exit_code == 2
    assert expected in one_error_line(result.stderr)


def test_postgres_without_its_driver_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GH_ANALYSIS_DATABASE_URL", "postgresql+nosuchdriver://u@127.0.0.1/db")
    result = invoke("status")
    assert result.exit_code == 2
    line = one_error_line(result.stderr)
    assert "postgres" in line


def test_a_store_from_a_newer_version(tmp_path: Path) -> None:
    assert invoke("status").exit_code == 0
    database = tmp_path / "data" / "gh-analysis.db"
    with sqlite3.connect(database) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099_from_the_future'")
    result = invoke("status")
    assert result.exit_code == 1
    assert "newer gh-analysis" in one_error_line(result.stderr)


def test_a_malformed_database_page(tmp_path: Path) -> None:
    write_issue_files(tmp_path / "issues", "acme", "app", 40, comments=5)
    assert invoke("import", str(tmp_path / "issues")).exit_code == 0
    database = tmp_path / "data" / "gh-analysis.db"
    with sqlite3.connect(database) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    data = bytearray(database.read_bytes())
    for page in range(2, len(data) // page_size):
        data[page * page_size : page * page_size + 64] = b"\xa5" * 64
    database.write_bytes(bytes(data))
    result = invoke("status")
    assert result.exit_code == 1
    assert "damaged" in one_error_line(result.stderr)


def test_sandbox_serve_on_a_busy_or_invalid_port() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = invoke("sandbox", "serve", "--port", str(port))
        assert result.exit_code == 2
        assert "not available" in one_error_line(result.stderr)
    for bad in ("0", "70000", "-1", "http"):
        result = invoke("sandbox", "serve", "--port", bad)
        assert result.exit_code == 2, bad
        one_error_line(result.stderr)
