"""A key or token holding a newline (or another control character) is refused at once, naming the variable and
never showing its value, with exit code 2 — instead of being sent and retried as a transient failure."""

from __future__ import annotations

import time

import pytest

from github_issue_analysis.config import Settings
from tests.cli_errors import one_error_line
from tests.conftest import invoke

SECRET = "sk-abc123-very-secret"
VARIABLES = ["GH_TOKEN", "GITHUB_TOKEN", "OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GEMINI_API_KEY"]
BROKEN = [f"{SECRET}\n", f"{SECRET}\nsecond-line", f"{SECRET}\r", f"{SECRET}\t", f"{SECRET}\x1b[0m", f"sk abc {SECRET}"]


def _read_by_settings(variable: str) -> bool:
    return any(variable in str(field.validation_alias) for field in Settings.model_fields.values())


@pytest.mark.parametrize(
    ("variable", "value"), [(v, f"{SECRET}\n") for v in VARIABLES] + [("GITHUB_TOKEN", b) for b in BROKEN[1:]]
)
def test_a_malformed_key_is_refused_at_once(monkeypatch: pytest.MonkeyPatch, variable: str, value: str) -> None:
    if not _read_by_settings(variable):
        pytest.skip(f"{variable} is not a setting in this build")
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(variable, value)
    started = time.monotonic()
    result = invoke("collect", "--org", "acme", "--json")
    assert time.monotonic() - started < 5
    assert result.exit_code == 2, result.stderr
    line = one_error_line(result.stderr)
    assert variable in line
    assert "secret" not in (result.stdout + result.stderr) and "sk-abc" not in result.stderr


def test_a_malformed_token_given_on_the_command_line_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_API_URL", "http://127.0.0.1:9")  # nothing listens: a send would fail differently
    from github_issue_analysis.config import get_settings
    from github_issue_analysis.errors import UsageError
    from github_issue_analysis.github_client.credentials import github_token

    get_settings.cache_clear()
    with pytest.raises(UsageError) as refused:
        github_token(get_settings(), f"{SECRET}\n")
    assert "token" in str(refused.value) and SECRET not in str(refused.value)


def test_a_clean_key_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    result = invoke("status", "--json")
    assert result.exit_code == 0, result.stderr
