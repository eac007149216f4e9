"""Settings at their edges: `GH_ANALYSIS_DEBUG=` (empty) means off, and a data folder whose name is not UTF-8
gives one clear line and exit 2 instead of an unexpected error."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.cli_errors import one_error_line
from tests.conftest import invoke


@pytest.mark.parametrize("value", ["", " ", "0", "false", "off"])
def test_an_empty_or_false_debug_setting_means_off(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("GH_ANALYSIS_DEBUG", value)
    result = invoke("status", "--json")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""


def test_a_bad_debug_setting_is_still_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GH_ANALYSIS_DEBUG", "maybe")
    result = invoke("status")
    assert result.exit_code == 2
    assert "GH_ANALYSIS_DEBUG" in one_error_line(result.stderr)


def test_a_data_folder_name_that_is_not_utf8_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = os.fsdecode(os.fsencode(str(tmp_path)) + b"/data-\xff")
    monkeypatch.setenv("GH_ANALYSIS_DATA_DIR", folder)
    result = invoke("status")
    assert result.exit_code == 2, result.stderr
    line = one_error_line(result.stderr)
    assert "GH_ANALYSIS_DATA_DIR" in line and "UTF-8" in line


@pytest.mark.parametrize(("value", "on"), [("0", False), ("off", False), ("", False), ("1", True), ("yes", True)])
def test_debug_is_read_the_same_way_when_other_settings_fail(
    monkeypatch: pytest.MonkeyPatch, value: str, on: bool
) -> None:
    from github_issue_analysis.cli import context
    from github_issue_analysis.config import get_settings

    monkeypatch.setenv("GH_ANALYSIS_DEBUG", value)
    monkeypatch.setenv("GH_ANALYSIS_READ_TIMEOUT", "soon")  # settings fail to load
    get_settings.cache_clear()
    assert context._debugging() is on
